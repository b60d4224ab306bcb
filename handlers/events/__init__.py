"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.events import directory, home


def register(app: App, core: Core) -> None:
    directory.register(app, core)
    home.register(app, core)
