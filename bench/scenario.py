"""What a benchmark scenario declares: the command it sends, the data it needs, its ceilings."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.platform.db import Database
from tests.support.fakeslack import FakeSlack

DEFAULT_USER = "U-bench"


def no_data(db: Database, slack: FakeSlack) -> str | None:
    """Prepare nothing; requests come from the fake Slack's own team."""
    return None


@dataclass
class Scenario:
    """One slash command sent many times to Rapport and to the two bare Bolt apps.

    ``prepare`` runs once on a freshly migrated database (not at all when ``--keep`` reuses a
    cached one, so everything Rapport needs must be in the database) and returns the team_id
    requests carry (``None``: the fake Slack's team). The ceilings are the highest acceptable
    ratio of Rapport's p95 time-to-answer to each bare app's p95 (``None``: not checked).
    """

    name: str
    command: str
    texts: Callable[[random.Random], str]
    users: Callable[[random.Random], str] | None = None
    prepare: Callable[[Database, FakeSlack], str | None] = no_data
    max_ratio_default: float | None = None
    max_ratio_pbr: float | None = None

    def user(self, rng: random.Random) -> str:
        return self.users(rng) if self.users is not None else DEFAULT_USER
