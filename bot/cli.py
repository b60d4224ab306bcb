"""The `rapport` command: run the app, run a job once, migrate, back up, check the config, import, seed."""

from __future__ import annotations

import argparse
import csv
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.core import Core, open_core
from bot.platform import logs
from bot.platform.clock import fixed_clock
from bot.platform.config import LOG_FORMATS, ConfigError, Settings, load_settings

log = logging.getLogger("rapport")


MIGRATE_HELP = "on PostgreSQL, apply pending migrations first (one replica at a time, under a lock)"


def version() -> str:
    try:
        return metadata.version("rapport")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def _parse_now(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 instant: {text!r} (e.g. 2026-11-23T09:00:00Z)"
        ) from e
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rapport", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help="text (default) or json, one object a line (RAPPORT_LOG_FORMAT)",
    )
    parser.add_argument("--version", action="version", version=f"rapport {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="serve Slack (Socket Mode, or HTTP with --http)")
    run.add_argument("--http", action="store_true", help="serve /slack/events over HTTP")
    run.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    run.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    run.add_argument("--threads", type=int, default=8, help="HTTP worker threads (default 8)")
    run.add_argument("--no-scheduler", action="store_true", help="do not run the scheduled jobs here")
    run.add_argument("--migrate", action="store_true", help=MIGRATE_HELP)
    run.set_defaults(func=cmd_run)

    sched = sub.add_parser("scheduler", help="run only the scheduled jobs (no Slack listener)")
    sched.add_argument("--migrate", action="store_true", help=MIGRATE_HELP)
    sched.set_defaults(func=cmd_scheduler)

    jobs = sub.add_parser("jobs", help="run scheduled jobs by hand")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    jobs_run = jobs_sub.add_parser("run", help="run one job once")
    jobs_run.add_argument("name", help="job name (see `rapport jobs list`)")
    jobs_run.add_argument("--now", type=_parse_now, help="run as if at this ISO 8601 instant")
    jobs_run.set_defaults(func=cmd_jobs_run)
    jobs_sub.add_parser("list", help="list job names").set_defaults(func=cmd_jobs_list)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)
    backup = db_sub.add_parser("backup", help="copy the SQLite database to FILE while it runs")
    backup.add_argument("file", type=Path, help="where to write the copy (must not exist)")
    backup.set_defaults(func=cmd_db_backup)

    config = sub.add_parser("config", help="the effective settings")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    config_sub.add_parser(
        "check", help="print the settings (secrets masked), check the database and the bot token"
    ).set_defaults(func=cmd_config_check)

    imp = sub.add_parser("import-people", help="import birthdays and start dates from a CSV file")
    imp.add_argument("file", type=Path, help="CSV with slack_user_id or email, birthday, start_date")
    imp.add_argument("--team", help="team id (default: the bot token's workspace, from auth.test)")
    imp.set_defaults(func=cmd_import_people)

    seed = sub.add_parser("seed", help="fill the database with a deterministic synthetic workspace")
    seed.add_argument("--members", type=int, required=True, help="how many people")
    seed.add_argument("--seed", type=int, default=1, help="random seed (same seed, same workspace)")
    seed.add_argument("--team", help="team id (default: the bot token's workspace, from auth.test)")
    seed.set_defaults(func=cmd_seed)
    return parser


