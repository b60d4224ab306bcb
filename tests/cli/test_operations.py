"""Operating Rapport from the command line: `--version`, `config check`, settings that are wrong
(one line each), `postgres://` URLs, `db backup`, `rapport run` with pending migrations, and
`--migrate` under PostgreSQL's advisory lock."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import open_database
from bot.cli import _ready_to_serve, main
from bot.core import Core
from bot.models import Member
from bot.platform import logs
from bot.platform.config import load_settings
from bot.platform.migrate import current, head, pending, upgrade_locked
from tests.support.databases import PostgresSchema, downgrade, postgres_unavailable, skip_or_fail
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import SIGNING_SECRET, make_settings


@pytest.fixture
def pg() -> Iterator[PostgresSchema]:
    """A PostgreSQL schema of this test's own, to migrate up and down."""
    reason = postgres_unavailable()
    if reason:
        skip_or_fail(reason)
    schema = PostgresSchema()
    yield schema
    schema.drop()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == "rapport 0.1.0"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SLACK_BOT_TOKEN", "abc"),
        ("SLACK_APP_TOKEN", "xoxb-1"),
        ("SLACK_CLIENT_ID", "1.2"),
        ("SLACK_CLIENT_SECRET", "s3cret"),
        ("SLACK_API_URL", "slack.com/api"),
        ("DATABASE_URL", "nonsense"),
        ("DATABASE_URL", "mysql://db/rapport"),
        ("DATABASE_URL", "postgresql+psycopg2://db/rapport"),
        ("DATABASE_URL", "sqlite://:x:"),
        ("RAPPORT_LOG_FORMAT", "xml"),
    ],
)
def test_each_bad_setting_is_one_line_naming_it(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert variable in err
    assert "Traceback" not in err
    assert value not in err or variable in ("SLACK_API_URL", "RAPPORT_LOG_FORMAT")  # no secret echoed


def test_a_database_that_does_not_answer_is_one_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{workdir}/no/such/folder/rapport.db")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("rapport: cannot use the database (OperationalError")
    assert len(err.splitlines()) == 1


def test_both_postgres_spellings_use_psycopg() -> None:
    for scheme in ("postgres", "postgresql"):
        s = load_settings({"DATABASE_URL": f"{scheme}://rapport:pw@db.internal:5432/rapport"}, env_file=None)
        assert s.database_url == "postgresql+psycopg://rapport:pw@db.internal:5432/rapport"


def test_config_check_masks_secrets_and_reports_auth_test(
    workdir: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token + "-0123456789")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    monkeypatch.setenv("DATABASE_URL", "postgres://rapport:hunter2@127.0.0.1:1/rapport")
    assert main(["config", "check"]) == 1  # the token is not Slack's, the database does not answer
    out = capsys.readouterr().out
    assert slack.bot_token not in out
    assert SIGNING_SECRET not in out
    assert "hunter2" not in out
    assert "SLACK_BOT_TOKEN = xoxb-… (" in out
    assert "DATABASE_URL = postgresql+psycopg://rapport:***@127.0.0.1:1/rapport" in out
    assert "auth.test: failed (invalid_auth)" in out
    assert "database: cannot be used" in out

    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.delenv("DATABASE_URL")
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert f"auth.test: ok, team {slack.team_id}" in out
    assert "database: reachable, at head" in out
    assert "RAPPORT_LOG_FORMAT = text" in out
    assert slack.calls_to("auth.test")


def test_db_backup_copies_a_running_sqlite_database(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    db = open_database(f"sqlite:///{workdir / 'rapport.db'}")
    add_members(db, "T0001", slack_user("U1"), slack_user("U2"))
    with db.read() as s:  # Rapport holds the database open (WAL) while it is copied
        assert main(["db", "backup", "copy.db"]) == 0
        rows = s.execute(select(Member.user_id, Member.real_name).order_by(Member.user_id)).all()
    db.dispose()
    assert "backed up" in capsys.readouterr().out
    with sqlite3.connect(workdir / "copy.db") as copy:
        assert copy.execute("SELECT user_id, real_name FROM member ORDER BY user_id").fetchall() == [
            tuple(r) for r in rows
        ]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert main(["db", "backup", "copy.db"]) == 2  # never over an existing file
    assert "exists" in capsys.readouterr().err


def test_db_backup_on_postgresql_says_which_pg_dump_to_run(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://rapport:hunter2@db.internal/rapport")
    assert main(["db", "backup", "rapport.dump"]) == 2
    err = capsys.readouterr().err
    assert "pg_dump --format=custom --file rapport.dump 'postgresql://rapport:***@db.internal/rapport'" in err
    assert "hunter2" not in err


def test_json_logs_are_one_object_a_line_with_tokens_masked() -> None:
    record = logging.LogRecord(
        "rapport", logging.INFO, __file__, 1, "installed %s\nnext", ("xoxb-1234-abcdef",), None
    )
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["message"] == "installed xoxb-…\nnext"
    assert load_settings({"RAPPORT_LOG_FORMAT": "JSON"}, env_file=None).log_format == "json"


def test_log_format_json_from_the_environment(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RAPPORT_LOG_FORMAT", "json")
    monkeypatch.setattr(sys, "argv", ["rapport"])
    assert main(["db", "upgrade"]) == 0
    logging.getLogger("rapport").warning("a line")
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert json.loads(lines[-1])["message"] == "a line"


@pytest.mark.postgres
def test_postgres_urls_work(
    workdir: Path, pg: PostgresSchema, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(pg.url)
    downgrade(db, f"{int(head()) - 1:04d}")
    monkeypatch.setenv("DATABASE_URL", pg.url.replace("postgresql+psycopg://", "postgres://"))
    assert main(["db", "upgrade"]) == 0
    assert current(db) == head()
    db.dispose()


@pytest.mark.postgres
def test_run_on_postgresql_with_pending_migrations_stops_in_one_line(
    workdir: Path, pg: PostgresSchema, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(pg.url)
    downgrade(db, f"{int(head()) - 1:04d}")
    monkeypatch.setenv("DATABASE_URL", pg.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    assert main(["run", "--http", "--port", "0"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        f"rapport: database migrations pending ({head()}): run `rapport db upgrade` "
        "(or start one replica with `rapport run --migrate`)"
    )
    assert pending(db) == [head()]  # nothing was migrated behind the operator's back
    db.dispose()


@pytest.mark.postgres
def test_migrate_on_start_runs_once_when_replicas_start_together(
    pg: PostgresSchema, slack: FakeSlack
) -> None:
    db = open_database(pg.url)
    downgrade(db, "0010")
    replicas = [
        Core(settings=make_settings(slack, one), db=one) for one in (open_database(pg.url) for _ in range(3))
    ]
    start = threading.Barrier(len(replicas))
    started: list[bool] = []
    failures: list[BaseException] = []

    def replica(core: Core) -> None:  # what `rapport run --migrate` does before serving
        try:
            start.wait()
            started.append(_ready_to_serve(core, migrate=True))
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=replica, args=(r,)) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert failures == []
    assert started == [True, True, True]
    assert current(db) == head()
    upgrade_locked(db)  # at head: nothing to do, and the lock was given back
    for r in replicas:
        r.db.dispose()
    db.dispose()
