"""The in-process timer: memory store, coalescing, one instance per job, failures logged not raised."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core import Core
from jobs import JOBS
from jobs.scheduler import INTERVALS, build_scheduler, run_job


def test_every_job_ticks_and_is_coalesced_with_one_instance(core: Core) -> None:
    scheduler = build_scheduler(core)
    scheduler.start(paused=True)  # paused: jobs get their next run time but none runs
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == set(INTERVALS) <= set(JOBS)
        assert len(jobs) == 5
        for name, job in jobs.items():
            assert job.coalesce is True
            assert job.max_instances == 1
            assert job.next_run_time == core.clock()  # at once on start…
            assert job.trigger.interval == INTERVALS[name]  # …then every interval
    finally:
        scheduler.shutdown(wait=False)


def test_a_failing_job_is_logged_and_the_timer_survives(
    core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(core: Core, now: datetime) -> str:
        raise RuntimeError("Slack is down")

    monkeypatch.setitem(JOBS, "sync-directory", broken)
    run_job(core, "sync-directory")
    assert "job sync-directory failed" in caplog.text
    assert "Slack is down" in caplog.text
