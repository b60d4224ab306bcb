"""The Slack ids the relationship log's messages and views use, in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Action ids of buttons and pickers."""

    # On every item that is due: a follow-up, a cadence, and every digest item (`bot.nudges`).
    # The item is named by its block: ITEM_BLOCK + its ref ("f:12", "c:3", "n:45").
    DONE = "rapport_done"
    SNOOZE = "rapport_snooze"
    SNOOZE_UNTIL = "rapport_snooze_until"
    LOG_IT = "rapport_log_it"
    # On a /log answer and the logged form.
    UNDO = "rapport_undo"
    FOLLOW_UP_ON = "rapport_follow_up_on"
    # Under /rapport history.
    HISTORY_NEWER = "rapport_history_page_newer"
    HISTORY_OLDER = "rapport_history_page_older"
    # Under /followups: the next page (its value: where that page starts).
    FOLLOWUPS_PAGE = "rapport_followups_page"


class View(StrEnum):
    """Callback ids of modals and the message shortcut."""

    LOG = "rapport_log"  # the log form
    LOGGED = "rapport_logged"  # the form once it logged
    LOG_MESSAGE = "rapport_log_message"  # the "Log interaction" shortcut (manifest.yml)


class Field(StrEnum):
    """The log form's inputs (block id and action id alike); a refusal names the one it is about."""

    PEOPLE = "people"
    NOTE = "note"
    TOPICS = "topics"
    WHEN = "when"
    FOLLOW_UP = "follow_up"
    GIVE_TAKE = "give_take"


class Offer(StrEnum):
    """The buttons an item may offer (a digest kind chooses among them; due items offer all)."""

    DONE = "done"  # Done
    SNOOZE = "snooze"  # Snooze 1 day or 1 week, or until a picked date
    LOG = "log"  # Log it


OFFERS = tuple(Offer)

ITEM_BLOCK = "rapport_item:"  # + the item's ref
LOG_BLOCK = "rapport_log:"  # + interaction id: the Undo button's block
FOLLOW_UP_BLOCK = "rapport_follow_up:"  # + interaction id [+ ":" + named Slack ids]: the date picker
HISTORY_BLOCK = "rapport_history"
_NAMED_MAX = 8  # Slack ids a picker's block carries (a block id holds 255 characters)


def follow_up_block(interaction_id: int, named: list[str] | None = None) -> str:
    """The date picker's block under a /log answer: its log, and whom its follow-up named."""
    ids = ",".join(named or []) if named and len(named) <= _NAMED_MAX else ""
    return f"{FOLLOW_UP_BLOCK}{interaction_id}" + (f":{ids}" if ids else "")


def read_follow_up_block(block_id: str) -> tuple[int | None, list[str]]:
    """The log and the named Slack ids a date picker's block carries."""
    number, _, named = block_id.removeprefix(FOLLOW_UP_BLOCK).partition(":")
    return (int(number) if number.isdigit() else None), [u for u in named.split(",") if u.isalnum()]


def ref_of(block_id: str) -> str:
    """The item ref a button's block names ("" when it names none)."""
    return block_id.removeprefix(ITEM_BLOCK) if block_id.startswith(ITEM_BLOCK) else ""
