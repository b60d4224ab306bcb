"""Keeping the directory in step with Slack: the hourly `users.list` sync, and user events between."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.directory.members import MembersStored, SlackUser, belongs, ensure_workspace, upsert_members
from bot.platform import events
from bot.platform.db import Database


def apply_user_event(
    session: Session,
    team_id: str,
    event_id: str | None,
    user: SlackUser,
    now: datetime,
    *,
    stored: MembersStored,
) -> bool:
    """Apply a `user_change`/`team_join` once, however often Slack delivers it. Someone of
    another organisation (Slack Connect) is not this directory's: their own workspace, if
    Rapport serves it, hears of them in its own events (this one may see less of them)."""
    if not events.first_delivery(session, team_id, event_id, now):
        return False
    if not belongs(user, team_id):
        return True
    ensure_workspace(session, team_id, now)
    upsert_members(session, team_id, [user], now, stored=stored)
    return True


def sync_team(
    db: Database,
    client: WebClient,
    team_id: str,
    now: datetime,
    *,
    stored: MembersStored,
    page_size: int = 200,
) -> int:
    """Page through `users.list` and upsert every member; returns how many were seen.

    Each page commits on its own, so a long sync never holds the write lock for long.
    """
    info = client.team_info()
    team = info.get("team") or {}
    with db.write() as session:
        workspace = ensure_workspace(session, team_id, now, name=team.get("name") or "")
        workspace.domain = team.get("domain") or workspace.domain
    seen = 0
    cursor: str | None = None
    while True:
        page = (
            client.users_list(limit=page_size, cursor=cursor)
            if cursor
            else client.users_list(limit=page_size)
        )
        with db.write() as session:
            seen += upsert_members(session, team_id, page.get("members") or [], now, stored=stored)
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    with db.write() as session:
        ensure_workspace(session, team_id, now).last_synced_at = now
        events.forget_old(session, now)
    return seen
