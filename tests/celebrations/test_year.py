"""A simulated year of celebration posts for 30 people across four time zones, driven by the clock.

Leap-day birthdays in a year without one, weekend occasions, New Year's Day on a Saturday, an
opt-out from the start, one between planning and sending, a hidden birthday, a deactivation in
June, a promotion on a Saturday, a reworded title and a 429 from Slack. Every celebration must
be posted exactly once, on the right workspace day, and nobody who opted out or left may appear.

Birthdays (from HR's records here, not shared by their owners), work anniversaries and promotions
are posted only with their owner's yes: everyone here answers "Yes, celebrate it" (over signed
HTTP, on the DM's own button) when Rapport's question arrives, a week before their first
birthday and first anniversary, and after the promotion. Whoever opted out, or keeps their
birthday private, is never asked about it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.celebrations.ids import Action
from bot.core import Core
from bot.directory import members
from bot.models import Member
from bot.platform.db import Database
from jobs import JOBS
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import SIGNING_SECRET, make_settings, serve
from tests.support.slackreq import SlackClient, block_actions
from tests.support.wiring import STORED

BERLIN = ZoneInfo("Europe/Berlin")  # the most common zone below, so the workspace's
CHANNEL = "C0CELEBRATE"
FIRST, LAST = date(2027, 1, 1), date(2027, 12, 31)
LINE = re.compile(r":(birthday|tada|rocket): .*?<@(U\w+)>(?:.*?\(on (\w+)\))?")
KINDS = {"birthday": "birthday", "tada": "anniversary", "rocket": "promotion"}

# (id, zone, birthday (month, day), start date, title)
PEOPLE: list[tuple[str, str, tuple[int, int] | None, date | None, str]] = [
    ("UNEWYEAR", "Europe/Berlin", (1, 1), date(2019, 1, 4), ""),  # 1 Jan 2028 is a Saturday
    ("ULEAP1", "Europe/Berlin", (2, 29), None, ""),  # 28 Feb 2027 is a Sunday
    ("ULEAP2", "America/New_York", (2, 29), date(2020, 2, 29), ""),
    ("USAT", "Asia/Tokyo", (3, 6), None, ""),
    ("USUN", "Asia/Tokyo", (3, 7), None, ""),
    ("UFRI", "Europe/Berlin", (3, 5), date(2025, 3, 5), ""),
    ("UNYE", "Australia/Sydney", (12, 31), None, ""),
    ("USHY", "Europe/Berlin", (4, 14), date(2021, 4, 20), ""),  # opted out from the start
    ("UHIDDEN", "America/New_York", (5, 5), date(2022, 5, 5), ""),  # hides the birthday only
    ("ULATE", "Europe/Berlin", (6, 16), None, ""),  # opts out after that day's post is planned
    ("ULEFT", "Asia/Tokyo", (9, 9), date(2024, 3, 3), ""),  # deactivated on 1 June
    ("UPROMO", "Europe/Berlin", None, None, "Engineer"),
    ("USHYPROMO", "America/New_York", None, None, "Engineer"),  # opted out, promoted anyway
    ("U429", "Europe/Berlin", (10, 13), None, ""),  # Slack answers 429 on the day
    ("UDEC", "Asia/Tokyo", (12, 24), date(2026, 12, 24), ""),  # first anniversary on a Friday
]
ZONES = ["Europe/Berlin"] * 5 + ["America/New_York"] * 5 + ["Asia/Tokyo"] * 3 + ["Australia/Sydney"] * 2
for n, zone in enumerate(ZONES):  # fifteen more, spread over the year
    PEOPLE.append((f"UP{n:02d}", zone, (1 + n % 12, 3 + 2 * n), date(2010 + n, 1 + (n * 5) % 12, 10 + n), ""))
assert len(PEOPLE) == 30

OPTED_OUT = {"USHY", "USHYPROMO"}
LATE_OPT_OUT = ("ULATE", date(2027, 6, 16))
LEFT = ("ULEFT", date(2027, 6, 1))
PROMOTED_ON = datetime(2027, 7, 10, 12, tzinfo=UTC)  # a Saturday
REWORDED_ON = datetime(2027, 8, 4, 7, tzinfo=UTC)
RATE_LIMITED_DAY = date(2027, 10, 13)


def observed(day: date) -> date:
    """Written out again here, not taken from the code under test: weekends → the Friday before."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def on(year: int, month: int, day: int) -> date:
    return date(year, 2, 28) if (month, day) == (2, 29) and year % 4 else date(year, month, day)


