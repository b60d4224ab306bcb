"""The core's dependencies in one object: settings, database, clock and Slack access."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.platform.clock import Clock, system_clock
from bot.platform.config import Settings
from bot.platform.db import Database
from bot.platform.slack import make_client
from bot.platform.tokens import Installations, SingleWorkspace, TokenSource


@dataclass
class Core:
    """What handlers and jobs are given; the core's functions take its parts as arguments."""

    settings: Settings
    db: Database
    clock: Clock = system_clock
    tokens: TokenSource = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        if s.oauth_credentials:
            client_id, secret = s.oauth_credentials
            self.tokens = Installations(self.db.engine, client_id, secret, s.api_url)
        else:
            self.tokens = SingleWorkspace(s.bot_token or "", s.api_url)

    def client(self, team_id: str) -> WebClient | None:
        """A background Web API client for the workspace (waits out rate limits)."""
        token = self.tokens.bot_token(team_id)
        return make_client(token, self.settings.api_url) if token else None


def open_core(settings: Settings, *, clock: Clock = system_clock) -> Core:
    return Core(settings=settings, db=Database(settings.database_url), clock=clock)
