"""The `rapport` command as operators use it: jobs, migrations, and a clear stop without credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import open_database
from bot.cli import main
from bot.models import Member, Workspace
from bot.relationships import interactions
from tests.support.factories import T0, add_members, slack_user
from tests.support.fakeslack import FakeSlack


def test_run_without_credentials_names_what_is_missing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err
    assert "SLACK_APP_TOKEN" in err
    assert ".env.example" in err
    assert "Traceback" not in err


def test_http_mode_needs_the_signing_secret(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\n")
    assert main(["run", "--http", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err
    assert "SLACK_BOT_TOKEN" not in err


def test_db_upgrade_creates_the_schema(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (workdir / "rapport.db").exists()


def test_unknown_job_is_named(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "nope"]) == 2
    assert "sync-directory" in capsys.readouterr().err


def test_sync_directory_stores_a_three_page_directory(
    workdir: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(450):  # 200 a page: three pages
        slack.add_user(f"U{i:04d}", real_name=f"Person {i}", title="Engineer", tz="Asia/Tokyo")
    slack.add_user("UBOT1", real_name="Some Bot", is_bot=True)
    slack.add_user("UGONE", real_name="Gone Person", deleted=True)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    assert main(["jobs", "run", "sync-directory", "--now", "2026-11-23T09:00:00Z"]) == 0
    assert "452 members" in capsys.readouterr().out
    pages = slack.calls_to("users.list")
    assert len(pages) == 3
    db = open_database(f"sqlite:///{workdir / 'rapport.db'}")
    with db.read() as s:
        members = {m.user_id: m for m in s.scalars(select(Member))}
        workspace = s.scalar(select(Workspace))
    assert len(members) == 452
    assert members["UBOT1"].is_bot
    assert members["UGONE"].deleted
    assert members["U0001"].tz == "Asia/Tokyo"
    assert workspace is not None
    assert workspace.team_id == slack.team_id
    assert str(workspace.last_synced_at) == "2026-11-23 09:00:00+00:00"
    db.dispose()


def test_seed_is_deterministic_and_defaults_to_the_bot_tokens_team(
    workdir: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    assert main(["seed", "--members", "50", "--seed", "7"]) == 0
    assert f"50 members in {slack.team_id}" in capsys.readouterr().out
    db = open_database(f"sqlite:///{workdir / 'rapport.db'}")
    with db.read() as s:
        first = [
            (m.user_id, m.real_name, m.title, m.tz) for m in s.scalars(select(Member).order_by(Member.id))
        ]
    assert main(["seed", "--members", "50", "--seed", "7", "--team", slack.team_id]) == 0
    with db.read() as s:
        again = [
            (m.user_id, m.real_name, m.title, m.tz) for m in s.scalars(select(Member).order_by(Member.id))
        ]
    assert first == again
    assert len(first) == 50
    db.dispose()


def test_jobs_run_nudges_plans_and_sends_once_as_of_now(
    workdir: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    assert main(["db", "upgrade"]) == 0
    db = open_database(f"sqlite:///{workdir / 'rapport.db'}")
    for user_id in ("UANN", "UBOB"):
        slack.add_user(user_id, tz="Asia/Tokyo")
    add_members(db, slack.team_id, slack_user("UANN", tz="Asia/Tokyo"), slack_user("UBOB", tz="Asia/Tokyo"))
    with db.write() as s:  # Monday 23 November in Tokyo, following up on Tuesday
        interactions.log_text(s, slack.team_id, "UANN", "<@UBOB|bob> 1:1 follow up tomorrow", T0)
    db.dispose()
    capsys.readouterr()

    # Tuesday 09:00 in Tokyo is 00:00 UTC: planned the evening before, sent that morning, once.
    assert main(["jobs", "run", "nudges", "--now", "2026-11-23T20:00:00Z"]) == 0
    assert f"{slack.team_id}: 1 planned; 0 sent" in capsys.readouterr().out
    for _ in range(2):
        assert main(["jobs", "run", "nudges", "--now", "2026-11-24T00:02:00+00:00"]) == 0
    first, again = capsys.readouterr().out.splitlines()
    assert f"{slack.team_id}: 0 planned; 1 sent" in first
    assert f"{slack.team_id}: 0 planned; 0 sent" in again
    (dm,) = [c for c in slack.calls_to("chat.postMessage") if c.ok]
    assert dm.params["channel"] == "UANN"
    assert "Follow up with <@UBOB>" in dm.params["text"]