def expected() -> set[tuple[date, str, str, date]]:
    """(post day, person, kind, occasion) for every celebration the year should bring."""
    out = set()
    for uid, _, birthday, start, _ in PEOPLE:
        if uid in OPTED_OUT:
            continue
        for year in (2027, 2028):
            occasions = []
            if birthday and uid != "UHIDDEN":
                occasions.append(("birthday", on(year, *birthday)))
            if start and year > start.year:
                occasions.append(("anniversary", on(year, start.month, start.day)))
            for kind, day in occasions:
                post = observed(day)
                if not FIRST <= post <= LAST:
                    continue
                if (uid, post) == LATE_OPT_OUT or (uid == LEFT[0] and post >= LEFT[1]):
                    continue
                out.add((post, uid, kind, day))
    out.add((date(2027, 7, 12), "UPROMO", "promotion", date(2027, 7, 12)))  # the Monday after
    return out


@pytest.fixture
def year(db: Database, monkeypatch: pytest.MonkeyPatch) -> Any:
    clock = FakeClock(datetime(2026, 12, 31, 12, tzinfo=UTC))
    slack = FakeSlack(wall_clock=clock).start()
    core = Core(settings=make_settings(slack, db, celebrations_channel="celebrations"), db=db, clock=clock)
    slack.add_channel(CHANNEL, "celebrations")
    users = []
    for uid, zone, _, _, title in PEOPLE:
        slack.add_user(uid, tz=zone, title=title)
        users.append(slack_user(uid, tz=zone, title=title))
    add_members(db, slack.team_id, *users, now=clock())
    with db.write() as s:
        for uid, _, birthday, start, _ in PEOPLE:
            m = members.find_member(s, slack.team_id, uid)
            assert m is not None
            m.birthday_month, m.birthday_day = birthday or (None, None)
            m.start_date = start
            m.celebrate_publicly = uid not in OPTED_OUT
            m.show_birthday = uid != "UHIDDEN"
    with serve(core) as url:
        yield core, slack, clock, SlackClient(url, SIGNING_SECRET)
    slack.stop()


def questions(slack: FakeSlack) -> list[tuple[dict[str, Any], str]]:
    """Rapport's consent DMs so far, with the value of their Yes button."""
    found = []
    for message in slack.messages:
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if isinstance(element, dict) and element.get("action_id") == Action.CONSENT_YES:
                    found.append((message, str(element["value"])))
    return found


def say_yes(slack: FakeSlack, http: SlackClient, answered: dict[str, dict[str, Any]]) -> None:
    """Everyone asked answers Yes, on the button of the DM they got (which then says so)."""
    for message, value in questions(slack):
        assert value not in answered, "a question came back after its answer"
        assert message["channel"].startswith("D")
        answered[value] = dict(message)
        click = block_actions(message["channel"][1:], Action.CONSENT_YES, value, message=message)
        assert http.interact(click).status == 200
    slack.wait_for("chat.update", len(answered))
    assert not questions(slack)  # every DM answered now says what was chosen


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


def set_member(core: Core, team_id: str, uid: str, **fields: Any) -> None:
    with core.db.write() as s:
        m = members.find_member(s, team_id, uid)
        assert m is not None
        for name, value in fields.items():
            setattr(m, name, value)


def retitle(core: Core, team_id: str, uid: str, title: str, at: datetime) -> None:
    """What the directory sync does when Slack shows a new title."""
    zone = next(z for u, z, _, _, _ in PEOPLE if u == uid)
    with core.db.write() as s:
        members.upsert_members(s, team_id, [slack_user(uid, title=title, tz=zone)], at, stored=STORED)


