"""A simulated fortnight across eight time zones, two DST changes and two weekends.

The injected clock ticks the real `nudges` job every 30 minutes (so Kathmandu's 09:00, at
03:15 UTC, is met at 09:15); the fake Slack stamps each call with the simulated time. The
oracle is worked out independently, day by day, from the definitions in DESIGN.md.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot import people
from bot.db import Database
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.seniority import is_promotion
from jobs.nudges import run_nudges
from tests.clock import FakeClock
from tests.factories import slack_user
from tests.fakeslack import FakeSlack
from tests.nudgekit import TEAM, make_core, static_circle
from tests.nudgekit import people as add_people

START = datetime(2026, 3, 22, 12, 0, tzinfo=UTC)  # Sunday; London springs forward on the 29th
END = datetime(2026, 4, 6, 12, 0, tzinfo=UTC)  # Sydney and Santiago fall back on 5 April
TICK = timedelta(minutes=30)

# (user, zone, settings)
PEOPLE: list[tuple[str, str, dict[str, Any]]] = [
    ("ULON", "Europe/London", {}),
    ("ULON2", "Europe/London", {"delivery_hour": 8}),
    ("UNYC", "America/New_York", {}),
    ("ULAX", "America/Los_Angeles", {"work_days": "1234567"}),
    ("USCL", "America/Santiago", {}),
    ("UKOL", "Asia/Kolkata", {}),
    ("UKTM", "Asia/Kathmandu", {"work_days": "12347"}),  # Sunday to Thursday
    ("UTYO", "Asia/Tokyo", {"paused_until": date(2026, 3, 31)}),
    ("USYD", "Australia/Sydney", {}),
    ("USYD2", "Australia/Sydney", {"delivery_hour": 10, "day_end_hour": 16}),
    ("UGONE", "Europe/Berlin", {"deleted": True}),
    ("UQUIT", "Europe/Berlin", {}),  # leaves on 30 March
    ("USHY", "Asia/Tokyo", {"nudge_others_about_me": False}),
]
BIRTHDAYS = {
    "ULON": (3, 28),  # Saturday
    "UNYC": (3, 29),  # Sunday, London's DST day
    "USYD": (4, 5),  # Sunday, Sydney's DST day
    "UKOL": (3, 25),
    "UGONE": (3, 26),  # deactivated: never
    "UQUIT": (4, 2),  # after leaving: never
    "USHY": (3, 27),  # opted out: never
    "UTYO": (4, 1),
    "USCL": (3, 30),  # Monday
}
STARTS = {"ULAX": date(2021, 3, 31), "UKTM": date(2024, 4, 3), "USYD2": date(2020, 3, 27)}
LEAVES = ("UQUIT", datetime(2026, 3, 30, 0, 0, tzinfo=UTC))
PROMOTIONS = [
    ("UKOL", "Senior Data Scientist", "Staff Data Scientist", datetime(2026, 3, 24, 14, 0, tzinfo=UTC)),
    ("USYD", "Software Engineer", "Software Developer", datetime(2026, 3, 25, 1, 0, tzinfo=UTC)),  # reworded
    ("UNYC", "Engineering Manager", "Director of Engineering", datetime(2026, 4, 1, 20, 0, tzinfo=UTC)),
]


def _local(user: dict[str, Any], at: datetime) -> datetime:
    return at.astimezone(ZoneInfo(user["tz"]))


def _works(user: dict[str, Any], day: date) -> bool:
    return str(day.isoweekday()) in user.get("work_days", "12345") and not (
        user.get("paused_until") and day <= user["paused_until"]
    )


def _previous_working_day(user: dict[str, Any], day: date) -> date:
    day -= timedelta(days=1)
    while str(day.isoweekday()) not in user.get("work_days", "12345"):
        day -= timedelta(days=1)
    return day


def _expected_celebrations(users: dict[str, dict[str, Any]]) -> set[tuple[str, str, str, date]]:
    """(recipient, kind, subject, local day) every birthday and anniversary must arrive on."""
    expected = set()
    for subject, s in users.items():
        occasions = []
        if subject in BIRTHDAYS:
            month, dom = BIRTHDAYS[subject]
            occasions.append(("birthday", date(2026, month, dom)))
        if subject in STARTS:
            occasions.append(("anniversary", STARTS[subject].replace(year=2026)))
        if s.get("deleted") or not s.get("nudge_others_about_me", True):
            continue
        for kind, day in occasions:
            if subject == LEAVES[0]:
                continue  # gone before any of its nudges
            for recipient, r in users.items():
                if recipient == subject or r.get("deleted"):
                    continue
                on = _previous_working_day(r, day)
                first = _local(r, START).date()
                if _works(r, on) and on > first and _local(r, END).date() > on:
                    if recipient == LEAVES[0] and on >= LEAVES[1].date():
                        continue
                    expected.add((recipient, kind, subject, on))
    return expected


def test_a_fortnight_of_nudges_arrives_exactly_once_on_the_right_morning(db: Database) -> None:
    clock = FakeClock(START)
    slack = FakeSlack(clock=lambda: clock().timestamp())
    slack.start()
    try:
        _simulate(db, slack, clock)
    finally:
        slack.stop()


def _simulate(db: Database, slack: FakeSlack, clock: FakeClock) -> None:
    core = make_core(slack, db, clock)
    users = {uid: {"tz": tz, **settings} for uid, tz, settings in PEOPLE}
    titles = {p[0]: p[1] for p in PROMOTIONS}
    found = add_people(
        db,
        slack,
        *[{"id": u, "tz": v["tz"], "title": titles.get(u, "")} for u, v in users.items()],
        now=START,
    )
    with db.write() as s:
        for uid, settings in users.items():
            m = s.get(Member, found[uid].id)
            assert m is not None
            for name, value in settings.items():
                if name != "tz":
                    setattr(m, name, value)
            if uid in BIRTHDAYS:
                m.birthday_month, m.birthday_day = BIRTHDAYS[uid]
            m.start_date = STARTS.get(uid)
    ids = {uid: m.id for uid, m in found.items()}
    by_id = {v: k for k, v in ids.items()}
    everyone = [(a, b) for a in ids.values() for b in ids.values() if a != b]
    pending_promotions = sorted(PROMOTIONS, key=lambda p: p[3])
    left = False
    with static_circle(db, everyone):
        while clock() < END:
            while pending_promotions and pending_promotions[0][3] <= clock():
                uid, _, new, _ = pending_promotions.pop(0)
                with db.write() as s:
                    people.upsert_members(s, TEAM, [slack_user(uid, tz=users[uid]["tz"], title=new)], clock())
            if not left and clock() >= LEAVES[1]:
                left = True
                with db.write() as s:
                    people.upsert_members(
                        s, TEAM, [slack_user(LEAVES[0], tz="Europe/Berlin", deleted=True)], clock()
                    )
            run_nudges(core, clock())
            clock.advance(TICK)

    posts = [c for c in slack.calls_to("chat.postMessage") if c.ok]
    assert posts
    per_day: Counter[tuple[str, date]] = Counter()
    for call in posts:
        uid = call.params["channel"]
        user = users[uid]
        at = _local(user, datetime.fromtimestamp(call.at, UTC))
        # On the recipient's own morning: their delivery hour, on a working, unpaused day.
        assert at.hour == user.get("delivery_hour", 9), (uid, at)
        assert at.minute < TICK.total_seconds() / 60, (uid, at)  # at the first tick of that hour
        assert _works(user, at.date()), (uid, at)
        assert not user.get("deleted")
        assert not (uid == LEAVES[0] and at >= LEAVES[1])
        per_day[(uid, at.date())] += 1
    assert max(per_day.values()) == 1  # one DM a person a day

    with db.read() as s:
        rows = s.execute(
            select(Nudge.recipient_id, Nudge.kind, Nudge.subject_id, Outbox.local_date, Nudge.status)
            .join(Outbox, Outbox.id == Nudge.message_id)
            .where(Outbox.status == "sent", Nudge.status == "sent")
        ).all()
    delivered = [(by_id[r], kind, by_id.get(s or 0, "?"), day) for r, kind, s, day, _ in rows]
    assert len(delivered) == len(set(delivered))  # nothing twice
    celebrations = {d for d in delivered if d[1] in ("birthday", "anniversary")}
    assert celebrations == _expected_celebrations(users)
    assert len(celebrations) > 50
    assert all(d[2] not in ("UGONE", "UQUIT", "USHY") for d in delivered)

    promotions = [d for d in delivered if d[1] == "promotion"]
    promoted = {p[0] for p in PROMOTIONS if is_promotion(p[1], p[2])}
    assert {d[2] for d in promotions} == promoted == {"UKOL", "UNYC"}
    for uid, _, _, at in PROMOTIONS:
        if uid not in promoted:
            continue
        got = [d for d in promotions if d[2] == uid]
        receivers = {d[0] for d in got}
        assert len(got) == len(receivers)  # once each
        for recipient, _, _, day in got:
            assert day is not None
            r = users[recipient]
            assert _works(r, day)
            # The next working morning; a week later at most for someone back from a pause.
            assert _local(r, at).date() <= day <= _local(r, at).date() + timedelta(days=8)
        expected = {
            r
            for r, u in users.items()
            if r != uid and not u.get("deleted") and not (r == LEAVES[0] and at > LEAVES[1])
        }
        assert receivers == expected
    # Each DM names the people it is about.
    texts = {(m["channel"], m["ts"]): str(m["blocks"]) for m in slack.messages}
    assert all("<@U" in t for t in texts.values())
