"""What public channels show about who knows what, kept as evidence for `/whoknows` (no text).

Each message that shows a skill (`bot.expertise.activity` reads it) is kept as one
`channel_signal` row per skill, keyed by its channel and `ts`: a message counts once whether it
came as an event or in a backfill, an edit re-scores it, a deletion removes it. Per person, skill
and channel, `channel_activity` holds the counts, the last time, the best three messages (their
`ts`, for permalinks) and the score `/whoknows` sums.

How much it counts: the raw weights of a person's messages about a skill in one channel add up,
and saturate (`strength`) below a declaration, so that many answers about Terraform count for a
lot, never for more than someone who declared Terraform and was endorsed for it at the same time.
The best channel is what counts (`ChannelSource.scores` takes the maximum), so talking about a
skill in many channels does not add up past that ceiling either. Like all evidence, it decays
with the age of the latest message (`evidence.score_at`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    String,
    bindparam,
    cast,
    delete,
    func,
    inspect,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, UOWTransaction

from bot.expertise.activity import ANSWER, MENTION, QUESTION, SHARED, THANKED, weight_of
from bot.expertise.evidence import (
    Evidence,
    Ids,
    Sources,
    Words,
    lock,
    refresh,
    score_at,
    shown_columns,
    shown_skills,
)
from bot.models import Member, Workspace
from bot.models.activity import ChannelActivity, ChannelPending, ChannelSignal, ChannelSkillHidden
from bot.models.expertise import DeclinedSkill, Skill
from bot.platform.storage import in_ids, insert_ignore, insert_many_ignore
from bot.platform.words import plural, times

SOURCE = "channels"
CEILING = 0.8  # what the most active channel can be worth: below a declaration (1.0)
HALF_WAY = 3.0  # raw weight (about three answers) that reaches half the ceiling
BEST = 3  # messages kept per person, skill and channel for permalinks
# What an answer thanked afterwards is worth, as a multiple of what it was worth before.
THANKED_FACTOR = weight_of(THANKED) / weight_of(ANSWER)


def strength(weight: float) -> float:
    """What a channel's summed raw weight is worth: rising fast at first, never past CEILING."""
    return CEILING * (1 - 2 ** (-max(0.0, weight) / HALF_WAY))


@dataclass(frozen=True)
class Seen:
    """One message's evidence, resolved to this workspace's ids."""

    channel_id: str
    ts: str
    member_id: int
    at: datetime
    kind: str
    weight: float
    skill_ids: tuple[int, ...]
    thread_ts: str | None = None


# Built once (a message event runs them): what stops a person's messages counting for skills,
# and, as the row `_ALLOWED`, whether they may count at all.
_ALLOWED = -1
_BARRED = union_all(
    select(literal(_ALLOWED).label("skill_id"))
    .select_from(Member)
    .join(Workspace, Workspace.team_id == Member.team_id)
    .where(
        Member.id == bindparam("member_id"),
        Member.team_id == bindparam("team_id"),
        Member.active,
        Member.learn_from_channels,
        Workspace.learn_from_channels,
    ),
    select(ChannelSkillHidden.skill_id).where(
        ChannelSkillHidden.team_id == bindparam("team_id"),
        ChannelSkillHidden.member_id == bindparam("member_id"),
        in_ids(ChannelSkillHidden.skill_id, "skill_ids"),
    ),
    # Taken off their profile with `/skills remove`: not theirs, by any evidence.
    select(DeclinedSkill.skill_id).where(
        DeclinedSkill.team_id == bindparam("team_id"),
        DeclinedSkill.member_id == bindparam("member_id"),
        in_ids(DeclinedSkill.skill_id, "skill_ids"),
    ),
)
_REMOVE = (
    delete(ChannelSignal)
    .where(
        ChannelSignal.team_id == bindparam("in_team"),
        ChannelSignal.channel_id == bindparam("in_channel"),
        ChannelSignal.ts == bindparam("at_ts"),
    )
    .returning(ChannelSignal.member_id, ChannelSignal.skill_id)
)


