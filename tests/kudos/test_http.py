"""`/kudos` end to end: real HTTP to the app, the fake Slack behind it, posts through the outbox."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.core import Core
from bot.directory.members import find_member
from bot.models import Workspace
from bot.models.celebrations import Kudos
from bot.models.outbox import Outbox
from bot.platform.db import Database
from jobs import JOBS
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import Served, make_settings
from tests.support.nudgekit import dms

CHANNEL = "C0CELEBRATE"


@pytest.fixture
def core(slack: FakeSlack, db: Database, clock: FakeClock) -> Core:
    """The app's core, with the celebrations channel named in the environment."""
    return Core(settings=make_settings(slack, db, celebrations_channel="celebrations"), db=db, clock=clock)


@pytest.fixture
def team(rapport: Served) -> Served:
    slack = rapport.slack
    slack.add_system_users()
    slack.add_channel("C0RANDOM", "random")
    slack.add_channel(CHANNEL, "celebrations")
    slack.public_channels_without_bot.add(CHANNEL)  # Rapport joins it itself
    users = [
        slack.add_user("UALICE", real_name="Alice"),
        slack.add_user("UBOB", real_name="Bob"),
        slack.add_user("UCAROL", real_name="Carol"),
        slack.add_user("UGONE", real_name="Gone", deleted=True),
    ]
    add_members(
        rapport.core.db,
        slack.team_id,
        *(slack_user(u["id"], deleted=u["deleted"]) for u in users),
        slack_user("UBOT", is_bot=True),
    )
    return rapport


def kudos(served: Served, text: str, *, user: str = "UALICE", trigger: str = "trig.1", **kw: Any) -> str:
    response = served.http.command(
        "/kudos", text, user_id=user, team_id=served.slack.team_id, trigger_id=trigger, **kw
    )
    assert response.status == 200, response.text
    assert response.elapsed < 3.0
    body = response.json()
    assert body["response_type"] == "ephemeral"
    text_: str = body["text"]
    assert "<!" not in text_
    return text_


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for work after the answer (a lazy listener) to finish; polls, never waits on a schedule."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the work after the answer did not finish"
        time.sleep(0.01)


def posted_ts(db: Database) -> list[str | None]:
    with db.read() as s:
        return list(s.scalars(select(Kudos.posted_ts).order_by(Kudos.id)))


def outbox_status(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Outbox.status).order_by(Outbox.id)))


def posts(slack: FakeSlack) -> list[str]:
    return [json.dumps(m["blocks"]) for m in slack.messages_in(CHANNEL)]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("<@UALICE|alice> for being great", "can't give them to yourself"),
        ("<@UBOT|rapport> for the reminders", "is a bot"),
        ("<@UGONE|gone> for everything", "no longer active"),
        ("<@UNOBODY|x> for everything", "I don't know <@UNOBODY> yet"),
        ("<@UBOB|bob>", "What are the kudos for?"),
        ("<@UBOB|bob> for <!channel>", "What are the kudos for?"),
        ("for the demo", "Who are the kudos for?"),
    ],
)
def test_kudos_that_cannot_be_posted_are_refused_kindly(team: Served, text: str, answer: str) -> None:
    assert answer in kudos(team, text)
    assert team.slack.calls_to("chat.postMessage") == []


def test_a_kudos_is_posted_in_the_channel_rapport_joined_itself(team: Served) -> None:
    slack = team.slack
    answer = kudos(team, "<@UBOB|bob> <@UCAROL|carol> for shipping the churn model")
    assert "Thank you for recognising <@UBOB> and <@UCAROL>" in answer
    (call,) = slack.wait_for("chat.postMessage")
    assert call.params["channel"] == CHANNEL
    assert slack.calls_to("conversations.join")[0].params["channel"] == CHANNEL
    (post,) = posts(slack)
    assert "<@UALICE>" in post
    assert "<@UBOB> and <@UCAROL>" in post
    assert "shipping the churn model" in post
    eventually(lambda: outbox_status(team.core.db) == ["sent"])
    JOBS["celebrations"](team.core, team.core.clock())  # notes where it went
    assert posted_ts(team.core.db) == [slack.messages_in(CHANNEL)[0]["ts"]]
    with team.core.db.read() as s:
        assert s.scalar(select(Kudos.posted_channel)) == CHANNEL
    # The channel is now known, so the next answer names it and needs no lookup.
    assert f"<#{CHANNEL}>" in kudos(team, "<@UBOB> for the review", trigger="trig.2")
    slack.wait_for("chat.postMessage", 2)
    assert len(slack.calls_to("conversations.list")) == 1


