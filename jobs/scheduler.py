"""APScheduler as a timer only: correctness lives in the database, so replicas may overlap."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.core import Core
from jobs import JOBS

log = logging.getLogger(__name__)

# How often each job ticks; each run is idempotent, so a missed or extra tick is harmless.
INTERVALS: dict[str, timedelta] = {
    "sync-directory": timedelta(hours=1),
    # Deliveries are due on the hour (or half/quarter hour in some zones): a few minutes late at most.
    "nudges": timedelta(minutes=2),
    # Plans the daily post up to half an hour ahead; the nudges job's sender posts it on time.
    "celebrations": timedelta(minutes=5),
    # Relations a workspace's own skills imply change slowly: once a day (and on every start).
    "learn-relations": timedelta(days=1),
    # Channels Rapport was just invited to: their history, a few pages a minute (resumable).
    "backfill-channels": timedelta(minutes=1),
}


def run_job(core: Core, name: str) -> None:
    """One tick of a job at the core's current time; failures are logged, never raised.

    One log line per run (its outcome, how long it took, its summary: counts and team ids only)."""
    metrics, started = core.db.metrics, core.clock.monotonic()
    outcome = "ok"
    try:
        summary = JOBS[name](core, core.clock())
    except Exception:
        outcome = "error"
        log.exception("job %s failed after %d ms", name, _ms(core, started))
    else:
        log.info("job %s ok in %d ms: %s", name, _ms(core, started), summary)
    metrics.job_runs.labels(name, outcome).inc()
    metrics.job_seconds.labels(name).observe(max(0.0, core.clock.monotonic() - started))


def _ms(core: Core, started: float) -> int:
    return round(max(0.0, core.clock.monotonic() - started) * 1000)


def build_scheduler(core: Core) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}, timezone="UTC"
    )
    start = core.clock()  # every job ticks at once on start, then every interval
    for name, every in INTERVALS.items():
        scheduler.add_job(
            run_job,
            "interval",
            args=(core, name),
            id=name,
            name=name,
            seconds=every.total_seconds(),
            next_run_time=start,
        )
    return scheduler
