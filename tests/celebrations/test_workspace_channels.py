"""Over real HTTP: the admins' workspace settings for expertise — the skills profile field, the
workspace's switch for learning from public channels (off deletes what channels showed, at once,
and nothing more is read), the public channels admins list for Rapport to read (checked, joined,
backfilled by the `backfill-channels` job; unlisted, no longer read) and how far each one is.

Every view Rapport opens or pushes goes through the fake Slack's Block Kit checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.celebrations.ids import LEARNING_ON, SHOWN_PREFIX, Action, Input, View
from bot.celebrations.settings import NEW_PER_SAVE
from bot.expertise import channels
from bot.models import Workspace
from bot.models.activity import BACKFILLING, LEFT, WATCHING, ChannelActivity, ChannelSignal, ChannelWatch
from jobs import JOBS
from tests.celebrations.test_settings import open_settings
from tests.expertise.test_channel_events import ANA, ANSWER, BO, CY, INFRA, QUESTION, app, invited, said
from tests.expertise.test_http import command, shown
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served
from tests.support.slackreq import block_actions, view_submission

__all__ = ["app"]

TEAM = "T0001"
ADMIN = "U0ADMIN"
LEARN = "C0LEARN"  # a public channel Rapport is not in yet


@pytest.fixture
def team(app: Served) -> Served:
    slack = app.slack
    slack.add_user(ADMIN, real_name="Ada Admin", is_admin=True)
    add_members(app.core.db, TEAM, slack_user(ADMIN, is_admin=True))
    slack.add_channel("C0WINS", "wins")
    slack.add_channel(LEARN, "learn", bot_member=False)
    return app


def values(
    *,
    learning: bool | None = True,
    read: list[str] | None = None,
    skills: str | None = None,
    birthday: str | None = None,
) -> dict[str, Any]:
    """The admins' modal's answers (`learning=None`, `read=None`: a modal without those inputs)."""
    answers: dict[str, Any] = {
        Input.CHANNEL: {"type": "conversations_select", "selected_conversation": "C0WINS"},
        Input.HOUR: {"type": "static_select", "selected_option": {"value": "10"}},
        Input.ZONE: {"type": "static_select", "selected_option": {"value": "auto"}},
        Input.PROMOTIONS: {"type": "checkboxes", "selected_options": [{"value": "on"}]},
        Input.BIRTHDAY_FIELD: {"type": "plain_text_input", "value": birthday},
        Input.SKILLS_FIELD: {"type": "plain_text_input", "value": skills},
    }
    if learning is not None:
        ticked = [{"value": LEARNING_ON}] if learning else []
        answers[Input.LEARNING] = {"type": "checkboxes", "selected_options": ticked}
    if read is not None:
        answers[Input.READ_CHANNELS] = {"type": "multi_conversations_select", "selected_conversations": read}
    return {block: {"value": value} for block, value in answers.items()}


def save(served: Served, user: str, answers: dict[str, Any], view: dict[str, Any] | None = None) -> Any:
    response = served.http.interact(view_submission(user, View.WORKSPACE, answers, view=view))
    assert response.status == 200
    return response


def saved(served: Served, answers: dict[str, Any], view: dict[str, Any] | None = None) -> None:
    response = save(served, ADMIN, answers, view)
    assert response.body in (b"", b"{}"), response.body


def refused(served: Served, user: str, answers: dict[str, Any]) -> dict[str, str]:
    body = save(served, user, answers).json()
    assert body["response_action"] == "errors"
    errors: dict[str, str] = body["errors"]
    return errors


def open_workspace(served: Served) -> dict[str, Any]:
    """The admins' modal, pushed over `/rapport settings` (the fake Slack checked its Block Kit)."""
    settings = open_settings(served, ADMIN)
    pushed = len(served.slack.calls_to("views.push"))
    click = block_actions(ADMIN, Action.CHANGE_WORKSPACE, view=settings, trigger_id=f"trig.{pushed}")
    assert served.http.interact(click).status == 200
    call = served.slack.wait_for("views.push", pushed + 1)[-1]
    assert call.ok, call.error
    assert call.response is not None
    view: dict[str, Any] = served.slack.views[call.response["view"]["id"]]
    assert view["callback_id"] == View.WORKSPACE
    return view


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    (found,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return found


def contexts(view: dict[str, Any]) -> list[str]:
    return [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]


def workspace(served: Served) -> Workspace:
    with served.core.db.read() as session:
        found = session.get(Workspace, TEAM)
    assert found is not None
    return found


def watch(served: Served, channel: str) -> ChannelWatch | None:
    with served.core.db.read() as session:
        return session.get(ChannelWatch, (TEAM, channel))


def evidence(served: Served) -> tuple[int, int]:
    """(channel signals, channel activity rows) of the workspace."""
    with served.core.db.read() as session:
        signals = session.scalar(select(func.count()).select_from(ChannelSignal)) or 0
        activity = session.scalar(select(func.count()).select_from(ChannelActivity)) or 0
    return int(signals), int(activity)


def joins(served: Served, channel: str) -> int:
    return sum(1 for c in served.slack.calls_to("conversations.join") if c.params.get("channel") == channel)


def infos(served: Served, channel: str) -> int:
    return sum(1 for c in served.slack.calls_to("conversations.info") if c.params.get("channel") == channel)


def ts_at(served: Served, days_ago: float, n: int = 0) -> str:
    at = served.core.clock() - timedelta(days=days_ago)
    return f"{at.timestamp():.0f}.{n:06d}"


def answered_in_history(served: Served, channel: str) -> None:
    """A question in `channel` a few days ago, answered in its thread (for a backfill to read)."""
    parent = ts_at(served, 5, 1)
    served.slack.add_message(channel, QUESTION, user=BO, ts=parent)
    served.slack.add_message(channel, ANSWER, user=ANA, ts=ts_at(served, 5, 2), thread_ts=parent)


def learned_from_infra(served: Served) -> None:
    """Rapport is invited to #infra, where Ana answers Bo: evidence /whoknows shows."""
    invited(served)
    said(served, BO, QUESTION, "1764000000.000100")
    said(served, ANA, ANSWER, "1764000060.000200", thread="1764000000.000100")
    assert evidence(served)[0] > 0
    assert f"<@{ANA}>" in shown(command(served, "/whoknows", "terraform", user=CY))


# -- the modal --------------------------------------------------------------------------------


def test_the_modal_shows_the_skills_field_the_switch_and_each_channel_read_with_its_progress(
    team: Served,
) -> None:
    core = team.core
    now = core.clock()
    with core.db.write() as session:
        for i, channel in enumerate((INFRA, "C0DONE", "C0GONE", "C0NEW")):
            channels.joined(session, TEAM, channel, now + timedelta(seconds=i))
        session.execute(
            update(ChannelWatch)
            .where(ChannelWatch.channel_id == INFRA)
            .values(pages=3, messages=412, cursor="next")
        )
        session.execute(
            update(ChannelWatch)
            .where(ChannelWatch.channel_id == "C0DONE")
            .values(state=WATCHING, pages=7, messages=1204, done_at=now - timedelta(days=1))
        )
        channels.left(session, TEAM, "C0GONE")
        session.get(Workspace, TEAM).skills_field = "Ask me about"  # type: ignore[union-attr]
    view = open_workspace(team)
    assert block(view, Input.SKILLS_FIELD)["element"]["initial_value"] == "Ask me about"
    switch = block(view, Input.LEARNING)["element"]
    assert [o["value"] for o in switch["initial_options"]] == [LEARNING_ON]  # on by default
    listed = block(view, Input.READ_CHANNELS)["element"]
    assert listed["type"] == "multi_conversations_select"
    assert listed["filter"] == {"include": ["public"], "exclude_bot_users": True}
    assert listed["initial_conversations"] == [INFRA, "C0DONE", "C0NEW"]  # not the one left
    lines = contexts(view)
    assert f"<#{INFRA}> — backfilling, 3 pages, 412 messages so far" in lines
    assert "<#C0DONE> — done yesterday, 1,204 messages" in lines
    assert "<#C0NEW> — backfill starting" in lines
    assert "C0GONE" not in str(view["blocks"])
    assert not any("Paused" in line for line in lines)
    assert view["private_metadata"] == f"{SHOWN_PREFIX}{INFRA},C0DONE,C0NEW"


def test_with_learning_off_the_switch_is_unticked_and_the_channels_are_said_to_be_paused(
    team: Served,
) -> None:
    with team.core.db.write() as session:
        channels.joined(session, TEAM, INFRA, team.core.clock())
        session.get(Workspace, TEAM).learn_from_channels = False  # type: ignore[union-attr]
    view = open_workspace(team)
    assert "initial_options" not in block(view, Input.LEARNING)["element"]
    assert any("*Paused*" in line for line in contexts(view))


# -- the skills profile field --------------------------------------------------------------


def test_an_admin_names_the_skills_field_checked_against_the_profile_fields(team: Served) -> None:
    slack = team.slack
    slack.add_profile_field("Xf1", "Date of birth")
    slack.add_profile_field("Xf2", "Ask me about")
    errors = refused(team, ADMIN, values(skills="Hobbies"))
    assert set(errors) == {Input.SKILLS_FIELD}
    assert "Ask me about" in errors[Input.SKILLS_FIELD]
    assert workspace(team).skills_field is None
    before = len(slack.calls_to("team.profile.get"))
    saved(team, values(skills=" ask me  about ", birthday="Date of birth"))
    assert len(slack.calls_to("team.profile.get")) == before + 1  # once for both fields
    found = workspace(team)
    assert (found.skills_field, found.birthday_field) == ("ask me about", "Date of birth")
    assert block(open_workspace(team), Input.SKILLS_FIELD)["element"]["initial_value"] == "ask me about"
    saved(team, values(skills=""))  # emptied: a field is found by its label again
    assert workspace(team).skills_field is None


# -- learning from public channels: the workspace's switch ---------------------------------


def test_turning_learning_off_deletes_what_channels_showed_and_nothing_more_counts(team: Served) -> None:
    learned_from_infra(team)
    saved(team, values(learning=False))
    assert workspace(team).learn_from_channels is False
    assert evidence(team) == (0, 0)
    assert f"<@{ANA}>" not in shown(command(team, "/whoknows", "terraform", user=CY))
    # Slack still sends #infra's messages: none counts now.
    said(team, BO, "how do I import an existing bucket into terraform?", "1764000200.000100")
    said(team, ANA, ANSWER, "1764000260.000200", thread="1764000200.000100")
    assert evidence(team) == (0, 0)
    # Turned back on, Rapport goes on with what comes next.
    saved(team, values(learning=True))
    assert workspace(team).learn_from_channels is True
    said(team, ANA, ANSWER, "1764000300.000200", thread="1764000200.000100")
    assert evidence(team)[0] > 0


def test_a_modal_opened_before_these_inputs_existed_changes_neither_learning_nor_channels(
    team: Served,
) -> None:
    learned_from_infra(team)
    with team.core.db.write() as session:
        session.get(Workspace, TEAM).skills_field = "Ask me about"  # type: ignore[union-attr]
    old = values(learning=None, read=None)
    del old[Input.SKILLS_FIELD]
    saved(team, old)
    found = workspace(team)
    assert (found.learn_from_channels, found.skills_field) == (True, "Ask me about")
    assert evidence(team)[0] > 0
    infra = watch(team, INFRA)
    assert infra is not None
    assert infra.state in (BACKFILLING, WATCHING)


# -- channels chosen by admins ------------------------------------------------------------------


def test_an_admin_lists_a_public_channel_rapport_joins_and_the_backfill_job_reads_it(team: Served) -> None:
    core, slack = team.core, team.slack
    answered_in_history(team, LEARN)
    view = open_workspace(team)
    assert "initial_conversations" not in block(view, Input.READ_CHANNELS)["element"]
    saved(team, values(read=[LEARN]), view)
    assert joins(team, LEARN) == 1
    found = watch(team, LEARN)
    assert found is not None
    assert found.state == BACKFILLING
    assert evidence(team) == (0, 0)  # nothing read inside the save
    JOBS["backfill-channels"](core, core.clock())
    found = watch(team, LEARN)
    assert found is not None
    assert found.state == WATCHING
    team.settle()
    text = shown(command(team, "/whoknows", "terraform", user=CY))
    assert f"<@{ANA}>" in text
    assert f"<#{LEARN}>" in text
    view = open_workspace(team)
    assert block(view, Input.READ_CHANNELS)["element"]["initial_conversations"] == [LEARN]
    assert f"<#{LEARN}> — done today, 1 message" in contexts(view)
    # Saving the same list again asks Slack nothing about it.
    asked = infos(team, LEARN)
    saved(team, values(read=[LEARN]), view)
    assert (infos(team, LEARN), joins(team, LEARN)) == (asked, 1)
    assert slack.server_errors == []


def test_a_channel_unlisted_is_read_no_more_and_one_invited_meanwhile_stays(team: Served) -> None:
    saved(team, values(read=[LEARN]))
    JOBS["backfill-channels"](team.core, team.core.clock())
    view = open_workspace(team)  # shows #learn as read
    invited(team)  # meanwhile, someone invites Rapport to #infra
    saved(team, values(read=[]), view)
    gone, kept = watch(team, LEARN), watch(team, INFRA)
    assert gone is not None
    assert gone.state == LEFT
    assert kept is not None
    assert kept.state in (BACKFILLING, WATCHING)
    said(team, BO, QUESTION, "1764000000.000100", channel=LEARN)
    said(team, ANA, ANSWER, "1764000060.000200", thread="1764000000.000100", channel=LEARN)
    assert evidence(team) == (0, 0)
    # Listed again, it is read again.
    saved(team, values(read=[LEARN]))
    again = watch(team, LEARN)
    assert again is not None
    assert again.state == BACKFILLING


@pytest.mark.parametrize("channel", ["G0SECRET", "C0PRIV", "D0ANA", "not-a-channel"])
def test_a_private_channel_in_a_forged_submission_is_refused(team: Served, channel: str) -> None:
    slack = team.slack
    slack.add_channel("G0SECRET", "secret", is_private=True, bot_member=False)
    slack.add_channel("C0PRIV", "private-but-invited", is_private=True)  # Rapport is in it
    errors = refused(team, ADMIN, values(read=[LEARN, channel]))
    assert set(errors) == {Input.READ_CHANNELS}
    assert "public channels only" in errors[Input.READ_CHANNELS]
    assert slack.calls_to("conversations.join") == []  # not even the public one
    assert (watch(team, channel), watch(team, LEARN)) == (None, None)


def test_an_archived_channel_is_refused(team: Served) -> None:
    team.slack.archived_channels.add(LEARN)
    errors = refused(team, ADMIN, values(read=[LEARN]))
    assert "archived" in errors[Input.READ_CHANNELS]
    assert watch(team, LEARN) is None


def test_a_few_new_channels_at_a_time_since_each_is_checked_while_the_admin_waits(team: Served) -> None:
    many = [f"C0MANY{i}" for i in range(NEW_PER_SAVE + 1)]
    errors = refused(team, ADMIN, values(read=many))
    assert f"up to {NEW_PER_SAVE} new channels" in errors[Input.READ_CHANNELS]
    assert sum(infos(team, c) for c in many) == 0
    saved(team, values(read=many[:NEW_PER_SAVE]))
    assert all(watch(team, c) is not None for c in many[:NEW_PER_SAVE])


def test_a_non_admins_forged_submission_changes_nothing(team: Served) -> None:
    learned_from_infra(team)
    before = evidence(team)
    errors = refused(team, BO, values(learning=False, read=[LEARN], skills="Ask me about"))
    assert "Only workspace admins" in errors[Input.CHANNEL]
    found = workspace(team)
    assert (found.learn_from_channels, found.skills_field) == (True, None)
    assert evidence(team) == before
    assert (joins(team, LEARN), infos(team, LEARN), watch(team, LEARN)) == (0, 0, None)
    infra = watch(team, INFRA)
    assert infra is not None
    assert infra.state != LEFT
