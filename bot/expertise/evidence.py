"""Evidence that someone knows a skill, from pluggable sources, weighted and decaying with age.

Time decay without computing it per row at query time: every piece of evidence stores a
*score*, its weight × 2^(days since EPOCH / HALF_LIFE_DAYS). Today's strength is the score ×
2^(−days from EPOCH to now / HALF_LIFE_DAYS), the same factor for every row, so sums of scores
rank people exactly as decayed strengths would, whatever the day.

Each source describes its evidence as a SELECT of `(member_id, skill_id, score)`; `refresh()`
sums all sources into `skill_score` whenever evidence changes, and the ranker reads that table.
`refresh()` also bumps the workspace's evidence version, as any change to a member's title or
activity does (`members_changed`), so every process's cached `/whoknows` standings notice at once.
For the few people shown, a source selects the evidence itself (`shown`: all sources' selects run
as one statement) and says in words what it shows.

The sources are given, never looked up: the composition root (`bot.bootstrap`) lists them, and
every function that sums or explains evidence takes them as `sources`. Nothing here knows any
source but the three kinds defined below; another kind of evidence (kudos reasons:
`bot.kudos.evidence`) is a class with `name`, `scores`, `shown` and `explain`, listed there too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    cast,
    delete,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute, Session, UOWTransaction

from bot.expertise.vocabulary import bump_evidence_version
from bot.models import Member
from bot.models.expertise import SHOWN, TITLE, Endorsement, MemberSkill, SkillScore
from bot.platform.mrkdwn import inert, mention
from bot.platform.storage import in_ids, insert_many_ignore

Ids = Sequence[int] | None

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
HALF_LIFE_DAYS = 730.0  # evidence two years old counts half


def score_at(weight: float, at: datetime) -> float:
    """The stored score of evidence of `weight` dated `at` (see the module docstring)."""
    return float(weight * 2 ** ((at - EPOCH).total_seconds() / 86400 / HALF_LIFE_DAYS))


def strength(score: float, now: datetime) -> float:
    """What a stored score is worth at `now`: its weight, halved every HALF_LIFE_DAYS of age."""
    return float(score * 2 ** (-(now - EPOCH).total_seconds() / 86400 / HALF_LIFE_DAYS))


@dataclass(frozen=True)
class Evidence:
    """One reason to think `member_id` knows `skill_id`."""

    member_id: int
    skill_id: int
    source: str
    score: float  # see score_at
    at: datetime
    by: int | None = None  # the member who vouched, when someone did
    note: str = ""  # what to quote (a title, a kudos reason)


@dataclass(frozen=True)
class Words:
    """What an explanation may name: people's Slack ids and the skills' labels."""

    people: Mapping[int, str]  # member id → Slack user id
    skills: Mapping[int, str]  # skill id → label
    several: bool  # the question named several skills, so say which


ColumnLike = ColumnElement[Any] | QueryableAttribute[Any]


def shown_columns(
    source: str,
    member_id: ColumnLike,
    skill_id: ColumnLike,
    score: ColumnLike,
    at: ColumnLike,
    *,
    by: ColumnLike | None = None,
    note: ColumnLike | None = None,
) -> list[ColumnElement[Any]]:
    """The columns of every source's `shown()` select, in order, so that they run as one UNION."""
    return [
        cast(literal(source), String).label("source"),
        member_id.label("member_id"),
        skill_id.label("skill_id"),
        score.label("score"),
        at.label("at"),
        (cast(null(), Integer) if by is None else by).label("by"),
        (cast(literal(""), Text) if note is None else cast(note, Text)).label("note"),
    ]


def scores_of(
    member_id: ColumnLike,
    skill_id: ColumnLike,
    score: ColumnLike,
    weight: float,
    member_ids: Ids,
    skill_ids: Ids,
    *where: ColumnElement[bool],
) -> Select[int, int, float]:
    """A source's `scores()`: `(member_id, skill_id, score × weight)` of the rows `where` picks,
    narrowed to the members and skills given."""
    weighted = (score * literal(weight)).label("score")
    stmt = select(member_id.label("member_id"), skill_id.label("skill_id"), weighted).where(*where)
    if member_ids is not None:
        stmt = stmt.where(member_id.in_(member_ids))
    return stmt if skill_ids is None else stmt.where(skill_id.in_(skill_ids))


