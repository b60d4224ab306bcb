"""The core object handlers, jobs and the CLI are given: what the process runs on (`Runtime`:
settings, database, clock, Slack clients) and how Rapport's features are wired (`Registry`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.bootstrap import Registry, build_registry, open_database
from bot.delivery.sender import Sender, for_workspaces
from bot.platform.clock import Clock, system_clock
from bot.platform.config import Settings
from bot.platform.runtime import Runtime


@dataclass
class Core(Runtime):
    registry: Registry = field(default_factory=build_registry)

    def sender(self, **kwargs: Any) -> Sender:
        """A sender for the workspaces Rapport serves (paced per workspace), for this registry's kinds."""
        return for_workspaces(self.db, self.clients, self.registry.outbox, **kwargs)


def open_core(settings: Settings, *, clock: Clock = system_clock) -> Core:
    return Core(settings=settings, db=open_database(settings.database_url), clock=clock)
