"""Kinds of nudge: which digest section each goes in, how it reads, which buttons it gets.

A kind's `describe` turns a batch of its nudges into what the recipient reads, from the
database as it is at send time, so an item whose reason went away (the follow-up was done,
the person left or opted out) is dropped instead of sent (return None for it). The kinds come
from the composition root (`bot.bootstrap`), in the order their items appear within a section.

News for the recipient (a kudos, an endorsement) is not a task: it is acknowledged with one
button, never struck through as done, and one person's items of a news kind read as one line
with one set of buttons ("<@grace> gave you 10 kudos this week: …"). Which items go together is
`together`'s one rule; the kind's `describe` gives each item of a group the group's line.
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
from bot.relationships.ids import Offer

# Digest sections, in the order they appear.
FOLLOW_UP, KEEP_IN_TOUCH, CELEBRATE, FOR_YOU = "Follow up", "Keep in touch", "Celebrate", "For you"
SECTIONS = (FOLLOW_UP, KEEP_IN_TOUCH, CELEBRATE, FOR_YOU)


@dataclass(frozen=True)
class Line:
    """One item as its recipient reads it (mrkdwn, user text already escaped)."""

    text: str  # a few words; also what a done or snoozed item reads as
    context: str | None = None
    subject_user_id: str | None = None  # for "Log it" and links
    # The item's own blocks (text and buttons), where its feature shows it the same way
    # everywhere (a follow-up: `bot.relationships.render.due.due_item`); else `text`, `context`
    # and the kind's `offers`.
    blocks: tuple[dict[str, Any], ...] | None = None


Describe = Callable[[Session, str, Sequence[Nudge], datetime], dict[int, Line | None]]


@dataclass(frozen=True)
class Kind:
    """A kind of nudge. Its `offers` are the item's buttons (`bot.relationships.ids`: Done settles
    the nudge, Snooze brings it back once on the chosen day, Log it opens the log form); a feature
    whose items have buttons of their own shows them with `Line.blocks` (follow-ups, cadences).
    A `news` kind offers one acknowledge button instead, and gathers one person's items."""

    name: str
    section: str
    describe: Describe
    offers: tuple[Offer, ...] = (Offer.DONE,)
    news: bool = False


class Kinds:
    """The nudge kinds Rapport knows, in the order they are given."""

    def __init__(self, kinds: Iterable[Kind]) -> None:
        self._by_name = {kind.name: kind for kind in kinds}
        self._position = {name: i for i, name in enumerate(self._by_name)}

    def get(self, name: str) -> Kind | None:
        return self._by_name.get(name)

    def news(self, name: str) -> bool:
        kind = self._by_name.get(name)
        return kind is not None and kind.news

    def group(self, n: Nudge) -> tuple[Any, ...]:
        """The line an item reads in: its own, or its news group's (`together`)."""
        return together(n) if self.news(n.kind) else (n.id,)

    def order(self, name: str) -> int:
        """Sort key: section order, then kinds in the order given."""
        kind = self._by_name.get(name)
        if kind is None:
            return len(SECTIONS) * 100
        return SECTIONS.index(kind.section) * 100 + self._position[name]


def together(n: Nudge) -> tuple[Any, ...]:
    """A news item's group: the items of its kind from one person, in one digest and one state."""
    return (n.message_id, n.kind, n.subject_id, n.status)


def gathered(items: Iterable[Nudge]) -> list[list[Nudge]]:
    """A news kind's items in their groups (`together`), each in the order the items came."""
    groups: dict[tuple[Any, ...], list[Nudge]] = {}
    for n in sorted(items, key=lambda n: n.id):
        groups.setdefault(together(n), []).append(n)
    return list(groups.values())


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
