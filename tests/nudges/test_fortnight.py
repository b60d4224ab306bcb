"""A simulated fortnight across eight time zones, two DST changes and two weekends.

The injected clock ticks the real `nudges` job every 30 minutes (so Kathmandu's 09:00, at
03:15 UTC, is met at 09:15); the fake Slack stamps each call with the simulated time. The
oracle for celebrations is worked out independently, day by day, from the definitions in
ARCHITECTURE.md; the relationship log's items (follow-ups, cadences, first talks, endorsements,
re-nudges, snoozes and Done clicks) are listed by hand below, each with the reason for its days.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.directory import members
from bot.directory.seniority import is_promotion
from bot.expertise import endorsements
from bot.models import Member
from bot.models.outbox import Nudge, Outbox
from bot.models.relationships import FollowUp
from bot.nudges import acting
from bot.platform.db import Database
from bot.relationships import cadences, interactions
from jobs.nudges import run_nudges
from tests.support.clock import FakeClock
from tests.support.factories import slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM, make_core, say_yes_to_promotions, static_circle
from tests.support.nudgekit import people as add_people
from tests.support.wiring import EVIDENCE, KINDS, STORED

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


# The relationship log before the fortnight: (author, text logged, when). Notes are secret-*:
# each may appear in its own author's DMs only.
SETUP_LOGS = [
    ("ULON", "<@UNYC|n> secret-f1 follow up on 2026-03-28", "2026-03-02"),  # Saturday → Monday
    ("ULON2", "<@USYD|s> secret-f2 follow up on 2026-03-10", "2026-03-02"),  # overdue: 3 Mondays
    ("USYD2", "<@UKOL|k> secret-f2b follow up on 2026-03-02", "2026-02-23"),  # two reminders before
    ("UKOL", "<@UTYO|t> secret-f3 follow up on 2026-03-24", "2026-03-02"),  # snoozed a week
    ("UNYC", "<@ULAX|l> secret-f4 follow up on 2026-03-25", "2026-03-02"),  # done at once
    ("UGONE", "<@UNYC|n> secret-f5 follow up on 2026-03-24", "2026-03-02"),  # author deactivated
    ("ULON", "<@UGONE|g> secret-f6 follow up on 2026-03-24", "2026-03-02"),  # about the deactivated
    ("UKOL", "<@USHY|s> secret-f7 follow up on 2026-03-24", "2026-03-02"),  # about an opt-out
    ("UTYO", "<@UKOL|k> secret-f8 follow up on 2026-03-25", "2026-03-02"),  # paused until 31 March
    ("UQUIT", "<@ULON|l> secret-f9 follow up on 2026-04-01", "2026-03-02"),  # author leaves first
    ("ULON", "<@UQUIT|q> secret-f10 follow up on 2026-03-26", "2026-03-02"),  # they leave after it
    ("UKTM", "<@ULON|l> secret-f11 follow up on 2026-03-27", "2026-03-02"),  # Friday → Sunday
    ("ULON2", "<@UNYC|n> secret-old lunch", "2026-03-02"),  # so a later talk is not a first
]
# Keep in touch: (author, contact, every N days, created on): due N days after creation.
CADENCES = [
    ("ULAX", "USCL", 14, "2026-03-15"),  # due Sunday 29 March, a working day in Los Angeles
    ("UKTM", "UKOL", 30, "2026-02-25"),  # due Friday 27 March → Sunday in Kathmandu, again a week on
    ("USYD", "UGONE", 7, "2026-03-10"),  # about the deactivated
    ("USCL", "USHY", 7, "2026-03-10"),  # about an opt-out
    ("USYD2", "ULON", 7, "2026-03-17"),  # due Tuesday 24 March; a talk on the 25th resets it
    ("UQUIT", "UNYC", 30, "2026-03-01"),  # due after the author leaves
]
# During the fortnight: (instant, author, what they do).
EVENTS = [
    (datetime(2026, 3, 23, 6, 0, tzinfo=UTC), "UKOL", "log <@USHY|s> secret-n5 chat"),  # opt-out: never
    (
        datetime(2026, 3, 24, 10, 0, tzinfo=UTC),
        "ULON",
        "log <@UKTM|k> secret-n3 intro follow up on 2026-04-02",
    ),
    (datetime(2026, 3, 24, 11, 0, tzinfo=UTC), "ULON2", "log <@UNYC|n> secret-n4 again"),  # not a first talk
    (datetime(2026, 3, 24, 14, 0, tzinfo=UTC), "UNYC", "endorse UKOL"),
    (datetime(2026, 3, 24, 15, 0, tzinfo=UTC), "ULAX", "endorse UTYO"),  # paused: told on 1 April
    (datetime(2026, 3, 25, 1, 0, tzinfo=UTC), "USYD2", "log <@ULON|l> secret-n1 first coffee"),
    (datetime(2026, 3, 26, 3, 0, tzinfo=UTC), "UTYO", "log <@UKTM|k> secret-n6 first call"),
    (datetime(2026, 3, 26, 18, 0, tzinfo=UTC), "USCL", "log <@UNYC|n> secret-n2 first lunch"),
]
# Buttons clicked on an item the day it arrives: (recipient, kind, subject, local day) → action.
CLICKS = {
    ("UKOL", "follow_up", "UTYO", date(2026, 3, 24)): "snooze 1w",
    ("UNYC", "follow_up", "ULAX", date(2026, 3, 25)): "done",
    ("USCL", "fresh_contact", "UNYC", date(2026, 3, 30)): "snooze 1d",
}
# Every relationship item, on the local day it must arrive.
EXPECTED_RELATIONSHIPS = {
    ("ULON", "follow_up", "UNYC", date(2026, 3, 30)),  # due Saturday: Monday
    ("ULON", "follow_up", "UNYC", date(2026, 4, 6)),  # left alone: a week later
    ("ULON2", "follow_up", "USYD", date(2026, 3, 23)),
    ("ULON2", "follow_up", "USYD", date(2026, 3, 30)),
    ("ULON2", "follow_up", "USYD", date(2026, 4, 6)),  # the third time
    ("USYD2", "follow_up", "UKOL", date(2026, 3, 23)),  # the third time: never again
    ("UKOL", "follow_up", "UTYO", date(2026, 3, 24)),
    ("UKOL", "follow_up", "UTYO", date(2026, 3, 31)),  # back once when the snooze ends
    ("UNYC", "follow_up", "ULAX", date(2026, 3, 25)),  # done: never again
    ("UTYO", "follow_up", "UKOL", date(2026, 4, 1)),  # the first morning after the pause
    ("ULON", "follow_up", "UQUIT", date(2026, 3, 26)),  # not again: they left
    ("UKTM", "follow_up", "ULON", date(2026, 3, 29)),  # Friday's: Sunday in Kathmandu
    ("UKTM", "follow_up", "ULON", date(2026, 4, 5)),
    ("ULON", "follow_up", "UKTM", date(2026, 4, 2)),  # a follow-up set: no "while it is fresh"
    ("ULAX", "keep_in_touch", "USCL", date(2026, 3, 29)),
    ("ULAX", "keep_in_touch", "USCL", date(2026, 4, 5)),  # Sunday again: Los Angeles works it
    ("UKTM", "keep_in_touch", "UKOL", date(2026, 3, 29)),
    ("UKTM", "keep_in_touch", "UKOL", date(2026, 4, 5)),
    ("USYD2", "keep_in_touch", "ULON", date(2026, 3, 24)),
    ("USYD2", "keep_in_touch", "ULON", date(2026, 4, 1)),  # a week after the talk that reset it
    # (and no "while it is fresh" after that first talk: the cadence reminds USYD2 already)
    ("USCL", "fresh_contact", "UNYC", date(2026, 3, 30)),  # Saturday's: Monday
    ("USCL", "fresh_contact", "UNYC", date(2026, 3, 31)),  # snoozed a day: back once
    ("UTYO", "fresh_contact", "UKTM", date(2026, 4, 1)),  # after the pause, still fresh
    ("UKOL", "endorsed", "UNYC", date(2026, 3, 25)),
    ("UTYO", "endorsed", "ULAX", date(2026, 4, 1)),
}


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


@pytest.mark.slow
def test_a_fortnight_of_nudges_arrives_exactly_once_on_the_right_morning(db: Database) -> None:
    clock = FakeClock(START)
    slack = FakeSlack(clock=lambda: clock().timestamp())
    slack.start()
    try:
        _simulate(db, slack, clock)
    finally:
        slack.stop()


def _simulate(db: Database, slack: FakeSlack, clock: FakeClock) -> None:
    users = {uid: {"tz": tz, **settings} for uid, tz, settings in PEOPLE}
    titles = {p[0]: p[1] for p in PROMOTIONS}
    found = add_people(
        db,
        slack,
        *[{"id": u, "tz": v["tz"], "title": titles.get(u, "")} for u, v in users.items()],
        now=START,
    )
    _log_before(db)
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
    _relationships(db, ids)
    everyone = [(a, b) for a in ids.values() for b in ids.values() if a != b]
    pending_promotions = sorted(PROMOTIONS, key=lambda p: p[3])
    events = sorted(EVENTS)
    clicked: set[tuple[str, str, str, date]] = set()
    left = False
    with static_circle(db, everyone) as wired:
        core = make_core(slack, db, clock, registry=wired)
        while clock() < END:
            while pending_promotions and pending_promotions[0][3] <= clock():
                uid, _, new, _ = pending_promotions.pop(0)
                with db.write() as s:
                    members.upsert_members(
                        s, TEAM, [slack_user(uid, tz=users[uid]["tz"], title=new)], clock(), stored=STORED
                    )
                say_yes_to_promotions(db, clock())
            if not left and clock() >= LEAVES[1]:
                left = True
                with db.write() as s:
                    members.upsert_members(
                        s,
                        TEAM,
                        [slack_user(LEAVES[0], tz="Europe/Berlin", deleted=True)],
                        clock(),
                        stored=STORED,
                    )
            while events and events[0][0] <= clock():
                _act(db, *events.pop(0), ids)
            run_nudges(core, clock())
            _click(db, clock(), by_id, clicked)
            clock.advance(TICK)
    assert clicked == set(CLICKS)

    posts = [c for c in slack.calls_to("chat.postMessage") if c.ok]
    assert posts
    per_day: Counter[tuple[str, date]] = Counter()
    for call in posts:
        uid = call.params["channel"]
        user = users[uid]
        at = _local(user, datetime.fromtimestamp(call.at, UTC))
        # Within the recipient's own working day (a digest with nothing for the morning goes out
        # when its first item turns up, while the day lasts), on a working, unpaused day.
        assert user.get("delivery_hour", 9) <= at.hour < user.get("day_end_hour", 18), (uid, at)
        assert _works(user, at.date()), (uid, at)
        assert not user.get("deleted")
        assert not (uid == LEAVES[0] and at >= LEAVES[1])
        per_day[(uid, at.date())] += 1
    assert max(per_day.values()) == 1  # one DM a person a day

    with db.read() as s:
        rows = s.execute(
            select(Nudge.recipient_id, Nudge.kind, Nudge.subject_id, Outbox.local_date, Nudge.status)
            .join(Outbox, Outbox.id == Nudge.message_id)
            .where(Outbox.status == "sent", Nudge.status.in_(("sent", "done", "snoozed")))
        ).all()
    delivered = [(by_id[r], kind, by_id.get(s or 0, "?"), day) for r, kind, s, day, _ in rows]
    assert len(delivered) == len(set(delivered))  # nothing twice
    celebrations = {d for d in delivered if d[1] in ("birthday", "anniversary")}
    assert celebrations == _expected_celebrations(users)
    assert len(celebrations) > 50
    relationships = {d for d in delivered if d[1] not in ("birthday", "anniversary", "promotion")}
    assert relationships == EXPECTED_RELATIONSHIPS
    assert all(d[2] not in ("UGONE", "USHY") for d in delivered)
    assert all(d[3] is not None and d[3] < LEAVES[1].date() for d in delivered if d[2] == "UQUIT")
    # A private note is read in its own author's DMs only.
    for dm in slack.messages:
        for secret in re.findall(r"secret-\w+", json.dumps(dm["blocks"])):
            assert dm["channel"] == f"D{_author_of(secret)}", (secret, dm["channel"])

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


def _author_of(secret: str) -> str:
    notes = [(a, t) for a, t, _ in SETUP_LOGS] + [(a, w) for _, a, w in EVENTS]
    (author,) = [a for a, text in notes if f"{secret} " in f"{text} "]
    return author


def _at_noon(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def _log_before(db: Database) -> None:
    """The relationship log as it stood before the fortnight (before anyone left or paused)."""
    with db.write() as s:
        for author, text, day in SETUP_LOGS:
            assert interactions.log_text(s, TEAM, author, text, _at_noon(day)).saved, text
        for author, contact, every, day in CADENCES:
            a, c = members.find_member(s, TEAM, author), members.find_member(s, TEAM, contact)
            assert a is not None
            assert c is not None
            cadences.keep_in_touch(s, TEAM, a, c, every, _at_noon(day))


def _relationships(db: Database, ids: dict[str, int]) -> None:
    """Two reminders of USYD2's follow-up went out before the fortnight."""
    with db.write() as s:
        follow_up = s.scalar(select(FollowUp).where(FollowUp.author_id == ids["USYD2"]))
        assert follow_up is not None
        for day in (date(2026, 3, 9), date(2026, 3, 16)):
            s.add(
                Nudge(
                    dedupe_key=f"{TEAM}:{ids['USYD2']}:history:{day}",
                    team_id=TEAM,
                    recipient_id=ids["USYD2"],
                    kind="follow_up",
                    subject_id=follow_up.about_id,
                    ref_id=follow_up.id,
                    occasion=follow_up.due_on,
                    local_date=day,
                    deliver_after=_at_noon(day.isoformat()),
                    expires_at=_at_noon(day.isoformat()),
                    status="sent",
                    created_at=_at_noon(day.isoformat()),
                    updated_at=_at_noon(day.isoformat()),
                )
            )


