"""The Slack ids the celebration settings use, in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CHANGE_WORKSPACE = "celebration_workspace_open"  # the admins' button in /rapport settings


class View(StrEnum):
    WORKSPACE = "celebration_workspace"  # the admins' modal, pushed over /rapport settings
