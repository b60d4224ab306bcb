"""Whom the asker already knows: a hook the relationship log fills in.

`/whoknows` ranks people the asker already knows a little higher and marks them, and may name a
mutual contact who can introduce the asker to someone they do not know. Knowing comes from the
relationship log (logged interactions), which lives in another domain; this module is the one
seam between the two. Until that log is wired in, nobody is known.

To wire it (once, at import time of the relationship domain or in `bot/app.py`):

    from bot.expertise import acquaintances
    acquaintances.use(my_function)   # (session, team_id, asker_member_id, candidate_ids) -> Acquaintances

Privacy: the answer goes to the asker only, so "known" may come from the asker's own log. An
introducer must never be read from someone else's private log: take people the asker knows (their
own log) who have a public tie to the candidate (an endorsement or a kudos between them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Acquaintances:
    """Among some candidates: whom the asker knows, and who could introduce them to the others."""

    known: frozenset[int] = frozenset()  # candidate member ids the asker has interacted with
    introducers: Mapping[int, int] = field(default_factory=dict)  # candidate id → mutual contact id


# (session, team_id, asker's member id, candidate member ids) -> Acquaintances; one query, please.
KnownPeople = Callable[[Session, str, int, Sequence[int]], Acquaintances]


def nobody(session: Session, team_id: str, asker_id: int, candidate_ids: Sequence[int]) -> Acquaintances:
    """The default: Rapport knows of no acquaintances."""
    return Acquaintances()


_hook: KnownPeople = nobody


def use(hook: KnownPeople) -> None:
    """Make `/whoknows` ask `hook` whom the asker knows."""
    global _hook
    _hook = hook


def current() -> KnownPeople:
    return _hook
