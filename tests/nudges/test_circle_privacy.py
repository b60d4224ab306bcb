"""Whose occasions a digest mentions says nothing private: a log ties its *author* to the people
in it, never the other way round, so no one learns that a colleague logged them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.directory import members
from bot.expertise import endorsements
from bot.models import Member
from bot.platform.db import Database
from bot.relationships import interactions
from tests.support.factories import slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import REGISTRY, TEAM, nudge_rows, say_yes_to_promotions
from tests.support.nudgekit import people as add_people
from tests.support.wiring import EVIDENCE, STORED

WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FRIDAY_MORNING = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def birthday_on_saturday(db: Database, member: Member) -> None:
    with db.write() as s:
        m = s.get(Member, member.id)
        assert m is not None
        m.birthday_month, m.birthday_day = 11, 28


def planned(db: Database) -> set[tuple[str, str, str]]:
    with db.read() as s:
        names = {m.id: m.user_id for m in s.query(Member)}
    return {(names[n.recipient_id], n.kind, names[n.subject_id or 0]) for n in nudge_rows(db) if n.subject_id}


def test_being_logged_by_someone_brings_you_none_of_their_news(any_db: Database) -> None:
    found = add_people(
        any_db,
        FakeSlack(),
        {"id": "UANN", "title": "Engineer"},
        {"id": "UBOB"},
        {"id": "UCAT"},
        {"id": "UDAN"},
        now=WEDNESDAY,
    )
    ann, bob = found["UANN"], found["UBOB"]
    with any_db.write() as s:  # Ann's private log of a talk with Bob, and Bob's with Cat
        assert interactions.log_text(s, TEAM, "UANN", "<@UBOB> coffee about the reorg", WEDNESDAY).saved
        assert interactions.log_text(s, TEAM, "UBOB", "<@UCAT> pairing", WEDNESDAY).saved
        # Dan endorses Ann: a tie Ann can see, so Dan may hear her news (the control).
        endorsements.endorse(s, TEAM, "UDAN", ["UANN"], "kubernetes", WEDNESDAY, evidence=EVIDENCE)
    birthday_on_saturday(any_db, ann)
    birthday_on_saturday(any_db, bob)
    promoted_at = WEDNESDAY + timedelta(hours=30)  # Thursday evening
    with any_db.write() as s:
        members.upsert_members(
            s, TEAM, [slack_user("UANN", title="Senior Engineer")], promoted_at, stored=STORED
        )
    say_yes_to_promotions(any_db, promoted_at)  # Ann wants her promotion celebrated
    with any_db.write() as s:
        REGISTRY.planner.plan(s, TEAM, FRIDAY_MORNING)
    news = planned(any_db)
    # The control: a public tie hears of Ann's birthday and her promotion.
    assert {("UDAN", "birthday", "UANN"), ("UDAN", "promotion", "UANN")} <= news
    # Ann logged Bob: her own log puts Bob in her circle.
    assert ("UANN", "birthday", "UBOB") in news
    # Bob was logged by Ann: nothing public ties them, so Bob hears nothing of Ann.
    assert not {n for n in news if n[0] == "UBOB" and n[2] == "UANN"}
    # Cat was logged by Bob: no news of Bob for Cat either.
    assert not {n for n in news if n[0] == "UCAT"}


def test_a_public_tie_still_brings_the_news(any_db: Database) -> None:
    found = add_people(any_db, FakeSlack(), {"id": "UANN"}, {"id": "UBOB"}, now=WEDNESDAY)
    birthday_on_saturday(any_db, found["UANN"])
    with any_db.write() as s:  # Bob endorses Ann: she sees it in /skills, so the tie is no secret
        endorsements.endorse(s, TEAM, "UBOB", ["UANN"], "kubernetes", WEDNESDAY, evidence=EVIDENCE)
    with any_db.write() as s:
        REGISTRY.planner.plan(s, TEAM, FRIDAY_MORNING)
    assert ("UBOB", "birthday", "UANN") in planned(any_db)
    assert date(2026, 11, 27) in {n.local_date for n in nudge_rows(any_db)}
