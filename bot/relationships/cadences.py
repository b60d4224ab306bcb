"""Keep in touch: a cadence per (author, contact) that any contact resets.

Logging an interaction touches the cadence; kudos and endorsements will call `touch` too.
Due dates are the author's local calendar dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.directory.members import ensure_member, resolve
from bot.models import Member
from bot.models.relationships import Cadence, Interaction, InteractionParticipant
from bot.platform.clock import local_date
from bot.platform.mrkdwn import escape, mentions, strip_mentions
from bot.platform.refusals import Refusal
from bot.relationships.dates import WORD_NUMBERS
from bot.relationships.due import CADENCE, DueItem, DueKind

MAX_EVERY_DAYS = 2 * 365

# Built once: /log's answer path runs it, usually to find nothing (see `interactions`).
_ACTIVE_WITH = select(Cadence.id, Cadence.every_days, Cadence.last_contact_at).where(
    Cadence.team_id == bindparam("team_id"),
    Cadence.author_id == bindparam("author_id"),
    Cadence.contact_id.in_(bindparam("contact_ids", expanding=True)),
    ~Cadence.stopped,
)

_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}
_NUMBER = r"(\d{1,4}|" + "|".join(WORD_NUMBERS) + r")"
_UNITS = r"(day|week|fortnight|month|quarter|year)s?"
# "every 6 weeks", "every other month", "each quarter", "once every two weeks".
_EVERY = re.compile(rf"^(?:once\s+)?(?:every|each|per)\s+(?:(other)\s+|{_NUMBER}\s+)?{_UNITS}$")
# "twice a month", "3 times a year", "once per quarter": the unit shared out.
_TIMES = re.compile(rf"^(once|twice|{_NUMBER}\s+times)\s+(?:a|an|per|every|each)\s+{_UNITS}$")
_ADVERBS = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "bimonthly": 61,
    "quarterly": 91,
    "yearly": 365,
    "annually": 365,
}
STOP = frozenset({"stop", "end", "off", "cancel", "remove", "delete", "forget", "never", "none", "no"})
# Words people put around the people and the interval ("with @erin and @bob, every month").
_AROUND = frozenset({"with", "and", "&", ",", "me", "to"})


def _count(word: str) -> int:
    return int(word) if word.isdigit() else WORD_NUMBERS[word]


def read_every(text: str) -> int | None:
    """Days in "every 6 weeks", "every other month", "monthly", "bi-weekly", "twice a month"
    (a month shared out: every 15 days); None when not understood."""
    phrase = " ".join(text.lower().strip(" .!").split())
    phrase = re.sub(r"^(bi|semi)[- ]", r"\1", phrase)  # bi-weekly, bi weekly
    if phrase in _ADVERBS:
        return _ADVERBS[phrase]
    m = _EVERY.match(phrase)
    if m:
        other, count, unit = m.groups()
        return (2 if other else 1 if count is None else _count(count)) * _UNIT_DAYS[unit]
    m = _TIMES.match(phrase)
    if m:
        times, count, unit = m.groups()
        n = 1 if times == "once" else 2 if times == "twice" else _count(count)
        return max(1, round(_UNIT_DAYS[unit] / n)) if n else None
    return None


def _interval_words(text: str) -> str:
    """What is left of `/rapport keep-in-touch …` once the people and the words around them go."""
    words = strip_mentions(text).lower().replace(",", " , ").split()
    return " ".join(w for w in words if w not in _AROUND)


@dataclass(frozen=True)
class Contact:
    """One of the author's cadences, for listing."""

    cadence: Cadence
    person: Member


def _due_after(at: datetime, every_days: int, tz: str) -> date:
    return local_date(at, tz) + timedelta(days=every_days)


def last_contact(session: Session, team_id: str, author_id: int, contact_id: int) -> datetime | None:
    """When the author last logged an interaction with the contact."""
    return session.scalar(
        select(func.max(InteractionParticipant.occurred_at)).where(
            InteractionParticipant.team_id == team_id,
            InteractionParticipant.author_id == author_id,
            InteractionParticipant.member_id == contact_id,
        )
    )


