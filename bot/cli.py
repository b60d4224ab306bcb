"""The `rapport` command: run the app, run a job once, migrate, import, seed."""

from __future__ import annotations

import argparse
import csv
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.core import Core, open_core
from bot.platform import logs
from bot.platform.clock import fixed_clock
from bot.platform.config import ConfigError, Settings, load_settings

log = logging.getLogger("rapport")


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
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="serve Slack (Socket Mode, or HTTP with --http)")
    run.add_argument("--http", action="store_true", help="serve /slack/events over HTTP")
    run.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    run.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    run.add_argument("--threads", type=int, default=8, help="HTTP worker threads (default 8)")
    run.add_argument("--no-scheduler", action="store_true", help="do not run the scheduled jobs here")
    run.set_defaults(func=cmd_run)

    sched = sub.add_parser("scheduler", help="run only the scheduled jobs (no Slack listener)")
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


def cmd_scheduler(
    args: argparse.Namespace, settings: Settings, *, stop: threading.Event | None = None
) -> int:
    """The timer alone, e.g. beside `rapport run --no-scheduler`; several may run against PostgreSQL."""
    from jobs.scheduler import build_scheduler

    settings.require_tokens()
    core = open_core(settings)
    _upgrade_embedded(core)
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
    _upgrade_embedded(core)
    app = build_app(core)
    scheduler = None
    if not args.no_scheduler:
        from jobs.scheduler import build_scheduler

        scheduler = build_scheduler(core)
        scheduler.start()
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
            log.info("Rapport serving HTTP on %s:%s (/slack/events, /healthz)", args.host, args.port)
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
    logs.configure(verbose=args.verbose)
    try:
        settings = load_settings()
        result: Any = args.func(args, settings)
    except ConfigError as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
