"""Readiness on its own: what `/readyz` names, and how seldom it reads alembic_version."""

from __future__ import annotations

from bot.platform.db import Database
from bot.platform.health import RECHECK_SECONDS, Readiness
from bot.platform.migrate import head, pending_after
from bot.slackapp.app import described
from tests.support.clock import FakeClock
from tests.support.databases import downgrade, statements


def test_a_stopped_scheduler_is_not_ready(db: Database) -> None:
    alive = [True]
    ready = Readiness(db, FakeClock(), scheduler=lambda: alive[0])
    assert ready.report() == (
        True,
        {"database": "ok", "migrations": "at head", "scheduler": "ok", "ok": True},
    )
    alive[0] = False
    ok, body = ready.report()
    assert not ok
    assert body["problems"] == ["scheduler stopped"]


def test_pending_migrations_are_read_at_most_every_few_seconds(db: Database) -> None:
    previous = f"{int(head()) - 1:04d}"
    downgrade(db, previous, foreign_keys=False)
    clock = FakeClock()
    ready = Readiness(db, clock)
    assert ready.pending() == [head()] == pending_after(previous)
    with statements(db) as seen:
        assert ready.upgrading()
        clock.sleep(RECHECK_SECONDS - 0.5)
        assert ready.upgrading()
    assert not [s for s in seen if "alembic_version" in s]  # still the answer of a moment ago
    clock.sleep(1)
    with statements(db) as seen:
        assert ready.upgrading()
    assert len([s for s in seen if "alembic_version" in s]) == 1


def test_requests_are_named_by_kind_never_by_what_they_carry() -> None:
    assert described({"command": "/log", "text": "secret words"}) == ("command", "/log")
    click = {"type": "block_actions", "actions": [{"action_id": "rapport_done:f:12", "value": "x"}]}
    assert described(click) == ("action", "rapport_done")
    event = {"type": "event_callback", "event": {"type": "app_home_opened", "user": "U1"}}
    assert described(event) == ("event", "app_home_opened")
    view = {"type": "view_submission", "view": {"callback_id": "log_modal"}}
    assert described(view) == ("view", "log_modal")
    assert described({"type": "block_actions", "actions": [{"action_id": "<script>\n"}]}) == (
        "action",
        "_script__",
    )
