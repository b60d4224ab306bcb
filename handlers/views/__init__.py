"""Views listeners: modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.views import log_form


def register(app: App, core: Core) -> None:
    log_form.register(app, core)
