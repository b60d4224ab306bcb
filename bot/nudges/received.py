"""What colleagues gave me, in my digest: endorsements received.

Kudos received (issue 6, celebrations) belong here too: a source and a kind like these.

An endorsement is told once: planning claims the ones nobody was told about yet (sets their
`notified_at`) for endorsees who have a delivery day, in the same transaction that plans their
nudge, so a second planner running at once finds them claimed. One nudge tells everything one
colleague endorsed since the last one ("Ana endorsed you for Kubernetes, Terraform").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session, aliased

from bot.expertise import render
from bot.models import Member
from bot.models.expertise import Endorsement, Skill
from bot.models.outbox import Nudge
from bot.nudges import kinds
from bot.nudges.planning import SOURCES, PlanContext, Source, bind, key

ENDORSED = "endorsed"


def claim(session: Session, team_id: str, now: datetime, ctx: PlanContext) -> dict[str, Any]:
    """Claim the endorsements nobody was told about yet, for endorsees with a delivery day."""
    e = Endorsement
    session.execute(
        update(Endorsement)
        .where(
            e.team_id == ctx.team_id,
            e.notified_at.is_(None),
            e.created_at <= ctx.now,
            e.endorsee_id.in_(select(ctx.recipients.c.member_id)),
        )
        .values(notified_at=ctx.now)
        .execution_options(synchronize_session=False),
        bind(team_id, now),
    )
    return {}


def endorsements(ctx: PlanContext) -> Select[Any]:
    """The endorsements claimed in this run, one nudge per endorser and endorsee."""
    r, e, endorser = ctx.recipients.c, Endorsement, aliased(Member)
    first = func.min(e.id)
    return (
        select(
            *ctx.item(
                ENDORSED,
                occurrence=key(ENDORSED, e.endorser_id, first),
                subject_id=e.endorser_id,
                ref_id=first,
            )
        )
        .select_from(e)
        .join(ctx.recipients, r.member_id == e.endorsee_id)
        .join(endorser, endorser.id == e.endorser_id)
        .where(
            e.team_id == ctx.team_id,
            e.notified_at == ctx.now,
            endorser.deleted.is_(False),
            endorser.is_bot.is_(False),
        )
        .group_by(r.member_id, e.endorser_id, r.local_date, r.deliver_after, r.expires_at)
    )


SOURCES.append(Source(endorsements, prepare=claim))


def _describe(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    ref = aliased(Endorsement)
    e = Endorsement
    rows = session.execute(
        select(ref.id, ref.endorsee_id, Skill.label)
        .join(
            e,
            and_(
                e.endorser_id == ref.endorser_id,
                e.endorsee_id == ref.endorsee_id,
                e.notified_at == ref.notified_at,  # claimed together
            ),
        )
        .join(Skill, Skill.id == e.skill_id)
        .where(ref.team_id == team_id, ref.id.in_([n.ref_id for n in items if n.ref_id is not None]))
        .order_by(e.id)
    ).all()
    skills: dict[tuple[int, int], list[str]] = defaultdict(list)
    for ref_id, endorsee_id, label in rows:
        skills[(ref_id, endorsee_id)].append(label)
    people = kinds.members(session, team_id, (n.subject_id for n in items))
    out: dict[int, kinds.Line | None] = {}
    for n in items:
        endorser = people.get(n.subject_id or 0)
        labels = skills.get((n.ref_id or 0, n.recipient_id))
        if endorser is None or not endorser.active or not labels:
            out[n.id] = None
            continue
        text, context = render.endorsement_line(endorser.user_id, labels)
        out[n.id] = kinds.Line(text, context, endorser.user_id)
    return out


kinds.register(kinds.Kind(ENDORSED, kinds.FOR_YOU, _describe))
