"""Fixtures: databases (SQLite, PostgreSQL), a fake Slack, and Rapport served over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_bolt import App

from bot.core import Core
from bot.platform.config import Settings
from bot.platform.db import Database
from bot.slackapp.app import build_app
from bot.slackapp.server import AfterAnswer, RapportWSGI, serving
from tests.support.clock import FakeClock
from tests.support.databases import (
    PostgresSchema,
    postgres_unavailable,
    skip_or_fail,
    sqlite_copy,
    sqlite_template,
)
from tests.support.fakeslack import FakeSlack
from tests.support.slackreq import SlackClient

SIGNING_SECRET = "test-signing-secret"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def _postgres() -> Iterator[PostgresSchema | None]:
    reason = postgres_unavailable()
    if reason:
        yield None
        return
    schema = PostgresSchema()
    yield schema
    schema.drop()


@pytest.fixture
def db(_sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite database of this test's own."""
    database = sqlite_copy(_sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest, _sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """The same test on SQLite and on PostgreSQL (skipped with a reason where none answers)."""
    if request.param == "sqlite":
        database = sqlite_copy(_sqlite_template, tmp_path)
    else:
        schema: PostgresSchema | None = request.getfixturevalue("_postgres")
        if schema is None:
            skip_or_fail(postgres_unavailable() or "PostgreSQL is not available")
            raise AssertionError("unreachable")
        database = schema.fresh()
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[FakeSlack]:
    """The fake Slack, its rate limits on the test's clock (so waiting them out costs nothing)."""
    fake = FakeSlack(clock=clock.monotonic)
    fake.start()
    yield fake
    fake.stop()


def make_settings(slack: FakeSlack, db: Database, **overrides: str | None) -> Settings:
    values: dict[str, str | None] = {
        "bot_token": slack.bot_token,
        "signing_secret": SIGNING_SECRET,
        "api_url": slack.base_url,
        "database_url": db.url.render_as_string(hide_password=False),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def core(slack: FakeSlack, db: Database, clock: FakeClock) -> Core:
    return Core(settings=make_settings(slack, db), db=db, clock=clock)


@dataclass
class Served:
    """Rapport running behind a real HTTP server, and what tests need to talk to it."""

    core: Core
    slack: FakeSlack
    http: SlackClient
    url: str
    app: App | None = None

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the lazy listeners of every request sent so far have run."""
        executor = self.app.listener_runner.listener_executor if self.app else None
        if isinstance(executor, AfterAnswer):
            assert executor.idle(timeout), f"lazy listeners still running after {timeout:g} s"


@contextmanager
def serve(core: Core) -> Iterator[str]:
    """Serve `core` on 127.0.0.1 in a background thread; yields the base URL."""
    with serve_app(core) as (url, _):
        yield url


@contextmanager
def serve_app(core: Core) -> Iterator[tuple[str, App]]:
    """`serve`, yielding the Bolt app too (to wait for its lazy listeners)."""
    app = build_app(core)
    with serving(RapportWSGI(app, core.settings.signing_secret, core.db.ping), threads=4) as url:
        yield url, app
    # Let lazy listeners (Home tab publishes, views.open…) finish while the fake Slack still answers.
    app.listener_runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def rapport(core: Core, slack: FakeSlack) -> Iterator[Served]:
    """The real app over real HTTP, talking to the fake Slack."""
    with serve_app(core) as (url, app):
        yield Served(core=core, slack=slack, http=SlackClient(url, SIGNING_SECRET), url=url, app=app)


@pytest.fixture
def rapport_any(slack: FakeSlack, any_db: Database, clock: FakeClock) -> Iterator[Served]:
    """`rapport`, once on SQLite and once on PostgreSQL."""
    core = Core(settings=make_settings(slack, any_db), db=any_db, clock=clock)
    with serve_app(core) as (url, app):
        yield Served(core=core, slack=slack, http=SlackClient(url, SIGNING_SECRET), url=url, app=app)
