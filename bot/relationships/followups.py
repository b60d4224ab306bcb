"""Follow-ups: reminders to get back to someone on a local date; list, done, snooze.

Follow-ups read as `due.DueItem`s (`DUE`), like cadences; `agenda` merges the two.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.models import Member
from bot.models.relationships import FollowUp, Interaction
from bot.platform.storage import insert_ignore
from bot.relationships.due import FOLLOW_UP, DueItem, DueKind

# Built once: /log's answer path runs it (see `interactions`).
_INSERT = insert(FollowUp)


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


def create_many(
    session: Session,
    team_id: str,
    author_id: int,
    about_ids: list[int],
    due_on: date,
    now: datetime,
    *,
    interaction_id: int | None = None,
) -> None:
    """One follow-up with each of `about_ids` on a local date (a log with several people)."""
    if about_ids:
        values = {"team_id": team_id, "author_id": author_id, "due_on": due_on, "created_at": now}
        rows = [{**values, "about_id": a, "interaction_id": interaction_id} for a in about_ids]
        session.connection().execute(_INSERT, rows)


# Built once (the /log answer path): the author's open follow-ups with these people that are
# due by a date, closed, and what they were.
_CLOSE_DUE = (
    update(FollowUp)
    .where(
        FollowUp.author_id == bindparam("author"),
        FollowUp.team_id == bindparam("team"),
        FollowUp.done_at.is_(None),
        FollowUp.due_on <= bindparam("through"),
        or_(FollowUp.snoozed_until.is_(None), FollowUp.snoozed_until <= bindparam("through")),
        FollowUp.about_id.in_(bindparam("people", expanding=True)),
    )
    .values(done_at=bindparam("closed_at"))
    .returning(FollowUp.about_id, FollowUp.due_on)
)


def close_due(
    session: Session, team_id: str, author_id: int, about_ids: list[int], through: date, now: datetime
) -> list[tuple[int, date]]:
    """Close the author's follow-ups with these people that are due by `through` (a talk with
    them answers those), as (about id, due date), oldest first."""
    if not about_ids:
        return []
    params = {"author": author_id, "team": team_id, "through": through, "people": about_ids, "closed_at": now}
    rows = session.connection().execute(_CLOSE_DUE, params).all()
    return sorted(((int(a), d) for a, d in rows), key=lambda r: (r[1], r[0]))


def reopen_closed_by(
    session: Session,
    team_id: str,
    author_id: int,
    about_ids: list[int],
    closed_at: datetime,
    interaction_id: int,
) -> None:
    """Undo what `close_due` did for a log that is being undone: the follow-ups it closed (at the
    instant it was logged) are open again, unless one of the same log and person was opened since."""
    if not about_ids:
        return
    sibling = aliased(FollowUp)
    again = (
        select(sibling.id)
        .where(sibling.interaction_id == FollowUp.interaction_id, sibling.about_id == FollowUp.about_id)
        .where(sibling.done_at.is_(None))
    )
    session.execute(
        update(FollowUp)
        .where(FollowUp.team_id == team_id, FollowUp.author_id == author_id, FollowUp.done_at == closed_at)
        .where(FollowUp.about_id.in_(about_ids), FollowUp.interaction_id.is_distinct_from(interaction_id))
        .where(~again.exists())
        .values(done_at=None)
    )


# The partial unique index "one open follow-up per interaction and person" (models, migration 0014).
_OPEN_OF_INTERACTION = FollowUp.interaction_id.isnot(None) & FollowUp.done_at.is_(None)


def set_for(
    session: Session,
    team_id: str,
    author_id: int,
    about_id: int,
    interaction_id: int,
    due_on: date,
    now: datetime,
) -> None:
    """The follow-up of an interaction with one person, on `due_on`: moved if it is open, made
    otherwise, so picking a date twice (or the same click replayed, or racing itself) never makes two."""
    values = {"team_id": team_id, "author_id": author_id, "about_id": about_id, "due_on": due_on}
    row = {**values, "interaction_id": interaction_id, "created_at": now}
    conflict = ["interaction_id", "about_id"]
    if not insert_ignore(session, FollowUp, row, conflict, where=_OPEN_OF_INTERACTION):
        session.execute(
            update(FollowUp)
            .where(FollowUp.team_id == team_id, FollowUp.author_id == author_id)
            .where(FollowUp.interaction_id == interaction_id, FollowUp.about_id == about_id)
            .where(FollowUp.done_at.is_(None))
            .values(due_on=due_on, snoozed_until=None)
        )


def _open(team_id: str) -> Select[FollowUp, Member, str, datetime, str]:
    """Open follow-ups about active people, with the note, time and topics of their interaction."""
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


def _item(row: Any) -> DueItem:
    f, person, note, occurred_at, topics = row
    return DueItem(
        kind=FOLLOW_UP,
        id=f.id,
        author_id=f.author_id,
        person=person,
        due_on=f.remind_on,
        note=note or "",
        logged_at=occurred_at,
        topics=topics or "",
    )


def _due_by(through: date) -> Any:
    # On due_on first: its index stays a lower bound, since a snooze only ever moves later.
    return (FollowUp.due_on <= through) & or_(
        FollowUp.snoozed_until.is_(None), FollowUp.snoozed_until <= through
    )


DUE = DueKind(
    FOLLOW_UP, _open, _item, FollowUp.id, FollowUp.author_id, _due_by, (FollowUp.due_on, FollowUp.id)
)


def open_followups(session: Session, team_id: str, author_id: int, *, limit: int = 100) -> list[DueItem]:
    """The author's open follow-ups, soonest (so overdue) first; none about deactivated people."""
    remind_on = func.coalesce(FollowUp.snoozed_until, FollowUp.due_on)
    stmt = _open(team_id).where(FollowUp.author_id == author_id).order_by(remind_on, FollowUp.id).limit(limit)
    return [_item(row) for row in session.execute(stmt)]


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
