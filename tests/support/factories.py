"""Rows for tests, written through the same core functions the app uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.directory import members
from bot.models import Member
from bot.platform.db import Database
from tests.support.wiring import STORED

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def slack_user(
    user_id: str, *, title: str = "", tz: str = "America/New_York", **fields: Any
) -> dict[str, Any]:
    """A Slack user object as users.list returns it."""
    real_name = fields.pop("real_name", f"Person {user_id}")
    return {
        "id": user_id,
        "name": fields.pop("name", user_id.lower()),
        "deleted": fields.pop("deleted", False),
        "is_bot": fields.pop("is_bot", False),
        "tz": tz,
        "profile": {"real_name": real_name, "display_name": fields.pop("display_name", ""), "title": title},
        **fields,
    }


def add_members(db: Database, team_id: str, *users: dict[str, Any], now: datetime = T0) -> dict[str, Member]:
    """Store Slack users as members of `team_id`; returns them by Slack id."""
    with db.write() as s:
        members.ensure_workspace(s, team_id, now)
        members.upsert_members(s, team_id, users, now, stored=STORED)
        return members.find_members(s, team_id, [u["id"] for u in users])
