"""`celebrations`: plan each workspace's daily post and the consent questions due (sent by the
nudges job's sender, like every DM); settle recent kudos and plan the posts still waiting for a
channel."""

from __future__ import annotations

from datetime import datetime

from bot.celebrations.consent import plan_asks
from bot.celebrations.daily import plan_post
from bot.core import Core
from bot.kudos.posts import sweep


def run_celebrations(core: Core, now: datetime) -> str:
    lines = []
    for team_id in core.clients.team_ids():
        post = plan_post(core, team_id, now)
        asked = plan_asks(core, team_id, now)
        kudos = sweep(core, team_id, now, evidence=core.registry.evidence)
        lines.append(
            f"{team_id}: {post}"
            + (f", {asked} asked before a first celebration" if asked else "")
            + (f", {kudos} waiting kudos planned" if kudos else "")
        )
    return "celebrations " + ("; ".join(lines) or "no workspaces")
