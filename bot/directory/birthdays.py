"""`/rapport birthday MM-DD`: a person shares, changes or forgets their own birthday.

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

FORGET = frozenset({"forget", "remove", "clear", "delete", "none"})
SAVED, FORGOTTEN = "saved", "forgotten"


@dataclass(frozen=True)
class Told:
    """What `/rapport birthday …` did, for the reply."""

    known: bool  # the directory knows the person
    birthday: Birthday | None = None  # as Rapport has it now
    changed: str | None = None  # SAVED, FORGOTTEN, or None (just asked)
    celebrated: bool = False  # a saved birthday will be celebrated in public
    refused: Refusal | None = None


def tell(session: Session, team_id: str, user_id: str, text: str, now: datetime) -> Told:
    """Nothing: what Rapport knows; `forget`; or a birthday (`MM-DD`, `YYYY-MM-DD`) to keep."""
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
    if text.lower() in FORGET:
        set_birthday(member, None)
        return Told(known=True, changed=FORGOTTEN)
    try:
        given = parse_birthday(text, local_date(now, member.tz))
    except ValueError as problem:
        return Told(known=True, birthday=current, refused=Refusal(f"{escape(str(problem))}.", usage=True))
    set_birthday(member, given, shared=True)
    celebrated = member.celebrate_publicly and member.show_birthday and member.celebrate_birthday is True
    return Told(known=True, birthday=given, changed=SAVED, celebrated=celebrated)
