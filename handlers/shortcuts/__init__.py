"""Shortcuts listeners (filled in by the capabilities that need them)."""

from __future__ import annotations

from slack_bolt import App

from bot.core import Core


def register(app: App, core: Core) -> None:
    """Nothing to register yet."""
