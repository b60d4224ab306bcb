"""Background Web API calls wait out Slack's rate limits instead of failing the job."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core import Core
from bot.models import Member
from jobs.directory import sync_directory
from tests.support.fakeslack import FakeSlack


def test_sync_waits_out_a_429_and_finishes(core: Core, slack: FakeSlack) -> None:
    for i in range(3):
        slack.add_user(f"U{i}")
    slack.fail_next("users.list", status=429, retry_after=1)
    assert "3 members" in sync_directory(core, core.clock())
    statuses = [c.status for c in slack.calls_to("users.list")]
    assert statuses == [429, 200]
    with core.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 3
    # The 429 it waited out is counted, as a background Web API call's.
    scraped = core.db.metrics.exposition().decode()
    assert 'rapport_slack_rate_limited_total{kind="web_api"} 1.0' in scraped


def test_base_url_comes_from_settings(core: Core, slack: FakeSlack) -> None:
    client = core.clients.client(slack.team_id)
    assert client is not None
    assert client.base_url == slack.base_url
    assert client.auth_test()["team_id"] == slack.team_id
