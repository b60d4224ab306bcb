"""Planning birthdays, anniversaries and promotions for people's circles, set-based, on both DBs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.bootstrap import CIRCLE, Registry
from bot.directory import members
from bot.models import Member, TitleChange
from bot.nudges.planning import PlanContext, Planner, key
from bot.platform.db import Database
from tests.support.clock import FakeClock
from tests.support.factories import slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import (
    NOTE,
    REGISTRY,
    TEAM,
    deliver,
    dms,
    make_core,
    nudge_rows,
    say_yes_to_promotions,
    static_circle,
)
from tests.support.nudgekit import people as add_people
from tests.support.wiring import STORED

# Wednesday 25 November 2026, 12:00 UTC.
WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _set(db: Database, member: Member, **fields: Any) -> None:
    with db.write() as s:
        m = s.get(Member, member.id)
        assert m is not None
        for name, value in fields.items():
            setattr(m, name, value)


def _plan(db: Database, now: datetime, wired: Registry = REGISTRY) -> int:
    with db.write() as s:
        return wired.planner.plan(s, TEAM, now)


def _planned(db: Database) -> list[tuple[int, str, int | None, date]]:
    return sorted((n.recipient_id, n.kind, n.subject_id, n.local_date) for n in nudge_rows(db))


def test_birthdays_in_my_circle_come_the_working_day_before(any_db: Database) -> None:
    found = add_people(
        any_db,
        FakeSlack(),
        {"id": "UANN", "tz": "Europe/London"},
        {"id": "UBOB", "tz": "Asia/Tokyo"},
        {"id": "UCAT"},
        {"id": "UDAN"},
        {"id": "UEVE"},
        {"id": "UFAY"},
        {"id": "UGUS"},
        now=WEDNESDAY,
    )
    ann, bob, cat, dan, eve, fay, gus = (
        found[u] for u in ("UANN", "UBOB", "UCAT", "UDAN", "UEVE", "UFAY", "UGUS")
    )
    _set(any_db, bob, birthday_month=11, birthday_day=28)  # Saturday → Friday
    _set(any_db, cat, birthday_month=11, birthday_day=28, deleted=True)  # left
    _set(any_db, dan, birthday_month=11, birthday_day=28, nudge_others_about_me=False)
    _set(any_db, eve, birthday_month=11, birthday_day=28, show_birthday=False)
    _set(any_db, fay, start_date=date(2020, 11, 30))  # Monday → Friday; 6 years
    _set(any_db, gus, birthday_month=12, birthday_day=25)  # far off
    circle = [(ann.id, x.id) for x in (bob, cat, dan, eve, fay, gus)] + [(bob.id, ann.id)]
    with static_circle(any_db, circle) as wired:
        assert _plan(any_db, WEDNESDAY, wired) == 0  # Thursday's window: nothing
        friday_morning = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
        assert _plan(any_db, friday_morning, wired) == 2
        assert _plan(any_db, friday_morning + timedelta(minutes=5), wired) == 0  # idempotent
    friday = date(2026, 11, 27)
    assert _planned(any_db) == [(ann.id, "anniversary", fay.id, friday), (ann.id, "birthday", bob.id, friday)]
    (n,) = [n for n in nudge_rows(any_db) if n.kind == "birthday"]
    assert n.deliver_after == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert n.expires_at == datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert n.occasion == date(2026, 11, 28)


def test_29_february_birthdays_are_remembered_in_other_years(any_db: Database) -> None:
    found = add_people(
        any_db, FakeSlack(), {"id": "UANN", "tz": "UTC"}, {"id": "ULEAP", "tz": "UTC"}, now=WEDNESDAY
    )
    _set(any_db, found["ULEAP"], birthday_month=2, birthday_day=29)
    with static_circle(any_db, [(found["UANN"].id, found["ULEAP"].id)]) as wired:
        # 2027 has no 29 February: 28 February is a Sunday, so Friday 26th it is.
        assert _plan(any_db, datetime(2027, 2, 26, 8, 0, tzinfo=UTC), wired) == 1
    assert nudge_rows(any_db)[0].local_date == date(2027, 2, 26)


def test_a_promotion_reaches_the_circle_on_their_next_working_morning(any_db: Database) -> None:
    slack = FakeSlack()
    found = add_people(
        any_db,
        slack,
        {"id": "UANN", "tz": "Europe/London"},
        {"id": "UBOB", "tz": "Asia/Tokyo"},
        {"id": "UZED", "title": "Software Engineer"},
        {"id": "UYAN", "title": "Software Engineer"},
        now=WEDNESDAY,
    )
    ann, bob, zed, yan = (found[u] for u in ("UANN", "UBOB", "UZED", "UYAN"))
    friday_evening = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    with any_db.write() as s:
        members.upsert_members(
            s,
            TEAM,
            [
                slack_user("UZED", title="Senior Software Engineer"),  # promoted
                slack_user("UYAN", title="Software Developer"),  # reworded
            ],
            friday_evening,
            stored=STORED,
        )
    with static_circle(
        any_db, [(ann.id, zed.id), (bob.id, zed.id), (ann.id, yan.id), (zed.id, ann.id)]
    ) as wired:
        assert _plan(any_db, friday_evening + timedelta(minutes=1), wired) == 0  # not without a yes
        say_yes_to_promotions(any_db, friday_evening + timedelta(minutes=1))
        assert _plan(any_db, friday_evening + timedelta(minutes=2), wired) == 2
        assert _plan(any_db, friday_evening + timedelta(days=1), wired) == 0
    monday = date(2026, 11, 30)
    assert _planned(any_db) == [(ann.id, "promotion", zed.id, monday), (bob.id, "promotion", zed.id, monday)]


def test_nobody_paused_or_deactivated_is_planned_for(any_db: Database) -> None:
    found = add_people(any_db, FakeSlack(), {"id": "UANN"}, {"id": "UBOB"}, {"id": "UCAT"}, now=WEDNESDAY)
    ann, bob, cat = found["UANN"], found["UBOB"], found["UCAT"]
    _set(any_db, ann, paused_until=date(2026, 11, 27))
    _set(any_db, bob, deleted=True)
    _set(any_db, cat, birthday_month=11, birthday_day=28)
    with static_circle(any_db, [(ann.id, cat.id), (bob.id, cat.id)]) as wired:
        assert _plan(any_db, datetime(2026, 11, 27, 6, 0, tzinfo=UTC), wired) == 0


def test_celebrations_arrive_in_a_digest_with_context(db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    core = make_core(slack, db, clock)
    found = add_people(
        db, slack, {"id": "UANN", "tz": "Europe/London"}, {"id": "UBOB", "real_name": "Bob <b>"}, now=clock()
    )
    _set(db, found["UBOB"], birthday_month=11, birthday_day=28, start_date=date(2025, 11, 30))
    with static_circle(db, [(found["UANN"].id, found["UBOB"].id)]) as wired:
        _plan(db, clock(), wired)
    clock.set(datetime(2026, 11, 27, 9, 1, tzinfo=UTC))
    assert deliver(core).sent == 1
    (dm,) = dms(slack, "UANN")
    text = str(dm["blocks"])
    assert "<@UBOB>'s birthday tomorrow" in text
    assert "celebrates 1 year here on Mon, Nov 30" in text
    assert "Celebrate" in text


def test_a_source_built_once_compares_with_instants_of_each_run(db: Database) -> None:
    """A bare builder function is a source; `ctx.ago` is bound anew at every run."""
    found = add_people(db, FakeSlack(), {"id": "UANN"}, {"id": "UBOB"}, now=WEDNESDAY)
    with db.write() as s:
        for user, hours in (("UANN", 2), ("UBOB", 30)):
            changed = WEDNESDAY - timedelta(hours=hours)
            s.add(
                TitleChange(
                    team_id=TEAM, member_id=found[user].id, old_title="", new_title="", changed_at=changed
                )
            )

    def lately(ctx: PlanContext) -> Any:
        r = ctx.recipients.c
        return (
            select(*ctx.item(NOTE, occurrence=key("t", TitleChange.id), ref_id=TitleChange.id))
            .select_from(ctx.recipients)
            .join(TitleChange, TitleChange.member_id == r.member_id)
            .where(TitleChange.changed_at > ctx.ago(timedelta(days=1)))
        )

    for at, planned in ((WEDNESDAY, 1), (WEDNESDAY + timedelta(days=1), 0)):
        with db.write() as s:
            assert Planner([lately], CIRCLE).plan(s, TEAM, at) == planned
    assert [n.recipient_id for n in nudge_rows(db)] == [found["UANN"].id]
