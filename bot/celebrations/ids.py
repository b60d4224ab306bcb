"""The Slack ids the celebration settings use, in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CHANGE_WORKSPACE = "celebration_workspace_open"  # the admins' button in /rapport settings


class View(StrEnum):
    WORKSPACE = "celebration_workspace"  # the admins' modal, pushed over /rapport settings


class Input(StrEnum):
    """Block ids of the celebrations' inputs (each element's action id is "value")."""

    CONSENT = "celebration_consent"  # in /rapport settings
    ADMINS = "celebration_admin"  # the block of the admins' button
    CHANNEL = "channel"  # in the admins' modal
    HOUR = "hour"
    ZONE = "zone"
    PROMOTIONS = "promotions"
    BIRTHDAY_FIELD = "birthday_field"


AUTOMATIC_ZONE = "auto"  # the zone option meaning "the most common among members"
