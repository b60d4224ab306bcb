"""Expertise from public channels, as Slack's events bring it, end to end over signed HTTP: a team
that declared nothing is answered from what people answered in a channel Rapport was invited
to; asking counts for nothing; DMs, private channels, other workspaces and people who turned it
off never count; edits and deletions apply; a retried event counts once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.expertise import channels
from bot.models.activity import ChannelSignal
from bot.models.expertise import SkillVocabulary
from tests.expertise.test_http import command, shown
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served
from tests.support.slackreq import BOT_USER_ID, message_event

TEAM = "T0001"
ANA, BO, CY, DEE = "U0ANA", "U0BO", "U0CY", "U0DEE"
INFRA = "C0INFRA"


@pytest.fixture
def app(rapport: Served) -> Served:
    users = [slack_user(u) for u in (ANA, BO, CY, DEE)]
    add_members(rapport.core.db, TEAM, *users)
    for user in users:
        rapport.slack.add_user(user["id"])
    rapport.slack.add_channel(INFRA, "infra")
    return rapport


def send(app: Served, event: dict[str, Any], **options: Any) -> None:
    assert app.http.event(event, **options).status == 200
    app.settle()


def invited(app: Served, channel: str = INFRA, channel_type: str = "C") -> None:
    joined = {"type": "member_joined_channel", "user": BOT_USER_ID, "channel": channel, "inviter": DEE}
    send(app, {**joined, "channel_type": channel_type, "team": TEAM, "event_ts": "1.0"})


def said(
    app: Served, user: str, text: str, ts: str, *, thread: str | None = None, channel: str = INFRA, **kw: Any
) -> dict[str, Any]:
    event = message_event(user, text, channel=channel, ts=ts, thread_ts=thread, **kw)
    if thread and thread != ts:
        event["parent_user_id"] = kw.get("starter", BO)
    send(app, event)
    return event


QUESTION = "how do I roll back a terraform apply that half failed?"
ANSWER = "run `terraform state pull` first, then apply the previous plan; it keeps the state consistent"


def asked_and_answered(app: Served) -> None:
    said(app, BO, QUESTION, "1764000000.000100")
    said(app, ANA, ANSWER, "1764000060.000200", thread="1764000000.000100")


def test_a_team_that_declared_nothing_is_answered_from_channel_answers(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    text = shown(command(app, "/whoknows", "terraform", user=CY))
    assert f"<@{ANA}>" in text
    assert f"answered 1 thread about *Terraform* in <#{INFRA}>" in text
    assert "/archives/C0INFRA/p1764000060000200" in text  # a permalink to the answer
    assert f"<@{BO}>" not in text  # asking is no sign of knowing


def test_thanks_from_the_asker_counts_for_the_answer(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    said(app, BO, "thanks, that worked!", "1764000120.000300", thread="1764000000.000100")
    text = shown(command(app, "/whoknows", "terraform", user=CY))
    assert "thanked once" in text


def test_answers_outrank_questions_and_mentions(app: Served) -> None:
    invited(app)
    said(app, DEE, "we use terraform for the network", "1764000000.000050")  # a mention
    asked_and_answered(app)
    answer = command(app, "/whoknows", "terraform", user=CY)
    text = shown(answer)
    assert text.index(f"<@{ANA}>") < text.index(f"<@{DEE}>")


def test_a_channel_rapport_was_not_invited_to_never_counts(app: Served) -> None:
    asked_and_answered(app)  # (Slack would not even send these)
    assert "terraform" in shown(command(app, "/whoknows", "terraform", user=CY)).lower()
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))


@pytest.mark.parametrize(
    ("channel", "channel_type"), [("D0ANA", "im"), ("G0PRIV", "group"), ("C0MPIM", "mpim")]
)
def test_dms_and_private_channels_never_count(app: Served, channel: str, channel_type: str) -> None:
    invited(app, channel, channel_type="G" if channel_type == "group" else "C")
    said(app, BO, QUESTION, "1764000000.000100", channel=channel, channel_type=channel_type)
    said(
        app,
        ANA,
        ANSWER,
        "1764000060.000200",
        thread="1764000000.000100",
        channel=channel,
        channel_type=channel_type,
    )
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))
    with app.core.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ChannelSignal)) == 0


def test_invited_to_a_private_channel_it_says_it_reads_nothing_there(app: Served) -> None:
    invited(app, "G0PRIV", channel_type="G")
    (post,) = app.slack.calls_to("chat.postMessage")
    assert post.params["channel"] == "G0PRIV"
    assert "only from *public* channels" in post.params["text"]


def test_an_edit_rescores_and_a_deletion_removes(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    answer_ts = "1764000060.000200"
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "channel": INFRA,
        "channel_type": "channel",
        "ts": "1764000300.000000",
        "message": {
            "type": "message",
            "user": ANA,
            "text": "run `kubectl rollout undo` first, it keeps the deployment consistent",
            "ts": answer_ts,
            "thread_ts": "1764000000.000100",
            "parent_user_id": BO,
            "edited": {"user": ANA, "ts": "1764000300.000000"},
        },
        "previous_message": {"type": "message", "user": ANA, "text": ANSWER, "ts": answer_ts},
    }
    send(app, edited)
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))
    assert f"<@{ANA}>" in shown(command(app, "/whoknows", "kubernetes", user=CY))
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": INFRA,
        "channel_type": "channel",
        "ts": "1764000400.000000",
        "deleted_ts": answer_ts,
        "previous_message": edited["message"],
    }
    send(app, deleted)
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "kubernetes", user=CY))


def test_a_retried_event_counts_once(app: Served) -> None:
    invited(app)
    said(app, BO, QUESTION, "1764000000.000100")
    event = message_event(ANA, ANSWER, channel=INFRA, ts="1764000060.000200", thread_ts="1764000000.000100")
    event["parent_user_id"] = BO
    for retry in range(3):
        send(app, event, event_id="Ev0SAME", retry_num=retry)
    # And the same message again under another event id (as a backfill would bring it): once.
    send(app, event)
    with app.core.db.read() as session:
        kept = session.scalars(select(ChannelSignal.kind).where(ChannelSignal.ts == event["ts"])).all()
    assert kept == ["answer"]
    assert "answered 1 thread" in shown(command(app, "/whoknows", "terraform", user=CY))


def test_another_workspace_never_sees_it(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    other = "T0OTHER"
    app.slack.add_team(other, "xoxb-other")
    add_members(app.core.db, other, slack_user("U0ZED"))
    answer = command(app, "/whoknows", "terraform", user="U0ZED", team=other)
    assert f"<@{ANA}>" not in shown(answer)


def _evidence_version(app: Served) -> int:
    with app.core.db.read() as session:
        return int(
            session.scalar(select(SkillVocabulary.evidence_version).where(SkillVocabulary.team_id == TEAM))
            or 0
        )


@pytest.mark.parametrize("burst", [1, 12])
def test_a_burst_of_messages_is_counted_at_once(app: Served, burst: int) -> None:
    """However many messages came, settling them makes one new evidence version (so cached
    /whoknows answers are not thrown away message by message)."""
    invited(app)
    said(app, BO, QUESTION, "1764000000.000100")
    with app.core.db.write() as session:
        for i in range(burst):
            message = message_event(
                ANA, ANSWER, channel=INFRA, ts=f"1764000{100 + i}.000200", thread_ts="1764000000.000100"
            )
            message["parent_user_id"] = BO
            channels.apply_message(session, TEAM, INFRA, message, app.core.clock())
    before = _evidence_version(app)
    assert channels.Settler(app.core.db, app.core.clock, app.core.registry.evidence).settle(TEAM) == 1
    assert _evidence_version(app) - before == 2  # (the writers' lock, then the scores: once each)
    assert "answered 1 thread about *Terraform*" in shown(command(app, "/whoknows", "terraform", user=CY))


def test_joining_a_channel_by_itself_is_no_invitation(app: Served) -> None:
    """Rapport joins the celebrations channel by itself: that channel is not read for expertise."""
    joined = {"type": "member_joined_channel", "user": BOT_USER_ID, "channel": INFRA, "channel_type": "C"}
    send(app, {**joined, "team": TEAM, "event_ts": "1.0"})
    asked_and_answered(app)
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))


def test_a_question_keeps_nothing_of_who_asked(app: Served) -> None:
    invited(app)
    said(app, BO, QUESTION, "1764000000.000100")
    with app.core.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ChannelSignal)) == 0
