"""Commands whose issue has not landed yet answer with their usage, so none is dead."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import blocks
from bot.core import Core

COMING_SOON: tuple[str, ...] = ()


def register(app: App, core: Core) -> None:
    for name in COMING_SOON:
        app.command(name)(_answer)


def _answer(ack: Ack, command: dict[str, Any]) -> None:
    ack(**blocks.coming_soon(command["command"]))
