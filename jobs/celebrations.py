"""`celebrations`: plan each workspace's daily post; plan kudos posts still waiting for a channel."""

from __future__ import annotations

from datetime import datetime

from bot.celebrations import daily as celebrations
from bot.core import Core
from bot.kudos import posts as kudos_posts


def run_celebrations(core: Core, now: datetime) -> str:
    lines = []
    for team_id in core.tokens.team_ids():
        post = celebrations.plan_post(core, team_id, now)
        kudos = kudos_posts.sweep(core, team_id, now)
        lines.append(f"{team_id}: {post}" + (f", {kudos} waiting kudos planned" if kudos else ""))
    return "celebrations " + ("; ".join(lines) or "no workspaces")
