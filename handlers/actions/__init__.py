"""Actions listeners: buttons, selects and date pickers on messages, forms and the Home tab."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core
from handlers.actions import followups, log, nudges, whoknows


def register(app: App, core: Core) -> None:
    for module in (whoknows, followups, log, nudges):
        module.register(app, core)
