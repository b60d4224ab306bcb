"""A person's circle: the people they logged with, endorsed, gave kudos to or keep in touch with.

Each *part* is a function returning a SELECT of `(member_id, other_id)` pairs ("member_id has
other_id in their circle") for one team, limited to `other_id IN subjects`, so a nudge source
asks only about the few people it has news of. Parts are plain SQL over indexed columns, so
planning stays a constant number of statements however big the team.

Only *who* is in a circle comes from here, never why: the relationship log stays private, and
a nudge never says which part put someone in the recipient's circle. Every tie counts for the
person who made it (I logged, endorsed, thanked or keep in touch with them), never for the
other: were Bob told of Ann's birthday because Ann logged a talk with him, he would learn that
she did. The parts come from the
composition root (`bot.bootstrap`): the four here, and kudos' (`sources.kudos.gave_kudos_to`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import false, literal, select, union

from bot.models.expertise import SHOWN, Endorsement
from bot.models.relationships import Cadence, InteractionParticipant
from bot.platform.storage import computed_first

# (team_id, subjects: a SELECT of member ids) -> SELECT member_id, other_id
CirclePart = Callable[[str, Any], Any]


def logged_with(team_id: str, subjects: Any) -> Any:
    """I logged an interaction with them."""
    p = InteractionParticipant
    return select(p.author_id.label("member_id"), p.member_id.label("other_id")).where(
        p.team_id == team_id, p.member_id.in_(subjects)
    )


def endorsed(team_id: str, subjects: Any) -> Any:
    """I endorsed them (and they show it: one waiting for their OK, or hidden, does not count)."""
    e = Endorsement
    return select(e.endorser_id.label("member_id"), e.endorsee_id.label("other_id")).where(
        e.team_id == team_id, e.endorsee_id.in_(subjects), e.status == SHOWN
    )


def keep_in_touch(team_id: str, subjects: Any) -> Any:
    """I keep in touch with them (an active cadence)."""
    c = Cadence
    return select(c.author_id.label("member_id"), c.contact_id.label("other_id")).where(
        c.team_id == team_id, c.contact_id.in_(subjects), ~c.stopped
    )


def pairs(team_id: Any, subjects: Any, parts: Sequence[CirclePart]) -> Any:
    """Who has whom in their circle, among `subjects` (a SELECT of member ids): a subquery of
    (member_id, other_id). The subjects are worked out once for all the parts."""
    who = computed_first(subjects, "subjects")
    among = select(*who.c)
    selects = [part(team_id, among) for part in parts]
    if not selects:
        nobody = select(literal(0).label("member_id"), literal(0).label("other_id")).where(false())
        return nobody.subquery("circle")
    return union(*selects).add_cte(who, nest_here=True).subquery("circle")
