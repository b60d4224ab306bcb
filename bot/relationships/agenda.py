"""What an author has to do about people: follow-ups and keep-in-touch cadences, as one list.

`/followups`, the Home tab and the daily digest read it; the Done / Snooze buttons act on it
through a compact reference ("f:12" for a follow-up, "c:3" for a cadence: `due.parse_ref`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.members import find_member
from bot.models import Member
from bot.models.relationships import Cadence, FollowUp
from bot.platform.clock import local_date
from bot.platform.refusals import Refusal
from bot.relationships import cadences, followups
from bot.relationships.dates import future_date_problem
from bot.relationships.due import FOLLOW_UP, SNOOZE_SPANS, DueItem, due_through, parse_ref

GONE = Refusal("That item is no longer there.")


@dataclass(frozen=True)
class Agenda:
    """One author's list: open follow-ups (overdue first) and the cadences due by today."""

    author: Member | None
    today: date
    items: list[DueItem]


@dataclass(frozen=True)
class Outcome:
    """What a Done or Snooze on a due item did, in a few words for the person who clicked."""

    note: str = ""
    refused: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None


def for_author(session: Session, team_id: str, user_id: str, now: datetime) -> Agenda:
    """The author's open follow-ups and due cadences, soonest first."""
    author = find_member(session, team_id, user_id)
    if author is None:
        return Agenda(None, local_date(now, "UTC"), [])
    today = local_date(now, author.tz)
    items = followups.open_followups(session, team_id, author.id)
    items += due_through(session, cadences.DUE, team_id, today, [author.id])
    items.sort(key=lambda i: (i.due_on, i.kind, i.id))
    return Agenda(author, today, items)


def done(session: Session, team_id: str, user_id: str, ref: str, now: datetime) -> Outcome:
    """Mark a follow-up done, or record that the author got in touch (cadence)."""
    parsed = parse_ref(ref)
    author = find_member(session, team_id, user_id)
    if parsed is None or author is None:
        return Outcome(refused=GONE)
    kind, item_id = parsed
    if kind == FOLLOW_UP:
        if followups.mark_done(session, team_id, author.id, item_id, now):
            return Outcome("Done ✓")
        return Outcome(refused=Refusal("That follow-up was already closed."))
    if cadences.mark_done(session, team_id, author.id, item_id, now):
        return Outcome("Done ✓ — the keep-in-touch clock starts over.")
    return Outcome(refused=Refusal("That reminder is gone."))


def snooze_until(
    now: datetime, tz: str, *, span: str | None = None, until: date | None = None
) -> date | None:
    """The local day a snooze ends: a picked date, or `span` ("1d", "1w") after today."""
    if until is not None:
        return until
    return local_date(now, tz) + SNOOZE_SPANS[span][1] if span in SNOOZE_SPANS else None


def snoozed(until: date) -> str:
    return f"Snoozed until {until:%a, %b %-d} 💤"


def snooze(
    session: Session,
    team_id: str,
    user_id: str,
    ref: str,
    now: datetime,
    *,
    span: str | None = None,
    until: date | None = None,
) -> Outcome:
    """Remind the author later: by a span ("1d", "1w") or on a picked local date."""
    parsed = parse_ref(ref)
    author = find_member(session, team_id, user_id)
    if parsed is None or author is None:
        return Outcome(refused=GONE)
    day = snooze_until(now, author.tz, span=span, until=until)
    if day is None:
        return Outcome(refused=Refusal("Choose how long to snooze."))
    problem = future_date_problem(day, local_date(now, author.tz), what="A snooze")
    if problem:
        return Outcome(refused=Refusal(problem))
    kind, item_id = parsed
    snoozer = followups.snooze if kind == FOLLOW_UP else cadences.snooze
    if not snoozer(session, team_id, author.id, item_id, day):
        return Outcome(refused=GONE)
    return Outcome(snoozed(day))


def person_of(session: Session, team_id: str, user_id: str, ref: str) -> Member | None:
    """Whom the author's item is about ("Log it" prefills the form with them)."""
    parsed = parse_ref(ref)
    author = find_member(session, team_id, user_id)
    if parsed is None or author is None:
        return None
    kind, item_id = parsed
    model = FollowUp if kind == FOLLOW_UP else Cadence
    person_id = FollowUp.about_id if kind == FOLLOW_UP else Cadence.contact_id
    about = session.scalar(
        select(person_id).where(model.id == item_id, model.team_id == team_id, model.author_id == author.id)
    )
    return session.get(Member, about) if about is not None else None
