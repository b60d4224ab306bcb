"""`/rapport birthday Dec 9`: a person shares, changes or forgets their own birthday.

Sharing it is their yes to celebrating it in the celebrations channel (unless they said no
before: that stands until `/rapport settings` changes it); forgetting it takes the yes back
(`members.set_birthday`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.directory.members import find_member, set_birthday
from bot.directory.personal_dates import Birthday, parse_birthday
from bot.platform.clock import local_date
from bot.platform.mrkdwn import escape
from bot.platform.refusals import Refusal

FORGET = frozenset({"forget", "remove", "clear", "delete", "off", "none", "reset", "unset"})
_FORGET_TAIL = frozenset({"it", "my", "birthday", "please"})  # "forget my birthday", "remove it"
SAVED, FORGOTTEN = "saved", "forgotten"


@dataclass(frozen=True)
class Told:
    """What `/rapport birthday …` did, for the reply."""

    known: bool  # the directory knows the person
    birthday: Birthday | None = None  # as Rapport has it now
    changed: str | None = None  # SAVED, FORGOTTEN, or None (just asked)
    celebrated: bool = False  # a saved birthday will be celebrated in public
    # Typed as two numbers that could be read either way (09/12): the other reading, to mention.
    other_reading: Birthday | None = None
    refused: Refusal | None = None


def tell(session: Session, team_id: str, user_id: str, text: str, now: datetime) -> Told:
    """Nothing: what Rapport knows; `forget` (or `off`, `remove`…); or a birthday to keep (`Dec 9`,
    `12-09`, `the 9th of December`: `personal_dates.parse_birthday`)."""
    member = find_member(session, team_id, user_id)
    if member is None:
        return Told(known=False)
    current = (
        Birthday(member.birthday_month, member.birthday_day)
        if member.birthday_month and member.birthday_day
        else None
    )
    text = text.strip()
    if not text:
        return Told(known=True, birthday=current)
    words = text.lower().split()
    if words[0] in FORGET and _FORGET_TAIL.issuperset(words[1:]):
        set_birthday(member, None)
        return Told(known=True, changed=FORGOTTEN)
    try:
        given = parse_birthday(text, local_date(now, member.tz), typed=True)
    except ValueError as problem:
        # Each reason says how to write it: a short answer, without /rapport's whole usage.
        return Told(known=True, birthday=current, refused=Refusal(f"{escape(str(problem))}."))
    set_birthday(member, given, shared=True)
    celebrated = member.celebrate_publicly and member.show_birthday and member.celebrate_birthday is True
    other = _other_reading(text, given)
    return Told(known=True, birthday=given, changed=SAVED, celebrated=celebrated, other_reading=other)


def _other_reading(text: str, given: Birthday) -> Birthday | None:
    """December 9 for a `09/12` read as September 12: numbers are month first, but with slashes
    many people write the day first (MM-DD, Rapport's own form, goes unremarked)."""
    if "/" not in text or not text[:1].isdigit() or given.day > 12 or given.day == given.month:
        return None
    return Birthday(given.day, given.month)
