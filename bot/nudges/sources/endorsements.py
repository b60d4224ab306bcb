"""What colleagues gave me, in my digest: endorsements received (kudos received: `kudos`).

An endorsement is told once: planning claims the ones nobody was told about yet (sets their
`notified_at`) for endorsees who have a delivery day, in the same transaction that plans their
nudge, so a second planner running at once finds them claimed. One nudge tells everything one
colleague endorsed since the last one, and their nudges in one digest read as one line ("Ana
endorsed you for Kubernetes and Terraform"), acknowledged with one button.

An endorsement waiting for the endorsee's OK (`bot.expertise.endorsements`) is its own item, one
per endorsement, with Accept and Hide (`bot.expertise.render.held_item`; `handlers/expertise.py`
serves them): planned by `held` from the same claim, so `held` comes after
`ENDORSEMENTS_SOURCE` in the planning sources. Only its endorsee ever gets it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session, aliased

from bot.delivery.outbox import PENDING
from bot.expertise import render
from bot.models import Member
from bot.models.expertise import HELD, SHOWN, Endorsement, Skill
from bot.models.outbox import Nudge
from bot.nudges import kinds
from bot.nudges.kinds import Kind
from bot.nudges.planning import PlanContext, Source, bind, key
from bot.platform.mrkdwn import escape, mention
from bot.platform.storage import computed_first
from bot.platform.words import listed

ENDORSED = "endorsed"
HELD_ENDORSEMENT = "endorsement_held"
SKILLS = 5  # an endorser's skills named in one line; the rest are "and N more"
VOUCH = "See what colleagues vouch for with `/skills` · Return the favour with `/endorse`"


def _endorsements(ctx: PlanContext, *, claimed: bool, status: str | None = None) -> Any:
    """This team's endorsements waiting to be told, or claimed by this run (of one status):
    found first from their index (the database would otherwise start from every recipient)."""
    e = aliased(Endorsement)
    when = [e.notified_at == ctx.now] if claimed else [e.notified_at.is_(None), e.created_at <= ctx.now]
    if status is not None:
        when.append(e.status == status)
    found = select(e.id, e.endorser_id, e.endorsee_id).where(e.team_id == ctx.team_id, *when)
    return computed_first(found, f"claimed_{status}" if claimed else "waiting")


def claim(session: Session, team_id: str, now: datetime, ctx: PlanContext) -> dict[str, Any]:
    """Claim the endorsements nobody was told about yet, for endorsees with a delivery day."""
    waiting = _endorsements(ctx, claimed=False)
    for_recipients = select(waiting.c.id).where(waiting.c.endorsee_id.in_(select(ctx.recipients.c.member_id)))
    session.execute(
        update(Endorsement)
        # Checked again on the row itself: a planner running at once may have claimed it.
        .where(Endorsement.id.in_(for_recipients), Endorsement.notified_at.is_(None))
        .values(notified_at=ctx.now)
        .execution_options(synchronize_session=False),
        bind(team_id, now),
    )
    return {}


def endorsements(ctx: PlanContext) -> Select[Any]:
    """The shown endorsements claimed in this run, one nudge per endorser and endorsee."""
    r, endorser = ctx.recipients.c, aliased(Member)
    claimed = _endorsements(ctx, claimed=True, status=SHOWN)
    c = claimed.c
    first = func.min(c.id)
    return (
        select(
            *ctx.item(
                ENDORSED,
                occurrence=key(ENDORSED, c.endorser_id, first),
                subject_id=c.endorser_id,
                ref_id=first,
            )
        )
        .select_from(claimed)
        .join(ctx.recipients, r.member_id == c.endorsee_id)
        .join(endorser, endorser.id == c.endorser_id)
        .where(endorser.active)
        .group_by(r.member_id, c.endorser_id, r.local_date, r.deliver_after, r.expires_at)
    )


ENDORSEMENTS_SOURCE = Source(endorsements, prepare=claim)


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
                e.team_id == ref.team_id,
                e.endorser_id == ref.endorser_id,
                e.endorsee_id == ref.endorsee_id,
                e.notified_at == ref.notified_at,  # claimed together
                e.status == SHOWN,  # (one hidden since is not told any more)
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
    for group in kinds.gathered(items):  # one endorser's, told on different days: one line
        endorser = people.get(group[0].subject_id or 0)
        told = {n.id: skills.get((n.ref_id or 0, n.recipient_id), []) for n in group}
        labels = list(dict.fromkeys(label for each in told.values() for label in each))
        line = None
        if endorser is not None and endorser.active and labels:
            line = kinds.Line(_endorsed(endorser.user_id, labels), VOUCH, endorser.user_id)
        out.update({item_id: line if each else None for item_id, each in told.items()})  # none left: dropped
    return out


def _endorsed(endorser_user_id: str, labels: list[str]) -> str:
    """How a digest says who vouched for the recipient: "<@ana> endorsed you for *Python*,
    *Terraform* and *Go*." (a few skills, then how many more)."""
    named = [f"*{escape(label)}*" for label in labels[:SKILLS]]
    skills = listed(named, more=len(labels) - len(named))
    return f"{mention(endorser_user_id)} endorsed you for {skills}. :raised_hands:"


ENDORSEMENTS = Kind(ENDORSED, kinds.FOR_YOU, _describe, news=True)


def held(ctx: PlanContext) -> Select[Any]:
    """The held endorsements claimed in this run (by `ENDORSEMENTS_SOURCE`'s claim, which runs
    first): one nudge each, for its endorsee alone."""
    r, endorser = ctx.recipients.c, aliased(Member)
    claimed = _endorsements(ctx, claimed=True, status=HELD)
    c = claimed.c
    return (
        select(
            *ctx.item(
                HELD_ENDORSEMENT,
                occurrence=key(HELD_ENDORSEMENT, c.id),
                subject_id=c.endorser_id,
                ref_id=c.id,
            )
        )
        .select_from(claimed)
        .join(ctx.recipients, r.member_id == c.endorsee_id)
        .join(endorser, endorser.id == c.endorser_id)
        .where(endorser.active)
    )


def _describe_held(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    """Accept and Hide while the endorsement waits; afterwards, what the recipient chose (an item
    not sent yet whose endorsement was settled meanwhile is dropped)."""
    ids = [n.ref_id for n in items if n.ref_id is not None]
    found = session.execute(
        select(Endorsement.id, Endorsement.endorsee_id, Endorsement.status, Skill.label)
        .join(Skill, Skill.id == Endorsement.skill_id)
        .where(Endorsement.team_id == team_id, Endorsement.id.in_(ids))
    ).all()
    by_id = {row.id: row for row in found}
    people = kinds.members(session, team_id, (n.subject_id for n in items))
    out: dict[int, kinds.Line | None] = {}
    for n in items:
        row = by_id.get(n.ref_id or 0)
        endorser = people.get(n.subject_id or 0)
        if row is None or endorser is None or row.endorsee_id != n.recipient_id:
            out[n.id] = None
        elif row.status == HELD:
            text = render.held_text(endorser.user_id, row.label)
            blocks = render.held_item(row.id, endorser.user_id, row.label)
            out[n.id] = (
                kinds.Line(text, subject_user_id=endorser.user_id, blocks=blocks) if endorser.active else None
            )
        elif n.status == PENDING:
            out[n.id] = None
        else:
            out[n.id] = kinds.Line(render.decided_line(row.status, endorser.user_id, row.label))
    return out


HELD_ENDORSEMENTS = Kind(HELD_ENDORSEMENT, kinds.FOR_YOU, _describe_held, offers=())
