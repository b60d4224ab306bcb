"""The Slack ids the celebrations use (settings, and the consent DM's buttons), in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CHANGE_WORKSPACE = "celebration_workspace_open"  # the admins' button in /rapport settings
    CONSENT_YES = "celebration_consent_yes"  # the consent DM's buttons (value: the consent's id)
    CONSENT_NO = "celebration_consent_no"


class View(StrEnum):
    WORKSPACE = "celebration_workspace"  # the admins' modal, pushed over /rapport settings


class Input(StrEnum):
    """Block ids of the celebrations' inputs (each element's action id is "value")."""

    CONSENT = "celebration_consent"  # in /rapport settings: what the person agrees to (opt-in)
    PRIVACY = "celebration_privacy"  # in /rapport settings: what they keep out of (opt-out)
    ADMINS = "celebration_admin"  # the block of the admins' button (admins only)
    CHANNEL = "channel"  # in the admins' modal
    HOUR = "hour"
    ZONE = "zone"
    PROMOTIONS = "promotions"
    BIRTHDAY_FIELD = "birthday_field"
    SKILLS_FIELD = "skills_field"  # the custom profile field listing skills (bot.directory.render)
    LEARNING = "learn_from_channels"  # the workspace's switch: learn expertise from public channels
    READ_CHANNELS = "read_channels"  # the public channels admins list for Rapport to read


CONSENT_BLOCK = "celebration_consent_ask"  # the consent DM's actions block

AUTOMATIC_ZONE = "auto"  # the zone option meaning "the most common among members"
LEARNING_ON = "on"  # the learning switch's one option
# The admins' modal's private_metadata: the channels it showed as read, "shown:C1,C2" (only those
# an admin unlisted stop being read; a channel invited meanwhile stays).
SHOWN_PREFIX = "shown:"
