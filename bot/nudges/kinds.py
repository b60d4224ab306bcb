"""Kinds of nudge: which digest section each goes in, how it reads, which buttons it gets.

A kind's `describe` turns a batch of its nudges into what the recipient reads, from the
database as it is at send time, so an item whose reason went away (the follow-up was done,
the person left or opted out) is dropped instead of sent (return None for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Member
from bot.models.outbox import Nudge

# Digest sections, in the order they appear.
FOLLOW_UP, KEEP_IN_TOUCH, CELEBRATE, FOR_YOU = "Follow up", "Keep in touch", "Celebrate", "For you"
SECTIONS = (FOLLOW_UP, KEEP_IN_TOUCH, CELEBRATE, FOR_YOU)

# Buttons an item may carry.
DONE, SNOOZE, LOG = "done", "snooze", "log"


@dataclass(frozen=True)
class Line:
    """One item as its recipient reads it (mrkdwn, user text already escaped)."""

    text: str  # a few words; also what a done or snoozed item reads as
    context: str | None = None
    subject_user_id: str | None = None  # for "Log it" and links
    # The item's own blocks (text and buttons), where its feature shows it the same way
    # everywhere (a follow-up: `bot.blocks_followups.due_item`); else `text`, `context` and
    # the kind's `actions`.
    blocks: tuple[dict[str, Any], ...] | None = None


Describe = Callable[[Session, str, Sequence[Nudge], datetime], dict[int, Line | None]]


@dataclass(frozen=True)
class Kind:
    """A kind of nudge. Its `actions` are the digest's own buttons (`bot.nudges.acting`: Done
    settles the nudge, Snooze brings it back once on the chosen day); a feature whose items have
    buttons of their own shows them with `Line.blocks` and settles the digest itself (follow-ups:
    `bot.nudges.relationships.settle`)."""

    name: str
    section: str
    describe: Describe
    actions: tuple[str, ...] = (DONE,)


KINDS: dict[str, Kind] = {}


def members(session: Session, team_id: str, ids: Iterable[int | None]) -> dict[int, Member]:
    """Members by id (the people a batch of nudges is about, or for)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        m.id: m
        for m in session.scalars(select(Member).where(Member.team_id == team_id, Member.id.in_(wanted)))
    }


def still_about(member: Member | None) -> bool:
    """Whether a nudge about this member may still be shown (they are active and did not opt out)."""
    return member is not None and member.active and member.nudge_others_about_me


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def order(kind_name: str) -> int:
    """Sort key: section order, then kinds in registration order."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return len(SECTIONS) * 100
    return SECTIONS.index(kind.section) * 100 + list(KINDS).index(kind_name)
