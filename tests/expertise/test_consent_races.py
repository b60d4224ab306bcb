"""Endorsements' consent under concurrency: two replicas clicking at once, and an `/endorse`
racing its endorsee's `/skills remove`. Each interleaving is forced with a pause injected here,
after a statement of the test's choosing, in the test's own threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.expertise import endorsements, skills
from bot.platform.db import Database
from tests.expertise.test_consent_store import (
    ANN,
    BOB,
    CAROL,
    HELD,
    HIDDEN,
    SHOWN,
    T1,
    decide,
    team,
    the_endorsement,
    who,
)
from tests.expertise.test_consent_store import endorse as endorse_bob
from tests.support.factories import T0
from tests.support.wiring import EVIDENCE

WAIT = 30  # seconds: only ever reached when the code under test is broken

_mine = threading.local()  # set in the threads a test pauses


@contextmanager
def pausing(db: Database, reads: str, pause: Callable[[], object]) -> Iterator[None]:
    """Run `pause` once per marked thread, right after its first SELECT naming `reads`."""

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if getattr(_mine, "pause", False) and statement.lstrip().startswith("SELECT") and reads in statement:
            _mine.pause = False
            pause()

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(db.engine, "after_cursor_execute", after)


def in_thread(work: Callable[[], object], *, paused: bool, done: list[Any]) -> threading.Thread:
    """`work` in a thread of its own (paused by `pausing` when asked); its result or exception
    lands in `done`."""

    def run() -> None:
        _mine.pause = paused
        try:
            done.append(work())
        except BaseException as e:  # (re-raised by the test)
            done.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def joined(threads: list[threading.Thread], done: list[Any]) -> list[Any]:
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a thread is stuck"
    for outcome in done:
        if isinstance(outcome, BaseException):
            raise outcome
    return done


def test_two_clicks_at_once_decide_once_and_both_say_so(any_db: Database) -> None:
    """Accept on one replica, Hide on another, at once: one decides, and both redraws say what."""
    team(any_db)
    endorse_bob(any_db, ANN, "tax law")
    endorsement_id, status = the_endorsement(any_db, ANN, "tax law")
    assert status == HELD
    # On PostgreSQL, both clicks read the endorsement before either writes. SQLite's writers
    # queue as they begin, so there the second reads only once the first committed.
    both_read = threading.Barrier(2, timeout=WAIT)
    postgres = any_db.engine.dialect.name == "postgresql"
    done: list[Any] = []

    def click(accept: bool) -> Callable[[], object]:
        return lambda: decide(any_db, endorsement_id, accept)

    with pausing(any_db, "FROM endorsement JOIN member", both_read.wait):
        clicks = [in_thread(click(accept), paused=postgres, done=done) for accept in (True, False)]
        outcomes = joined(clicks, done)
    final = the_endorsement(any_db, ANN, "tax law")[1]
    assert final in (SHOWN, HIDDEN)
    assert [o.status for o in outcomes] == [final, final]  # (a click that lost is told the real outcome)
    assert [u for u, _ in who(any_db, "tax law")] == ([BOB] if final == SHOWN else [])


def test_an_endorse_racing_its_endorsee_s_remove_never_shows_what_was_removed(any_db: Database) -> None:
    """Ann endorses Bob for Excel while Bob takes Excel off: whichever commits first, Ann's
    endorsement ends up hidden, never shown. Forced here: Ann's `/endorse` has read that Bob has
    not taken it off when his `/skills remove` starts."""
    if any_db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers queue as they begin: the two cannot interleave")
    team(any_db)
    with any_db.write() as s:
        skills.add(s, T1, BOB, "excel", T0, evidence=EVIDENCE)
    read_declined, go = threading.Event(), threading.Event()

    def pause() -> None:
        read_declined.set()
        assert go.wait(WAIT)

    def ann_endorses() -> endorsements.Endorsed:
        with any_db.write() as s:
            return endorsements.endorse(s, T1, ANN, [BOB], "excel", T0, evidence=EVIDENCE)

    backend: list[int] = []

    def bob_removes() -> skills.Changed:
        with any_db.write() as s:
            backend.append(s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            return skills.remove(s, T1, BOB, "excel", T0, evidence=EVIDENCE)

    done: list[Any] = []
    with pausing(any_db, "FROM declined_skill", pause):
        threads = [in_thread(ann_endorses, paused=True, done=done)]
        assert read_declined.wait(WAIT)
        threads.append(in_thread(bob_removes, paused=False, done=done))
        # Ann's goes on once Bob's has finished, or waits for hers (as it must, to be right).
        deadline = time.monotonic() + WAIT
        while not (done or _waits_for_a_lock(any_db, backend)):
            assert time.monotonic() < deadline, "Bob's remove neither finished nor waited"
            threads[1].join(0.01)
        go.set()
        joined(threads, done)
    assert the_endorsement(any_db, ANN, "excel")[1] == HIDDEN
    assert who(any_db, "excel") == []
    with any_db.read() as s:
        profile = skills.profile(s, T1, BOB, viewer=CAROL)
    assert profile is not None
    assert profile.skills == []


def _waits_for_a_lock(db: Database, backend: list[int]) -> bool:
    if not backend:
        return False
    with db.engine.connect() as conn:
        waiting = conn.execute(
            text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": backend[0]}
        )
        return waiting.scalar() == "Lock"