def shown_skills(column: ColumnLike) -> ColumnElement[bool]:
    """`column IN :skill_ids`, expanded: with an id array instead, SQLite's planner may scan."""
    return column.in_(bindparam("skill_ids", expanding=True))


class EvidenceSource(Protocol):
    name: str

    def scores(self, team_id: str, member_ids: Ids, skill_ids: Ids) -> Select[int, int, float]:
        """`(member_id, skill_id, score)` for each piece of evidence, of these members and skills
        only when given (None: all of the workspace's)."""
        ...

    def shown(self) -> Select[Any]:
        """The evidence itself, for the few people about to be shown: `shown_columns`, bound to
        `team_id`, `skill_ids` (an expanding list) and `member_ids` (`bot.platform.storage.in_ids`)."""
        ...

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        """A few words on one person's evidence from this source."""
        ...


def _which(evidence: Sequence[Evidence], words: Words) -> str:
    """ " Kubernetes, Terraform" when the question named several skills, else nothing."""
    if not words.several:
        return ""
    return " " + ", ".join(dict.fromkeys(words.skills.get(e.skill_id, "?") for e in evidence))


class MemberSkillSource:
    """Evidence stored as `member_skill` rows of one kind: declared skills, or Slack titles."""

    def __init__(self, name: str, weight: float) -> None:
        self.name = name
        self.weight = weight
        columns = shown_columns(
            name,
            MemberSkill.member_id,
            MemberSkill.skill_id,
            MemberSkill.score * literal(weight),
            MemberSkill.updated_at,
            note=Member.title,
        )
        self._shown = (
            select(*columns)
            .join(Member, Member.id == MemberSkill.member_id)
            .where(
                MemberSkill.team_id == bindparam("team_id"),
                MemberSkill.source == name,
                shown_skills(MemberSkill.skill_id),
                in_ids(MemberSkill.member_id, "member_ids"),
            )
        )

    def scores(self, team_id: str, member_ids: Ids, skill_ids: Ids) -> Select[int, int, float]:
        m = MemberSkill
        where = (m.team_id == team_id, m.source == self.name)
        return scores_of(m.member_id, m.skill_id, m.score, self.weight, member_ids, skill_ids, *where)

    def shown(self) -> Select[Any]:
        return self._shown

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        if self.name == TITLE:
            return f"title “{inert(evidence[0].note, 100)}”"  # typed in Slack: shown inert
        return f"{self.name}{_which(evidence, words)}"


class EndorsementSource:
    """Colleagues vouching: each distinct endorser counts, and more than a person's own word.

    Only shown endorsements: one waiting for its endorsee's OK, or hidden by them, counts for
    nothing and is never explained (`bot.expertise.endorsements`)."""

    name = "endorsed"
    named = 3  # endorsers named in an explanation, latest first

    def __init__(self, weight: float) -> None:
        self.weight = weight
        columns = shown_columns(
            self.name,
            Endorsement.endorsee_id,
            Endorsement.skill_id,
            Endorsement.score * literal(weight),
            Endorsement.created_at,
            by=Endorsement.endorser_id,
        )
        self._shown = select(*columns).where(
            Endorsement.team_id == bindparam("team_id"),
            shown_skills(Endorsement.skill_id),
            Endorsement.status == SHOWN,
            in_ids(Endorsement.endorsee_id, "member_ids"),
        )

    def scores(self, team_id: str, member_ids: Ids, skill_ids: Ids) -> Select[int, int, float]:
        e = Endorsement
        where = (e.team_id == team_id, e.status == SHOWN)
        return scores_of(e.endorsee_id, e.skill_id, e.score, self.weight, member_ids, skill_ids, *where)

    def shown(self) -> Select[Any]:
        return self._shown

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        latest_first = sorted(evidence, key=lambda e: (e.at, e.by or 0), reverse=True)
        endorsers = list(dict.fromkeys(e.by for e in latest_first if e.by is not None))
        names = [mention(words.people[m]) for m in endorsers[: self.named] if m in words.people]
        more = len(endorsers) - len(names)
        listed = ", ".join(names) + (f" and {more} more" if more and names else "")
        for_what = f" for{_which(evidence, words)}" if words.several else ""
        return f"endorsed{for_what} by {len(endorsers)}" + (f" ({listed})" if names else "")