def keep_in_touch(
    session: Session, team_id: str, author: Member, contact: Member, every_days: int, now: datetime
) -> Cadence:
    """Start (or change, or restart) keeping in touch with `contact` every `every_days` days."""
    cadence = session.scalar(
        select(Cadence).where(
            Cadence.team_id == team_id, Cadence.author_id == author.id, Cadence.contact_id == contact.id
        )
    )
    last = last_contact(session, team_id, author.id, contact.id)
    if cadence is None:
        cadence = Cadence(team_id=team_id, author_id=author.id, contact_id=contact.id, created_at=now)
        session.add(cadence)
    elif cadence.last_contact_at and (last is None or cadence.last_contact_at > last):
        last = cadence.last_contact_at  # touched by something other than a logged interaction
    cadence.every_days = every_days
    cadence.stopped = False
    cadence.last_contact_at = last
    cadence.next_due_on = _due_after(last or now, every_days, author.tz)
    session.flush()
    return cadence


def _active(session: Session, team_id: str, author_id: int, which: ColumnElement[bool]) -> Cadence | None:
    return session.scalar(
        select(Cadence).where(
            Cadence.team_id == team_id, Cadence.author_id == author_id, ~Cadence.stopped, which
        )
    )


def stop(session: Session, team_id: str, author_id: int, contact_id: int) -> bool:
    """Stop keeping in touch; False when there was no active cadence."""
    cadence = _active(session, team_id, author_id, Cadence.contact_id == contact_id)
    if cadence is None:
        return False
    cadence.stopped = True
    return True


def touch_many(
    session: Session, team_id: str, author_id: int, contact_ids: Iterable[int], at: datetime
) -> int:
    """Record contact at `at` with these people: their cadences start over. Returns how many moved."""
    ids = list(contact_ids)
    if not ids:
        return 0
    connection = session.connection()
    rows = connection.execute(
        _ACTIVE_WITH, {"team_id": team_id, "author_id": author_id, "contact_ids": ids}
    ).all()
    # An older interaction logged late does not move the clock back.
    moving = [(cid, every) for cid, every, last in rows if last is None or last < at]
    if not moving:
        return 0
    author = session.get(Member, author_id)
    today = local_date(at, author.tz if author else "UTC")
    for cadence_id, every in moving:
        connection.execute(
            update(Cadence)
            .where(Cadence.id == cadence_id)
            .values(last_contact_at=at, next_due_on=today + timedelta(days=every))
        )
    for cadence_id, _ in moving:  # an ORM copy loaded earlier in this session is stale now
        loaded = session.identity_map.get(session.identity_key(Cadence, cadence_id))
        if loaded is not None:
            session.expire(loaded)
    return len(moving)


def touch(session: Session, team_id: str, author_id: int, contact_id: int, at: datetime) -> bool:
    """The author was in touch with the contact at `at` (a kudos, an endorsement, a logged talk)."""
    return touch_many(session, team_id, author_id, [contact_id], at) > 0


def recount(
    session: Session, team_id: str, author: Member, contact_ids: Iterable[int], gone: datetime
) -> None:
    """After an interaction at `gone` was deleted: cadences it had reset fall back to the one before."""
    cadences = session.scalars(
        select(Cadence).where(
            Cadence.team_id == team_id,
            Cadence.author_id == author.id,
            Cadence.contact_id.in_(list(contact_ids)),
            Cadence.last_contact_at == gone,
        )
    ).all()
    for cadence in cadences:
        last = last_contact(session, team_id, author.id, cadence.contact_id)
        cadence.last_contact_at = last
        cadence.next_due_on = _due_after(last or cadence.created_at, cadence.every_days, author.tz)


def snooze(session: Session, team_id: str, author_id: int, cadence_id: int, until: date) -> bool:
    """Remind the author about this contact on `until` instead."""
    cadence = _active(session, team_id, author_id, Cadence.id == cadence_id)
    if cadence is None:
        return False
    cadence.next_due_on = until
    return True