def test_a_slack_retry_of_the_request_never_posts_twice(team: Served) -> None:
    slack = team.slack
    # Slack retries while the first request's post may still be on its way.
    answers = [kudos(team, "<@UBOB> for fixing the build", trigger="trig.same")]
    answers += [kudos(team, "<@UBOB> for fixing the build", trigger="trig.same", retry_num=n) for n in (1, 2)]
    assert all(a.startswith(":tada: Thank you for recognising <@UBOB>!") for a in answers)
    slack.wait_for("chat.postMessage")
    eventually(lambda: outbox_status(team.core.db) == ["sent"])
    # Someone typing the same thanks again is told, not posted twice either.
    assert "won't post them twice" in kudos(team, "<@UBOB|bob> for fixing the build", trigger="trig.new")
    JOBS["nudges"](team.core, team.core.clock())  # the scheduled sender finds nothing more to send
    assert len(posts(slack)) == 1
    with team.core.db.read() as s:
        assert len(s.scalars(select(Kudos)).all()) == 1
        assert len(s.scalars(select(Outbox)).all()) == 1


def test_broadcasts_in_the_reason_never_reach_the_post(team: Served) -> None:
    kudos(team, "<@UBOB> for <!channel> keeping <!here> us <!everyone> calm <!subteam^S1|@ops>")
    team.slack.wait_for("chat.postMessage")
    (post,) = posts(team.slack)
    assert "<!" not in post
    assert "keeping us calm" in post


def test_the_eleventh_kudos_in_an_hour_is_refused(team: Served) -> None:
    for n in range(10):
        assert "Thank you for recognising" in kudos(team, f"<@UBOB> for fix number {n}", trigger=f"t{n}")
    assert "10 kudos in the past hour" in kudos(team, "<@UBOB> for one more fix", trigger="t11")
    team.settle()
    # Beyond Slack's one a second in the channel, posts are left to the scheduled sender.
    team.core.clock.advance(minutes=1)  # type: ignore[attr-defined]
    JOBS["nudges"](team.core, team.core.clock())
    assert len(posts(team.slack)) == 10


def test_a_private_channel_without_rapport_is_explained_and_the_kudos_waits(team: Served) -> None:
    slack, core = team.slack, team.core
    slack.add_channel("G0SECRET", "celebrations-private", is_private=True)
    slack.private_channels_without_bot.add("G0SECRET")
    with core.db.write() as s:  # an admin chose it in /rapport settings (it wins over the environment)
        workspace = s.get(Workspace, slack.team_id)
        assert workspace is not None
        workspace.celebrations_channel = "G0SECRET"
    url = slack.response_url("kudos")
    kudos(team, "<@UBOB> for the launch", response_url=url)
    told = slack.wait_for_response_to(url)
    assert told["response_type"] == "ephemeral"
    assert "/invite @Rapport" in told["text"]
    assert "saved" in told["text"]
    assert slack.calls_to("chat.postMessage") == []
    # Someone invites Rapport; the next celebrations run posts the kudos that waited.
    slack.private_channels_without_bot.discard("G0SECRET")
    core.clock.advance(minutes=10)  # type: ignore[attr-defined]
    JOBS["celebrations"](core, core.clock())
    JOBS["nudges"](core, core.clock())
    (post,) = [json.dumps(m["blocks"]) for m in slack.messages_in("G0SECRET")]
    assert "the launch" in post


def test_a_rate_limited_post_is_sent_later_by_the_sender_exactly_once(team: Served) -> None:
    slack, core = team.slack, team.core
    slack.fail_next("chat.postMessage", status=429, retry_after=30)
    kudos(team, "<@UBOB> for the postmortem")
    slack.wait_for("chat.postMessage")

    def given_back() -> bool:
        with core.db.read() as s:
            return s.scalar(select(Outbox.status)) == "pending"

    eventually(given_back)
    assert posts(slack) == []
    JOBS["nudges"](core, core.clock())  # too early: Slack said 30 s
    assert posts(slack) == []
    core.clock.advance(seconds=31)  # type: ignore[attr-defined]
    JOBS["nudges"](core, core.clock())
    JOBS["nudges"](core, core.clock())
    (post,) = posts(slack)
    assert "the postmortem" in post
    JOBS["celebrations"](core, core.clock())  # records where it went
    with core.db.read() as s:
        row = s.scalar(select(Kudos))
        assert row is not None
        assert row.posted_ts == slack.messages_in(CHANNEL)[0]["ts"]