def cmd_import_people(args: argparse.Namespace, settings: Settings) -> int:
    from bot.directory.csv_import import CsvShapeError, import_people, open_csv, read_rows

    if not args.file.is_file():
        print(f"rapport: no such file: {args.file}", file=sys.stderr)
        return 2
    core = open_core(settings)
    team = _team(args.team, core)
    _upgrade_embedded(core)
    try:
        with open_csv(args.file) as stream, core.db.write() as session:
            report = import_people(
                session,
                team,
                read_rows(stream),
                datetime.now(UTC).date(),
                progress=lambda n: print(f"… {n:,} rows read", file=sys.stderr, flush=True),
                stored=core.registry.on_members_stored,
                now=datetime.now(UTC),
            )
    except (CsvShapeError, UnicodeDecodeError, csv.Error) as e:
        print(f"rapport: {args.file} cannot be imported: {e}", file=sys.stderr)
        return 2
    for line, reason in report.problems:
        print(f"{args.file}:{line}: {reason}", file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def _team(team: str | None, core: Core) -> str:
    """The team given, or the bot token's own (auth.test)."""
    if team:
        return team
    core.settings.require_tokens()
    return core.clients.team_ids()[0]


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from bot.seeding.members import seed

    if args.members < 1:
        print("--members must be at least 1", file=sys.stderr)
        return 2
    core = open_core(settings)
    team = _team(args.team, core)
    _upgrade_embedded(core)
    registry = core.registry
    lines = seed(
        core.db,
        team,
        args.members,
        seed=args.seed,
        now=datetime.now(UTC),
        seeders=registry.seeders,
        evidence=registry.evidence,
    )
    for line in lines:
        print(line)
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.platform.migrate import upgrade

    core = open_core(settings)
    upgrade(core.db)
    print(f"database is up to date ({core.db.url.render_as_string(hide_password=True)})")
    return 0


def cmd_jobs_list(args: argparse.Namespace, settings: Settings) -> int:
    from jobs import JOBS

    print("\n".join(sorted(JOBS)))
    return 0


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    from jobs import JOBS

    job = JOBS.get(args.name)
    if job is None:
        print(f"unknown job {args.name!r}; known: {', '.join(sorted(JOBS))}", file=sys.stderr)
        return 2
    settings.require_tokens()
    now = args.now or datetime.now(UTC)
    core = open_core(settings, clock=fixed_clock(now))
    _upgrade_embedded(core)
    print(job(core, now))
    return 0


def _upgrade_embedded(core: Core) -> None:
    """The embedded SQLite database is migrated on start; a shared server is migrated on purpose."""
    if core.db.is_sqlite:
        from bot.platform.migrate import upgrade

        upgrade(core.db)


def _ready_to_serve(core: Core, *, migrate: bool) -> bool:
    """Before serving: SQLite is migrated (as always); PostgreSQL with pending migrations is
    migrated under an advisory lock with `--migrate`, or refused in one line."""
    from bot.platform import migrate as migrations

    try:
        if core.db.is_sqlite:
            migrations.upgrade(core.db)
            return True
        pending = migrations.pending(core.db)
        if pending and migrate:
            log.info("applying migrations %s", ", ".join(pending))
            migrations.upgrade_locked(core.db)
        elif pending:
            print(
                f"rapport: database migrations pending ({', '.join(pending)}): {migrations.UPGRADE_HINT}",
                file=sys.stderr,
            )
            return False
    except SQLAlchemyError as e:
        print(f"rapport: cannot use the database ({_first_line(e)})", file=sys.stderr)
        return False
    return True


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e).strip().splitlines()
    return f"{type(e).__name__}: {text[0][:160]}" if text else type(e).__name__


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    """SQLite's online backup (safe while Rapport runs); for PostgreSQL, the pg_dump to run."""
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        shown = url.set(drivername="postgresql").render_as_string(hide_password=True)
        print(
            f"rapport: back up PostgreSQL with pg_dump: pg_dump --format=custom --file {args.file} '{shown}'",
            file=sys.stderr,
        )
        return 2
    source = Path(url.database or "")
    if not url.database or url.database == ":memory:" or not source.is_file():
        print(f"rapport: no SQLite database file at {url.database or '(memory)'}", file=sys.stderr)
        return 2
    if args.file.exists():
        print(f"rapport: {args.file} exists; give a new file name", file=sys.stderr)
        return 2
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(args.file)) as dst:
        src.backup(dst)  # page by page, consistent even while Rapport writes
    print(f"backed up {source} to {args.file}")
    return 0


