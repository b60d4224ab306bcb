"""Follow-ups: reminders to get back to someone on a local date; list, done, snooze.

`DueItem` is the shape every "what is due" list shares (follow-ups here, cadences in
`bot.cadences`, both merged by `bot.agenda`); its note is private to the author.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.models import Member
from bot.models.relationships import FollowUp, Interaction

# Built once: /log's answer path runs it (see bot.interactions).
_INSERT = insert(FollowUp)

FOLLOW_UP: Literal["f"] = "f"
CADENCE: Literal["c"] = "c"


@dataclass(frozen=True)
class DueItem:
    """Something the author meant to do about a person, due on a local date (private to the author)."""

    kind: Literal["f", "c"]
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


def create(
    session: Session,
    team_id: str,
    author_id: int,
    about_id: int,
    due_on: date,
    now: datetime,
    *,
    interaction_id: int | None = None,
) -> None:
    """Remind the author about someone on a local date."""
    values = {"team_id": team_id, "author_id": author_id, "about_id": about_id, "due_on": due_on}
    session.connection().execute(_INSERT, {**values, "interaction_id": interaction_id, "created_at": now})


def _open(team_id: str) -> Select[FollowUp, Member, str, datetime, str]:
    return (
        select(FollowUp, Member, Interaction.note, Interaction.occurred_at, Interaction.topics)
        .join(Member, Member.id == FollowUp.about_id)
        .outerjoin(Interaction, Interaction.id == FollowUp.interaction_id)
        .where(
            FollowUp.team_id == team_id,
            FollowUp.done_at.is_(None),
            Member.active,
        )
    )


def _items(rows: object) -> list[DueItem]:
    return [
        DueItem(
            kind=FOLLOW_UP,
            id=f.id,
            author_id=f.author_id,
            person=person,
            due_on=f.remind_on,
            note=note or "",
            logged_at=occurred_at,
            topics=topics or "",
        )
        for f, person, note, occurred_at, topics in rows  # type: ignore[attr-defined]
    ]


def open_followups(session: Session, team_id: str, author_id: int, *, limit: int = 100) -> list[DueItem]:
    """The author's open follow-ups, soonest (so overdue) first; none about deactivated people."""
    remind_on = func.coalesce(FollowUp.snoozed_until, FollowUp.due_on)
    stmt = _open(team_id).where(FollowUp.author_id == author_id).order_by(remind_on, FollowUp.id).limit(limit)
    return _items(session.execute(stmt))


def due_followups(
    session: Session, team_id: str, through: date, author_ids: Collection[int] | None = None
) -> list[DueItem]:
    """Open follow-ups due on or before `through` (a local date), for some authors or the workspace.

    (The daily digest plans in SQL, per author's own delivery day: `bot.nudges.relationships`.)
    """
    stmt = _open(team_id).where(
        FollowUp.due_on <= through,
        or_(FollowUp.snoozed_until.is_(None), FollowUp.snoozed_until <= through),
    )
    if author_ids is not None:
        stmt = stmt.where(FollowUp.author_id.in_(list(author_ids)))
    stmt = stmt.order_by(FollowUp.author_id, FollowUp.due_on, FollowUp.id)
    return _items(session.execute(stmt))


def open_by_id(session: Session, team_id: str, follow_up_ids: Collection[int]) -> dict[int, DueItem]:
    """These follow-ups, by id, while open and about someone active (for the daily digest)."""
    if not follow_up_ids:
        return {}
    stmt = _open(team_id).where(FollowUp.id.in_(list(follow_up_ids)))
    return {item.id: item for item in _items(session.execute(stmt))}


def mark_done(session: Session, team_id: str, author_id: int, follow_up_id: int, now: datetime) -> bool:
    """Close the author's follow-up; False when it is not theirs, gone, or already done."""
    result = session.execute(
        update(FollowUp)
        .where(
            FollowUp.id == follow_up_id,
            FollowUp.team_id == team_id,
            FollowUp.author_id == author_id,
            FollowUp.done_at.is_(None),
        )
        .values(done_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def snooze(session: Session, team_id: str, author_id: int, follow_up_id: int, until: date) -> bool:
    """Remind the author again on `until`; False when the follow-up is not theirs or closed."""
    follow_up = session.scalar(
        select(FollowUp).where(
            FollowUp.id == follow_up_id,
            FollowUp.team_id == team_id,
            FollowUp.author_id == author_id,
            FollowUp.done_at.is_(None),
        )
    )
    if follow_up is None:
        return False
    # A date before the original due date simply moves it; the indexes stay a lower bound.
    if until <= follow_up.due_on:
        follow_up.due_on, follow_up.snoozed_until = until, None
    else:
        follow_up.snoozed_until = until
    return True