def test_within_minutes_the_reason_counts_for_whoknows(team: Served) -> None:
    kudos(team, "<@UBOB> for moving the billing jobs to k8s")
    team.slack.wait_for("chat.postMessage")
    JOBS["celebrations"](team.core, team.core.clock())  # every five minutes
    response = team.http.command("/whoknows", "kubernetes", user_id="UCAROL", team_id=team.slack.team_id)
    answer = json.dumps(response.json())
    assert "<@UBOB>" in answer
    assert "kudos from <@UALICE>" in answer


# -- what a reason may do in a post (issue 11, items 4 and 5) ----------------------------------

MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def post_text(slack: FakeSlack) -> str:
    (message,) = slack.messages_in(CHANNEL)
    return str(message["blocks"][0]["text"]["text"])


def pinged(message: dict[str, Any]) -> list[str]:
    """Everyone a message Slack received pings, in its blocks and its fallback text."""
    return MENTION_RE.findall(json.dumps(message["blocks"]) + message["text"])


def opt_out(db: Database, team_id: str, *user_ids: str) -> None:
    with db.write() as s:
        for uid in user_ids:
            member = find_member(s, team_id, uid)
            assert member is not None
            member.celebrate_publicly = False


@pytest.fixture
def people(team: Served) -> Served:
    """Alice, Bob and Carol; Sam, who would rather not be celebrated in public; Gone, who left;
    a bot; and a crowd of sixty colleagues."""
    add_members(
        team.core.db,
        team.slack.team_id,
        slack_user("USHY", real_name="Sam Shy"),
        *(slack_user(f"UP{i:03d}", real_name=f"Pat {i}") for i in range(60)),
    )
    opt_out(team.core.db, team.slack.team_id, "USHY")
    return team


def test_a_reason_pings_only_people_who_may_be_celebrated_and_names_the_others(people: Served) -> None:
    slack = people.slack
    kudos(
        people,
        "<@UBOB|bob> for pairing with <@UCAROL|carol>, <@USHY|shy>, <@UGONE|gone>, "
        "<@UBOT|rapport> and <@UNOBODY|the ceo>",
    )
    slack.wait_for("chat.postMessage")
    (message,) = slack.messages_in(CHANNEL)
    assert set(pinged(message)) == {"UALICE", "UBOB", "UCAROL"}
    # Sam opted out of public celebrations: the channel does not learn his name either.
    assert "pairing with <@UCAROL>, someone, Person UGONE, Person UBOT and someone" in post_text(slack)
    assert "Sam" not in json.dumps(message)
    assert "ceo" not in json.dumps(message)  # a label is not a name


def test_someone_who_opts_out_before_the_post_goes_out_is_not_pinged_by_it(people: Served) -> None:
    slack, core = people.slack, people.core
    slack.fail_next("chat.postMessage", status=429, retry_after=30)
    kudos(people, "<@UBOB> for pairing with <@UCAROL|carol> all week")
    slack.wait_for("chat.postMessage")
    eventually(lambda: outbox_status(core.db) == ["pending"])
    opt_out(core.db, slack.team_id, "UCAROL")  # in /rapport settings, before the post is retried
    core.clock.advance(seconds=31)  # type: ignore[attr-defined]
    JOBS["nudges"](core, core.clock())
    (message,) = slack.messages_in(CHANNEL)
    assert "UCAROL" not in pinged(message)
    assert "pairing with someone all week" in post_text(slack)


def test_a_reason_pings_at_most_five_people_beyond_giver_and_receivers(people: Served) -> None:
    slack = people.slack
    crowd = " ".join(f"<@UP{i:03d}|pat{i}>" for i in range(60))
    kudos(people, f"<@UBOB> <@UCAROL> for the offsite with {crowd}")
    slack.wait_for("chat.postMessage")
    (message,) = slack.messages_in(CHANNEL)
    first_five = [f"UP{i:03d}" for i in range(5)]
    assert set(pinged(message)) == {"UALICE", "UBOB", "UCAROL", *first_five}
    assert post_text(slack).count("<@") == 3 + 5  # giver, two receivers, five from the reason
    assert "Pat 5 Pat 6" in post_text(slack)  # the rest are named
    assert "Pat 59" in post_text(slack)


