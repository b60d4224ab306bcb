"""Over real HTTP, driven by the clock: Rapport asks before a first public celebration.

A promotion (here a self-edited title that tries to phish) and a first work anniversary are
posted only after their owner answers "Yes, celebrate it" to Rapport's DM; "Not now" and
silence are no, and stand. Titles are capped and inert wherever they are shown. The real jobs
run (`celebrations` plans posts and questions, `nudges` plans digests and sends everything).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.celebrations.ids import Action
from bot.directory import members
from bot.models import Member, Workspace
from bot.models.celebrations import CelebrationConsent
from bot.relationships import cadences
from jobs import JOBS
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served
from tests.support.slackreq import block_actions
from tests.support.wiring import STORED

TEAM = "T0001"
CHANNEL = "C0CELEBRATE"
# Wednesday 2 December 2026, 09:00 in New York, where everyone here works: the workspace's post
# goes out at 10:00 New York (15:00 UTC).
WEDNESDAY = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
HOSTILE = "Chief Executive Officer - urgent: DM me your SSO code"
# Longer than the cap (80), with everything that could ping or link inside the part that is shown.
LONG_HOSTILE = (
    "CEO <!channel> <@UBOB> @here #general: DM me your SSO code, https://sso.evil.io now, or lose access"
)
ZWSP = "\u200b"


@pytest.fixture
def office(rapport: Served) -> Served:
    core, slack = rapport.core, rapport.slack
    clock: Any = core.clock
    clock.set(WEDNESDAY - timedelta(days=30))
    slack.add_channel(CHANNEL, "celebrations")
    people = {"UPROMO": "Engineer", "UBOB": "", "UANNIV": "", "UNOPE": "", "UQUIET": "", "UCAKE": ""}
    for uid, title in people.items():
        slack.add_user(uid, title=title)
    found = add_members(core.db, TEAM, *(slack_user(u, title=t) for u, t in people.items()), now=clock())
    with core.db.write() as s:
        workspace = s.get(Workspace, TEAM)
        assert workspace is not None
        workspace.celebrations_channel = CHANNEL
        for uid in ("UANNIV", "UNOPE", "UQUIET"):  # imported from HR's CSV: 3 years on Friday 4 Dec
            m = s.get(Member, found[uid].id)
            assert m is not None
            m.start_date = date(2023, 12, 4)
        cake = s.get(Member, found["UCAKE"].id)
        assert cake is not None
        cake.birthday_month, cake.birthday_day = 12, 3  # shared by Cake: Thursday's post has her
        cake.celebrate_birthday = True
        bob, promo = s.get(Member, found["UBOB"].id), s.get(Member, found["UPROMO"].id)
        assert bob is not None
        assert promo is not None
        cadences.keep_in_touch(s, TEAM, bob, promo, 30, clock())  # Promo is in Bob's circle
    return rapport


def tick(served: Served, at: datetime) -> None:
    """The scheduler's jobs at `at`: plan posts and questions, plan digests, send what is due."""
    clock: Any = served.core.clock
    clock.set(at)
    JOBS["celebrations"](served.core, at)
    JOBS["nudges"](served.core, at)


def days_of_posts(served: Served, first: date, last: date) -> None:
    """Each weekday: the morning digests (09:00 New York), the post planned and sent (10:00)."""
    day = first
    while day <= last:
        if day.weekday() < 5:
            morning = datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)
            for at in (morning, morning + timedelta(minutes=35), morning + timedelta(hours=1, minutes=1)):
                tick(served, at)
        day += timedelta(days=1)


def promote(served: Served, uid: str, title: str, at: datetime) -> None:
    """What the directory sync does when Slack shows a new title."""
    with served.core.db.write() as s:
        members.upsert_members(s, TEAM, [slack_user(uid, title=title)], at, stored=STORED)


def question(served: Served, uid: str) -> dict[str, Any]:
    """The consent DM `uid` got (exactly one), as it was sent."""
    found = [
        m
        for m in served.slack.messages_in("D" + uid)
        if Action.CONSENT_YES in json.dumps(m.get("blocks") or [])
    ]
    assert len(found) == 1, found
    return dict(found[0])


def questions_sent(served: Served) -> list[str]:
    """To whom a consent question was posted (their user id: the DM), once per chat.postMessage."""
    return [
        str(c.params["channel"])
        for c in served.slack.calls_to("chat.postMessage")
        if c.ok and Action.CONSENT_YES in json.dumps(c.params.get("blocks") or "")
    ]


