"""`learn-relations`: each workspace's skill relations learned from its own data (skills held
together, skills named together in kudos and endorsements: `bot.expertise.learned`), recomputed
off the request path (`rapport jobs run learn-relations`, or on the scheduler's timer)."""

from __future__ import annotations

from datetime import datetime

from bot.core import Core
from bot.expertise import backfill
from bot.expertise.learned import learn


def learn_relations(core: Core, now: datetime) -> str:
    lines = []
    for team_id in core.clients.team_ids():
        with core.db.write() as session:
            count = learn(session, team_id, now)
        lines.append(f"{team_id}: {count} relations")
    return "learned " + ("; ".join(lines) or "no workspaces")


def backfill_channels(core: Core, now: datetime) -> str:
    ran = backfill.run(core.db, core.clients.client, now, evidence=core.registry.evidence, clock=core.clock)
    return f"backfilled {ran}"
