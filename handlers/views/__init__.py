"""Views listeners (modal submissions)."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.views import celebrations, log_form, nudges


def register(app: App, core: Core) -> None:
    for module in (log_form, nudges, celebrations):
        module.register(app, core)
