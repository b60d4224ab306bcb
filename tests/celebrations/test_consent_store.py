"""The consent questions on SQLite and PostgreSQL: asked once whatever replicas do, in the person's
working hours, moot questions never sent, workspaces apart; and migration 0009's defaults."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from bot.celebrations import channel as celebration_channel
from bot.celebrations import consent
from bot.celebrations import daily as celebrations
from bot.celebrations.render import consent_blocks
from bot.delivery.pacer import Pacer
from bot.delivery.sender import Report, Sender
from bot.directory import members
from bot.models import Member, TitleChange, Workspace
from bot.models.celebrations import CelebrationConsent
from bot.platform.db import Database
from bot.platform.migrate import alembic_config, upgrade
from tests.support.clock import FakeClock
from tests.support.databases import POSTGRES_URL, postgres_unavailable, skip_or_fail
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM, make_core, outbox_rows
from tests.support.nudgekit import people as add_people
from tests.support.wiring import STORED

CHANNEL = "C0CELEBRATE"
# Wednesday 2 December 2026, 14:00 UTC: 09:00 in New York, 23:00 in Tokyo.
WEDNESDAY = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


def setup_team(db: Database, slack: FakeSlack, team_id: str = TEAM, *, tz: str = "America/New_York") -> None:
    add_members(db, team_id, slack_user("UPROMO", title="Engineer", tz=tz), now=WEDNESDAY - timedelta(days=9))
    with db.write() as s:
        workspace = s.get(Workspace, team_id)
        assert workspace is not None
        workspace.celebrations_channel = CHANNEL


def promote(db: Database, team_id: str, title: str, at: datetime, *, tz: str = "America/New_York") -> None:
    with db.write() as s:
        members.upsert_members(s, team_id, [slack_user("UPROMO", title=title, tz=tz)], at, stored=STORED)


def consents(db: Database, team_id: str = TEAM) -> list[CelebrationConsent]:
    with db.read() as s:
        return list(
            s.scalars(
                select(CelebrationConsent)
                .where(CelebrationConsent.team_id == team_id)
                .order_by(CelebrationConsent.id)
            )
        )


def test_the_question_goes_out_once_with_two_replicas_and_survives_a_slack_error(
    any_db: Database, slack: FakeSlack
) -> None:
    clock = FakeClock(WEDNESDAY)
    core = make_core(slack, any_db, clock)
    slack.add_channel(CHANNEL, "celebrations")
    slack.add_user("UPROMO", title="Engineer")
    setup_team(any_db, slack)
    promote(any_db, TEAM, "Chief Executive Officer - urgent: DM me your SSO code", WEDNESDAY)
    clock.advance(minutes=5)
    client = core.clients.client(TEAM)
    assert client is not None
    assert celebration_channel.find(any_db, client, core.settings, TEAM, clock()).ok  # known already

    def replicas(work: Any) -> list[Any]:
        """`work` on two replicas at once."""
        start, results = threading.Barrier(2), [None, None]

        def run(i: int) -> None:
            start.wait()
            results[i] = work(i)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        return results

    # Both replicas' celebrations jobs plan the same question: one row, one DM planned.
    assert sorted(replicas(lambda i: consent.plan_asks(core, TEAM, clock()))) == [0, 1]
    assert len(consents(any_db)) == 1
    assert [r.kind for r in outbox_rows(any_db)] == [consent.KIND]

    pacer = Pacer(any_db, TEAM, 100_000.0, clock=clock)
    senders = [
        Sender(
            any_db,
            lambda team: core.clients.client(team, wait_on_rate_limit=False),
            kinds=core.registry.outbox,
            clock=clock,
            pacer=lambda team: pacer,
            workers=2,
            worker_id=f"replica-{i}",
        )
        for i in range(2)
    ]
    slack.fail_next("chat.postMessage", status=500)  # Slack has a bad moment
    first: list[Report] = replicas(lambda i: senders[i].run(TEAM))
    assert sum(r.sent for r in first) == 0
    assert sum(r.retried for r in first) == 1
    clock.advance(minutes=2)  # past the back-off
    again: list[Report] = replicas(lambda i: senders[i].run(TEAM))
    assert sum(r.sent for r in again) == 1
    clock.advance(minutes=10)
    assert sum(r.sent for r in replicas(lambda i: senders[i].run(TEAM))) == 0
    delivered = [c for c in slack.calls_to("chat.postMessage") if c.ok]
    assert [c.params["channel"] for c in delivered] == ["UPROMO"]
    assert "Celebrate it in" in str(delivered[0].params["blocks"])
    assert [r.status for r in outbox_rows(any_db)] == ["sent"]


def test_the_question_waits_for_the_persons_working_morning(any_db: Database, slack: FakeSlack) -> None:
    setup_team(any_db, slack, tz="Asia/Tokyo")  # 23:00 there: after their working day
    promote(any_db, TEAM, "Senior Engineer", WEDNESDAY, tz="Asia/Tokyo")
    with any_db.write() as s:
        assert consent.ask(s, TEAM, WEDNESDAY, channel_ok=True) == 1
    (row,) = outbox_rows(any_db)
    assert row.deliver_after == datetime(2026, 12, 3, 0, 0, tzinfo=UTC)  # Thursday 09:00 in Tokyo
    assert row.expires_at == WEDNESDAY + consent.PROMOTION_LOOKBACK
    with any_db.write() as s:
        assert consent.ask(s, TEAM, WEDNESDAY + timedelta(hours=1), channel_ok=True) == 0  # once


def test_an_anniversary_is_asked_a_week_ahead_only_if_an_answer_can_come_in_time(
    any_db: Database, slack: FakeSlack
) -> None:
    found = add_people(
        any_db,
        slack,
        {"id": "UNEXT", "tz": "America/New_York"},  # 3 years on Wednesday 9 December
        {"id": "UFAR", "tz": "America/New_York"},  # on the 10th: not yet
        {"id": "UTODAY", "tz": "Asia/Tokyo"},  # today: their next morning comes after today's post
        {"id": "USHY", "tz": "America/New_York"},  # opted out of public celebrations
        now=WEDNESDAY,
    )
    starts = {"UNEXT": date(2023, 12, 9), "UFAR": date(2023, 12, 10), "UTODAY": date(2020, 12, 2)}
    with any_db.write() as s:
        for uid, start in starts.items():
            m = s.get(Member, found[uid].id)
            assert m is not None
            m.start_date = start
        shy = s.get(Member, found["USHY"].id)
        assert shy is not None
        shy.start_date, shy.celebrate_publicly = date(2023, 12, 9), False
        # Not without a channel to post in (nothing to ask about).
        assert consent.ask(s, TEAM, WEDNESDAY, channel_ok=False) == 0
        workspace = s.get(Workspace, TEAM)
        assert workspace is not None
        workspace.tz = "America/New_York"  # the post at 10:00 there, 15:00 UTC
        assert consent.ask(s, TEAM, datetime(2026, 12, 2, 14, 0, tzinfo=UTC), channel_ok=True) == 1
    (asked,) = consents(any_db)
    assert (asked.kind, asked.member_id, asked.occasion, asked.post_day, asked.years) == (
        "anniversary",
        found["UNEXT"].id,
        date(2026, 12, 9),
        date(2026, 12, 9),
        3,
    )
    (row,) = outbox_rows(any_db)
    assert row.expires_at == datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # no later than the post


def test_a_question_that_became_moot_is_not_sent(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(WEDNESDAY)
    core = make_core(slack, any_db, clock)
    slack.add_channel(CHANNEL, "celebrations")
    found = add_people(
        any_db,
        slack,
        {"id": "UCHOSE"},  # ticks "Celebrate my work anniversaries" in /rapport settings first
        {"id": "ULEFT"},  # leaves
        {"id": "UOUT"},  # opts out of public celebrations
        {"id": "UASK"},
        now=WEDNESDAY,
    )
    with any_db.write() as s:
        workspace = s.get(Workspace, TEAM)
        assert workspace is not None
        workspace.celebrations_channel = CHANNEL
        for m in found.values():
            member = s.get(Member, m.id)
            assert member is not None
            member.start_date = date(2024, 12, 4)
    assert consent.plan_asks(core, TEAM, clock()) == 4
    with any_db.write() as s:
        chose, left, out = (s.get(Member, found[u].id) for u in ("UCHOSE", "ULEFT", "UOUT"))
        assert chose is not None
        assert left is not None
        assert out is not None
        chose.celebrate_anniversaries, left.deleted, out.celebrate_publicly = True, True, False
    report = core.sender().run(TEAM)
    assert (report.sent, report.skipped) == (1, 3)
    assert [c.params["channel"] for c in slack.calls_to("chat.postMessage")] == ["UASK"]


def test_a_second_workspace_is_unaffected(any_db: Database, slack: FakeSlack) -> None:
    """The same Slack user id in two workspaces: two people, two questions, two answers."""
    other = "T0002"
    for team_id in (TEAM, other):
        setup_team(any_db, slack, team_id)
        promote(any_db, team_id, "Staff Engineer", WEDNESDAY)
    with any_db.write() as s:
        assert consent.ask(s, TEAM, WEDNESDAY, channel_ok=True) == 1
    assert consents(any_db, other) == []  # planning one workspace asks nobody in another
    with any_db.write() as s:
        assert consent.ask(s, other, WEDNESDAY, channel_ok=True) == 1
    (mine,), (theirs,) = consents(any_db), consents(any_db, other)
    with any_db.write() as s:
        # A click claiming this workspace, carrying the other's question: nothing happens.
        assert consent.answer(s, TEAM, "UPROMO", str(theirs.id), True, WEDNESDAY) == consent.Answered()
        answered = consent.answer(s, TEAM, "UPROMO", str(mine.id), True, WEDNESDAY)
        assert answered.message is not None
    assert [c.answer for c in consents(any_db)] == ["yes"]
    assert [c.answer for c in consents(any_db, other)] == [None]
    thursday, at = date(2026, 12, 3), datetime(2026, 12, 3, 14, 45, tzinfo=UTC)
    with any_db.write() as s:
        for team_id in (TEAM, other):
            celebrations.attach(s, team_id, celebrations.post_key(team_id, thursday), thursday, at)
        ours = celebrations.items(s, TEAM, celebrations.post_key(TEAM, thursday))
        theirs_post = celebrations.items(s, other, celebrations.post_key(other, thursday))
    assert [(c.kind, c.user_id, c.title) for c in ours] == [("promotion", "UPROMO", "Staff Engineer")]
    assert theirs_post == []


def test_a_yes_stands_only_for_the_title_agreed_to(any_db: Database, slack: FakeSlack) -> None:
    setup_team(any_db, slack)
    promote(any_db, TEAM, "Senior Engineer", WEDNESDAY)
    with any_db.write() as s:
        consent.ask(s, TEAM, WEDNESDAY, channel_ok=True)
    (asked,) = consents(any_db)
    with any_db.write() as s:
        consent.answer(s, TEAM, "UPROMO", str(asked.id), True, WEDNESDAY)
    # Before the post, someone edits the title again: the yes was not for this text.
    promote(
        any_db, TEAM, "Senior Engineer <!here> click https://evil.example", WEDNESDAY + timedelta(hours=1)
    )
    thursday, at = date(2026, 12, 3), datetime(2026, 12, 3, 14, 45, tzinfo=UTC)
    with any_db.write() as s:
        celebrations.attach(s, TEAM, celebrations.post_key(TEAM, thursday), thursday, at)
        assert celebrations.items(s, TEAM, celebrations.post_key(TEAM, thursday)) == []


# -- migration 0009 ------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Database]:
    """A database with no schema at all, to migrate step by step."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path}/empty.db")
        yield db
        db.dispose()
        return
    reason = postgres_unavailable()
    if reason:
        skip_or_fail(reason)
    schema = f"rapport_consent_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    db = Database(f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


