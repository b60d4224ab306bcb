"""Multi-workspace mode: install pages, per-workspace tokens, and no data crossing workspaces."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select

from bot.core import Core
from bot.models import installs
from bot.platform.db import Database
from jobs.directory import sync_directory
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import SIGNING_SECRET, Served, make_settings, serve
from tests.support.slackreq import SlackClient


def install(core: Core, team_id: str, token: str) -> None:
    store = core.tokens.store  # type: ignore[attr-defined]
    store.save(
        Installation(
            app_id="A0001",
            team_id=team_id,
            bot_token=token,
            bot_id=f"B{team_id}",
            bot_user_id="UBOT",
            bot_scopes="commands,chat:write",
            user_id="UINSTALLER",
        )
    )


@pytest.fixture
def multi(slack: FakeSlack, db: Database, clock: FakeClock) -> Iterator[Served]:
    settings = make_settings(slack, db, bot_token=None, client_id="111.222", client_secret="shh")
    core = Core(settings=settings, db=db, clock=clock)
    slack.add_team("T2", "xoxb-team-two")
    install(core, slack.team_id, slack.bot_token)
    install(core, "T2", "xoxb-team-two")
    with serve(core) as url:
        yield Served(core=core, slack=slack, http=SlackClient(url, SIGNING_SECRET), url=url)


def test_install_page_asks_slack_for_our_scopes(multi: Served) -> None:
    with urllib.request.urlopen(f"{multi.url}/slack/install", timeout=5) as response:
        page = response.read().decode()
    assert "oauth/v2/authorize" in page
    assert "client_id=111.222" in page
    assert "users%3Aread" in page or "users:read" in page


def test_unused_install_states_are_forgotten_by_the_hourly_sync(multi: Served) -> None:
    """Each visit to the install page stores a state (anyone may visit): the sync deletes expired ones."""
    for _ in range(3):
        with urllib.request.urlopen(f"{multi.url}/slack/install", timeout=5) as response:
            assert response.status == 200
    assert states(multi.core) == 3
    sync_directory(multi.core, datetime.now(UTC))
    assert states(multi.core) == 3  # still usable for their 10 minutes
    sync_directory(multi.core, datetime.now(UTC) + timedelta(minutes=11))
    assert states(multi.core) == 0


def states(core: Core) -> int:
    with core.db.read() as s:
        return s.scalar(select(func.count()).select_from(installs.states)) or 0


def test_each_workspace_is_served_with_its_own_token(multi: Served) -> None:
    for team in (multi.slack.team_id, "T2"):
        body = multi.http.command("/rapport", "help", team_id=team).json()
        assert body["response_type"] == "ephemeral"


def test_a_workspace_that_never_installed_is_told_so(multi: Served) -> None:
    response = multi.http.command("/rapport", "help", team_id="T404", response_url=multi.slack.response_url())
    assert response.status == 200
    (answer,) = multi.slack.wait_for_response()
    assert "not installed in this workspace" in answer["text"]


def test_sync_reads_each_workspace_with_its_own_token(multi: Served) -> None:
    multi.slack.add_user("U1", team_id=multi.slack.team_id, title="In one")
    multi.slack.add_user("U2", team_id="T2", title="In two")
    summary = sync_directory(multi.core, multi.core.clock())
    assert f"{multi.slack.team_id}: 1 members" in summary
    assert "T2: 1 members" in summary
    teams = {c.team_id for c in multi.slack.calls_to("users.list")}
    assert teams == {multi.slack.team_id, "T2"}
