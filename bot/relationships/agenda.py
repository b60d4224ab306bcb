"""What an author has to do about people: follow-ups and keep-in-touch cadences, as one list.

/followups, the Home tab and the daily digest read it; the Done / Snooze buttons act on it
through a compact reference ("f:12" for a follow-up, "c:3" for a cadence).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory import members as people
from bot.models import Member
from bot.models.relationships import Cadence, FollowUp
from bot.relationships import cadences, followups
from bot.relationships.dates import future_date_problem, local_today
from bot.relationships.followups import CADENCE, FOLLOW_UP, DueItem

SNOOZES = {"1d": timedelta(days=1), "1w": timedelta(days=7)}


@dataclass(frozen=True)
class Agenda:
    """One author's list: open follow-ups (overdue first) and the cadences due by today."""

    author: Member | None
    today: date
    items: list[DueItem]


@dataclass(frozen=True)
class Outcome:
    """What a Done / Snooze click did, in words for the person who clicked."""

    ok: bool
    text: str


def parse_ref(ref: str) -> tuple[str, int] | None:
    kind, _, number = ref.partition(":")
    if kind not in (FOLLOW_UP, CADENCE) or not number.isdigit():
        return None
    return kind, int(number)


def for_author(session: Session, team_id: str, user_id: str, now: datetime) -> Agenda:
    """The author's open follow-ups and due cadences, soonest first."""
    author = people.find_member(session, team_id, user_id)
    if author is None:
        return Agenda(None, local_today(now, "UTC"), [])
    today = local_today(now, author.tz)
    items = followups.open_followups(session, team_id, author.id)
    items += cadences.due_cadences(session, team_id, today, [author.id])
    items.sort(key=lambda i: (i.due_on, i.kind, i.id))
    return Agenda(author, today, items)


def due_items(
    session: Session, team_id: str, through: date, author_ids: Collection[int]
) -> dict[int, list[DueItem]]:
    """Everything due on or before `through` for these authors, by author id."""
    by_author: dict[int, list[DueItem]] = defaultdict(list)
    found = followups.due_followups(session, team_id, through, author_ids)
    found += cadences.due_cadences(session, team_id, through, author_ids)
    for item in sorted(found, key=lambda i: (i.due_on, i.kind, i.id)):
        by_author[item.author_id].append(item)
    return dict(by_author)


def done(session: Session, team_id: str, user_id: str, ref: str, now: datetime) -> Outcome:
    """Mark a follow-up done, or record that the author got in touch (cadence)."""
    parsed = parse_ref(ref)
    author = people.find_member(session, team_id, user_id)
    if parsed is None or author is None:
        return Outcome(False, "That item is no longer there.")
    kind, item_id = parsed
    if kind == FOLLOW_UP:
        ok = followups.mark_done(session, team_id, author.id, item_id, now)
        return Outcome(ok, "Done ✓" if ok else "That follow-up was already closed.")
    ok = cadences.mark_done(session, team_id, author.id, item_id, now)
    return Outcome(ok, "Done ✓ — the keep-in-touch clock starts over." if ok else "That reminder is gone.")


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
    author = people.find_member(session, team_id, user_id)
    if parsed is None or author is None:
        return Outcome(False, "That item is no longer there.")
    today = local_today(now, author.tz)
    if until is None:
        if span not in SNOOZES:
            return Outcome(False, "Choose how long to snooze.")
        until = today + SNOOZES[span]
    problem = future_date_problem(until, today, what="A snooze")
    if problem:
        return Outcome(False, problem)
    kind, item_id = parsed
    snoozer = followups.snooze if kind == FOLLOW_UP else cadences.snooze
    if not snoozer(session, team_id, author.id, item_id, until):
        return Outcome(False, "That item is no longer there.")
    return Outcome(True, f"Snoozed until {until:%a, %b %-d} 💤")


def person_of(session: Session, team_id: str, user_id: str, ref: str) -> Member | None:
    """Whom the author's item is about ("Log it" prefills the form with them)."""
    parsed = parse_ref(ref)
    author = people.find_member(session, team_id, user_id)
    if parsed is None or author is None:
        return None
    kind, item_id = parsed
    model = FollowUp if kind == FOLLOW_UP else Cadence
    person_id = FollowUp.about_id if kind == FOLLOW_UP else Cadence.contact_id
    about = session.scalar(
        select(person_id).where(model.id == item_id, model.team_id == team_id, model.author_id == author.id)
    )
    return session.get(Member, about) if about is not None else None
