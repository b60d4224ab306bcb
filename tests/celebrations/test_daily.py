"""Who a daily post announces, on SQLite and PostgreSQL: once per occasion, consent read at send time.

Everyone here agreed to what the post says: UBDAY and USAT shared their birthdays, UANNIV agreed
to their work anniversaries, UPROMO (asked by DM) to their new title. Asking itself is tested in
test_consent.py and test_birthday_consent.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.celebrations import consent
from bot.celebrations import daily as celebrations
from bot.celebrations.render import Celebrated
from bot.directory import members
from bot.models import Member, Workspace
from bot.models.celebrations import CelebrationConsent
from bot.platform.db import Database
from tests.support.factories import add_members, slack_user
from tests.support.wiring import STORED

TEAM = "T1"
FRIDAY = date(2027, 3, 5)
NOW = datetime(2027, 3, 5, 8, 45, tzinfo=UTC)  # 09:45 in Berlin, the workspace's zone


@pytest.fixture
def team(any_db: Database) -> Database:
    add_members(
        any_db,
        TEAM,
        slack_user("UBDAY", tz="Europe/Berlin"),
        slack_user("USAT", tz="Europe/Berlin"),
        slack_user("UANNIV", tz="Europe/Berlin"),
        slack_user("UPROMO", tz="Europe/Berlin", title="Engineer"),
        slack_user("UWORDS", tz="Europe/Berlin", title="Senior Engineer"),
        now=NOW - timedelta(days=30),
    )
    set_(any_db, "UBDAY", birthday_month=3, birthday_day=5, celebrate_birthday=True)
    set_(any_db, "USAT", birthday_month=3, birthday_day=6, celebrate_birthday=True)
    set_(any_db, "UANNIV", start_date=date(2020, 3, 7), celebrate_anniversaries=True)
    with any_db.write() as s:
        members.upsert_members(
            s,
            TEAM,
            [
                slack_user("UPROMO", tz="Europe/Berlin", title="Staff Engineer"),
                slack_user("UWORDS", tz="Europe/Berlin", title="Sr. Software Engineer"),
            ],
            NOW - timedelta(days=1),
            stored=STORED,
        )
    say_yes(any_db, "UPROMO", NOW - timedelta(hours=23))
    return any_db


def say_yes(db: Database, uid: str, now: datetime) -> None:
    """The celebrations job asks; `uid` answers Yes to every question they have."""
    with db.write() as s:
        consent.ask(s, TEAM, now, channel_ok=True)
        asked = s.scalars(
            select(CelebrationConsent.id)
            .join(Member, Member.id == CelebrationConsent.member_id)
            .where(Member.user_id == uid, CelebrationConsent.answer.is_(None))
        ).all()
        assert asked
        for consent_id in asked:
            consent.answer(s, TEAM, uid, str(consent_id), True, now)


def set_(db: Database, uid: str, **fields: Any) -> None:
    with db.write() as s:
        m = members.find_member(s, TEAM, uid)
        assert m is not None
        for name, value in fields.items():
            setattr(m, name, value)


def announced(db: Database, day: date = FRIDAY, now: datetime = NOW) -> list[Celebrated]:
    key = celebrations.post_key(TEAM, day)
    with db.write() as s:
        celebrations.attach(s, TEAM, key, day, now)
        return celebrations.items(s, TEAM, key)


def test_a_fridays_post_has_the_weekend_and_the_promotion_but_not_the_rewording(team: Database) -> None:
    found = {(c.kind, c.user_id, c.occasion, c.years, c.title) for c in announced(team)}
    assert found == {
        ("birthday", "UBDAY", FRIDAY, None, None),
        ("birthday", "USAT", date(2027, 3, 6), None, None),
        ("anniversary", "UANNIV", date(2027, 3, 7), 7, None),
        ("promotion", "UPROMO", FRIDAY, None, "Staff Engineer"),
    }


def test_each_occasion_goes_to_one_post_only(team: Database) -> None:
    assert len(announced(team)) == 4
    assert len(announced(team)) == 4  # planning again adds nothing
    # Another post (a time-zone change moved the date, say) finds nothing left to announce.
    assert announced(team, day=FRIDAY + timedelta(days=3), now=NOW + timedelta(days=3)) == []


def test_consent_is_read_again_when_the_post_is_built(team: Database) -> None:
    assert len(announced(team)) == 4
    set_(team, "UBDAY", show_birthday=False)
    set_(team, "UANNIV", celebrate_publicly=False)
    set_(team, "USAT", deleted=True)
    with team.write() as s:
        workspace = s.get(Workspace, TEAM)
        assert workspace is not None
        workspace.promotion_posts = False
    assert announced(team) == []


def test_the_slot_is_the_workspace_hour_in_its_zone_on_weekdays(team: Database) -> None:
    with team.read() as s:
        slot = celebrations.slot(s, TEAM, NOW)
        assert slot is not None
        assert slot.deliver_after == datetime(2027, 3, 5, 9, 0, tzinfo=UTC)  # 10:00 Berlin
        assert slot.expires_at == datetime(2027, 3, 5, 23, 0, tzinfo=UTC)  # midnight Berlin
        assert celebrations.slot(s, TEAM, NOW - timedelta(hours=2)) is None  # too early to plan
        assert celebrations.slot(s, TEAM, NOW + timedelta(days=1)) is None  # Saturday
