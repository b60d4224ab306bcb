"""The celebrations channel: by name or id, the setting over the environment, join or explain an invite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from slack_sdk import WebClient

from bot.celebrations import channel as channels
from bot.core import Core
from bot.models import Workspace
from bot.platform.config import Settings
from bot.platform.slack import make_client
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack

NOW = datetime(2027, 3, 5, 9, tzinfo=UTC)


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return make_client(slack.bot_token, slack.base_url)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("#Celebrations ", "celebrations"),
        ("celebrations", "celebrations"),
        ("C0123ABC", "C0123ABC"),
        ("<#C0123ABC|celebrations>", "C0123ABC"),
        ("", None),
        (None, None),
    ],
)
def test_a_channel_as_people_write_it(written: str | None, normal: str | None) -> None:
    assert channels.normalise(written) == normal


def test_the_workspace_setting_wins_over_the_environment() -> None:
    settings = Settings(celebrations_channel="general")
    workspace = Workspace(team_id="T1", celebrations_channel="#wins")
    assert channels.wanted(workspace, settings) == "wins"
    assert channels.wanted(Workspace(team_id="T1"), settings) == "general"
    assert channels.wanted(None, Settings()) is None


def test_a_public_channel_found_by_name_is_joined(slack: FakeSlack, client: WebClient) -> None:
    slack.add_channel("C0000OTHER", "random")
    slack.add_channel("C0000WINS", "celebrations")
    slack.public_channels_without_bot.add("C0000WINS")
    found = channels.resolve(client, "celebrations")
    assert found == channels.Resolution("C0000WINS", "celebrations")
    (join,) = slack.calls_to("conversations.join")
    assert join.params["channel"] == "C0000WINS"


def test_names_are_found_on_a_later_page(slack: FakeSlack, client: WebClient) -> None:
    for n in range(1200):
        slack.add_channel(f"C{n:07d}", f"channel-{n}")
    assert channels.resolve(client, "channel-1100").channel_id == "C0001100"
    assert len(slack.calls_to("conversations.list")) == 2


def test_a_private_channel_without_the_bot_is_explained(slack: FakeSlack, client: WebClient) -> None:
    slack.add_channel("G0000WINS", "secret-wins", is_private=True)
    slack.private_channels_without_bot.add("G0000WINS")
    by_name = channels.resolve(client, "secret-wins")
    assert by_name.channel_id is None
    assert by_name.problem is not None
    assert "/invite @Rapport" in by_name.problem
    by_id = channels.resolve(client, "G0000WINS")
    assert by_id.problem is not None
    assert "/invite @Rapport" in by_id.problem
    assert slack.calls_to("conversations.join") == []


def test_a_private_channel_the_bot_is_in_works(slack: FakeSlack, client: WebClient) -> None:
    slack.add_channel("G0000WINS", "secret-wins", is_private=True)
    assert channels.resolve(client, "secret-wins").channel_id == "G0000WINS"
    assert channels.resolve(client, "G0000WINS").channel_id == "G0000WINS"


def test_archived_missing_and_unset_channels_are_explained(slack: FakeSlack, client: WebClient) -> None:
    slack.add_channel("C0000OLD", "old-wins")
    slack.archived_channels.add("C0000OLD")
    archived = channels.resolve(client, "C0000OLD").problem
    assert archived is not None
    assert "archived" in archived
    missing = channels.resolve(client, "nope").problem
    assert missing is not None
    assert "can't find a channel named #nope" in missing
    unset = channels.resolve(client, None).problem
    assert unset is not None
    assert "/rapport settings" in unset


def test_the_resolved_channel_is_remembered_until_the_setting_changes(
    core: Core, slack: FakeSlack, client: WebClient
) -> None:
    add_members(core.db, slack.team_id, slack_user("U1"))
    slack.add_channel("C0000WINS", "celebrations")
    slack.add_channel("C0000NEW", "new-wins")
    settings = Settings(celebrations_channel="celebrations")
    assert channels.find(core.db, client, settings, slack.team_id, NOW).channel_id == "C0000WINS"
    assert channels.find(core.db, client, settings, slack.team_id, NOW).channel_id == "C0000WINS"
    assert len(slack.calls_to("conversations.list")) == 1
    with core.db.write() as s:
        workspace = s.get(Workspace, slack.team_id)
        assert workspace is not None
        workspace.celebrations_channel = "new-wins"
    assert channels.find(core.db, client, settings, slack.team_id, NOW).channel_id == "C0000NEW"
    with core.db.write() as s:
        channels.forget(s, slack.team_id)
    assert channels.find(core.db, client, settings, slack.team_id, NOW).channel_id == "C0000NEW"
    assert len(slack.calls_to("conversations.list")) == 3
