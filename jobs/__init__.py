"""Named jobs: each maps to core functions; the scheduler and `rapport jobs run` call them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core import Core
from jobs import celebrations, directory, expertise, nudges

# A job runs once "as of" the instant it is given and returns a one-line summary.
Job = Callable[[Core, datetime], str]

JOBS: dict[str, Job] = {
    "sync-directory": directory.sync_directory,
    "nudges": nudges.run_nudges,
    "celebrations": celebrations.run_celebrations,
    "learn-relations": expertise.learn_relations,
    "backfill-channels": expertise.backfill_channels,
}