def _act(db: Database, at: datetime, author: str, what: str, ids: dict[str, int]) -> None:
    verb, _, rest = what.partition(" ")
    with db.write() as s:
        if verb == "log":
            assert interactions.log_text(s, TEAM, author, rest, at).saved
        else:
            assert endorsements.endorse(s, TEAM, author, [rest], "python", at, evidence=EVIDENCE).stored


def _click(
    db: Database, now: datetime, by_id: dict[int, str], clicked: set[tuple[str, str, str, date]]
) -> None:
    """Click what CLICKS says on items that just arrived, through the functions the buttons call."""
    with db.write() as s:
        sent = s.execute(
            select(
                Nudge.id, Nudge.recipient_id, Nudge.kind, Nudge.subject_id, Nudge.ref_id, Nudge.local_date
            ).where(Nudge.status == "sent")
        ).all()
        for nudge_id, recipient, kind, subject, ref_id, day in sent:
            item = (by_id[recipient], kind, by_id[subject or 0], day)
            action = CLICKS.get(item)
            if action is None or item in clicked:
                continue
            clicked.add(item)
            user_id = item[0]
            if kind == "fresh_contact":  # the digest's own item
                acting.snooze(s, KINDS, TEAM, user_id, f"n:{nudge_id}", now, until=day + timedelta(days=1))
            elif action == "done":  # a follow-up in the digest
                assert acting.done(s, KINDS, TEAM, user_id, f"f:{ref_id}", now).redrawn
            else:
                assert acting.snooze(s, KINDS, TEAM, user_id, f"f:{ref_id}", now, span="1w").redrawn
