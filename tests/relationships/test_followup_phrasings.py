"""The many ways people ask for a follow-up in /log, read in the author's own time zone.

The table is read by `read_log` + `read_follow_up` directly (intent × date form × placement);
a sample goes over real signed HTTP, checking what the person sees and what `/followups` lists.
README, "How Rapport reads what you type", states the rules these rows pin down.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.models import Member
from bot.models.relationships import FollowUp, Interaction
from bot.platform.db import Database
from bot.relationships import interactions
from bot.relationships.dates import LocalNow
from bot.relationships.ids import Action, View
from bot.relationships.logtext import read_follow_up, read_log
from bot.relationships.render import interactions as render
from tests.relationships.test_http import click, find
from tests.support import slackreq
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

NY, AKL = "America/New_York", "Pacific/Auckland"
MON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Monday 07:00 in New York, Tuesday 01:00 in Auckland
TEAM, ME = "T0001", "UAUTHOR"
NOTE = "lunch about the move"

# (date form, the day it means when typed on Monday, Nov 23, 2026 in New York)
DATE_FORMS: list[tuple[str, date]] = [
    ("in 2 weeks", date(2026, 12, 7)),
    ("in a fortnight", date(2026, 12, 7)),
    ("in ten days", date(2026, 12, 3)),
    ("in 2 business days", date(2026, 11, 25)),
    ("2 working days", date(2026, 11, 25)),
    ("2w", date(2026, 12, 7)),
    ("3d", date(2026, 11, 26)),
    ("in 1mo", date(2026, 12, 23)),
    ("on Friday", date(2026, 11, 27)),
    ("next Tue", date(2026, 12, 1)),  # Tuesday of next week
    ("this Thursday", date(2026, 11, 26)),
    ("early next week", date(2026, 11, 30)),
    ("later this week", date(2026, 11, 26)),  # Thursday
    ("next month", date(2026, 12, 23)),  # a month from today
    ("end of month", date(2026, 11, 30)),
    ("EOM", date(2026, 11, 30)),
    ("EOW", date(2026, 11, 27)),
    ("next quarter", date(2027, 1, 1)),  # the first day of the next calendar quarter
    ("end of quarter", date(2026, 12, 31)),
    ("EOQ", date(2026, 12, 31)),
    ("early next month", date(2026, 12, 1)),
    ("mid next month", date(2026, 12, 15)),
    ("Jan 15", date(2027, 1, 15)),
    ("15 January", date(2027, 1, 15)),
    ("on the 3rd", date(2026, 12, 3)),
    ("2027-01-15", date(2027, 1, 15)),
    ("1/15", date(2027, 1, 15)),  # month/day
    ("15/1", date(2027, 1, 15)),  # day/month: 15 can't be a month
    ("12/4", date(2026, 12, 4)),  # both could be: month/day (US order; no locale is known)
    ("tomorrow", date(2026, 11, 24)),
    ("tomorrow morning", date(2026, 11, 24)),
    ("next week", date(2026, 11, 30)),  # the Monday of next week
    ("next wk", date(2026, 11, 30)),
    ("in 3 days", date(2026, 11, 26)),
    ("a week from today", date(2026, 11, 30)),
    ("end of next week", date(2026, 12, 4)),
    ("mid-december", date(2026, 12, 15)),
    ("Dec. 5", date(2026, 12, 5)),
    ("by Wednesday", date(2026, 11, 25)),
    ("the 30th", date(2026, 11, 30)),
    ("in 6 months", date(2027, 5, 23)),
    ("in a couple of days", date(2026, 11, 25)),
    ("monday", date(2026, 11, 30)),  # said on a Monday: the next one, never today
    ("next monday", date(2026, 11, 30)),
    ("this friday", date(2026, 11, 27)),
    ("friday 3pm", date(2026, 11, 27)),
    ("2 weeks from tomorrow", date(2026, 12, 8)),
    ("in 2 wks", date(2026, 12, 7)),
    ("day after tomorrow", date(2026, 11, 25)),
    ("this week", date(2026, 11, 27)),  # its Friday
    ("next thursday", date(2026, 12, 3)),
    ("mid next week", date(2026, 12, 2)),
]

# The verb phrases, rotated through the table, with whom each names ("him" after the people a
# line starts with names no one in particular: everyone it was with).
VERBS: list[tuple[str, list[str]]] = [
    ("follow up", []),
    ("ping him", []),
    ("touch base", []),
    ("check back", []),
    ("circle back", []),
    ("f/u", []),
    ("follow up with <@UBOB|bob>", ["UBOB"]),
    ("remind me to ping him", []),
    ("reconnect", []),
    ("catch up again", []),
    ("get back to him", []),
    ("reach out again", []),
    ("nudge me", []),
    ("check in", []),
    ("fup", []),
    ("follow-up", []),
    ("I'll ping <@UBOB>", ["UBOB"]),
    ("touch base with her", []),
    ("fu", []),
]

# Where the date goes: after the verb, before it, or after it with the note going on.
PLACEMENTS = {
    "after": "<@UBOB> {note}, {verb} {date}",
    "before": "<@UBOB> {note}, {date} {verb}",
    "middle": "<@UBOB> {verb} {date} — {note}",
}


def _rows() -> list[tuple[str, str, datetime, date, list[str]]]:
    rows = []
    for i, (form, day) in enumerate(DATE_FORMS):
        for j, pattern in enumerate(PLACEMENTS.values()):
            verb, about = VERBS[(i * 3 + j) % len(VERBS)]
            text = pattern.format(note=NOTE, verb=verb, date=form)
            rows.append((text, NY, MON, day, about))
    return rows


# Other time zones, a DST change, and the ambiguous phrases on the days that make them ambiguous.
ZONED: list[tuple[str, str, datetime, date]] = [
    # New York's fall-back night: 01:30 EDT, then 01:30 EST again, both Sunday Nov 1.
    ("<@UBOB> follow up tomorrow", NY, datetime(2026, 11, 1, 5, 30, tzinfo=UTC), date(2026, 11, 2)),
    ("<@UBOB> ping him next week", NY, datetime(2026, 11, 1, 6, 30, tzinfo=UTC), date(2026, 11, 2)),
    ("<@UBOB> touch base in 2 weeks", NY, datetime(2026, 11, 1, 6, 30, tzinfo=UTC), date(2026, 11, 15)),
    # Spring-forward: Saturday 23:59 EST, and Sunday 03:00 EDT.
    ("<@UBOB> f/u tomorrow", NY, datetime(2026, 3, 8, 4, 59, tzinfo=UTC), date(2026, 3, 8)),
    ("<@UBOB> circle back next week", NY, datetime(2026, 3, 8, 4, 59, tzinfo=UTC), date(2026, 3, 9)),
    ("<@UBOB> check back in 3 days", NY, datetime(2026, 3, 8, 7, 0, tzinfo=UTC), date(2026, 3, 11)),
    # Auckland is already Tuesday, Nov 24, when New York's Monday starts.
    ("<@UBOB> ping him tomorrow", AKL, MON, date(2026, 11, 25)),
    ("<@UBOB> next Tue: follow up", AKL, MON, date(2026, 12, 1)),  # said on a Tuesday: a week on
    ("<@UBOB> follow up this Tuesday", AKL, MON, date(2026, 11, 24)),  # today
    ("<@UBOB> check in EOW", AKL, MON, date(2026, 11, 27)),
    ("<@UBOB> remind me end of month", AKL, datetime(2026, 11, 30, 12, 0, tzinfo=UTC), date(2026, 12, 31)),
    ("<@UBOB> ping him next month", AKL, datetime(2026, 11, 30, 12, 0, tzinfo=UTC), date(2027, 1, 1)),
    ("<@UBOB> follow up next quarter", AKL, datetime(2026, 12, 31, 12, 0, tzinfo=UTC), date(2027, 4, 1)),
    # "end of month" on its last day is that day; "this Friday" on a Friday is today.
    ("<@UBOB> follow up end of month", NY, datetime(2026, 11, 30, 15, 0, tzinfo=UTC), date(2026, 11, 30)),
    ("<@UBOB> ping this friday", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 11, 27)),
    ("<@UBOB> ping friday", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 12, 4)),
    ("<@UBOB> ping next friday", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 12, 4)),
    ("<@UBOB> follow up EOW", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 11, 27)),
    ("<@UBOB> follow up next week", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 11, 30)),
    ("<@UBOB> f/u later this week", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 11, 28)),
    ("<@UBOB> f/u in 2 business days", NY, datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 12, 1)),
    # "next Tuesday" on a Monday is a week and a day away; on a Tuesday, a week.
    ("<@UBOB> follow up next tuesday", NY, MON, date(2026, 12, 1)),
    ("<@UBOB> follow up next tuesday", NY, datetime(2026, 11, 24, 15, 0, tzinfo=UTC), date(2026, 12, 1)),
    # "next Monday" on a Sunday is tomorrow: weeks start on Monday.
    ("<@UBOB> ping next monday", NY, datetime(2026, 11, 29, 15, 0, tzinfo=UTC), date(2026, 11, 30)),
    (
        "<@UBOB> touch base in 2 weeks",
        "Asia/Tokyo",
        datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
        date(2026, 12, 8),
    ),
    ("<@UBOB> 1/15 ping him", "Europe/London", MON, date(2027, 1, 15)),
]

# Punctuation, emoji, Slack's escaping and mentions around the intent.
DRESSED: list[tuple[str, date]] = [
    ("<@UBOB> :calendar: follow up Friday!", date(2026, 11, 27)),
    ("<@UBOB> lunch — f/u next wk.", date(2026, 11, 30)),
    ("<@UBOB|bob> R&amp;D sync &amp; ping him in 2 weeks", date(2026, 12, 7)),
    ("<@UBOB> 🎉 shipped it. Follow up: tomorrow.", date(2026, 11, 24)),
    ("<@UBOB> in 2 weeks: follow up", date(2026, 12, 7)),
    ("had lunch with <@UBOB>, he's moving to Berlin, ping him next month", date(2026, 12, 23)),
    ("<@UBOB> (follow up on Friday)", date(2026, 11, 27)),
    ("<@UBOB> coffee in 2 weeks", date(2026, 12, 7)),  # a bare trailing "in 2 weeks"
    ("<@UBOB> FOLLOW UP IN 3 DAYS", date(2026, 11, 26)),
    ("<@UBOB> coffee &gt; tea. ping him about it on the 3rd, he'll know", date(2026, 12, 3)),
]

TABLE = _rows()


def understood(text: str, tz: str, at: datetime) -> tuple[date | None, list[str], str] | None:
    parsed = read_log(text)
    found = read_follow_up(parsed, LocalNow.of(at, tz))
    if found is None:
        return None
    return (found.reading.day if found.reading else None), found.about, found.note


def test_the_table_is_big_enough() -> None:
    assert len({text for text, *_ in TABLE}) + len(ZONED) + len(DRESSED) >= 150


@pytest.mark.parametrize(("text", "tz", "at", "expected", "about"), TABLE)
def test_phrasings(text: str, tz: str, at: datetime, expected: date, about: list[str]) -> None:
    found = understood(text, tz, at)
    assert found is not None, text
    day, named, note = found
    assert day == expected, text
    assert named == about
    assert note == NOTE  # the verb and the date are said by the answer, not kept


@pytest.mark.parametrize(("text", "tz", "at", "expected"), ZONED)
def test_phrasings_in_the_authors_zone(text: str, tz: str, at: datetime, expected: date) -> None:
    found = understood(text, tz, at)
    assert found is not None
    assert found[0] == expected


@pytest.mark.parametrize(("text", "expected"), DRESSED)
def test_phrasings_dressed_up(text: str, expected: date) -> None:
    found = understood(text, NY, MON)
    assert found is not None
    assert found[0] == expected


# Dates in the story, and verbs in the past or as nouns: no follow-up, no question.
STORIES = [
    "<@UBOB> talked about his move to Berlin next month",
    "<@UBOB> she's leaving in 2 weeks",
    "<@UBOB> we followed up on the incident last Friday",
    "<@UBOB> checked in the code on Friday",
    "<@UBOB> the ping was slow yesterday",
    "<@UBOB> the follow-up was useful",
    "<@UBOB> launch is on Jan 15",
    "<@UBOB> he's back in a month",
    "<@UBOB> offsite on the 3rd went well",
    "<@UBOB> caught up about planning for next quarter",
    "<@UBOB> she starts next Monday",
    "<@UBOB> review due EOW",
    "<@UBOB> they pinged me on Tuesday",
    "<@UBOB> her team reached out last week",
    "<@UBOB> my follow-up from last week is done",
    "<@UBOB> we met on 1/15 and talked roadmap",
    "<@UBOB> moving in 2 weeks",
    "<@UBOB> no follow-up needed, she's on leave next month",
    "<@UBOB> the check-in next week is cancelled",
    "<@UBOB> pinging the team is his job",
    "<@UBOB> following the plan from 2026-12-01",
    "<@UBOB> his sync with legal is in 2 weeks",
    "<@UBOB> she\u2019s leaving in 2 weeks",
]


@pytest.mark.parametrize("text", STORIES)
def test_dates_in_the_story_are_not_follow_ups(text: str) -> None:
    assert understood(text, NY, MON) is None


# An intent with no date: a question, never a plain note.
QUESTIONS = [
    "<@UBOB> ping him",
    "<@UBOB> follow up after the holidays",
    "<@UBOB> touch base sometime",
    "<@UBOB> check back when she's back",
    "<@UBOB> remind me to circle back",
    "<@UBOB> lunch, f/u soon",
    "<@UBOB> reach out again at some point",
    "<@UBOB> discussed the roadmap, follow up on the proposal",
    # a weak verb ("catch up", "reach out") said as a request, not as the story
    "<@UBOB> great chat, let's catch up after the holidays",
    "<@UBOB> great chat, let us catch up when things calm down",
    "<@UBOB> need to reach out about the offsite",
    "<@UBOB> we should catch up sometime",
    "<@UBOB> great chat, let\u2019s catch up after the holidays",  # a phone's curly apostrophe
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_an_intent_with_no_readable_date_is_a_question(text: str) -> None:
    found = understood(text, NY, MON)
    assert found is not None
    assert found[0] is None
    assert found[2] == read_log(text).note  # the note is kept whole, the question asked


# --------------------------------------------------------------------------------------------
# Over real signed HTTP: what the person sees, and what /followups lists
# --------------------------------------------------------------------------------------------


@pytest.fixture
def team(rapport: Served) -> Served:
    add_members(
        rapport.core.db,
        TEAM,
        slack_user(ME, tz=NY),
        slack_user("UALICE", real_name="Alice Ng"),
        slack_user("UBOB", real_name="Bob Ray"),
    )
    return rapport


def answer(served: Served, command: str, text: str = "") -> dict[str, Any]:
    response = served.http.command(command, text, user_id=ME)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def picker(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    for block in blocks:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == Action.FOLLOW_UP_ON:
            return block
    return None


# (text, what the answer says, its date picker's date, the /followups line)
OVER_HTTP: list[tuple[str, str, str, str]] = [
    (
        "had lunch with <@UBOB>, he's moving to Berlin, ping him next month",
        "Follow up with <@UBOB> on *Wed, Dec 23, 2026*",
        "2026-12-23",
        "due Wed, Dec 23",
    ),
    (
        "<@UBOB> check back in 2 weeks",
        "Follow up with <@UBOB> on *Mon, Dec 7, 2026*",
        "2026-12-07",
        "due Mon, Dec 7",
    ),
    ("<@UBOB> touch base in 2 weeks", "on *Mon, Dec 7, 2026*", "2026-12-07", "due Mon, Dec 7"),
    (
        "<@UBOB> circle back next week",
        "From “next week”: the Monday of next week",
        "2026-11-30",
        "due Mon, Nov 30",
    ),
    ("<@UBOB> ping next week", "on *Mon, Nov 30, 2026*", "2026-11-30", "due Mon, Nov 30"),
    ("<@UBOB> check in next quarter", "the first day of next quarter", "2027-01-01", "due Fri, Jan 1, 2027"),
    ("<@UBOB> coffee in 2 weeks", "From “in 2 weeks”", "2026-12-07", "due Mon, Dec 7"),
    ("<@UBOB> :calendar: follow up Friday!", "on *Fri, Nov 27, 2026*", "2026-11-27", "due Fri, Nov 27"),
    ("<@UBOB> lunch — f/u next wk.", "on *Mon, Nov 30, 2026*", "2026-11-30", "due Mon, Nov 30"),
    ("<@UBOB> next month ping him", "on *Wed, Dec 23, 2026*", "2026-12-23", "due Wed, Dec 23"),
    ("<@UBOB> in 2 business days: f/u", "Saturdays and Sundays skipped", "2026-11-25", "due Wed, Nov 25"),
    (
        "<@UBOB> follow up 15/1",
        "day/month, since 15 can't be a month",
        "2027-01-15",
        "due Fri, Jan 15, 2027",
    ),
    ("<@UBOB> remind me next Tue", "Tuesday of next week", "2026-12-01", "due Tue, Dec 1"),
    ("<@UBOB> follow up EOM", "the last day of this month", "2026-11-30", "due Mon, Nov 30"),
    ("<@UBOB> f/u tomorrow morning re the offsite", "on *Tue, Nov 24, 2026*", "2026-11-24", "due tomorrow"),
]


@pytest.mark.parametrize(("text", "said", "picked", "listed"), OVER_HTTP)
def test_over_http_the_answer_says_what_was_understood_and_followups_lists_it(
    team: Served, text: str, said: str, picked: str, listed: str
) -> None:
    body = answer(team, "/log", text)
    assert said in json.dumps(body["blocks"], ensure_ascii=False)
    block = picker(body["blocks"])
    assert block is not None, "a date picker beside the date, to correct it in one click"
    assert block["accessory"]["initial_date"] == picked
    followups = json.dumps(answer(team, "/followups")["blocks"], ensure_ascii=False)
    assert f"Follow up with <@UBOB>* · {listed}" in followups


def test_over_http_a_story_date_sets_nothing_and_asks_nothing(team: Served) -> None:
    body = answer(team, "/log", "<@UBOB> talked about his move to Berlin next month")
    assert picker(body["blocks"]) is None
    assert "Nothing to follow up on" in answer(team, "/followups")["text"]
    with team.core.db.read() as s:
        assert s.scalars(select(Interaction.note)).one() == "talked about his move to Berlin next month"


def test_over_http_an_intent_with_no_date_asks_and_a_pick_sets_it(team: Served) -> None:
    body = answer(team, "/log", "<@UALICE> lunch with <@UBOB>, ping him after the holidays")
    block = picker(body["blocks"])
    assert block is not None
    assert "couldn't read a follow-up date in “after the holidays”" in block["text"]["text"]
    assert "Nothing to follow up on" in answer(team, "/followups")["text"]
    posted = click(team, Action.FOLLOW_UP_ON, body["blocks"], value="2027-01-04")
    assert "Follow up with <@UBOB> on *Mon, Jan 4, 2027*" in json.dumps(posted["blocks"], ensure_ascii=False)
    listed = json.dumps(answer(team, "/followups")["blocks"], ensure_ascii=False)
    assert "Follow up with <@UBOB>" in listed  # "him": the person the note named last before it
    assert "Follow up with <@UALICE>" not in listed


def test_him_among_the_people_a_line_starts_with_is_everyone(people_db: Database) -> None:
    with people_db.write() as s:
        logged = interactions.log_text(s, TEAM, ME, "<@UALICE> <@UBOB> sync, ping him Friday", MON)
    assert [m.user_id for m in logged.follow_up_with] == ["UALICE", "UBOB"]


# --------------------------------------------------------------------------------------------
# Property: a follow-up verb phrase always gets a follow-up or the question, never silence
# --------------------------------------------------------------------------------------------

NOTE_WORDS = ["coffee", "roadmap", "budget", "hiring", "Berlin", "offsite", "we", "talked", "lunch", "plans"]
VERB_PHRASES = [
    "follow up",
    "follow-up",
    "f/u",
    "fu",
    "fup",
    "ping",
    "check back",
    "check in",
    "touch base",
    "circle back",
    "reconnect",
    "catch up again",
    "remind me",
    "get back to",
    "reach out again",
    "nudge me",
]
PEOPLE = ["him", "her", "them", "<@UBOB>", "with <@UBOB>", "with her", "<@UALICE> and <@UBOB>"]
DATEISH = ["next", "week", "friday", "in", "2", "weeks", "the", "15th", "tomorrow", "soon", "later"]
DATEISH += ["after", "holidays", "month", "eom", "q1", "sometime", "maybe", "yesterday", "2031-01-01"]


@st.composite
def intents(draw: st.DrawFn) -> str:
    note = " ".join(draw(st.lists(st.sampled_from(NOTE_WORDS), max_size=5)))
    sep = draw(st.sampled_from([" ", ", ", " — ", ". ", ": "]))
    verb = draw(st.sampled_from(VERB_PHRASES))
    who = draw(st.one_of(st.just(""), st.sampled_from(PEOPLE)))
    when = " ".join(draw(st.lists(st.sampled_from(DATEISH), max_size=4)))
    return " ".join(p for p in (f"<@UBOB> {note}{sep}{verb}", who, when) if p)


@settings(max_examples=300, deadline=None)
@given(intents())
def test_a_follow_up_verb_is_never_silently_a_plain_note(text: str) -> None:
    assert read_follow_up(read_log(text), LocalNow.of(MON, NY)) is not None, text


@pytest.fixture
def people_db(db: Database) -> Database:
    add_members(db, TEAM, slack_user(ME, tz=NY), slack_user("UALICE"), slack_user("UBOB"))
    return db


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(intents())
def test_the_answer_to_a_follow_up_verb_always_has_the_date_picker(people_db: Database, text: str) -> None:
    with people_db.write() as s:
        logged = interactions.log_text(s, TEAM, ME, text, MON)
        assert logged.saved
        assert logged.follow_up_on is not None or logged.follow_up_refused is not None, text
        assert picker(render.log_reply(logged)["blocks"]) is not None, text


# --------------------------------------------------------------------------------------------
# Several people; a talk closes what was due; the stored note; the wording of Undo and the form
# --------------------------------------------------------------------------------------------


def _open(db: Database) -> list[tuple[str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(Member.user_id, FollowUp.due_on)
            .join(Member, Member.id == FollowUp.about_id)
            .where(FollowUp.done_at.is_(None))
            .order_by(Member.user_id)
        )
        return [(u, d.isoformat()) for u, d in rows]


def test_several_people_are_each_followed_up_unless_one_is_named(people_db: Database) -> None:
    with people_db.write() as s:
        both = interactions.log_text(s, TEAM, ME, "<@UALICE> <@UBOB> planning, touch base next week", MON)
    assert [m.user_id for m in both.follow_up_with] == ["UALICE", "UBOB"]
    assert "Follow up with <@UALICE> and <@UBOB> on" in json.dumps(render.log_reply(both))
    assert _open(people_db) == [("UALICE", "2026-11-30"), ("UBOB", "2026-11-30")]
    with people_db.write() as s:
        one = interactions.log_text(s, TEAM, ME, "<@UALICE> <@UBOB> sync, follow up with <@UBOB> Friday", MON)
    assert [m.user_id for m in one.follow_up_with] == ["UBOB"]
    assert _open(people_db) == [("UALICE", "2026-11-30"), ("UBOB", "2026-11-27"), ("UBOB", "2026-11-30")]


def test_a_date_picked_for_several_moves_each_one(team: Served) -> None:
    body = answer(team, "/log", "<@UALICE> <@UBOB> standup, check back in 3 days")
    posted = click(team, Action.FOLLOW_UP_ON, body["blocks"], value="2026-12-10")
    assert "Follow up with <@UALICE> and <@UBOB> on *Thu, Dec 10, 2026*" in json.dumps(posted["blocks"])
    assert _open(team.core.db) == [("UALICE", "2026-12-10"), ("UBOB", "2026-12-10")]


def test_a_new_talk_closes_the_follow_ups_due_with_that_person_and_says_so(team: Served) -> None:
    clock: FakeClock = team.core.clock  # type: ignore[assignment]
    answer(team, "/log", "<@UBOB> kickoff, follow up tomorrow")
    answer(team, "/log", "<@UBOB> roadmap, follow up in 2 weeks")  # not due yet: stays
    answer(team, "/log", "<@UALICE> intro, follow up tomorrow")  # someone else's: stays
    clock.advance(days=3)  # Thursday: Bob's first is overdue
    assert "overdue" in json.dumps(answer(team, "/followups")["blocks"])
    body = answer(team, "/log", "<@UBOB> coffee, ping him next week")
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "Closed your follow-up with <@UBOB> from Tue, Nov 24" in shown
    assert _open(team.core.db) == [("UALICE", "2026-11-24"), ("UBOB", "2026-11-30"), ("UBOB", "2026-12-07")]
    listed = json.dumps(answer(team, "/followups")["blocks"], ensure_ascii=False)
    assert listed.count("Follow up with <@UBOB>") == 2
    assert "overdue since Tue, Nov 24" in listed  # Alice's, untouched
    # Undone, that talk never happened: what it closed is open again.
    click(team, Action.UNDO, body["blocks"])
    assert _open(team.core.db) == [("UALICE", "2026-11-24"), ("UBOB", "2026-11-24"), ("UBOB", "2026-12-07")]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("<@UBOB> coffee tomorrow morning follow up", "coffee"),
        ("<@UBOB> coffee, follow up tomorrow morning", "coffee"),
        (
            "had lunch with <@UBOB>, he's moving to Berlin, ping him next month",
            "had lunch with @Bob, he's moving to Berlin",
        ),
        ("<@UBOB> ping him next month about the Berlin move", "about the Berlin move"),
        ("<@UBOB> I'll touch base in 2 weeks re: budget. He liked the plan", "re: budget. He liked the plan"),
        ("<@UBOB> follow up after the holidays", "follow up after the holidays"),  # no date: all kept
        ("<@UBOB> coffee, I\u2019ll ping him next week", "coffee"),  # a phone's curly apostrophe
    ],
)
def test_the_stored_note_leaves_out_the_words_that_asked_for_the_follow_up(
    people_db: Database, text: str, stored: str
) -> None:
    with people_db.write() as s:
        bob = s.scalar(select(Member).where(Member.user_id == "UBOB"))
        assert bob is not None
        bob.real_name = "Bob"
    with people_db.write() as s:
        logged = interactions.log_text(s, TEAM, ME, text, MON)
    assert logged.note == stored
    with people_db.read() as s:
        assert s.scalars(select(Interaction.note)).one() == stored


def test_undo_mentions_a_follow_up_only_when_there_is_one(team: Served) -> None:
    plain = answer(team, "/log", "<@UBOB> hallway chat")
    _, undo = find(plain["blocks"], Action.UNDO)
    assert undo["confirm"]["text"]["text"] == "It will be gone for good."
    assert click(team, Action.UNDO, plain["blocks"])["text"] == render.UNDONE
    one = answer(team, "/log", "<@UBOB> chat, ping him friday")
    _, undo = find(one["blocks"], Action.UNDO)
    assert undo["confirm"]["text"]["text"] == "It will be gone for good, with its follow-up."
    assert click(team, Action.UNDO, one["blocks"])["text"] == render.UNDONE_WITH_FOLLOW_UP


def test_the_form_asks_to_pick_people_not_to_mention_them(team: Served) -> None:
    state = {"people": {"people": slackreq.multi_users_value([])}}
    response = team.http.interact(slackreq.view_submission(ME, View.LOG, state))
    errors = response.json()["errors"]
    assert errors["people"] == "Who was it with? Pick at least one colleague."
    assert "ention" not in errors["people"]
    view = render.log_modal(date(2026, 11, 23))
    people = next(b for b in view["blocks"] if b.get("block_id") == "people")
    assert people["label"]["text"] == "Who was it with?"
    assert "ention" not in json.dumps(view)


def test_the_question_quotes_the_line_with_names_not_slack_markup(team: Served) -> None:
    body = answer(team, "/log", "<@UALICE> <@UBOB> sync &amp; ping <@UBOB>")
    block = picker(body["blocks"])
    assert block is not None
    assert block["text"]["text"].startswith(
        "You asked for a follow-up (“ping @Bob Ray”) but didn't say when."
    )
    assert block["block_id"].endswith(":UBOB")  # a date picked here is Bob's follow-up only
    posted = click(team, Action.FOLLOW_UP_ON, body["blocks"], value="2026-12-01")
    assert "Follow up with <@UBOB> on *Tue, Dec 1, 2026*" in json.dumps(posted["blocks"], ensure_ascii=False)
    assert _open(team.core.db) == [("UBOB", "2026-12-01")]
