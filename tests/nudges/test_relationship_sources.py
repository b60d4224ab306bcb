"""The relationship log in the digest, planned set-based on both databases: overdue follow-ups
(re-nudged weekly, three times at most), due cadences, "follow up while it is fresh", snoozes,
and the circle made of who logged with, endorsed or keeps in touch with whom."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from bot.bootstrap import NUDGE_SOURCES
from bot.celebrations import consent
from bot.delivery.outbox import EXPIRED, SENT
from bot.expertise import endorsements
from bot.models import Member, TitleChange
from bot.models.celebrations import CelebrationConsent
from bot.models.outbox import Nudge
from bot.models.relationships import FollowUp
from bot.platform.db import Database
from bot.relationships import agenda, cadences, interactions
from tests.support import wiring
from tests.support.databases import statements
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM, nudge_rows
from tests.support.nudgekit import people as add_people
from tests.support.wiring import EVIDENCE

# Everyone is in London unless said otherwise: 09:00 local is 09:00 UTC in winter.
MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def at(day: date, hour: int = 6) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _team(db: Database, *ids: str, **settings: dict[str, Any]) -> dict[str, Member]:
    found = add_people(db, FakeSlack(), *({"id": i, "tz": "Europe/London"} for i in ids), now=MONDAY)
    with db.write() as s:
        for user_id, fields in settings.items():
            m = s.get(Member, found[user_id].id)
            assert m is not None
            for name, value in fields.items():
                setattr(m, name, value)
    return found


def log(db: Database, author: str, text: str, now: datetime) -> None:
    with db.write() as s:
        assert interactions.log_text(s, TEAM, author, text, now).saved


def plan(db: Database, now: datetime) -> list[tuple[str, str, date]]:
    """Plan as of `now`; what is newly planned, as (kind, about whom, local day)."""
    with db.write() as s:
        before = {n for (n,) in s.execute(select(Nudge.id))}
        wiring.plan(s, TEAM, now)
        rows = s.execute(
            select(Nudge.id, Nudge.kind, Member.user_id, Nudge.local_date)
            .join(Member, Member.id == Nudge.subject_id)
            .order_by(Nudge.id)
        ).all()
    return [(kind, who, day) for nid, kind, who, day in rows if nid not in before]


def shown(db: Database, status: str = SENT) -> None:
    """Every planned nudge reached its person (or, with `status`, ended that way)."""
    with db.write() as s:
        s.execute(update(Nudge).where(Nudge.status == "pending").values(status=status))


def test_an_overdue_follow_up_comes_back_weekly_three_times_then_stays_in_followups(any_db: Database) -> None:
    _team(any_db, "UANN", "UBOB")
    log(any_db, "UANN", "<@UBOB|bob> coffee about the roadmap follow up on 2026-11-28", MONDAY)
    saturday, monday = date(2026, 11, 28), date(2026, 11, 30)
    assert plan(any_db, at(date(2026, 11, 27))) == []  # Friday's digest: not due yet
    assert plan(any_db, at(date(2026, 11, 27), 19)) == [("follow_up", "UBOB", monday)]  # Saturday's → Monday
    assert plan(any_db, at(monday, 19)) == []
    shown(any_db)
    assert plan(any_db, at(monday + timedelta(days=4))) == []  # not within a week (Friday)
    for week in (1, 2):
        again = monday + timedelta(days=7 * week)
        assert plan(any_db, at(again)) == [("follow_up", "UBOB", again)]
        shown(any_db)
    assert plan(any_db, at(monday + timedelta(days=21))) == []  # three times: /followups only
    with any_db.read() as s:
        (item,) = agenda.for_author(s, TEAM, "UANN", at(monday + timedelta(days=21))).items
    assert item.due_on == saturday
    # Snoozed, it comes back once when the snooze ends, and is left alone again from there.
    with any_db.write() as s:
        assert agenda.snooze(s, TEAM, "UANN", item.ref, at(monday + timedelta(days=21)), span="1w").ok
    back = monday + timedelta(days=28)
    assert plan(any_db, at(back - timedelta(days=1), 19)) == [("follow_up", "UBOB", back)]
    assert plan(any_db, at(back, 19)) == []
    with any_db.write() as s:
        assert agenda.done(s, TEAM, "UANN", item.ref, at(back, 19)).ok
    shown(any_db)
    assert plan(any_db, at(back + timedelta(days=7))) == []


def test_a_nudge_that_never_reached_its_person_is_planned_again(any_db: Database) -> None:
    _team(any_db, "UANN", "UBOB")
    log(any_db, "UANN", "<@UBOB|bob> coffee follow up tomorrow", MONDAY)
    assert plan(any_db, at(date(2026, 11, 24))) == [("follow_up", "UBOB", date(2026, 11, 24))]
    shown(any_db, EXPIRED)  # the service was down all Tuesday
    assert plan(any_db, at(date(2026, 11, 25))) == [("follow_up", "UBOB", date(2026, 11, 25))]


def test_nobody_left_opted_out_or_paused_is_nudged_about_or_to(any_db: Database) -> None:
    _team(
        any_db,
        "UANN",
        "UBOB",
        "UCAT",
        "UDAN",
        "UPAUSED",
        UCAT={"nudge_others_about_me": False},
        UPAUSED={"paused_until": date(2026, 11, 26)},
    )
    log(any_db, "UANN", "<@UBOB|bob> <@UCAT|cat> sync follow up tomorrow", MONDAY)
    log(any_db, "UANN", "<@UCAT|cat> lunch follow up tomorrow", MONDAY)
    log(any_db, "UPAUSED", "<@UDAN|dan> lunch follow up tomorrow", MONDAY)
    with any_db.write() as s:
        s.execute(update(Member).where(Member.user_id == "UBOB").values(deleted=True))
        ann = s.scalar(select(Member).where(Member.user_id == "UANN"))
        dan = s.scalar(select(Member).where(Member.user_id == "UDAN"))
        assert ann is not None
        assert dan is not None
        cadences.keep_in_touch(s, TEAM, ann, dan, 7, MONDAY - timedelta(days=30))
    tuesday = date(2026, 11, 24)
    assert plan(any_db, at(tuesday)) == [("keep_in_touch", "UDAN", tuesday)]
    assert plan(any_db, at(date(2026, 11, 27))) == [
        ("follow_up", "UDAN", date(2026, 11, 27))
    ]  # after the pause


def test_a_due_cadence_is_nudged_until_contact_resets_it(any_db: Database) -> None:
    _team(any_db, "UANN", "UBOB")
    log(any_db, "UANN", "<@UBOB|bob> 1:1 #hiring", MONDAY - timedelta(days=20))
    with any_db.write() as s:
        ann, bob = (s.scalar(select(Member).where(Member.user_id == u)) for u in ("UANN", "UBOB"))
        assert ann is not None
        assert bob is not None
        cadence = cadences.keep_in_touch(s, TEAM, ann, bob, 14, MONDAY)
        assert cadence.next_due_on == date(2026, 11, 17)
    assert plan(any_db, at(date(2026, 11, 24))) == [("keep_in_touch", "UBOB", date(2026, 11, 24))]
    log(any_db, "UANN", "<@UBOB|bob> caught up", at(date(2026, 11, 24), 12))
    shown(any_db)
    assert plan(any_db, at(date(2026, 12, 1))) == []
    assert plan(any_db, at(date(2026, 12, 8))) == [("keep_in_touch", "UBOB", date(2026, 12, 8))]


def test_follow_up_with_someone_new_while_it_is_fresh(any_db: Database) -> None:
    _team(any_db, "UANN", "UBOB", "UCAT", "UDAN", "UEVE", "UFAY")
    log(any_db, "UANN", "<@UDAN|dan> lunch", MONDAY - timedelta(days=30))  # not new
    log(any_db, "UANN", "<@UEVE|eve> old chat", MONDAY - timedelta(days=9))  # stale by the time
    log(any_db, "UANN", "<@UBOB|bob> <@UDAN|dan> met at the offsite #design", MONDAY)
    log(any_db, "UANN", "<@UCAT|cat> intro call follow up in 2 weeks", MONDAY)  # a follow-up is set
    log(any_db, "UFAY", "<@UANN|ann> intro", MONDAY)  # new to Fay, so Fay's
    tuesday, wednesday = date(2026, 11, 24), date(2026, 11, 25)
    assert plan(any_db, at(tuesday)) == []  # a day later: not yet
    assert sorted(plan(any_db, at(tuesday, 19))) == [
        ("fresh_contact", "UANN", wednesday),
        ("fresh_contact", "UBOB", wednesday),
    ]
    shown(any_db)
    assert plan(any_db, at(wednesday, 19)) == []  # once
    with any_db.read() as s:
        recipients = s.execute(select(Member.user_id).join(Nudge, Nudge.recipient_id == Member.id)).scalars()
        assert sorted(recipients) == ["UANN", "UFAY"]


def test_a_friday_talk_is_followed_up_on_monday(any_db: Database) -> None:
    _team(any_db, "UANN", "UBOB")
    log(any_db, "UANN", "<@UBOB|bob> drinks", datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    assert plan(any_db, at(date(2026, 11, 27), 20)) == [("fresh_contact", "UBOB", date(2026, 11, 30))]


def test_my_circle_is_who_i_logged_endorsed_or_keep_in_touch_with_not_who_logged_me(
    any_db: Database,
) -> None:
    birthday = {"birthday_month": 11, "birthday_day": 28}
    found = _team(
        any_db,
        *("UANN", "UBOB", "UCAT", "UDAN", "UEVE", "UFAY", "UGUS"),
        **dict.fromkeys(("UANN", "UBOB", "UCAT", "UDAN", "UEVE", "UFAY", "UGUS"), birthday),
    )
    log(any_db, "UANN", "<@UBOB|bob> chat", MONDAY)
    log(any_db, "UCAT", "<@UANN|ann> chat", MONDAY)
    with any_db.write() as s:
        endorsements.endorse(s, TEAM, "UANN", ["UDAN"], "python", MONDAY, evidence=EVIDENCE)
        ann = s.get(Member, found["UANN"].id)
        assert ann is not None
        for contact, every in (("UEVE", 30), ("UFAY", 30)):
            member = s.get(Member, found[contact].id)
            assert member is not None
            cadences.keep_in_touch(s, TEAM, ann, member, every, MONDAY)
        cadences.stop(s, TEAM, ann.id, found["UFAY"].id)
    plan(any_db, at(date(2026, 11, 27)))
    subject = aliased(Member)
    with any_db.read() as s:
        rows = s.execute(
            select(Member.user_id, subject.user_id)
            .select_from(Nudge)
            .join(Member, Member.id == Nudge.recipient_id)
            .join(subject, subject.id == Nudge.subject_id)
            .where(Nudge.kind == "birthday")
        ).all()
    assert sorted((r, s) for r, s in rows) == sorted(
        [("UANN", u) for u in ("UBOB", "UDAN", "UEVE")]  # logged with, endorsed, in touch
        + [("UCAT", "UANN")]  # Cat logged Ann; Bob, logged by Ann, hears nothing (issue 11)
    )


@pytest.mark.parametrize("size", [1, 4])
def test_planning_issues_the_same_statements_for_any_number_of_members(db: Database, size: int) -> None:
    """Every source has something to plan; the statements are the same at both sizes."""
    zones = ["Europe/London", "Asia/Tokyo", "America/New_York", "Asia/Kolkata"]
    ids = [f"U{i:04d}" for i in range(10 * size)]
    found = add_people(
        db, FakeSlack(), *({"id": u, "tz": zones[i % 4]} for i, u in enumerate(ids)), now=MONDAY
    )
    with db.write() as s:
        for i, u in enumerate(ids):
            m = s.get(Member, found[u].id)
            assert m is not None
            m.birthday_month, m.birthday_day, m.start_date = 11, 28 + i % 3, date(2019, 11, 28 + i % 3)
            m.title = "Senior Engineer"
            s.add(
                TitleChange(
                    team_id=TEAM,
                    member_id=m.id,
                    old_title="Engineer",
                    new_title="Senior Engineer",
                    changed_at=MONDAY,
                )
            )
    for i, (a, b) in enumerate(zip(ids, ids[1:] + ids[:1], strict=True)):
        log(db, a, f"<@{b}|x> chat #infra follow up in 2 days", MONDAY - timedelta(days=10 + i % 5))
        log(db, b, f"<@{a}|x> met first", MONDAY + timedelta(days=1))
        with db.write() as s:
            endorsements.endorse(s, TEAM, a, [b], "python", MONDAY, evidence=EVIDENCE)
            author, contact = s.get(Member, found[a].id), s.get(Member, found[b].id)
            assert author is not None
            assert contact is not None
            cadences.keep_in_touch(s, TEAM, author, contact, 7, MONDAY - timedelta(days=30))
    with db.write() as s:  # everyone promoted agrees to have it celebrated (asked by DM)
        consent.ask(s, TEAM, MONDAY + timedelta(minutes=1), channel_ok=False)
        for consent_id, user_id in s.execute(
            select(CelebrationConsent.id, Member.user_id).join(
                Member, Member.id == CelebrationConsent.member_id
            )
        ).all():
            consent.answer(s, TEAM, user_id, str(consent_id), True, MONDAY + timedelta(minutes=1))
    with db.read() as s:
        assert s.scalar(select(FollowUp.id).limit(1)) is not None
    with statements(db) as seen, db.write() as s:
        planned = wiring.plan(s, TEAM, datetime(2026, 11, 27, 6, 0, tzinfo=UTC))
    kinds = {n.kind for n in nudge_rows(db)}
    assert kinds == {
        "birthday",
        "anniversary",
        "promotion",
        "follow_up",
        "keep_in_touch",
        "fresh_contact",
        "endorsed",
    }
    assert planned >= 10 * size
    assert len(seen) == STATEMENTS, seen


# The planner's statements, whatever the team's size: BEGIN; three temporary tables created and
# emptied; the schedules read and written (schedules, days, occasions); the title changes read;
# the endorsements claimed; one INSERT … SELECT per source.
STATEMENTS = 1 + 6 + 4 + 1 + 1 + len(NUDGE_SOURCES)