def mark_done(session: Session, team_id: str, author_id: int, cadence_id: int, now: datetime) -> bool:
    """The author got in touch: the cadence starts over from now."""
    cadence = _active(session, team_id, author_id, Cadence.id == cadence_id)
    return cadence is not None and touch(session, team_id, author_id, cadence.contact_id, now)


def contacts(session: Session, team_id: str, author_id: int) -> list[Contact]:
    """The author's active cadences, soonest due first."""
    rows = session.execute(
        select(Cadence, Member)
        .join(Member, Member.id == Cadence.contact_id)
        .where(Cadence.team_id == team_id, Cadence.author_id == author_id, ~Cadence.stopped)
        .order_by(Cadence.next_due_on, Cadence.id)
    )
    return [Contact(c, p) for c, p in rows]


def _live(team_id: str) -> Select[Any]:
    """Active cadences about active people, with the topics of the author's last talk with them."""
    p = InteractionParticipant
    last_topics = (
        select(Interaction.topics)
        .join(p, p.interaction_id == Interaction.id)
        .where(p.author_id == Cadence.author_id, p.member_id == Cadence.contact_id)
        .order_by(p.occurred_at.desc(), p.interaction_id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(Cadence, Member, last_topics)
        .join(Member, Member.id == Cadence.contact_id)
        .where(
            Cadence.team_id == team_id,
            ~Cadence.stopped,
            Member.active,
        )
    )


def _item(row: Any) -> DueItem:
    c, person, topics = row
    return DueItem(
        kind=CADENCE,
        id=c.id,
        author_id=c.author_id,
        person=person,
        due_on=c.next_due_on,
        every_days=c.every_days,
        last_contact_at=c.last_contact_at,
        topics=topics or "",
    )


DUE = DueKind(
    CADENCE,
    _live,
    _item,
    Cadence.id,
    Cadence.author_id,
    lambda through: Cadence.next_due_on <= through,
    (Cadence.next_due_on, Cadence.id),
)


@dataclass
class KeepInTouch:
    """What `/rapport keep-in-touch …` did, for the reply."""

    author: Member
    today: date
    started: list[Cadence] = field(default_factory=list)
    stopped: list[Member] = field(default_factory=list)
    not_found: list[Member] = field(default_factory=list)  # asked to stop, had no cadence
    people: dict[int, Member] = field(default_factory=dict)  # by member id, for naming
    inactive: list[Member] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    listing: list[Contact] = field(default_factory=list)
    refused: Refusal | None = None


def request(session: Session, team_id: str, user_id: str, text: str, now: datetime) -> KeepInTouch:
    """`[with] @alice [and @bob] every 6 weeks` (or `monthly`, `twice a month`…), `@alice stop`,
    or nothing (list mine)."""
    author = ensure_member(session, team_id, user_id, now)
    result = KeepInTouch(author=author, today=local_date(now, author.tz))
    user_ids = [uid for uid in mentions(text) if uid != user_id]
    rest = _interval_words(text)
    if not user_ids:
        result.listing = contacts(session, team_id, author.id)
        if text.strip():
            result.refused = Refusal("Who with? Mention a colleague, like `@alice every 6 weeks`.")
        return result
    found = resolve(session, team_id, user_ids)
    result.inactive, result.unknown = found.inactive, found.unknown
    result.people = {m.id: m for m in found.active}
    if rest in STOP or rest.removesuffix(" it") in STOP:
        for member in found.active:
            target = result.stopped if stop(session, team_id, author.id, member.id) else result.not_found
            target.append(member)
        return result
    every_days = read_every(rest)
    if every_days is None:
        said = f"I couldn't read “{escape(rest[:60])}” as an interval. " if rest else "How often? "
        result.refused = Refusal(said + "Try `every 6 weeks`, `every month`, `every 10 days` or `stop`.")
    elif not 1 <= every_days <= MAX_EVERY_DAYS:
        result.refused = Refusal("Pick an interval between a day and two years.")
    else:
        result.started = [
            keep_in_touch(session, team_id, author, member, every_days, now) for member in found.active
        ]
    return result
