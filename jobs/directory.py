"""`sync-directory`: the directory follows Slack's `users.list`."""

from __future__ import annotations

import logging
from datetime import datetime

from bot import people
from bot.core import Core

log = logging.getLogger(__name__)


def sync_directory(core: Core, now: datetime) -> str:
    results = []
    for team_id in core.tokens.team_ids():
        client = core.client(team_id)
        if client is None:
            continue
        count = people.sync_team(core.db, client, team_id, now)
        results.append(f"{team_id}: {count} members")
    return "synced " + (", ".join(results) or "no workspaces")
