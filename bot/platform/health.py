"""Whether this process may serve: the database answers, its migrations are at head, and the
scheduler (where one runs here) is alive. `/readyz` says so; requests ask `upgrading()`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.platform import migrate
from bot.platform.clock import Clock, system_clock
from bot.platform.db import Database

log = logging.getLogger(__name__)

# While migrations are pending, alembic_version is read at most this often (clock seconds).
RECHECK_SECONDS = 5.0


@dataclass
class Readiness:
    db: Database
    clock: Clock = system_clock
    # Set where a scheduler runs in this process: whether it is still ticking.
    scheduler: Callable[[], bool] | None = None
    _at_head: bool = field(default=False, init=False)
    _checked: float | None = field(default=None, init=False)
    _pending: list[str] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def pending(self) -> list[str]:
        """Migrations not applied yet. Once at head, it stays so for this process (migrations
        only move forward under a running app); until then one SELECT every few seconds."""
        if self._at_head:
            return []
        with self._lock:
            now = self.clock.monotonic()
            if self._checked is None or now - self._checked >= RECHECK_SECONDS:
                self._checked = now
                found = migrate.pending(self.db)
                if found and found != self._pending:
                    log.warning(
                        "database migrations pending (%s): %s", ", ".join(found), migrate.UPGRADE_HINT
                    )
                self._pending = found
                self._at_head = not found
            return list(self._pending)

    def upgrading(self) -> bool:
        """Whether requests should hear "being upgraded" (a database that does not answer is
        not an upgrade: those requests fail and apologise as before)."""
        try:
            return bool(self.pending())
        except Exception:
            return False

    def report(self) -> tuple[bool, dict[str, Any]]:
        """`/readyz`'s answer: ready or not, and a body naming what is wrong."""
        problems: list[str] = []
        body: dict[str, Any] = {}
        if not self.db.ping():
            problems.append("database unreachable")
            body["database"] = "unreachable"
        else:
            body["database"] = "ok"
            try:
                pending = self.pending()
            except Exception as e:  # no alembic_version table and the like
                pending = [f"unknown ({type(e).__name__})"]
            body["migrations"] = {"pending": pending} if pending else "at head"
            if pending:
                problems.append(f"migrations pending: {', '.join(pending)}; {migrate.UPGRADE_HINT}")
        if self.scheduler is not None:
            alive = self.scheduler()
            body["scheduler"] = "ok" if alive else "stopped"
            if not alive:
                problems.append("scheduler stopped")
        body["ok"] = not problems
        if problems:
            body["problems"] = problems
        return not problems, body
