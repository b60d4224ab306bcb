"""Rapport's own wiring (`bot.bootstrap`), for tests that call the core without a `Core`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.bootstrap import build_registry

REGISTRY = build_registry()
EVIDENCE = REGISTRY.evidence
KINDS = REGISTRY.nudge_kinds
KNOWN = REGISTRY.known_people
STORED = REGISTRY.on_members_stored


def plan(session: Session, team_id: str, now: datetime) -> int:
    """Plan the team's nudges as of `now`, as the nudges job does."""
    return REGISTRY.planner.plan(session, team_id, now)