Sources = tuple[EvidenceSource, ...]


def replace_held(
    session: Session,
    team_id: str,
    source: str,
    have: set[tuple[int, int]],
    want: set[tuple[int, int]],
    now: datetime,
    *,
    sources: Sources,
) -> None:
    """Make one kind of `member_skill` evidence (titles, profiles) of some members what it should
    be: `(member_id, skill_id)` pairs in `have` but not `want` go, new ones come dated `now`,
    and the changed pairs are summed again (which bumps the evidence version)."""
    stale: Sequence[tuple[int, int]] = sorted(have - want)
    if stale:
        session.execute(
            delete(MemberSkill).where(
                MemberSkill.team_id == team_id,
                MemberSkill.source == source,
                tuple_(MemberSkill.member_id, MemberSkill.skill_id).in_(stale),
            )
        )
    rows = [
        {
            "team_id": team_id,
            "member_id": member_id,
            "skill_id": skill_id,
            "source": source,
            "weight": 1.0,
            "updated_at": now,
            "score": score_at(1.0, now),
        }
        for member_id, skill_id in sorted(want - have)
    ]
    insert_many_ignore(session, MemberSkill, rows, ["member_id", "skill_id", "source"])
    refresh(session, team_id, set(stale) | (want - have), sources=sources)


def refresh(
    session: Session, team_id: str, pairs: Iterable[tuple[int, int]] | None = None, *, sources: Sources
) -> None:
    """Recompute `skill_score` for these `(member_id, skill_id)` pairs after their evidence
    changed (None: the whole workspace, as after seeding), from every one of `sources`."""
    member_ids: list[int] | None = None
    skill_ids: list[int] | None = None
    scope = delete(SkillScore).where(SkillScore.team_id == team_id)
    if pairs is not None:
        pairs = set(pairs)
        if not pairs:
            return
        # Every member × skill combination is recomputed: a few extra pairs cost less than a tuple IN.
        member_ids = sorted({m for m, _ in pairs})
        skill_ids = sorted({s for _, s in pairs})
        scope = scope.where(SkillScore.member_id.in_(member_ids), SkillScore.skill_id.in_(skill_ids))
    lock(session, team_id)  # (first: writers of one workspace queue on it, not on scores)
    parts = union_all(*(source.scores(team_id, member_ids, skill_ids) for source in sources)).subquery()
    totals = select(
        literal(team_id, String), parts.c.member_id, parts.c.skill_id, func.sum(parts.c.score)
    ).group_by(parts.c.member_id, parts.c.skill_id)
    session.execute(scope)
    columns = ["team_id", "member_id", "skill_id", "score"]
    session.execute(insert(SkillScore).from_select(columns, totals))


def lock(session: Session, team_id: str) -> None:
    """Take (and bump) the workspace's evidence version row until this transaction ends, so
    writers of one workspace's evidence run one after another (PostgreSQL; SQLite's writers
    queue as they begin). A change that reads what it depends on (a skill taken off, an
    endorsement still waiting) takes it before reading: after creating skills (which may take
    the same row), before any other read or write of evidence, so every writer takes them in
    that order."""
    bump_evidence_version(session, team_id)


_SHOWN = ("title", "deleted", "is_bot")  # what /whoknows shows of a member, or leaves them out for


def members_changed(session: Session, flush: UOWTransaction, instances: object) -> None:
    """A member's new title or activity changes `/whoknows` answers as evidence does: say so.

    A session listener ("before_flush") that `bot.bootstrap.open_database` puts on every database
    it opens, so every ORM change counts (directory sync, events, tests); a Core UPDATE of these
    columns must call `bump_evidence_version` itself.
    """
    teams = {
        m.team_id
        for m in session.dirty
        if isinstance(m, Member) and any(inspect(m).attrs[a].history.has_changes() for a in _SHOWN)
    }
    teams |= {m.team_id for m in session.deleted if isinstance(m, Member)}
    for team_id in sorted(teams):
        bump_evidence_version(session, team_id)
