"""`sync-directory`: the directory follows Slack's `users.list`, and custom profile fields are read."""

from __future__ import annotations

from datetime import datetime

from bot.core import Core
from bot.directory import profile_fields
from bot.directory.sync import sync_team
from bot.platform.tokens import forget_expired_states


def sync_directory(core: Core, now: datetime) -> str:
    results = []
    for team_id in core.clients.team_ids():
        client = core.clients.client(team_id)
        if client is None:
            continue
        count = sync_team(core.db, client, team_id, now, stored=core.registry.on_members_stored)
        # Custom profile fields send no event: read some of them each run.
        profiles = profile_fields.sync_profiles(
            core.db, client, team_id, now, sleep=core.clock.sleep, stored=core.registry.on_members_stored
        )
        results.append(f"{team_id}: {count} members" + (f", {profiles}" if profiles.read else ""))
    forget_expired_states(core.db.engine, now)
    return "synced " + (", ".join(results) or "no workspaces")