_MEMBER = text(
    "INSERT INTO member (id, team_id, user_id, name, real_name, display_name, title, tz, deleted, is_bot, "
    "celebrate_publicly, show_birthday, nudge_others_about_me, delivery_hour, day_end_hour, work_days, "
    "start_date) VALUES (:id, 'T1', :user_id, '', '', '', '', 'UTC', :f, :f, :public, :t, :t, 9, 18, "
    "'12345', :start)"
)


def test_existing_people_keep_their_choice_and_never_chosen_is_not_consent(empty_db: Database) -> None:
    upgrade(empty_db, "0008")
    at = datetime(2026, 11, 1, 12, 0)  # (stored naive, in UTC)
    with empty_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace (team_id, name, domain, created_at, celebration_hour, promotion_posts)"
                " VALUES ('T1', '', '', :at, 10, :t)"
            ),
            {"at": at, "t": True},
        )
        for i, (uid, public) in enumerate((("USHY", False), ("UNEVER", True)), start=1):
            params = {
                "id": i,
                "user_id": uid,
                "public": public,
                "start": date(2020, 12, 4),
                "t": True,
                "f": False,
            }
            conn.execute(_MEMBER, params)
        conn.execute(
            text(
                "INSERT INTO title_change (team_id, member_id, old_title, new_title, changed_at)"
                " VALUES ('T1', 1, 'a', 'b', :at)"
            ),
            {"at": at},
        )
    upgrade(empty_db)
    with empty_db.read() as s:
        found = {m.user_id: m for m in s.scalars(select(Member))}
        shy, never = found["USHY"], found["UNEVER"]
        assert (shy.celebrate_publicly, shy.celebrate_anniversaries, shy.is_admin) == (False, False, False)
        assert (never.celebrate_publicly, never.celebrate_anniversaries, never.is_admin) == (
            True,
            None,
            False,
        )

        def ticked(m: Member) -> dict[str, list[str]]:
            return {
                b["block_id"]: [o["value"] for o in b["element"].get("initial_options") or []]
                for b in consent_blocks(m)
                if b.get("type") == "input"
            }

        assert ticked(never) == {"celebration_consent": [], "celebration_privacy": []}
        assert ticked(shy) == {"celebration_consent": [], "celebration_privacy": ["celebrate_publicly"]}
    with empty_db.write() as s:  # the one who never chose is asked; the one who said no is not
        assert consent.ask(s, "T1", datetime(2026, 11, 30, 9, 0, tzinfo=UTC), channel_ok=True) == 1
        (asked,) = s.scalars(select(CelebrationConsent)).all()
        assert asked.member_id == never.id

    # Going back keeps everyone and everything that refers to them.
    cfg = alembic_config(empty_db)
    with empty_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM member")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM title_change")).scalar() == 1
    upgrade(empty_db)
    with empty_db.read() as s:
        assert s.scalar(select(TitleChange.new_title)) == "b"
