"""Where bot tokens come from (one configured token, or OAuth installations), and the Web API
clients made from them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, delete, select

from bot.models import installs
from bot.platform.clock import Clock
from bot.platform.slack import make_client

log = logging.getLogger(__name__)


class TokenSource(Protocol):
    def team_ids(self) -> list[str]:
        """Workspaces Rapport currently serves."""
        ...

    def bot_token(self, team_id: str) -> str | None:
        """A valid bot token for the workspace, or None when it is not installed."""
        ...


class SingleWorkspace:
    """The token from SLACK_BOT_TOKEN; its team is learnt from `auth.test` once."""

    def __init__(self, token: str, api_url: str) -> None:
        self._token = token
        self._api_url = api_url
        self._team: dict[str, str] | None = None
        self._lock = threading.Lock()

    def identity(self) -> dict[str, str]:
        """`team_id`, `team` and `user_id` (the bot's) from auth.test, cached."""
        with self._lock:
            if self._team is None:
                info = make_client(self._token, self._api_url).auth_test()
                self._team = {
                    "team_id": info["team_id"],
                    "team": info.get("team") or "",
                    "user_id": info.get("user_id") or "",
                }
            return self._team

    def team_ids(self) -> list[str]:
        return [self.identity()["team_id"]]

    def bot_token(self, team_id: str) -> str | None:
        return self._token if team_id == self.identity()["team_id"] else None


class Installations:
    """OAuth installations stored by slack_sdk in our database; rotates expiring tokens."""

    def __init__(self, engine: Engine, client_id: str, client_secret: str, api_url: str) -> None:
        self.store = SQLAlchemyInstallationStore(
            client_id=client_id,
            engine=engine,
            installations_table_name=installs.INSTALLATIONS,
            bots_table_name=installs.BOTS,
        )
        self._engine = engine
        self._rotator = TokenRotator(
            client_id=client_id, client_secret=client_secret, client=make_client(None, api_url)
        )

    def team_ids(self) -> list[str]:
        bots = installs.bots
        with self._engine.connect() as conn:
            rows = conn.execute(select(bots.c.team_id).where(bots.c.team_id.is_not(None)).distinct())
            return [row[0] for row in rows]

    def bot_token(self, team_id: str) -> str | None:
        bot: Bot | None = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            return None
        # Bolt refreshes rotating tokens only while serving requests; jobs must do it too.
        rotated = self._rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=120)
        if rotated is not None:
            self.store.save_bot(rotated)
            bot = rotated
        return bot.bot_token


def forget_expired_states(engine: Engine, now: datetime) -> int:
    """Delete the OAuth states whose 10 minutes are over: each visit to the install page makes
    one, and slack_sdk never deletes one that was not used."""
    states = installs.states
    naive_utc = now.astimezone(UTC).replace(tzinfo=None)  # slack_sdk stores them naive, in UTC
    with engine.begin() as conn:
        return int(conn.execute(delete(states).where(states.c.expire_at < naive_utc)).rowcount or 0)


class Clients:
    """Web API clients for the workspaces Rapport serves, on one API base URL and one clock."""

    def __init__(
        self, tokens: TokenSource, api_url: str, clock: Clock, on_429: Callable[[], None] | None = None
    ) -> None:
        self.tokens = tokens
        self.api_url = api_url
        self.clock = clock
        self.on_429 = on_429

    def team_ids(self) -> list[str]:
        return self.tokens.team_ids()

    def client(self, team_id: str, *, wait_on_rate_limit: bool = True) -> WebClient | None:
        """A background client for the workspace (None when Rapport is not installed there).

        With `wait_on_rate_limit` it waits out a 429 in the calling thread: never on an answer's path.
        """
        token = self.tokens.bot_token(team_id)
        if not token:
            return None
        return make_client(
            token, self.api_url, wait_on_rate_limit=wait_on_rate_limit, clock=self.clock, on_429=self.on_429
        )
