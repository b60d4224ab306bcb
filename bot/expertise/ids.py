"""The Slack ids the expertise commands' messages use, in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    SHOW_MORE = "whoknows_more"  # the next page of a /whoknows answer