def record(session: Session, team_id: str, seen: Seen) -> bool:
    """Keep (or, for an edited message, replace) what one message shows; False when it may not
    count (consent, a bot, someone deactivated) or shows nothing."""
    touched = _remove(session, team_id, seen.channel_id, seen.ts)
    rows = []
    # A question counts for nothing, so nothing of it is kept (not even who asked about what).
    skill_ids = _not_hidden(session, team_id, seen.member_id, seen.skill_ids) if seen.weight > 0 else []
    if skill_ids:
        rows = [
            {
                "team_id": team_id,
                "channel_id": seen.channel_id,
                "ts": seen.ts,
                "skill_id": skill_id,
                "member_id": seen.member_id,
                "thread_ts": seen.thread_ts,
                "kind": seen.kind,
                "weight": seen.weight,
                "thanked": seen.kind == THANKED,
                "at": seen.at,
            }
            for skill_id in skill_ids
        ]
        insert_many_ignore(session, ChannelSignal, rows, ["team_id", "channel_id", "ts", "skill_id"])
        touched |= {(seen.member_id, s, seen.channel_id) for s in skill_ids}
    _pend(session, team_id, touched)
    return bool(rows)


def _not_hidden(session: Session, team_id: str, member_id: int, skill_ids: Sequence[int]) -> list[int]:
    """Of these skills, those this person may be credited with from channels (None of them when
    the person or the workspace turned learning off, or the person is no active member)."""
    wanted = list(dict.fromkeys(skill_ids))
    if not wanted:
        return []
    found = (
        session.connection()
        .execute(_BARRED, {"team_id": team_id, "member_id": member_id, "skill_ids": wanted})
        .all()
    )
    barred = {skill_id for (skill_id,) in found}
    if _ALLOWED not in barred:
        return []
    return [s for s in wanted if s not in barred]


def hide(
    session: Session,
    team_id: str,
    member_id: int,
    skill_id: int,
    *,
    evidence: Sources,
    only_if_shown: bool = False,
) -> bool:
    """Someone hides a skill channels showed about them: it goes now and never counts again
    (`only_if_shown`: only when channels showed it; False then when they had not)."""
    exists = session.scalar(select(Skill.id).where(Skill.team_id == team_id, Skill.id == skill_id))
    if exists is None:
        return False
    if only_if_shown and not session.scalar(
        select(ChannelActivity.skill_id)
        .where(
            ChannelActivity.team_id == team_id,
            ChannelActivity.member_id == member_id,
            ChannelActivity.skill_id == skill_id,
            ChannelActivity.score > 0,
        )
        .limit(1)
    ):
        return False
    insert_ignore(
        session,
        ChannelSkillHidden,
        {"team_id": team_id, "member_id": member_id, "skill_id": skill_id},
        ["team_id", "member_id", "skill_id"],
    )
    session.execute(
        delete(ChannelSignal).where(
            ChannelSignal.team_id == team_id,
            ChannelSignal.member_id == member_id,
            ChannelSignal.skill_id == skill_id,
        )
    )
    session.execute(
        delete(ChannelActivity).where(
            ChannelActivity.team_id == team_id,
            ChannelActivity.member_id == member_id,
            ChannelActivity.skill_id == skill_id,
        )
    )
    refresh(session, team_id, [(member_id, skill_id)], sources=evidence)
    return True


@dataclass(frozen=True)
class Inferred:
    """What channels showed about someone's skill, across channels (for `/skills`)."""

    skill_id: int
    label: str
    answers: int
    shared: int
    channels: int


def inferred(session: Session, team_id: str, member_id: int) -> list[Inferred]:
    """The skills channels showed about someone, most answered first."""
    a = ChannelActivity
    found = session.execute(
        select(a.skill_id, Skill.label, func.sum(a.answers), func.sum(a.shared), func.count(a.channel_id))
        .join(Skill, Skill.id == a.skill_id)
        .where(a.team_id == team_id, a.member_id == member_id, a.score > 0)
        .group_by(a.skill_id, Skill.label)
    ).all()
    listed = [Inferred(s, label, int(n or 0), int(k or 0), int(c or 0)) for s, label, n, k, c in found]
    return sorted(listed, key=lambda i: (-i.answers, -i.shared, i.label.casefold()))


