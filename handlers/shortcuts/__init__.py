"""Shortcuts listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.shortcuts import log_message


def register(app: App, core: Core) -> None:
    log_message.register(app, core)
