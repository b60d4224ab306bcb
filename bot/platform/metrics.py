"""Prometheus metrics, one registry per database (so per app: several apps in one test process
never share counters). Labels name kinds of things only — a command, an outbox kind, a job, an
outcome — never a user, a team or anything typed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from bot.models import Workspace
from bot.models.outbox import Outbox
from bot.platform.clock import Clock, system_clock

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SLOW = (0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)

_BY_STATUS = select(Outbox.status, func.count()).group_by(Outbox.status)
_OLDEST_SYNC = select(func.min(Workspace.last_synced_at))


class Metrics:
    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        self.clock = clock  # the app's clock, set when it is built (ages are measured on it)
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "rapport_requests",
            "Slack requests answered, by kind (command, action, view, event…), name and outcome",
            ["kind", "name", "outcome"],
            registry=r,
        )
        self.request_seconds = Histogram(
            "rapport_request_duration_seconds",
            "Time to answer a Slack request",
            ["kind", "name"],
            buckets=_FAST,
            registry=r,
        )
        self.deliveries = Counter(
            "rapport_deliveries",
            "Outbox rows sent or not, by kind and outcome",
            ["kind", "outcome"],
            registry=r,
        )
        self.rate_limited = Counter(
            "rapport_slack_rate_limited",
            "429s (ratelimited) met: by outbox kind while delivering, web_api for other background calls",
            ["kind"],
            registry=r,
        )
        self.job_runs = Counter(
            "rapport_job_runs", "Job runs by job and outcome", ["job", "outcome"], registry=r
        )
        self.job_seconds = Histogram(
            "rapport_job_duration_seconds", "Time a job run took", ["job"], buckets=_SLOW, registry=r
        )
        self.planning_seconds = Histogram(
            "rapport_planning_duration_seconds",
            "Time planning one workspace's nudges took",
            buckets=_SLOW,
            registry=r,
        )
        r.register(_Database(engine, self))

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format (the outbox and directory read now)."""
        return generate_latest(self.registry)


class _Database(Collector):
    """Read at scrape time, in one connection: outbox rows by status, the age of the oldest due
    row, the age of the oldest directory sync."""

    def __init__(self, engine: Engine, metrics: Metrics) -> None:
        self.engine = engine
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []  # nothing to describe before a scrape: no query at registration

    def collect(self) -> Iterator[Metric]:
        now = self.metrics.clock()
        up = GaugeMetricFamily("rapport_database_up", "Whether the last scrape could read the database")
        try:
            with self.engine.connect() as conn:
                by_status = conn.execute(_BY_STATUS).all()
                oldest_due = conn.execute(
                    select(func.min(Outbox.deliver_after)).where(
                        Outbox.status == "pending", Outbox.deliver_after <= now
                    )
                ).scalar()
                oldest_sync = conn.execute(_OLDEST_SYNC).scalar()
        except Exception as e:  # a scrape must still answer: say the database did not
            log.warning("metrics: cannot read the database (%s)", type(e).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        rows = GaugeMetricFamily("rapport_outbox_rows", "Outbox rows by status", labels=["status"])
        for status, count in by_status:
            rows.add_metric([str(status)], count)
        yield rows
        yield GaugeMetricFamily(
            "rapport_outbox_oldest_due_age_seconds",
            "How long the oldest pending, due outbox row has waited (0: none)",
            value=_age(now, oldest_due),
        )
        yield GaugeMetricFamily(
            "rapport_directory_sync_age_seconds",
            "Time since the least recently synced workspace's directory sync (-1: never synced)",
            value=_age(now, oldest_sync) if oldest_sync is not None else -1,
        )


def _age(now: datetime, then: object) -> float:
    if not isinstance(then, datetime):
        return 0.0
    if then.tzinfo is None:  # engine.connect() reads raw rows: naive UTC on SQLite
        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())
