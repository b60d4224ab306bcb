"""What the process runs on: its settings, database, clock and Slack clients, built once.

The core's services that talk to Slack take a `Runtime`; `bot.core.Core` is one, with the
wiring of Rapport's features added (`bot.bootstrap`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.platform.clock import Clock, system_clock
from bot.platform.config import Settings
from bot.platform.db import Database
from bot.platform.tokens import Clients, Installations, SingleWorkspace, TokenSource


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = system_clock
    tokens: TokenSource = field(init=False)
    clients: Clients = field(init=False)

    def __post_init__(self) -> None:
        s = self.settings
        if s.oauth_credentials:
            client_id, secret = s.oauth_credentials
            self.tokens = Installations(self.db.engine, client_id, secret, s.api_url)
        else:
            self.tokens = SingleWorkspace(s.bot_token or "", s.api_url)
        web_api_429s = self.db.metrics.rate_limited.labels("web_api")
        self.clients = Clients(self.tokens, s.api_url, self.clock, on_429=web_api_429s.inc)
