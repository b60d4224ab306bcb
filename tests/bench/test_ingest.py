"""The ingestion bench: a tiny run reports every part in its shape (never its timings)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime

import pytest

from bench.bare import DEFAULT, PBR
from bench.ingest import (
    CHANNEL,
    HISTORY_METHODS,
    TEAM,
    Conversation,
    HistorySlack,
    main,
    minimum_for,
    render_backfill,
    render_throughput,
    run,
    seed_history,
)
from bench.report import RAPPORT
from tests.support.fakeslack import FakeSlack


def test_a_tiny_run_reports_events_whoknows_under_load_and_the_backfill() -> None:
    lines: list[str] = []
    results = run(
        events=50, senders=4, requests=3, warmup=1, backfill_messages=500, members=200, log=lines.append
    )

    (sqlite,) = results.throughput
    assert sqlite.database == "sqlite"
    assert sqlite.failures == []
    assert sqlite.drained
    assert sqlite.applied == 50  # one processed_event per event: every one went through
    assert sqlite.signals > 0
    assert math.isfinite(sqlite.acked_rate)
    assert math.isfinite(sqlite.applied_rate)
    assert "events/s" in render_throughput(sqlite)

    report = results.under_load
    assert report is not None
    assert set(report.timings) == {DEFAULT, PBR, RAPPORT}
    for timings in report.timings.values():
        assert timings.failures == []
        assert timings.n == 3
    assert [(r.baseline, r.ceiling) for r in report.ratios] == [(DEFAULT, 0.5), (PBR, 2.0)]
    assert results.streamed is not None
    assert results.streamed.sent > 0

    backfill = results.backfill
    assert backfill is not None
    assert backfill.messages == 500
    assert backfill.calls["conversations.replies"] == backfill.threads
    assert backfill.calls["conversations.history"] >= 1
    assert backfill.limited > 0  # Tier 3 was in force, and waited out
    assert backfill.waited_s > 0
    assert math.isfinite(backfill.ratio)
    assert "ratio" in render_backfill(backfill)

    printed = "\n".join(lines)
    for part in ("events on sqlite", "whoknows-while-ingesting", "backfill:", "rapport / bare-pbr"):
        assert part in printed
    assert all(
        p.startswith(("events on", "whoknows-while-ingesting", "backfill")) for p in results.problems()
    )


def test_the_stream_mixes_questions_answers_thanks_edits_and_deletions() -> None:
    conversation = Conversation(members=100, start=datetime(2026, 12, 1, tzinfo=UTC))
    events = [conversation.event() for _ in range(1_000)]
    kinds = Counter(e.get("subtype") or ("reply" if e.get("thread_ts") else "top") for e in events)
    assert kinds["message_changed"] > 0
    assert kinds["message_deleted"] > 0
    assert kinds["reply"] > kinds["top"] / 2
    assert len({e["ts"] for e in events}) == len(events)
    assert all(e["channel"] == CHANNEL for e in events)
    again = Conversation(members=100, start=datetime(2026, 12, 1, tzinfo=UTC))
    assert [again.event()["ts"] for _ in range(10)] == [e["ts"] for e in events[:10]]


def test_the_indexed_fake_answers_as_the_fake_does() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    plain, indexed = FakeSlack(team_id=TEAM), HistorySlack(team_id=TEAM)
    for fake in (plain, indexed):
        fake.add_channel(CHANNEL, "ingest-bench")
        seed_history(fake, 50, 300, now)
    team = plain.team(TEAM)
    for stored in plain.messages_in(CHANNEL)[:60]:
        ts = stored["ts"]
        assert indexed.message(CHANNEL, ts) == plain.message(CHANNEL, ts)
        assert indexed._api_message(team, indexed._stored(CHANNEL, ts)) == plain._api_message(team, stored)


def test_the_minimum_lets_fifty_calls_through_at_once_then_fifty_a_minute() -> None:
    assert minimum_for(0) == minimum_for(50) == 0
    assert minimum_for(51) == minimum_for(100) == 60
    assert minimum_for(101) == 120
    assert HISTORY_METHODS == ("conversations.history", "conversations.replies")


def test_the_command_line_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for option in ("--keep", "--events", "--postgres", "--backfill", "--profile", "--check"):
        assert option in out
    with pytest.raises(SystemExit) as refused:
        main(["--events", "0"])
    assert refused.value.code == 2
