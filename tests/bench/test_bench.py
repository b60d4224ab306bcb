"""The benchmark runner: it measures all three targets, waits for response_url answers, and --check."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import Ack, App, Respond

from bench.__main__ import main
from bench.bare import DEFAULT, PBR
from bench.plan_day import bench_delivery
from bench.report import RAPPORT, Report, Timings, percentile, problems, render
from bench.runner import SIGNING_SECRET, Target, ask, carries_answer, prepared_database, run
from bench.scenario import Scenario
from bench.scenarios import SCENARIOS
from bot.platform.db import Database
from bot.platform.slack import make_client
from bot.slackapp.server import RapportWSGI, serving
from tests.support.fakeslack import FakeSlack
from tests.support.slackreq import SlackClient

HELP = next(s for s in SCENARIOS if s.name == "help")


def test_a_short_run_reports_every_target_and_both_ratios() -> None:
    lines: list[str] = []
    (report,) = run([HELP], requests=4, warmup=1, log=lines.append)

    assert set(report.timings) == {DEFAULT, PBR, RAPPORT}
    for timings in report.timings.values():
        assert timings.failures == []
        assert timings.n == 4
    assert [r.baseline for r in report.ratios] == [DEFAULT, PBR]
    assert all(math.isfinite(r.p50) and math.isfinite(r.p95) for r in report.ratios)
    table = render(report)
    for name in (DEFAULT, PBR, RAPPORT, "rapport / bare-default", "rapport / bare-pbr", "p99", "mean"):
        assert name in table


def scenario(max_default: float | None = 1.0, max_pbr: float | None = 4.0) -> Scenario:
    return Scenario(
        "made-up", "/x", texts=lambda rng: "", max_ratio_default=max_default, max_ratio_pbr=max_pbr
    )


def report_of(scenario: Scenario, default_ms: float, pbr_ms: float, rapport_ms: float) -> Report:
    timings = {
        name: Timings(name, [ms / 1000] * 3)
        for name, ms in ((DEFAULT, default_ms), (PBR, pbr_ms), (RAPPORT, rapport_ms))
    }
    return Report(scenario, requests=3, warmup=0, timings=timings)


def test_check_flags_a_p95_ratio_over_its_ceiling() -> None:
    assert problems(report_of(scenario(), default_ms=12, pbr_ms=2, rapport_ms=6)) == []

    (slow,) = problems(report_of(scenario(), default_ms=12, pbr_ms=2, rapport_ms=9))
    assert "bare-pbr p95 = 4.50, over its ceiling 4.00" in slow
    assert "OVER" in render(report_of(scenario(), default_ms=12, pbr_ms=2, rapport_ms=9))

    both = problems(report_of(scenario(), default_ms=12, pbr_ms=2, rapport_ms=13))
    assert len(both) == 2
    assert problems(report_of(scenario(None, None), default_ms=12, pbr_ms=2, rapport_ms=100)) == []


def test_check_flags_unanswered_requests_and_unmeasurable_ratios() -> None:
    report = report_of(scenario(), default_ms=12, pbr_ms=2, rapport_ms=3)
    report.timings[RAPPORT].failures.append("HTTP 500: oops")
    (failed,) = problems(report)
    assert "rapport failed 1 request(s), first: HTTP 500: oops" in failed

    nothing = report_of(scenario(), default_ms=12, pbr_ms=2, rapport_ms=3)
    nothing.timings[RAPPORT].seconds.clear()
    assert len(problems(nothing)) == 2


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


@pytest.mark.parametrize(
    ("body", "answered"),
    [
        (b"", False),
        (b'{"response_type": "ephemeral"}', False),
        (b'{"text": "hi"}', True),
        (b'{"blocks": [{"type": "divider"}]}', True),
        (b"plain text", True),
    ],
)
def test_an_http_body_is_the_answer_only_when_slack_would_show_it(body: bytes, answered: bool) -> None:
    assert carries_answer(body) is answered


@pytest.fixture
def slow_answers(slack: FakeSlack) -> Iterator[SlackClient]:
    """An app that acks empty and answers at response_url later, except to "never"."""
    app = App(
        signing_secret=SIGNING_SECRET,
        client=make_client(slack.bot_token, slack.base_url),
        process_before_response=True,
    )

    @app.command("/later")
    def later(ack: Ack, respond: Respond, command: dict[str, str]) -> None:
        ack()
        if command["text"] != "never":
            respond("done")

    with serving(RapportWSGI(app, SIGNING_SECRET)) as url:
        http = SlackClient(url, SIGNING_SECRET)
        yield http
        http.close()


def test_an_empty_ack_is_timed_to_the_response_url_post(slack: FakeSlack, slow_answers: SlackClient) -> None:
    target = Target("late", slow_answers, ack_is_answer=False)
    assert isinstance(ask(target, slack, "/later", "now", "U1", "T0001"), float)
    assert slack.responses[-1]["text"] == "done"

    missing = ask(target, slack, "/later", "never", "U1", "T0001", timeout=0.1)
    assert missing == "no answer in the HTTP response, nor at response_url within 0.1 s"


def test_keep_prepares_a_database_once_and_serves_copies(slack: FakeSlack, tmp_path: Path) -> None:
    prepared: list[str] = []

    def prepare(db: Database, fake: FakeSlack) -> str:
        prepared.append("once")
        return "T-kept"

    kept = Scenario("kept", "/x", texts=lambda rng: "", prepare=prepare)
    keep = tmp_path / "keep"
    lines: list[str] = []
    for run_dir in ("one", "two"):
        (tmp_path / run_dir).mkdir()
        db, team_id = prepared_database(kept, slack, tmp_path / run_dir, keep, lines.append)
        db.dispose()
        assert team_id == "T-kept"
        assert Path(str(db.url.database)).parent == tmp_path / run_dir
    assert prepared == ["once"]
    assert "reusing the prepared database" in lines[-1]


def test_the_command_line_lists_scenarios_and_refuses_unknown_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "help         /rapport" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["no-such-scenario"])
    assert refused.value.code == 2
    assert "choose from help" in capsys.readouterr().err


def test_every_scenario_has_a_unique_name_and_gives_texts() -> None:
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names))
    rng = random.Random(0)
    for s in SCENARIOS:
        assert s.command.startswith("/")
        assert isinstance(s.texts(rng), str)
        assert isinstance(s.user(rng), str)


def test_the_delivery_bench_sends_one_dm_to_each_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its nudges must still be ones Rapport sends (a promotion needs its owner's yes), or the
    # bench would time an outbox that drops everything. (At 10,000/s its pacing waits are µs,
    # and its ratio to that minimum means nothing.)
    bench_delivery(tmp_path, 6, 10_000.0)
    assert "6 sent, 6 distinct DMs, max per person 1" in capsys.readouterr().out