def forget_message(session: Session, team_id: str, channel_id: str, ts: str) -> bool:
    """A deleted message no longer counts; False when it never did."""
    touched = _remove(session, team_id, channel_id, ts)
    _pend(session, team_id, touched)
    return bool(touched)


def thread_answers(session: Session, team_id: str, channel_id: str, thread_ts: str) -> list[dict[str, str]]:
    """The kept answers of a thread as `activity.thanked_replies` reads replies: `ts` and `user`."""
    found = session.execute(
        select(ChannelSignal.ts, Member.user_id)
        .join(Member, Member.id == ChannelSignal.member_id)
        .where(
            ChannelSignal.team_id == team_id,
            ChannelSignal.channel_id == channel_id,
            ChannelSignal.thread_ts == thread_ts,
            ChannelSignal.kind.in_([ANSWER, THANKED]),
        )
        .distinct()
    ).all()
    return [{"ts": ts, "user": user_id} for ts, user_id in found]


def thank(session: Session, team_id: str, channel_id: str, answers: Sequence[str]) -> int:
    """The thread's starter thanked these answers (their `ts`): each counts as thanked, once, as
    much more as it would have counted thanked from the start (`activity.weight_of`)."""
    if not answers:
        return 0
    found = session.execute(
        update(ChannelSignal)
        .where(
            ChannelSignal.team_id == team_id,
            ChannelSignal.channel_id == channel_id,
            ChannelSignal.ts.in_(list(answers)),
            ChannelSignal.kind == ANSWER,
        )
        .values(thanked=True, kind=THANKED, weight=ChannelSignal.weight * literal(THANKED_FACTOR))
        .returning(ChannelSignal.member_id, ChannelSignal.skill_id)
    ).all()
    _pend(session, team_id, {(m, s, channel_id) for m, s in found})
    return len(found)


def forget_member(session: Session, team_id: str, member_id: int, *, evidence: Sources) -> int:
    """Delete everything channels showed about someone (they turned it off, or left)."""
    pairs = session.execute(
        select(ChannelActivity.member_id, ChannelActivity.skill_id).where(
            ChannelActivity.team_id == team_id, ChannelActivity.member_id == member_id
        )
    ).all()
    for table in (ChannelSignal, ChannelActivity, ChannelPending):
        session.execute(delete(table).where(table.team_id == team_id, table.member_id == member_id))
    refresh(session, team_id, [(m, s) for m, s in pairs], sources=evidence)
    return len(pairs)


def forget_workspace(session: Session, team_id: str, *, evidence: Sources) -> None:
    """Delete everything channels showed in a workspace (an admin turned the feature off)."""
    for table in (ChannelSignal, ChannelActivity, ChannelPending):
        session.execute(delete(table).where(table.team_id == team_id))
    refresh(session, team_id, sources=evidence)


Key = tuple[int, int, str]  # (member id, skill id, channel id)


def _remove(session: Session, team_id: str, channel_id: str, ts: str) -> set[Key]:
    params = {"in_team": team_id, "in_channel": channel_id, "at_ts": ts}
    gone = session.connection().execute(_REMOVE, params).all()
    return {(m, s, channel_id) for m, s in gone}


_COUNTED = {
    ANSWER: "answers",
    THANKED: "thanked",
    SHARED: "shared",
    MENTION: "mentions",
    QUESTION: "questions",
}


def _pend(session: Session, team_id: str, touched: set[Key]) -> None:
    """Note what changed; `settle_pending` counts it (so a burst of messages is counted once)."""
    rows = [
        {"team_id": team_id, "member_id": m, "skill_id": s, "channel_id": c} for m, s, c in sorted(touched)
    ]
    insert_many_ignore(session, ChannelPending, rows, ["team_id", "member_id", "skill_id", "channel_id"])


SETTLE_PEOPLE = 500  # people whose changes are counted again in one unit of work


def pending_teams(session: Session) -> list[str]:
    return list(session.scalars(select(ChannelPending.team_id).distinct()))


