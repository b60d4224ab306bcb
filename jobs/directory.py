"""`sync-directory`: the directory follows Slack's `users.list`, and custom profile fields are read."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core import Core
from bot.directory import members as people
from bot.directory import profile_fields

log = logging.getLogger(__name__)


def sync_directory(core: Core, now: datetime) -> str:
    results = []
    for team_id in core.tokens.team_ids():
        client = core.client(team_id)
        if client is None:
            continue
        count = people.sync_team(core.db, client, team_id, now)
        # Custom profile fields send no event: read some of them each run.
        profiles = profile_fields.sync_profiles(core.db, client, team_id, now)
        results.append(f"{team_id}: {count} members" + (f", {profiles}" if profiles.read else ""))
    return "synced " + (", ".join(results) or "no workspaces")
