"""Whom someone already knows among some colleagues, from their own relationship log.

`/whoknows` ranks people the asker knows a little higher and marks them, and may name a mutual
contact who could introduce the asker to someone they do not know (the composition root hands
`acquaintances` to it as its `KnownPeople`). "Known" comes from the asker's own log only (the
answer goes to the asker alone). An introducer is someone the asker logged with who has a public
tie to the candidate (an endorsement either way): never anything read from someone else's
private log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.models import Member
from bot.models.expertise import SHOWN, Endorsement
from bot.models.relationships import InteractionParticipant
from bot.platform.storage import in_ids, rows


@dataclass(frozen=True)
class Acquaintances:
    """Among some candidates: whom the asker knows, and who could introduce them to the others."""

    known: frozenset[int] = frozenset()  # candidate member ids the asker has interacted with
    introducers: Mapping[int, int] = field(default_factory=dict)  # candidate id → mutual contact id


# (session, team_id, asker's member id, candidate member ids) -> Acquaintances, in one query.
KnownPeople = Callable[[Session, str, int, Sequence[int]], Acquaintances]


_CONTACTS = (
    select(InteractionParticipant.member_id)
    .join(Member, Member.id == InteractionParticipant.member_id)
    .where(
        InteractionParticipant.team_id == bindparam("team_id"),
        InteractionParticipant.author_id == bindparam("author_id"),
        Member.active,
    )
)


def _tied(candidate: InstrumentedAttribute[int], contact: InstrumentedAttribute[int]) -> Select[int, int]:
    """Candidates with an endorsement tie to one of the asker's contacts: (introducer, candidate).
    Only a shown endorsement is a public tie (one waiting for its endorsee, or hidden, is not)."""
    return select(contact.label("introducer"), candidate.label("candidate")).where(
        Endorsement.team_id == bindparam("team_id"),
        Endorsement.status == SHOWN,
        in_ids(candidate, "candidate_ids"),
        contact.in_(_CONTACTS),
    )


# "Which of these has the asker logged with?": one indexed read of their own log, never anyone else's.
_KNOWN_AMONG = (
    select(InteractionParticipant.member_id)
    .where(
        InteractionParticipant.team_id == bindparam("team_id"),
        InteractionParticipant.author_id == bindparam("author_id"),
        in_ids(InteractionParticipant.member_id, "candidate_ids"),
    )
    .distinct()
)
_known = _KNOWN_AMONG.subquery()
# One statement, built once: /whoknows runs it on its answer path.
_ACQUAINTANCES = union_all(
    select(literal(None).label("introducer"), _known.c.member_id.label("candidate")),
    _tied(Endorsement.endorsee_id, Endorsement.endorser_id),
    _tied(Endorsement.endorser_id, Endorsement.endorsee_id),
)


def acquaintances(
    session: Session, team_id: str, asker_id: int, candidate_ids: Sequence[int]
) -> Acquaintances:
    """Among `candidate_ids`: whom the asker has logged with, and who could introduce the others."""
    ids = list(dict.fromkeys(candidate_ids))
    if not ids:
        return Acquaintances()
    params = {"team_id": team_id, "author_id": asker_id, "candidate_ids": ids}
    known: set[int] = set()
    introducers: dict[int, int] = {}
    for introducer, candidate in rows(session, _ACQUAINTANCES, params):
        if introducer is None:
            known.add(candidate)
        elif introducer not in (asker_id, candidate):
            introducers.setdefault(candidate, introducer)
    unknown = {c: i for c, i in introducers.items() if c not in known}
    return Acquaintances(known=frozenset(known), introducers=unknown)