@pytest.mark.parametrize(
    ("typed", "posted"),
    [
        ("<https://evil.example/login|okta.company.com>", "<https://evil.example/login>"),
        ("<https://evil.example/login|https://okta.company.com/login>", "<https://evil.example/login>"),
        ("<https://github.com/org/repo|github.com>", "<https://github.com/org/repo|github.com>"),
        ("<https://x.example|<!channel>>", "<https://x.example>"),
        ("<mailto:a@b.c|a@b.c>", "<mailto:a@b.c|a@b.c>"),
        ("<mailto:thief@evil.example|it@company.com>", "<mailto:thief@evil.example|thief@evil.example>"),
        # a browser reads `\` as `/`: this goes to evil.example, whatever urlsplit says
        (
            "<https://evil.example\\@okta.company.com/|okta.company.com>",
            "<https://evil.example\\@okta.company.com/|https://evil.example/…>",
        ),
        (
            "<https://okta.company.com@evil.example>",
            "<https://okta.company.com@evil.example|https://evil.example>",
        ),
        ("<https://evil.example/login|https://okta>", "<https://evil.example/login>"),
        ("<https://evil.example/login|localhost:8080>", "<https://evil.example/login>"),
        ("<https://evil.example/login|intranet/login>", "<https://evil.example/login>"),
    ],
)
def test_a_link_in_a_reason_shows_where_it_goes(team: Served, typed: str, posted: str) -> None:
    kudos(team, f"<@UBOB> for the login fix {typed} today")
    team.slack.wait_for("chat.postMessage")
    text = post_text(team.slack)
    assert f"the login fix {posted} today" in text
    assert "|>" not in text
    assert "<!" not in text


def test_a_reason_is_escaped_once_and_checked_in_the_post_the_digest_and_whoknows(people: Served) -> None:
    slack, core = people.slack, people.core
    # As Slack sends "the R&D k8s cluster <3 & a > 99% uptime, with @Sam (okta.company.com)".
    reason = (
        "the R&amp;D k8s cluster &lt;3 &amp; a &gt; 99% uptime, with <@USHY|shy> "
        "(<https://evil.example/login|okta.company.com>)"
    )
    shown = "the R&amp;D k8s cluster &lt;3 &amp; a &gt; 99% uptime, with {} (<https://evil.example/login>)"
    kudos(people, f"<@UBOB> for {reason}")
    slack.wait_for("chat.postMessage")
    assert f"for {shown.format('someone')}" in post_text(slack)  # Sam opted out: not named in public
    eventually(lambda: outbox_status(core.db) == ["sent"])
    # At 9:00 in New York, Bob's morning digest says what for, the same way.
    JOBS["nudges"](core, core.clock())  # (7:00 there: planned for 9:00)
    core.clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    JOBS["nudges"](core, core.clock())
    (digest,) = dms(slack, "UBOB")
    in_private = f"<@UALICE> gave you kudos for {shown.format('Sam Shy')}"  # Bob's own DM may name him
    assert in_private in json.dumps(digest["blocks"], ensure_ascii=False)
    # /whoknows quotes it (pinging nobody).
    JOBS["celebrations"](core, core.clock())
    answer = people.http.command("/whoknows", "kubernetes", user_id="UCAROL", team_id=slack.team_id)
    explained = json.dumps(answer.json(), ensure_ascii=False)
    quoted = "kudos from <@UALICE> for “the R&amp;D k8s cluster &lt;3 &amp; a &gt; 99% uptime, with someone"
    assert quoted in explained
    for surface in (post_text(slack), json.dumps(digest), explained):
        assert "&amp;amp;" not in surface
        assert "okta.company.com" not in surface
        assert "<@USHY" not in surface


def test_someone_who_opted_out_is_someone_in_public_even_after_leaving(people: Served) -> None:
    slack, core = people.slack, people.core
    add_members(
        core.db,
        slack.team_id,
        slack_user("UGONESHY", real_name="Left Shy", deleted=True),
        slack_user("UDEPLOY", real_name="Deploy Bot", is_bot=True),
    )
    opt_out(core.db, slack.team_id, "UGONESHY")
    kudos(people, "<@UBOB> for the release with <@USHY|sam>, <@UGONESHY|ls>, <@UGONE|g> and <@UDEPLOY|d>")
    slack.wait_for("chat.postMessage")
    (message,) = slack.messages_in(CHANNEL)
    # Opting out stands after leaving; someone who left without opting out, and a bot, keep a name.
    assert "the release with someone, someone, Person UGONE and Deploy Bot" in post_text(slack)
    assert "Shy" not in json.dumps(message)
    assert set(pinged(message)) == {"UALICE", "UBOB"}


def test_receivers_joined_by_an_ampersand_are_all_thanked(team: Served) -> None:
    # Slack sends "@bob & @carol" as "<@UBOB|bob> &amp; <@UCAROL|carol>".
    answer = kudos(team, "<@UBOB|bob> &amp; <@UCAROL|carol> for the migration")
    assert "Thank you for recognising <@UBOB> and <@UCAROL>" in answer
    team.slack.wait_for("chat.postMessage")
    post = post_text(team.slack)
    assert "<@UBOB> and <@UCAROL>" in post
    assert "for the migration" in post
    assert "&amp;" not in post