@pytest.mark.slow
def test_a_year_of_celebrations_posts_each_exactly_once(year: Any) -> None:
    core, slack, clock, http = year
    team = slack.team_id
    posted: list[tuple[date, dict[str, Any]]] = []
    answered: dict[str, dict[str, Any]] = {}  # each question (by its Yes button's value), as it came
    day = FIRST - timedelta(days=1)
    while day < LAST:
        day += timedelta(days=1)
        if day == LEFT[1]:
            retire = slack_user(LEFT[0], deleted=True, tz="Asia/Tokyo")
            with core.db.write() as s:
                members.upsert_members(s, team, [retire], clock.set(berlin(day, 7)), stored=STORED)
        if day == PROMOTED_ON.date():
            retitle(core, team, "UPROMO", "Senior Engineer", clock.set(PROMOTED_ON))
            retitle(core, team, "USHYPROMO", "Senior Engineer", PROMOTED_ON)
        if day == REWORDED_ON.date():
            retitle(core, team, "UPROMO", "Sr. Engineer", clock.set(REWORDED_ON))
        clock.set(berlin(day, 9, 35))
        JOBS["celebrations"](core, clock())  # plans the post half an hour ahead, and asks
        clock.set(berlin(day, 9, 36))
        core.sender().run(team)  # the questions due go out (in each person's working hours)
        say_yes(slack, http, answered)
        clock.set(berlin(day, 9, 40))
        JOBS["celebrations"](core, clock())  # the job's next tick
        if day == LATE_OPT_OUT[1]:
            clock.set(berlin(day, 9, 45))
            set_member(core, team, LATE_OPT_OUT[0], celebrate_publicly=False)
        if day == RATE_LIMITED_DAY:
            slack.fail_next("chat.postMessage", status=429, retry_after=60)
        seen = len(slack.messages_in(CHANNEL))
        clock.set(berlin(day, 10, 1))
        core.sender().run(team)  # the sender's tick just after the hour
        if day.weekday() == 4 or day == RATE_LIMITED_DAY:
            # Later ticks: planning again adds nothing, and the sender retries what Slack refused.
            clock.set(berlin(day, 10, 31))
            JOBS["celebrations"](core, clock())
            core.sender().run(team)
        say_yes(slack, http, answered)
        posted += [(day, m) for m in slack.messages_in(CHANNEL)[seen:]]

    found = []
    for day, message in posted:
        text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
        for kind, uid, weekday in LINE.findall(text):
            occasion = day
            while weekday and occasion.strftime("%A") != weekday:
                occasion += timedelta(days=1)
            found.append((day, uid, KINDS[kind], occasion))
    assert len(found) == len(set(found)), "a celebration was posted twice"
    assert set(found) == expected()
    assert len({day for day, _ in posted}) == len(posted), "more than one post on a day"
    assert all(day.weekday() < 5 for day, _ in posted)
    leap = {(d, uid) for d, uid, kind, _ in found if uid in ("ULEAP1", "ULEAP2") and kind == "birthday"}
    assert leap == {(date(2027, 2, 26), "ULEAP1"), (date(2027, 2, 26), "ULEAP2")}
    assert (date(2027, 12, 31), "UNEWYEAR", "birthday", date(2028, 1, 1)) in found
    assert not {uid for _, uid, _, _ in found} & OPTED_OUT
    assert (date(2027, 10, 13), "U429", "birthday", date(2027, 10, 13)) in found
    with core.db.read() as s:
        assert s.query(Member).filter(Member.deleted.is_(True)).count() == 1
    # Each person was asked once: before their first birthday and anniversary (ULEFT's birthday
    # came after they left), and after the promotion.
    asked = [message["channel"][1:] for message in answered.values()]
    with_starts = [uid for uid, _, _, start, _ in PEOPLE if start and uid not in OPTED_OUT]
    not_asked = OPTED_OUT | {"UHIDDEN", LEFT[0]}
    with_birthdays = [uid for uid, _, birthday, _, _ in PEOPLE if birthday and uid not in not_asked]
    assert sorted(asked) == sorted([*with_starts, *with_birthdays, "UPROMO"])
    (promotion,) = [m for m in answered.values() if m["channel"] == "DUPROMO"]
    assert "Congratulations on your new role, *Senior Engineer*" in json.dumps(promotion["blocks"])
