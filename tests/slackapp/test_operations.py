"""Operating Rapport over real HTTP: `/healthz`, `/readyz` while migrations are pending and after
`rapport db upgrade`, `/metrics` after a scripted scenario, and the log lines of that scenario."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.core import Core
from bot.models.outbox import Outbox
from bot.platform.db import Database
from bot.platform.migrate import head, upgrade
from jobs.scheduler import run_job
from tests.support.clock import FakeClock
from tests.support.databases import downgrade, statements
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import SIGNING_SECRET, Served, make_settings, serve
from tests.support.slackreq import SlackClient

MARKER = "zanzibarquokka"  # a private word someone logs: it must reach no log line
CHANNEL = "C0CELEBRATE"


def get(url: str, method: str = "GET") -> tuple[int, str, str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for work after the answer (a lazy listener); polls, never waits on a schedule."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.01)


def previous_revision() -> str:
    return f"{int(head()) - 1:04d}"


def test_healthz_is_liveness_and_health_endpoints_take_gets_only(rapport: Served) -> None:
    assert get(f"{rapport.url}/healthz")[::2] == (200, '{"ok": true}')
    status, kind, body = get(f"{rapport.url}/readyz")
    assert status == 200, body
    assert kind == "application/json"
    assert json.loads(body) == {"database": "ok", "migrations": "at head", "ok": True}
    assert get(f"{rapport.url}/readyz", method="POST")[0] == 405


def test_pending_migrations_make_readyz_503_and_commands_say_upgrading(
    slack: FakeSlack, db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    missing = head()
    add_members(db, slack.team_id, slack_user("U1"))  # (with today's models, so before going back)
    downgrade(db, previous_revision(), foreign_keys=False)
    core = Core(settings=make_settings(slack, db), db=db, clock=clock)
    with serve(core) as url:
        status, _, body = get(f"{url}/readyz")
        assert status == 503
        answer = json.loads(body)
        assert answer["ok"] is False
        assert answer["migrations"] == {"pending": [missing]}
        assert any("rapport db upgrade" in p for p in answer["problems"])

        http = SlackClient(url, SIGNING_SECRET)
        response = http.command("/followups", user_id="U1", team_id=slack.team_id)
        assert response.status == 200
        said = response.json()
        assert said["response_type"] == "ephemeral"
        assert said["text"] == "Rapport is being upgraded, try again in a minute."
        assert "Sorry" not in response.text
        assert "Traceback" not in caplog.text
        assert "rapport db upgrade" in caplog.text
        assert "request command /followups team T0001 upgrading" in caplog.text

        upgrade(db)  # what `rapport db upgrade` does, from another process
        assert get(f"{url}/readyz")[0] == 503  # checked at most every few seconds
        clock.sleep(5)
        assert get(f"{url}/readyz")[0] == 200
        response = http.command("/followups", user_id="U1", team_id=slack.team_id)
        assert "being upgraded" not in response.text
        assert "Sorry" not in response.text
        # At head, it stays so: requests read alembic_version no more.
        clock.sleep(60)
        with statements(db) as seen:
            http.command("/followups", user_id="U1", team_id=slack.team_id)
            get(f"{url}/readyz")
        assert not [s for s in seen if "alembic_version" in s]


def test_readyz_names_a_database_that_does_not_answer(
    slack: FakeSlack, tmp_path: Any, clock: FakeClock
) -> None:
    from bot.bootstrap import open_database

    db = open_database(f"sqlite:///{tmp_path}/missing/nothing-here.db")  # its folder does not exist
    core = Core(settings=make_settings(slack, db), db=db, clock=clock)
    with serve(core) as url:
        status, _, body = get(f"{url}/readyz")
    assert status == 503
    assert json.loads(body)["problems"] == ["database unreachable"]


@pytest.fixture
def core(slack: FakeSlack, db: Database, clock: FakeClock) -> Core:
    return Core(settings=make_settings(slack, db, celebrations_channel="celebrations"), db=db, clock=clock)


def samples(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, kind, text = get(f"{url}/metrics")
    assert status == 200
    assert kind.startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], metric: str, **labels: str) -> float:
    return found.get((metric, tuple(sorted(labels.items()))), 0.0)


def test_metrics_move_with_a_scenario_and_its_logs_hold_no_private_text(
    rapport: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack, core = rapport.slack, rapport.core
    slack.add_system_users()
    slack.add_channel(CHANNEL, "celebrations")
    for user in ("UALICE", "UBOB"):
        slack.add_user(user, real_name=user.title())
    add_members(core.db, slack.team_id, slack_user("UALICE"), slack_user("UBOB"))
    before = samples(rapport.url)
    assert value(before, "rapport_requests_total", kind="command", name="/log", outcome="ok") == 0

    team = slack.team_id
    logged = rapport.http.command("/log", f"<@UBOB> coffee about {MARKER}", user_id="UALICE", team_id=team)
    assert logged.status == 200
    assert rapport.http.command("/rapport", "help", user_id="UALICE", team_id=team).status == 200
    slack.fail_next("chat.postMessage", status=429, retry_after=30)
    kudos = rapport.http.command(
        "/kudos", f"<@UBOB> for the {MARKER} runbook", user_id="UALICE", team_id=team, trigger_id="t.2"
    )
    assert kudos.status == 200
    slack.wait_for("chat.postMessage")

    def given_back() -> bool:
        with core.db.read() as s:
            return s.scalar(select(Outbox.status)) == "pending"

    eventually(given_back)
    core.clock.advance(seconds=31)  # type: ignore[attr-defined]
    middle = samples(rapport.url)
    assert value(middle, "rapport_outbox_rows", status="pending") == 1
    assert value(middle, "rapport_outbox_oldest_due_age_seconds") == pytest.approx(1, abs=1)
    run_job(core, "nudges")  # the sender posts it now

    after = samples(rapport.url)
    assert value(after, "rapport_requests_total", kind="command", name="/log", outcome="ok") == 1
    assert value(after, "rapport_requests_total", kind="command", name="/rapport", outcome="ok") == 1
    assert value(after, "rapport_requests_total", kind="command", name="/kudos", outcome="ok") == 1
    assert value(after, "rapport_request_duration_seconds_count", kind="command", name="/log") == 1
    assert value(after, "rapport_slack_rate_limited_total", kind="kudos_post") == 1
    assert value(after, "rapport_deliveries_total", kind="kudos_post", outcome="retried") == 1
    assert value(after, "rapport_deliveries_total", kind="kudos_post", outcome="sent") == 1
    assert value(after, "rapport_job_runs_total", job="nudges", outcome="ok") == 1
    assert value(after, "rapport_job_duration_seconds_count", job="nudges") == 1
    assert value(after, "rapport_planning_duration_seconds_count") == 1  # one workspace planned
    assert value(after, "rapport_outbox_rows", status="sent") == 1
    assert value(after, "rapport_outbox_oldest_due_age_seconds") == 0
    assert value(after, "rapport_database_up") == 1
    labels = {v for (_, pairs) in after for (_, v) in pairs}
    assert not labels & {"UALICE", "UBOB", team, MARKER}  # no people, teams or text in labels

    assert "request command /log team T0001 ok" in caplog.text
    assert "job nudges ok in" in caplog.text
    assert MARKER not in caplog.text
    assert slack.bot_token not in caplog.text
    assert SIGNING_SECRET not in caplog.text


def test_two_apps_in_one_process_count_apart(rapport: Served, slack: FakeSlack, tmp_path: Any) -> None:
    from bot.bootstrap import open_database

    other_db = open_database(f"sqlite:///{tmp_path}/other.db")
    upgrade(other_db)
    other = Core(settings=make_settings(slack, other_db), db=other_db, clock=FakeClock())
    with serve(other) as other_url:
        rapport.http.command("/rapport", "help", user_id="U1", team_id=slack.team_id)
        mine, theirs = samples(rapport.url), samples(other_url)
    assert value(mine, "rapport_requests_total", kind="command", name="/rapport", outcome="ok") == 1
    assert value(theirs, "rapport_requests_total", kind="command", name="/rapport", outcome="ok") == 0
    other_db.dispose()


def test_a_failure_shows_a_ref_that_its_error_line_carries(
    rapport: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with rapport.core.db.engine.begin() as conn:  # the database breaks under the running app
        conn.exec_driver_sql("DROP TABLE title_change")
        conn.exec_driver_sql("DROP TABLE member")
    said = rapport.http.command("/followups", user_id="U1", team_id=rapport.slack.team_id).json()["text"]
    assert said.startswith("Sorry, something went wrong (ref ")
    ref = said.split("(ref ", 1)[1][:6]
    assert f"handling slash_command /followups failed (ref {ref})" in caplog.text
    assert f"request command /followups team T0001 error ref {ref}" in caplog.text
    found = samples(rapport.url)
    assert value(found, "rapport_requests_total", kind="command", name="/followups", outcome="error") == 1
