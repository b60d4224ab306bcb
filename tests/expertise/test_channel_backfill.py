"""Backfilling a channel Rapport is invited to, against the fake Slack's conversations.history and
.replies (paged, rate-limited like Slack's Tier 3): the last 90 days count, older messages don't;
a backfill stopped halfway (a crash, Slack failing) goes on from its last page and counts every
message once; Retry-After is waited out on the clock, never slept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.expertise import backfill, channels
from bot.models import Workspace
from bot.models.activity import LEFT, WATCHING, ChannelActivity, ChannelSignal, ChannelWatch
from tests.expertise.test_channel_events import ANA, BO, CY, DEE, INFRA, app, invited
from tests.expertise.test_http import command, shown
from tests.support.clock import FakeClock
from tests.support.fixtures import Served

__all__ = ["app"]

THREADS = 120  # questions, each answered in its thread: 120 history messages + 240 replies


def ts_at(app: Served, days_ago: float, n: int = 0) -> str:
    at = app.core.clock() - timedelta(days=days_ago)
    return f"{at.timestamp():.0f}.{n:06d}"


def seed_history(app: Served, threads: int = THREADS) -> None:
    slack = app.slack
    for i in range(threads):
        parent = ts_at(app, 80 - i * 0.5, 1)
        slack.add_message(INFRA, f"how do we rotate the terraform state lock {i}?", user=BO, ts=parent)
        slack.add_message(
            INFRA,
            "run `terraform force-unlock` with the lock id, then re-plan to check nothing drifted",
            user=ANA,
            ts=ts_at(app, 80 - i * 0.5, 2),
            thread_ts=parent,
        )
        slack.add_message(
            INFRA, "thanks, that worked!", user=BO, ts=ts_at(app, 80 - i * 0.5, 3), thread_ts=parent
        )
    # Older than 90 days: never read.
    slack.add_message(
        INFRA, "here is our kafka consumer config: https://example.com/kafka", user=DEE, ts=ts_at(app, 120)
    )


def counts(app: Served) -> tuple[int, int]:
    with app.core.db.read() as session:
        signals = session.scalar(select(func.count()).select_from(ChannelSignal)) or 0
        answers = session.scalar(select(func.sum(ChannelActivity.answers))) or 0
    return int(signals), int(answers)


def watch(app: Served) -> ChannelWatch:
    with app.core.db.read() as session:
        found = session.get(ChannelWatch, ("T0001", INFRA))
    assert found is not None
    return found


def test_a_team_that_declared_nothing_is_answered_from_its_history(app: Served) -> None:
    seed_history(app, 30)
    invited(app)
    run(app)  # the `backfill-channels` job, after the invitation
    assert watch(app).state == WATCHING
    text = shown(command(app, "/whoknows", "terraform", user=CY))
    assert f"<@{ANA}>" in text
    assert f"answered 30 threads about *Terraform* in <#{INFRA}>, thanked 30 times" in text
    assert f"<@{BO}>" not in text  # asked 30 times: still no sign of knowing
    assert f"<@{DEE}>" not in shown(command(app, "/whoknows", "kafka", user=CY))  # 120 days ago
    assert watch(app).messages == 30


def run(app: Served, pages: int = backfill.PAGES_PER_RUN) -> backfill.Ran:
    """A backfill run, in pages of 50 (so that 120 threads take three)."""
    core = app.core
    return backfill.run(
        core.db, core.clients.client, core.clock(), evidence=core.registry.evidence, pages=pages, size=50
    )


def joined(app: Served) -> None:
    with app.core.db.write() as session:
        channels.joined(session, "T0001", INFRA, app.core.clock())


def test_a_backfill_stopped_halfway_resumes_and_counts_each_message_once(
    app: Served, clock: FakeClock
) -> None:
    seed_history(app)
    joined(app)
    first = run(app, pages=1)  # stopped after one page, as a killed worker would be
    assert first.pages == 1
    assert watch(app).cursor is not None
    assert watch(app).state != WATCHING
    app.slack.fail_next("conversations.replies", status=500)  # Slack fails mid-page
    run(app)
    clock.advance(minutes=10)  # the lease of the failed run has run out
    run(app)
    assert watch(app).state == WATCHING
    once = counts(app)
    assert once == (THREADS, THREADS)  # each answer, once (questions keep nothing)
    # Everything read again (a replica that never saw the cursor): nothing counts twice.
    with app.core.db.write() as session:
        session.get(ChannelWatch, ("T0001", INFRA)).state = "backfilling"  # type: ignore[union-attr]
        session.get(ChannelWatch, ("T0001", INFRA)).cursor = None  # type: ignore[union-attr]
    run(app)
    assert counts(app) == once


def test_slacks_rate_limit_is_waited_out_on_the_clock(app: Served, clock: FakeClock) -> None:
    seed_history(app)
    app.slack.rate_limit("conversations.replies", None, 50)  # Tier 3: about 50 a minute
    joined(app)
    slept = clock.slept
    ran = run(app)
    assert ran.done == 1
    assert counts(app)[1] == THREADS
    # 120 threads at 50 a minute: at least a minute and a half waited out, all of it on the clock.
    assert clock.slept - slept >= 60


def test_a_channel_rapport_is_not_in_stops_its_backfill(app: Served) -> None:
    app.slack.add_channel(INFRA, "infra", bot_member=False)  # removed before the backfill began
    seed_history(app)
    joined(app)
    assert run(app).pages == 0
    assert watch(app).state == LEFT
    assert counts(app) == (0, 0)


def test_a_workspace_that_turned_learning_off_reads_no_history(app: Served) -> None:
    seed_history(app, 5)
    joined(app)
    with app.core.db.write() as session:
        session.get(Workspace, "T0001").learn_from_channels = False  # type: ignore[union-attr]
    assert run(app).pages == 0
    assert app.slack.calls_to("conversations.history") == []
    with app.core.db.write() as session:
        session.get(Workspace, "T0001").learn_from_channels = True  # type: ignore[union-attr]
    assert run(app).done == 1  # (and resumes where it was: nothing was read meanwhile)
    assert counts(app) == (5, 5)
