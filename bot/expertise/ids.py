"""The Slack ids the expertise commands' messages use, in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    SHOW_MORE = "whoknows_more"  # the next page of a /whoknows answer
    # Under an endorsement waiting for its endorsee (in their digest); the value is its id.
    ACCEPT = "endorsement_accept"
    HIDE = "endorsement_hide"
    HIDE_INFERRED = "inferred_hide"  # under a skill public channels showed (/skills); the value is its id


HELD_BLOCK = "endorsement_held:"  # + the endorsement's id: the block of its Accept and Hide buttons


def endorsement_of(value: str) -> int | None:
    """The endorsement an Accept or Hide button names (None for anything else)."""
    return int(value) if value.isdigit() and len(value) < 19 else None


class Input(StrEnum):
    LEARN = "expertise_learn"  # /rapport settings: may public channels count as my expertise
    LEARN_WORKSPACE = "expertise_learn_workspace"  # the workspace's settings (admins)
