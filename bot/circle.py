"""A person's circle: the people they logged with, endorsed, gave kudos to or keep in touch with.

Each feature that knows who knows whom adds a *part*: a function returning a SELECT of
`(member_id, other_id)` pairs ("member_id has other_id in their circle") for one team, limited
to `other_id IN subjects`, so a nudge source asks only about the few people it has news of.
Parts are plain SQL, so planning stays a constant number of statements however big the team.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, false, literal, select, union

# (team_id, subjects: a SELECT of member ids) -> SELECT member_id, other_id
CirclePart = Callable[[str, Any], Select[Any]]

PARTS: list[CirclePart] = []


def pairs(team_id: str, subjects: Any) -> Any:
    """Who has whom in their circle, among `subjects`: a subquery of (member_id, other_id)."""
    selects = [part(team_id, subjects) for part in PARTS]
    if not selects:
        nobody = select(literal(0).label("member_id"), literal(0).label("other_id")).where(false())
        return nobody.subquery("circle")
    if len(selects) == 1:
        return selects[0].distinct().subquery("circle")
    return union(*selects).subquery("circle")
