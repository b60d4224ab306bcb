"""What an author meant to do about people, in one shape whatever its kind: follow-ups and cadences.

`DueItem` is what `/followups`, the Home tab and the daily digest show (its note and topics are
private to the author). A `DueKind` says how one kind's rows read as items: `followups.DUE` and
`cadences.DUE`; the queries over them are written once, here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from bot.models import Member

FOLLOW_UP: Literal["f"] = "f"
CADENCE: Literal["c"] = "c"
Letter = Literal["f", "c"]
# Snooze choices on every item's buttons: code → (how it reads, how long).
SNOOZE_SPANS = {"1d": ("1 day", timedelta(days=1)), "1w": ("1 week", timedelta(days=7))}


@dataclass(frozen=True)
class DueItem:
    """Something the author meant to do about a person, due on a local date (private to the author)."""

    kind: Letter
    id: int
    author_id: int
    person: Member
    due_on: date
    note: str = ""  # the note of the interaction a follow-up came from
    logged_at: datetime | None = None  # when that interaction happened
    every_days: int | None = None  # a cadence's interval
    last_contact_at: datetime | None = None  # a cadence's last contact
    topics: str = ""  # of that interaction (a cadence: of the last one), space-separated, private too

    @property
    def ref(self) -> str:
        """A compact reference for buttons: "f:12" or "c:3"."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class DueKind:
    """How one kind's rows read as due items."""

    letter: Letter
    live: Callable[[str], Any]  # a SELECT of the team's live rows: (row, person, …), about active people
    item: Callable[[Any], DueItem]  # one of those rows as an item
    ident: Any  # the id column
    author: Any  # the author column
    due_by: Callable[[date], ColumnElement[bool]]  # "due on or before this local date"
    order: tuple[Any, ...]  # soonest first, within an author


def parse_ref(ref: str) -> tuple[Letter, int] | None:
    """The kind and id of a ref ("f:12"), or None when it names no due item."""
    kind, _, number = ref.partition(":")
    if kind == FOLLOW_UP and number.isdigit():
        return FOLLOW_UP, int(number)
    if kind == CADENCE and number.isdigit():
        return CADENCE, int(number)
    return None


def due_through(
    session: Session, kind: DueKind, team_id: str, through: date, author_ids: Collection[int] | None = None
) -> list[DueItem]:
    """The kind's items due on or before `through` (a local date), for some authors or the team."""
    stmt = kind.live(team_id).where(kind.due_by(through))
    if author_ids is not None:
        stmt = stmt.where(kind.author.in_(list(author_ids)))
    return [kind.item(row) for row in session.execute(stmt.order_by(kind.author, *kind.order))]


def live_by_id(session: Session, kind: DueKind, team_id: str, ids: Collection[int]) -> dict[int, DueItem]:
    """These items, by id, while live and about someone active (for the daily digest)."""
    if not ids:
        return {}
    rows = session.execute(kind.live(team_id).where(kind.ident.in_(list(ids))))
    return {item.id: item for item in map(kind.item, rows)}
