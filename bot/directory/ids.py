"""The Slack ids the directory's views use, in one place."""

from __future__ import annotations

from enum import StrEnum


class View(StrEnum):
    SETTINGS = "rapport_settings"  # a member's own /rapport settings


class Input(StrEnum):
    """Block ids of the daily nudge's inputs in /rapport settings (each element's action id is "value")."""

    NUDGE_HOUR = "nudge_hour"
    WORK_DAYS = "work_days"
    PAUSE_UNTIL = "pause_until"
    RESUME = "resume"
