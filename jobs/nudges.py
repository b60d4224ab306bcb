"""`nudges`: plan what is due for everyone, then send what is due, as of one instant."""

from __future__ import annotations

from datetime import datetime

from bot.core import Core


def run_nudges(core: Core, now: datetime) -> str:
    """Plan each workspace's nudges as of `now`, then send every due outbox row."""
    lines = []
    sender = core.sender()
    for team_id in core.clients.team_ids():
        started = core.clock.monotonic()
        with core.db.write() as session:
            planned = core.registry.planner.plan(session, team_id, now)
        core.db.metrics.planning_seconds.observe(max(0.0, core.clock.monotonic() - started))
        report = sender.run(team_id)
        lines.append(f"{team_id}: {planned} planned; {report}")
    return "nudges " + ("; ".join(lines) or "no workspaces")
