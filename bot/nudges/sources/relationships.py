"""The relationship log in the digest: follow-ups, keep-in-touch cadences, and first talks.

Each goes to its author only, so a private note may appear in it. Follow-ups and cadences are
shown exactly as `/followups` shows them (`due_item`, with its Done, Snooze and Log it buttons)
and their buttons run the relationship log's own functions (`bot.nudges.acting`), which then
redraws the digests that carry the item. A follow-up is nudged on its author's first working
morning on or after its date (a Saturday one on Monday); left alone, it comes back at most
weekly and three times (`reminders_left`), then stays in `/followups` only. Two days after
someone first logs a talk with a person new to them, they get "follow up while it is fresh",
once, unless they set a follow-up with that person already or keep in touch with them (a live
cadence reminds them anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from bot.models import Member
from bot.models.outbox import Nudge
from bot.models.relationships import Cadence, FollowUp, Interaction, InteractionParticipant
from bot.nudges import kinds
from bot.nudges.kinds import Kind
from bot.nudges.planning import SHOWN, PlanContext, key, nudgeable, reminders_left
from bot.nudges.statuses import DONE, SNOOZED
from bot.platform.mrkdwn import mention
from bot.platform.storage import computed_first
from bot.relationships import cadences, followups, ids
from bot.relationships.due import CADENCE, DueItem, live_by_id
from bot.relationships.due import FOLLOW_UP as FOLLOW_UP_REF
from bot.relationships.render.due import due_item, headline, logged_line

FOLLOW_UP, KEEP_IN_TOUCH, FRESH = "follow_up", "keep_in_touch", "fresh_contact"
# "Follow up while it is fresh": from the second local day after the first talk, for a week.
FRESH_AFTER, FRESH_UNTIL = 2, 7
# The nudge kind that carries each kind of due item ("f:12", "c:3").
BY_REF = {FOLLOW_UP_REF: FOLLOW_UP, CADENCE: KEEP_IN_TOUCH}


def follow_ups(ctx: PlanContext) -> Select[Any]:
    """Open follow-ups due by each author's delivery day, about people one may be nudged about."""
    r, f, about = ctx.recipients.c, FollowUp, aliased(Member)
    remind_on = func.coalesce(f.snoozed_until, f.due_on)
    occurrence = key(FOLLOW_UP, f.id, remind_on, r.local_date)
    return (
        select(
            *ctx.item(
                FOLLOW_UP, occurrence=occurrence, subject_id=f.about_id, ref_id=f.id, occasion=remind_on
            )
        )
        .select_from(f)
        .join(ctx.recipients, r.member_id == f.author_id)
        .join(about, about.id == f.about_id)
        .where(
            f.team_id == ctx.team_id,
            f.done_at.is_(None),
            f.due_on <= ctx.last_day,
            remind_on <= r.local_date,
            *nudgeable(about, ctx.team_id),
            reminders_left(ctx, FOLLOW_UP, f.id, remind_on),
        )
    )


def keep_in_touch(ctx: PlanContext) -> Select[Any]:
    """Active cadences due by each author's delivery day."""
    r, c, contact = ctx.recipients.c, Cadence, aliased(Member)
    occurrence = key(KEEP_IN_TOUCH, c.id, c.next_due_on, r.local_date)
    return (
        select(
            *ctx.item(
                KEEP_IN_TOUCH,
                occurrence=occurrence,
                subject_id=c.contact_id,
                ref_id=c.id,
                occasion=c.next_due_on,
            )
        )
        .select_from(c)
        .join(ctx.recipients, r.member_id == c.author_id)
        .join(contact, contact.id == c.contact_id)
        .where(
            c.team_id == ctx.team_id,
            ~c.stopped,
            c.next_due_on <= ctx.last_day,
            c.next_due_on <= r.local_date,
            *nudgeable(contact, ctx.team_id),
            reminders_left(ctx, KEEP_IN_TOUCH, c.id, c.next_due_on),
        )
    )


def fresh_contacts(ctx: PlanContext) -> Select[Any]:
    """First talks with someone, logged FRESH_AFTER to FRESH_UNTIL local days before the delivery
    day, with no follow-up about that person and no such nudge about them before."""
    r, p = ctx.recipients.c, InteractionParticipant
    earlier, person, prior = aliased(InteractionParticipant), aliased(Member), aliased(Nudge)
    # The few first talks of the last days, found first (from the index by time), so that the
    # planner does not start from everyone's whole log.
    firsts = computed_first(
        select(p.author_id, p.member_id, p.interaction_id, p.occurred_at).where(
            p.team_id == ctx.team_id,
            p.occurred_at >= ctx.earliest_start(FRESH_UNTIL),
            ~select(earlier.interaction_id)
            .where(
                earlier.author_id == p.author_id,
                earlier.member_id == p.member_id,
                earlier.occurred_at < p.occurred_at,
            )
            .exists(),
        ),
        "first_talks",
    )
    f = firsts.c
    newest, oldest = ctx.day(FRESH_AFTER - 1), ctx.day(FRESH_UNTIL)
    followed = select(FollowUp.id).where(FollowUp.about_id == f.member_id, FollowUp.author_id == f.author_id)
    covered = select(Cadence.id).where(
        *_keeping_in_touch(ctx.team_id), Cadence.author_id == f.author_id, Cadence.contact_id == f.member_id
    )
    told = select(prior.id).where(
        prior.subject_id == f.member_id,
        prior.kind == FRESH,
        prior.team_id == ctx.team_id,
        prior.recipient_id == r.member_id,
        prior.status.in_(SHOWN),
    )
    occurrence = key(FRESH, f.member_id, r.local_date)
    return (
        select(*ctx.item(FRESH, occurrence=occurrence, subject_id=f.member_id, ref_id=f.interaction_id))
        .select_from(firsts)
        .join(ctx.recipients, r.member_id == f.author_id)
        .join(newest, newest.c.schedule_id == r.schedule_id)
        .join(oldest, oldest.c.schedule_id == r.schedule_id)
        .join(person, person.id == f.member_id)
        .where(
            f.occurred_at >= oldest.c.starts_at,
            f.occurred_at < newest.c.starts_at,
            person.id != r.member_id,
            *nudgeable(person, ctx.team_id),
            ~followed.exists(),
            ~covered.exists(),
            ~told.exists(),
        )
    )


