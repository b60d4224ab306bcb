"""`nudges`: plan what is due for everyone, then send what is due, as of one instant."""

from __future__ import annotations

from datetime import datetime

from bot import nudges
from bot.core import Core
from bot.delivery import sender as delivery


def run_nudges(core: Core, now: datetime) -> str:
    """Plan each workspace's nudges as of `now`, then send every due outbox row."""
    lines = []
    for team_id in core.tokens.team_ids():
        with core.db.write() as session:
            planned = nudges.plan(session, team_id, now)
        report = delivery.deliver(core, team_id)
        lines.append(f"{team_id}: {planned} planned; {report}")
    return "nudges " + ("; ".join(lines) or "no workspaces")
