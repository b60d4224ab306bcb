"""Kinds of nudge: which digest section each goes in, how it reads, which buttons it gets.

A kind's `describe` turns a batch of its nudges into what the recipient reads, from the
database as it is at send time, so an item whose reason went away (the follow-up was done,
the person left or opted out) is dropped instead of sent (return None for it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.models.outbox import Nudge

# Digest sections, in the order they appear.
FOLLOW_UP, KEEP_IN_TOUCH, CELEBRATE, FOR_YOU = "Follow up", "Keep in touch", "Celebrate", "For you"
SECTIONS = (FOLLOW_UP, KEEP_IN_TOUCH, CELEBRATE, FOR_YOU)

# Buttons an item may carry.
DONE, SNOOZE, LOG = "done", "snooze", "log"


@dataclass(frozen=True)
class Line:
    """One item as its recipient reads it (mrkdwn, user text already escaped)."""

    text: str
    context: str | None = None
    subject_user_id: str | None = None  # for "Log it" and links


Describe = Callable[[Session, str, Sequence[Nudge], datetime], dict[int, Line | None]]


# Optional hooks for kinds whose Done/Snooze belong to their feature (a follow-up's own done).
OnDone = Callable[[Session, str, Nudge, datetime], None]
OnSnooze = Callable[[Session, str, Nudge, date, datetime], None]


@dataclass(frozen=True)
class Kind:
    name: str
    section: str
    describe: Describe
    actions: tuple[str, ...] = (DONE,)
    on_done: OnDone | None = None
    on_snooze: OnSnooze | None = None  # default: the item comes back once on that day


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def order(kind_name: str) -> int:
    """Sort key: section order, then kinds in registration order."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return len(SECTIONS) * 100
    return SECTIONS.index(kind.section) * 100 + list(KINDS).index(kind_name)