def pending(session: Session, team_id: str) -> bool:
    """Whether anything channels showed in the workspace waits to be counted."""
    found = session.scalar(select(ChannelPending.member_id).where(ChannelPending.team_id == team_id).limit(1))
    return found is not None


def settle_pending(session: Session, team_id: str, *, evidence: Sources) -> int:
    """Count again what changed since the last time: the per-channel activity, then the scores
    `/whoknows` reads (several people's bursts of messages, counted once). Writers queue on the
    workspace's evidence row first (`evidence.lock`), so replicas settling at once take turns."""
    lock(session, team_id)
    people = list(
        session.scalars(
            select(ChannelPending.member_id)
            .where(ChannelPending.team_id == team_id)
            .distinct()
            .order_by(ChannelPending.member_id)
            .limit(SETTLE_PEOPLE)
        )
    )
    if not people:
        return 0
    mine = (ChannelPending.team_id == team_id, ChannelPending.member_id.in_(people))
    keys = session.execute(
        select(ChannelPending.member_id, ChannelPending.skill_id, ChannelPending.channel_id).where(*mine)
    ).all()
    session.execute(delete(ChannelPending).where(*mine))
    _settle(session, team_id, {(m, s, c) for m, s, c in keys}, evidence)
    return len(keys)


def _settle(session: Session, team_id: str, touched: set[Key], evidence: Sources) -> None:
    """Recount `channel_activity` for these people, skills and channels, then their scores."""
    if not touched:
        return
    members = sorted({m for m, _, _ in touched})
    signals = session.execute(
        select(
            ChannelSignal.member_id,
            ChannelSignal.skill_id,
            ChannelSignal.channel_id,
            ChannelSignal.ts,
            ChannelSignal.thread_ts,
            ChannelSignal.kind,
            ChannelSignal.weight,
            ChannelSignal.at,
        ).where(
            ChannelSignal.team_id == team_id,
            ChannelSignal.member_id.in_(members),
            ChannelSignal.skill_id.in_(sorted({s for _, s, _ in touched})),
            ChannelSignal.channel_id.in_(sorted({c for _, _, c in touched})),
        )
    ).all()
    grouped: dict[Key, list[Any]] = {}
    for row in signals:
        key = (row.member_id, row.skill_id, row.channel_id)
        if key in touched:
            grouped.setdefault(key, []).append(row)
    for member_id, skill_id, channel_id in touched:
        session.execute(
            delete(ChannelActivity).where(
                ChannelActivity.team_id == team_id,
                ChannelActivity.member_id == member_id,
                ChannelActivity.skill_id == skill_id,
                ChannelActivity.channel_id == channel_id,
            )
        )
    rows = [_activity(team_id, key, found) for key, found in grouped.items()]
    if rows:
        insert_many_ignore(session, ChannelActivity, rows, ["team_id", "member_id", "skill_id", "channel_id"])
    refresh(session, team_id, {(m, s) for m, s, _ in touched}, sources=evidence)


def _activity(team_id: str, key: Key, signals: Sequence[Any]) -> dict[str, Any]:
    member_id, skill_id, channel_id = key
    counts = dict.fromkeys(_COUNTED.values(), 0)
    for signal in signals:
        counts[_COUNTED[signal.kind]] += 1
    # Threads answered, not replies: three replies in one thread are one thread helped with.
    answered = {s.thread_ts or s.ts for s in signals if s.kind in (ANSWER, THANKED)}
    counts["answers"] = len(answered)
    counts["thanked"] = len({s.thread_ts or s.ts for s in signals if s.kind == THANKED})
    best = sorted((s for s in signals if s.weight > 0), key=lambda s: (-s.weight, s.ts))[:BEST]
    last_at = max(s.at for s in signals)
    return {
        "team_id": team_id,
        "member_id": member_id,
        "skill_id": skill_id,
        "channel_id": channel_id,
        **counts,
        "best": " ".join(s.ts for s in best),
        "last_at": last_at,
        "score": score_at(strength(sum(s.weight for s in signals)), last_at),
    }