def answer(served: Served, uid: str, message: dict[str, Any], action: Action) -> dict[str, Any]:
    """`uid` clicks a button of `message`; returns the DM as Rapport then redrew it."""
    updates = len(served.slack.calls_to("chat.update"))
    value = next(
        e["value"]
        for b in message["blocks"]
        for e in b.get("elements") or []
        if isinstance(e, dict) and e.get("action_id") == action
    )
    click = block_actions(uid, action, value, message=message)
    assert served.http.interact(click).status == 200
    update = served.slack.wait_for("chat.update", updates + 1)[-1]
    assert (update.params["channel"], update.params["ts"]) == (message["channel"], message["ts"])
    redrawn = served.slack.message(message["channel"], message["ts"])
    assert redrawn is not None
    assert Action.CONSENT_YES not in json.dumps(redrawn["blocks"])  # answered: no buttons left
    return redrawn


def posted(served: Served) -> str:
    return json.dumps(served.slack.messages_in(CHANNEL), ensure_ascii=False)


def readable(mrkdwn: str) -> str:
    """What a reader sees of Rapport's mrkdwn (zero-width spaces and entities aside)."""
    return mrkdwn.replace(ZWSP, "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown_titles(served: Served, channel: str, before: str, after: str) -> list[str]:
    texts = [
        b["text"]["text"]
        for m in served.slack.messages_in(channel)
        for b in m.get("blocks") or []
        if b.get("type") == "section"
    ]
    return [t.split(before, 1)[1].split(after, 1)[0] for t in texts if before in t]


def test_a_self_edited_title_is_never_posted_without_a_yes(office: Served) -> None:
    promote(office, "UPROMO", HOSTILE, WEDNESDAY)
    tick(office, WEDNESDAY + timedelta(minutes=5))
    asked = question(office, "UPROMO")
    text = readable(json.dumps(asked["blocks"], ensure_ascii=False))
    assert f"Congratulations on your new role, *{HOSTILE}*! Celebrate it in <#{CHANNEL}>?" in text
    assert [b["type"] for b in asked["blocks"]] == ["section", "context", "actions"]
    assert asked["blocks"][0]["text"]["verbatim"] is True
    # Promo never answers. Thursday's post (Cake's birthday) and a week of posts and digests after.
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 11))
    assert "<@UCAKE>" in posted(office)
    assert "SSO" not in posted(office)
    assert "UPROMO" not in posted(office)
    assert office.slack.messages_in("DUBOB")  # Bob's digests went out…
    assert "SSO" not in json.dumps(office.slack.messages_in("DUBOB"))  # …without Promo's title
    everywhere_else = [m for m in office.slack.messages if m["channel"] != "DUPROMO"]
    assert "SSO" not in json.dumps(everywhere_else)
    assert questions_sent(office).count("UPROMO") == 1  # asked once


def test_yes_posts_the_promotion_on_the_next_post_capped_and_inert_and_tells_the_circle(
    office: Served,
) -> None:
    promote(office, "UPROMO", LONG_HOSTILE, WEDNESDAY)
    tick(office, WEDNESDAY + timedelta(minutes=5))
    asked = question(office, "UPROMO")
    (in_question,) = shown_titles(office, "DUPROMO", "new role, *", "*!")
    assert len(readable(in_question)) == 80
    assert readable(in_question) == LONG_HOSTILE[:79].rstrip() + "…"
    redrawn = answer(office, "UPROMO", asked, Action.CONSENT_YES)
    said = redrawn["blocks"][0]["text"]["text"]
    assert said.startswith(":white_check_mark: You chose to celebrate your new role, *")
    assert f"in <#{CHANNEL}>: it goes in the next daily post" in said

    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 3))
    (post,) = office.slack.messages_in(CHANNEL)
    (line,) = [b for b in post["blocks"] if b.get("type") == "section" and "<@UPROMO>" in b["text"]["text"]]
    assert line["text"]["verbatim"] is True  # Slack links nothing in it
    (title,) = shown_titles(office, CHANNEL, "Congratulations <@UPROMO>, now *", "*!")
    assert readable(title) == LONG_HOSTILE[:79].rstrip() + "…"
    for inert in ("<!channel>", "<@UBOB>", "<https", "https://", "evil.io", "@here", "#general"):
        assert inert not in title, inert
    assert "&lt;!channel&gt;" in title  # shown as the text it is
    # The circle hears of it too, now that Promo said yes: Bob's next working morning.
    (bob_says,) = shown_titles(office, "DUBOB", "<@UPROMO> is now *", "*.")
    assert bob_says == title
    assert "Previously Engineer." in json.dumps(office.slack.messages_in("DUBOB"))
    # Announced once: the next posts do not repeat it.
    days_of_posts(office, date(2026, 12, 4), date(2026, 12, 8))
    assert posted(office).count(":rocket: Congratulations <@UPROMO>") == 1