def _keeping_in_touch(team_id: Any) -> list[Any]:
    """Live cadences: whom an author keeps in touch with is on their mind already (a cadence
    reminds them), so no "while it is fresh" (the unique (author, contact) index answers)."""
    return [Cadence.team_id == team_id, ~Cadence.stopped]


# -- how they read ---------------------------------------------------------------------------


def _describe_due(
    session: Session, team_id: str, items: Sequence[Nudge], found: dict[int, DueItem]
) -> dict[int, kinds.Line | None]:
    people = kinds.members(session, team_id, [n.subject_id for n in items] + [n.recipient_id for n in items])
    out: dict[int, kinds.Line | None] = {}
    for n in items:
        subject, recipient = people.get(n.subject_id or 0), people.get(n.recipient_id)
        item = found.get(n.ref_id or 0)
        if subject is None or recipient is None:
            out[n.id] = None
            continue
        letter = FOLLOW_UP_REF if n.kind == FOLLOW_UP else CADENCE
        title = headline(letter, subject.user_id)
        if n.status in (DONE, SNOOZED):
            out[n.id] = kinds.Line(title, subject_user_id=subject.user_id)
            continue
        # Still due that day, about someone one may be nudged about, and the recipient's own
        # (the item may carry a private note).
        if (
            item is None
            or item.author_id != n.recipient_id
            or item.due_on > n.local_date
            or not kinds.still_about(subject)
        ):
            out[n.id] = None
            continue
        blocks = tuple(due_item(item, n.local_date, recipient.tz))
        out[n.id] = kinds.Line(title, subject_user_id=subject.user_id, blocks=blocks)
    return out


def _describe_follow_ups(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    found = live_by_id(session, followups.DUE, team_id, [n.ref_id for n in items if n.ref_id is not None])
    return _describe_due(session, team_id, items, found)


def _describe_cadences(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    found = live_by_id(session, cadences.DUE, team_id, [n.ref_id for n in items if n.ref_id is not None])
    return _describe_due(session, team_id, items, found)


def _describe_fresh(
    session: Session, team_id: str, items: Sequence[Nudge], now: datetime
) -> dict[int, kinds.Line | None]:
    people = kinds.members(session, team_id, [n.subject_id for n in items] + [n.recipient_id for n in items])
    refs = [n.ref_id for n in items if n.ref_id is not None]
    talks = {
        i.id: i
        for i in session.scalars(
            select(Interaction).where(Interaction.team_id == team_id, Interaction.id.in_(refs))
        )
    }
    rows = session.execute(
        select(FollowUp.author_id, FollowUp.about_id).where(
            FollowUp.team_id == team_id,
            FollowUp.author_id.in_({n.recipient_id for n in items}),
            FollowUp.about_id.in_({n.subject_id for n in items}),
        )
    )
    kept = session.execute(
        select(Cadence.author_id, Cadence.contact_id).where(
            *_keeping_in_touch(team_id),
            Cadence.author_id.in_({n.recipient_id for n in items}),
            Cadence.contact_id.in_({n.subject_id for n in items}),
        )
    )
    # Moot once they set a follow-up with the person or started keeping in touch with them.
    followed = {(author_id, about_id) for author_id, about_id in [*rows, *kept]}
    out: dict[int, kinds.Line | None] = {}
    for n in items:
        subject, recipient, talk = (
            people.get(n.subject_id or 0),
            people.get(n.recipient_id),
            talks.get(n.ref_id or 0),
        )
        if subject is None or recipient is None or talk is None or talk.author_id != n.recipient_id:
            out[n.id] = None
            continue
        title = f"*Follow up with {mention(subject.user_id)} while it is fresh*"
        if n.status in (DONE, SNOOZED):
            out[n.id] = kinds.Line(title, subject_user_id=subject.user_id)
        elif not kinds.still_about(subject) or (n.recipient_id, subject.id) in followed:
            out[n.id] = None
        else:
            context = logged_line(talk.occurred_at, talk.note, talk.topics, n.local_date, recipient.tz)
            out[n.id] = kinds.Line(
                f":seedling: {title}",
                f"{context}\nYour first logged talk with them: a short note now keeps it going.",
                subject.user_id,
            )
    return out


FOLLOW_UPS = Kind(FOLLOW_UP, kinds.FOLLOW_UP, _describe_follow_ups)
FRESH_CONTACTS = Kind(FRESH, kinds.FOLLOW_UP, _describe_fresh, ids.OFFERS)
CADENCES = Kind(KEEP_IN_TOUCH, kinds.KEEP_IN_TOUCH, _describe_cadences)