def _note() -> Any:
    """What an explanation needs, in the one text column every source's `shown` has."""
    a = ChannelActivity
    # (the workspace's domain, for permalinks: one primary-key lookup, not a join)
    domain = select(Workspace.domain).where(Workspace.team_id == bindparam("team_id")).scalar_subquery()
    parts: list[Any] = [
        func.coalesce(domain, ""),
        a.channel_id,
        a.answers,
        a.thanked,
        a.shared,
        a.mentions,
        a.best,
    ]
    note: Any = cast(parts[0], String)
    for part in parts[1:]:
        note = note + literal("|") + cast(part, String)
    return note


class ChannelSource:
    """Evidence from public channels (an `evidence.EvidenceSource`)."""

    name = SOURCE

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight
        a = ChannelActivity
        columns = shown_columns(
            self.name, a.member_id, a.skill_id, a.score * literal(weight), a.last_at, note=_note()
        )
        self._shown = select(*columns).where(
            a.team_id == bindparam("team_id"),
            shown_skills(a.skill_id),
            in_ids(a.member_id, "member_ids"),
            a.score > 0,
        )

    def scores(self, team_id: str, member_ids: Ids, skill_ids: Ids) -> Select[int, int, float]:
        a = ChannelActivity
        stmt = (
            select(
                a.member_id.label("member_id"),
                a.skill_id.label("skill_id"),
                (func.max(a.score) * literal(self.weight)).label("score"),
            )
            .where(a.team_id == team_id, a.score > 0)
            .group_by(a.member_id, a.skill_id)
        )
        if member_ids is not None:
            stmt = stmt.where(a.member_id.in_(member_ids))
        return stmt if skill_ids is None else stmt.where(a.skill_id.in_(skill_ids))

    def shown(self) -> Select[Any]:
        return self._shown

    def explain(self, evidence: Sequence[Evidence], words: Words) -> str:
        """ "answered 9 threads about *Terraform* in <#C1> (latest Nov 28: 1, 2, 3)"."""
        said = [_said(e, words) for e in sorted(evidence, key=lambda e: -e.score)[:2]]
        return "; ".join(s for s in said if s)


def _said(evidence: Evidence, words: Words) -> str:
    domain, channel, answers, thanked, shared, mentions, best = (evidence.note.split("|") + [""] * 7)[:7]
    skill = words.skills.get(evidence.skill_id, "it")
    did = []
    if int(answers or 0):
        did.append(f"answered {plural(int(answers), 'thread')}")
    if int(shared or 0):
        did.append(f"shared links or code {times(int(shared))}")
    if not did and int(mentions or 0):
        did.append(f"talked about it {times(int(mentions))}")
    if not did:
        return ""
    thanks = f", thanked {times(int(thanked))}" if int(thanked or 0) else ""
    links = [_permalink(domain, channel, ts) for ts in best.split()]
    shown = ", ".join(f"<{url}|{i}>" for i, url in enumerate(links, 1))
    return (
        f"{' and '.join(did)} about *{skill}* in <#{channel}>{thanks}, "
        f"latest {evidence.at:%b} {evidence.at.day}" + (f" ({shown})" if shown else "")
    )


def _permalink(domain: str, channel: str, ts: str) -> str:
    """Slack's permalink shape (`chat.getPermalink` answers the same without a call)."""
    host = f"{domain}.slack.com" if domain else "slack.com"
    return f"https://{host}/archives/{channel}/p{ts.replace('.', '')}"


def _became(member: Member, column: str, value: bool) -> bool:
    history = inspect(member).attrs[column].history
    return history.has_changes() and bool(getattr(member, column)) is value


def consent_listener(sources: Sources) -> Callable[[Session, UOWTransaction, object], None]:
    """A session listener ("before_flush"): someone who turns learning off, or is deactivated,
    loses what channels showed about them in the same transaction (`bot.bootstrap` adds it)."""

    def before_flush(session: Session, flush: UOWTransaction, instances: object) -> None:
        for member in list(session.dirty):
            if isinstance(member, Member) and (
                _became(member, "learn_from_channels", False) or _became(member, "deleted", True)
            ):
                forget_member(session, member.team_id, member.id, evidence=sources)

    return before_flush