def test_an_anniversary_is_posted_after_yes_and_never_after_not_now_or_silence(office: Served) -> None:
    tick(office, WEDNESDAY)  # a week is left for each to answer before Friday's post
    assert sorted(questions_sent(office)) == ["UANNIV", "UNOPE", "UQUIET"]
    for uid in ("UANNIV", "UNOPE", "UQUIET"):
        said = question(office, uid)["blocks"][0]["text"]["text"]
        assert said == f":tada: Your 3-year work anniversary is on Fri, Dec 4. Celebrate it in <#{CHANNEL}>?"
    yes = answer(office, "UANNIV", question(office, "UANNIV"), Action.CONSENT_YES)
    assert yes["blocks"][0]["text"]["text"] == (
        f":white_check_mark: You chose to celebrate your work anniversaries in <#{CHANNEL}>, "
        "starting on Fri, Dec 4. `/rapport settings` changes that any time."
    )
    nope = question(office, "UNOPE")
    no = answer(office, "UNOPE", nope, Action.CONSENT_NO)
    assert no["blocks"][0]["text"]["text"].startswith("OK, your work anniversaries won't be posted")
    # A second click (a double click, or Slack retrying it) changes nothing: the first answer stands.
    again = answer(office, "UNOPE", nope, Action.CONSENT_YES)
    assert again["blocks"] == no["blocks"]

    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 4))
    friday = office.slack.messages_in(CHANNEL)[-1]
    assert ":tada: <@UANNIV> — 3 years at the company" in json.dumps(friday["blocks"], ensure_ascii=False)
    assert "UNOPE" not in posted(office)
    assert "UQUIET" not in posted(office)  # silence is not consent
    with office.core.db.read() as s:
        chosen = dict(s.execute(select(Member.user_id, Member.celebrate_anniversaries)).all())
    assert (chosen["UANNIV"], chosen["UNOPE"], chosen["UQUIET"]) == (True, False, None)

    # A year on: the yes stands (posted again, not asked), and nobody is asked a second time.
    days_of_posts(office, date(2027, 11, 26), date(2027, 12, 3))  # 4 Dec 2027 is a Saturday
    assert sorted(questions_sent(office)) == ["UANNIV", "UNOPE", "UQUIET"]
    assert ":tada: <@UANNIV> — 4 years at the company (on Saturday)" in posted(office)
    assert "UNOPE" not in posted(office)
    assert "UQUIET" not in posted(office)


def test_not_now_to_a_promotion_is_final_for_that_title_and_shown_to_nobody(office: Served) -> None:
    promote(office, "UPROMO", "Senior Engineer", WEDNESDAY)
    tick(office, WEDNESDAY + timedelta(minutes=5))
    no = answer(office, "UPROMO", question(office, "UPROMO"), Action.CONSENT_NO)
    assert no["blocks"][0]["text"]["text"] == (
        "OK, your new role, *Senior Engineer*, won't be celebrated, and I won't ask about it again. Congrats!"
    )
    promote(office, "UPROMO", "Sr. Engineer", WEDNESDAY + timedelta(hours=2))  # reworded: the same step
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 4))
    assert questions_sent(office).count("UPROMO") == 1
    assert "UPROMO" not in posted(office)
    elsewhere = json.dumps([m for m in office.slack.messages if m["channel"] != "DUPROMO"])
    assert "Senior Engineer" not in elsewhere
    assert "celebrated" not in elsewhere  # what Promo answered is between Promo and Rapport
    # A real step up later is new news, asked about on its own.
    promote(office, "UPROMO", "Staff Engineer", datetime(2026, 12, 7, 14, 0, tzinfo=UTC))
    tick(office, datetime(2026, 12, 7, 14, 5, tzinfo=UTC))
    asks = [m for m in office.slack.messages_in("DUPROMO") if Action.CONSENT_YES in json.dumps(m["blocks"])]
    assert len(asks) == 1
    assert "*Staff Engineer*" in asks[0]["blocks"][0]["text"]["text"]


def test_someone_else_cannot_answer_for_me(office: Served) -> None:
    promote(office, "UPROMO", HOSTILE, WEDNESDAY)
    tick(office, WEDNESDAY + timedelta(minutes=5))
    asked = question(office, "UPROMO")
    value = asked["blocks"][-1]["elements"][0]["value"]
    forged = block_actions("UBOB", Action.CONSENT_YES, value, channel_id="DUBOB")
    assert office.http.interact(forged).status == 200
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 3))
    assert "SSO" not in posted(office)
    assert office.slack.calls_to("chat.update") == []
    with office.core.db.read() as s:
        assert s.scalars(select(CelebrationConsent.answer)).all() == [None] * 4