def cmd_config_check(args: argparse.Namespace, settings: Settings) -> int:
    """The effective settings (secrets masked), then the database and the bot token (auth.test)."""
    from slack_sdk.errors import SlackApiError

    from bot.platform import migrate as migrations
    from bot.platform.config import effective
    from bot.platform.db import Database
    from bot.platform.slack import make_client

    for name, value in effective(settings):
        print(f"{name} = {value}")
    ok = True
    db = Database(settings.database_url)
    try:
        pending = migrations.pending(db)
        print(
            "database: " + (f"migrations pending: {', '.join(pending)}" if pending else "reachable, at head")
        )
        ok = ok and not pending
    except SQLAlchemyError as e:
        print(f"database: cannot be used ({_first_line(e)})")
        ok = False
    finally:
        db.dispose()
    if not settings.bot_token:
        print("auth.test: skipped (no SLACK_BOT_TOKEN" + ("; OAuth installs" if settings.oauth else "") + ")")
        return 0 if ok else 1
    try:
        answer = make_client(settings.bot_token, settings.api_url, wait_on_rate_limit=False).auth_test()
        print(
            f"auth.test: ok, team {answer.get('team_id')} ({answer.get('team')}), bot {answer.get('user_id')}"
        )
    except SlackApiError as e:
        print(f"auth.test: failed ({e.response.get('error')})")
        ok = False
    except OSError as e:
        print(f"auth.test: cannot reach {settings.api_url} ({type(e).__name__})")
        ok = False
    return 0 if ok else 1


def cmd_scheduler(
    args: argparse.Namespace, settings: Settings, *, stop: threading.Event | None = None
) -> int:
    """The timer alone, e.g. beside `rapport run --no-scheduler`; several may run against PostgreSQL."""
    from jobs.scheduler import build_scheduler

    settings.require_tokens()
    core = open_core(settings)
    if not _ready_to_serve(core, migrate=getattr(args, "migrate", False)):
        return 1
    stop = stop or threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    scheduler = build_scheduler(core)
    scheduler.start()
    log.info("Rapport scheduler running: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=True)
        core.db.dispose()
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slackapp.app import build_app

    settings.require_for_run(http=args.http)
    core = open_core(settings)
    if not _ready_to_serve(core, migrate=getattr(args, "migrate", False)):
        return 1
    app = build_app(core)
    scheduler = None
    if not args.no_scheduler:
        from apscheduler.schedulers.base import STATE_RUNNING

        from jobs.scheduler import build_scheduler

        scheduler = build_scheduler(core)
        scheduler.start()
        running = scheduler
        readiness = getattr(app, "readiness", None)
        if readiness is not None:  # /readyz: a stopped timer is a replica not doing its job
            readiness.scheduler = lambda: running.state == STATE_RUNNING
    try:
        if args.http:
            from bot.slackapp.server import RapportWSGI, make_server, stop_server

            server = make_server(
                RapportWSGI(app, core.settings.signing_secret, core.db.ping),
                args.host,
                args.port,
                args.threads,
            )
            signal.signal(signal.SIGTERM, lambda *_: stop_server(server))
            log.info(
                "Rapport serving HTTP on %s:%s (/slack/events, /healthz, /readyz, /metrics)",
                args.host,
                args.port,
            )
            server.run()
        else:
            from bot.slackapp.server import socket_mode

            log.info("Rapport connecting to Slack in Socket Mode")
            socket_mode(app, settings.app_token).start()
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        core.db.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(verbose=args.verbose, log_format=args.log_format or "text")
    try:
        settings = load_settings()
        if args.log_format is None and settings.log_format != "text":
            logs.configure(verbose=args.verbose, log_format=settings.log_format)
        result: Any = args.func(args, settings)
    except ConfigError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 2
    except SQLAlchemyError as e:  # a database that does not answer: one line, not a traceback
        print(f"rapport: cannot use the database ({_first_line(e)})", file=sys.stderr)
        return 1
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
