"""Asking a person before Rapport celebrates them in public, and keeping their answer.

Before someone's first work anniversary in the celebrations channel, before their first
birthday there unless they shared it themselves (one from an admin's CSV or a profile field HR
fills is not theirs to have given), and before each promotion (a title is text anyone who edits
profiles may have typed), Rapport DMs them a question with **Yes, celebrate it** / **Not now**,
and posts only after a yes: no answer by the post's time is no. The answer stands: a yes to an
anniversary or a birthday covers the later ones too (it is kept on the member, `YEARLY`), a
"Not now" is never asked again (`/rapport settings` changes either); each promotion is asked
about once.

The question is planned by the celebrations job: a `CelebrationConsent` row (unique per
occasion) and its DM in the outbox (unique key `celebration_consent:<occasion>`), so however
many replicas plan and send, it goes out once, paced and retried like any DM, in the person's
working hours. Its text is drawn at send time; nothing is sent to someone who answered in the
meantime, left, or opted out. Only the person sees it, and nothing about a "Not now" is shown
to anyone.

Promotions in colleagues' digests (`bot.nudges.sources.occasions`) need the same yes; private
reminders of birthdays and anniversaries stay under "Don't remind colleagues about me" (and a
birthday kept private is in none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.celebrations import channel as celebration_channel
from bot.celebrations import render
from bot.celebrations.occasions import (
    ANNIVERSARY,
    BIRTHDAY,
    PROMOTION,
    PersonDates,
    birthday_on,
    celebration_hour,
    month_days,
    occasions_on,
    start_on,
    workspace_tz,
)
from bot.delivery import outbox
from bot.delivery.outbox import Claimed
from bot.delivery.sender import OutboxKind
from bot.directory import seniority
from bot.directory.members import recent_title_changes
from bot.directory.workdays import Workday
from bot.models import Member, TitleChange, Workspace
from bot.models.celebrations import CelebrationChannel, CelebrationConsent, CelebrationItem
from bot.models.outbox import Outbox
from bot.platform.blocks import Payload
from bot.platform.runtime import Runtime
from bot.platform.storage import insert_ignore

KIND = "celebration_consent"  # the outbox kind of the question's DM
YES, NO = "yes", "no"
# Yearly occasions are asked about once, before the first one posted; the answer is kept in this
# member field (None: never chosen) and stands for the later ones.
YEARLY = {ANNIVERSARY: "celebrate_anniversaries", BIRTHDAY: "celebrate_birthday"}
# Yearly occasions are asked about this many days before their post, so there is time to answer.
ASK_AHEAD_DAYS = 7
# Title changes older than this are not news any more, for the question, the daily post and
# colleagues' digests alike: a long weekend fits, and so does someone who works one day a week.
PROMOTION_LOOKBACK = timedelta(days=8)
# A question whose DM never reached the person does not count as asked.
_UNSENT = (outbox.EXPIRED, outbox.FAILED, outbox.SKIPPED)


def dm_key(occasion_key: str) -> str:
    return f"{KIND}:{occasion_key}"


def public(team_id: str) -> list[Any]:
    """Members who may be celebrated in public at all (and so may be asked), as SQL conditions:
    active (not deactivated, not a bot) and not opted out. `celebrated` is the same rule."""
    return [Member.team_id == team_id, Member.active, Member.celebrate_publicly.is_(True)]


def celebrated(member: Member) -> bool:
    """`public`, for a member already loaded: whether a post may show them (kudos too)."""
    return member.active and member.celebrate_publicly


# -- planning the questions --------------------------------------------------------------------


def plan_asks(rt: Runtime, team_id: str, now: datetime) -> int:
    """The celebrations job's part: ask whoever is due to be asked now; returns how many."""
    client = rt.clients.client(team_id)
    if client is None:
        return 0
    channel = celebration_channel.find(rt.db, client, rt.settings, team_id, now)
    with rt.db.write() as session:
        return ask(session, team_id, now, channel_ok=channel.ok)


def ask(session: Session, team_id: str, now: datetime, *, channel_ok: bool) -> int:
    """Plan the questions due now, each once, with its DM: promotions since the last one asked
    about, and (when there is a channel to post in) birthdays and work anniversaries coming up."""
    due = _promotions(session, team_id, now)
    if channel_ok:
        due += _yearly(session, team_id, now)
    asked = 0
    for member, row, deliver_after, expires_at in due:
        if not insert_ignore(session, CelebrationConsent, {**row, "asked_at": now}, ["occasion_key"]):
            continue  # another run asked already
        consent_id = session.scalar(
            select(CelebrationConsent.id).where(CelebrationConsent.occasion_key == row["occasion_key"])
        )
        asked += outbox.enqueue(
            session,
            team_id,
            key=dm_key(row["occasion_key"]),
            kind=KIND,
            channel=member.user_id,  # the DM with the person
            recipient_id=member.id,
            payload={"consent_id": consent_id},
            now=now,
            deliver_after=deliver_after,
            expires_at=expires_at,
        )
    return asked


def _reach(member: Member, now: datetime) -> datetime:
    """When a DM may reach the person: now in their working hours, else their next working morning."""
    workday = Workday.of(member)
    day = workday.delivery_day(now, paused_until=member.paused_until)
    return now if day is None else max(now, workday.delivery_at(day))


Due = tuple[Member, dict[str, Any], datetime, datetime]


def _promotions(session: Session, team_id: str, now: datetime) -> list[Due]:
    """Each person's net title change since the last one asked about (or announced), if it moved up."""
    changes = recent_title_changes(session, team_id, now - PROMOTION_LOOKBACK, now, *public(team_id))
    if not changes:
        return []
    ids = {c.member_id for c in changes}
    seen: dict[int, int] = {}
    for model in (CelebrationConsent, CelebrationItem):
        for member_id, last in session.execute(
            select(model.member_id, func.max(model.title_change_id))
            .where(model.team_id == team_id, model.kind == PROMOTION, model.member_id.in_(ids))
            .group_by(model.member_id)
        ):
            seen[member_id] = max(seen.get(member_id, 0), last or 0)
    chains: dict[int, list[Any]] = {}
    for change in changes:
        if change.id > seen.get(change.member_id, 0):
            chains.setdefault(change.member_id, []).append(change)
    people = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(set(chains))))}
    due: list[Due] = []
    for member_id, chain in chains.items():
        first, last, member = chain[0], chain[-1], people[member_id]
        # Only the net move counts: a reword, or a change undone, is not a promotion.
        if not seniority.is_promotion(first.old_title, last.new_title):
            continue
        row = {
            "team_id": team_id,
            "occasion_key": f"{PROMOTION}:{member_id}:{last.id}",
            "kind": PROMOTION,
            "member_id": member_id,
            "occasion": Workday.of(member).local_date(now),
            "title": last.new_title[:255],
            "old_title": first.old_title[:255],
            "title_change_id": last.id,
        }
        due.append((member, row, _reach(member, now), now + PROMOTION_LOOKBACK))
    return due


def _never_chose(member: Member) -> PersonDates:
    """The person's yearly occasions they never chose about (so may be asked about)."""
    month, dom = member.birthday_month, member.birthday_day
    undecided = member.celebrate_birthday is None and member.show_birthday
    return PersonDates(
        member.id,
        (month, dom) if month and dom and undecided else None,
        member.start_date if member.celebrate_anniversaries is None else None,
    )


def _yearly(session: Session, team_id: str, now: datetime) -> list[Due]:
    """People never asked whose birthday or work anniversary, never chosen about, is posted within
    ASK_AHEAD_DAYS, if the question can reach them before the post goes out."""
    workspace = session.get(Workspace, team_id)
    clock = Workday(tz=workspace_tz(session, team_id))
    hour = celebration_hour(workspace)
    today = clock.local_date(now)
    post_days = [day for n in range(ASK_AHEAD_DAYS + 1) if (day := today + timedelta(days=n)).weekday() < 5]
    pairs = set().union(*(month_days(day) for day in post_days))
    if not pairs:
        return []
    never_chose = or_(
        and_(Member.celebrate_anniversaries.is_(None), start_on(pairs)),
        and_(Member.celebrate_birthday.is_(None), Member.show_birthday.is_(True), birthday_on(pairs)),
    )
    people = list(session.scalars(select(Member).where(*public(team_id), never_chose).order_by(Member.id)))
    asked = _asked(session, team_id, [m.id for m in people])
    due: list[Due] = []
    for member in people:
        dates = [_never_chose(member)]
        for kind in YEARLY:
            if (kind, member.id) in asked:
                continue
            first = next(
                ((day, o) for day in post_days for o in occasions_on(day, dates) if o.kind == kind), None
            )
            if first is None:
                continue
            day, occasion = first
            post_at, reach = clock.at_hour(day, hour), _reach(member, now)
            if reach < post_at:  # else no answer could come in time: next year, then
                row = {
                    "team_id": team_id,
                    "occasion_key": occasion.key,
                    "kind": kind,
                    "member_id": member.id,
                    "occasion": occasion.day,
                    "post_day": day,
                    "years": occasion.years,
                }
                due.append((member, row, reach, post_at))
    return due


def _asked(session: Session, team_id: str, member_ids: list[int]) -> set[tuple[str, int]]:
    """(kind, member id) of the yearly occasions these people were asked about already (a question
    whose DM never went out aside)."""
    if not member_ids:
        return set()
    asked = session.execute(
        select(CelebrationConsent.kind, CelebrationConsent.member_id, CelebrationConsent.occasion_key).where(
            CelebrationConsent.team_id == team_id,
            CelebrationConsent.kind.in_(list(YEARLY)),
            CelebrationConsent.member_id.in_(member_ids),
        )
    ).all()
    if not asked:
        return set()
    unsent = set(
        session.scalars(
            select(Outbox.dedupe_key).where(
                Outbox.team_id == team_id,
                Outbox.dedupe_key.in_([dm_key(key) for _, _, key in asked]),
                Outbox.status.in_(_UNSENT),
            )
        )
    )
    return {(kind, member_id) for kind, member_id, key in asked if dm_key(key) not in unsent}


# -- what was agreed -----------------------------------------------------------------------------


def agreed_promotions(team_id: str, since: Any) -> Any:
    """A SELECT of the promotions their owners said yes to, changed after `since` and still their
    title: (consent id, member id, title, title change id)."""
    return (
        select(
            CelebrationConsent.id,
            CelebrationConsent.member_id,
            CelebrationConsent.title,
            CelebrationConsent.title_change_id,
        )
        .join(Member, Member.id == CelebrationConsent.member_id)
        .join(TitleChange, TitleChange.id == CelebrationConsent.title_change_id)
        .where(
            CelebrationConsent.team_id == team_id,
            CelebrationConsent.kind == PROMOTION,
            CelebrationConsent.answer == YES,
            TitleChange.changed_at > since,
            Member.title == CelebrationConsent.title,
        )
    )


def yes_to(session: Session, team_id: str, member_ids: set[int]) -> set[tuple[int, int | None]]:
    """(member id, title change id) of the promotions these people said yes to."""
    if not member_ids:
        return set()
    return {
        (member_id, change_id)
        for member_id, change_id in session.execute(
            select(CelebrationConsent.member_id, CelebrationConsent.title_change_id).where(
                CelebrationConsent.team_id == team_id,
                CelebrationConsent.kind == PROMOTION,
                CelebrationConsent.answer == YES,
                CelebrationConsent.member_id.in_(member_ids),
            )
        )
    }


# -- the DM and the answer -----------------------------------------------------------------------


def _ask_of(session: Session, consent: CelebrationConsent, member: Member, now: datetime) -> render.Ask:
    row = session.get(CelebrationChannel, consent.team_id)
    promotions_on = session.scalar(
        select(Workspace.promotion_posts).where(Workspace.team_id == consent.team_id)
    )
    # A promotion nobody may post (no channel, or the admins turned promotion posts off) is
    # asked about for colleagues' daily DMs only.
    posted = row is not None and (consent.kind != PROMOTION or promotions_on is not False)
    return render.Ask(
        consent.id,
        consent.kind,
        row.channel_id if row is not None and posted else None,
        title=consent.title,
        years=consent.years,
        occasion=consent.occasion,
        today=Workday.of(member).local_date(now),  # the day is said as the person says it
    )


def _still_to_ask(consent: CelebrationConsent | None, member: Member | None, team_id: str) -> bool:
    if consent is None or member is None or consent.team_id != team_id or consent.answer is not None:
        return False
    if not member.active or not member.celebrate_publicly:
        return False
    if consent.kind in YEARLY:
        # Moot once they chose (in /rapport settings, or by sharing their birthday), kept their
        # birthday private, or the date changed: it must still be theirs, on that post's day.
        undecided = occasions_on(consent.post_day, [_never_chose(member)]) if consent.post_day else []
        return any(o.key == consent.occasion_key for o in undecided)
    return member.title == consent.title  # a newer title is asked about on its own


def _render(
    session: Session, team_id: str, claimed: list[Claimed], now: datetime
) -> dict[int, Payload | None]:
    """The questions as they read at send time; None (not sent) when they became moot."""
    out: dict[int, Payload | None] = {}
    for c in claimed:
        consent = session.get(CelebrationConsent, int((c.payload or {}).get("consent_id") or 0))
        member = session.get(Member, consent.member_id) if consent is not None else None
        if consent is None or member is None or not _still_to_ask(consent, member, team_id):
            out[c.id] = None
            continue
        ask_view = _ask_of(session, consent, member, now)
        if consent.kind in YEARLY and ask_view.channel_id is None:
            out[c.id] = None  # nowhere to post it: nothing to ask
            continue
        out[c.id] = render.consent_dm(ask_view)
    return out


OUTBOX = OutboxKind(_render)


@dataclass(frozen=True)
class Answered:
    """What a click changed, and the DM to redraw (channel and ts; none when the click was not the
    person's own)."""

    channel: str | None = None
    ts: str | None = None
    message: Payload | None = None


def answer(
    session: Session,
    team_id: str,
    user_id: str,
    consent_id: str,
    yes: bool,
    now: datetime,
    *,
    shown_in: tuple[str | None, str | None] = (None, None),
) -> Answered:
    """A click on Yes / Not now: the first answer stands (a second click changes nothing); the
    answer about a birthday or an anniversary is kept for the later ones. `shown_in` is the
    message clicked, used when the outbox has no record of where the DM went."""
    if not (consent_id.isascii() and consent_id.isdigit()) or len(consent_id) > 12:
        return Answered()  # a button's value is the consent's id: anything else is not a click of ours
    consent = session.get(CelebrationConsent, int(consent_id))
    member = session.get(Member, consent.member_id) if consent is not None else None
    if consent is None or member is None or consent.team_id != team_id or member.user_id != user_id:
        return Answered()  # not theirs to answer
    first = session.execute(
        update(CelebrationConsent)
        .where(CelebrationConsent.id == consent.id, CelebrationConsent.answer.is_(None))
        .values(answer=YES if yes else NO, answered_at=now)
        .returning(CelebrationConsent.answer)
        .execution_options(synchronize_session=False)
    ).first()
    session.refresh(consent)
    if first is not None and consent.kind in YEARLY:
        setattr(member, YEARLY[consent.kind], yes)
    message = render.consent_answered(
        _ask_of(session, consent, member, now),
        consent.answer == YES,
        upcoming=_upcoming(session, consent, now),
        still_news=_still_news(session, consent, now),
    )
    row = outbox.find(session, team_id, dm_key(consent.occasion_key))
    channel, ts = shown_in
    if row is not None and row.sent_ts:
        channel, ts = row.sent_channel or row.channel, row.sent_ts
    return Answered(channel, ts, message)


def _upcoming(session: Session, consent: CelebrationConsent, now: datetime) -> bool:
    """Whether the birthday or anniversary asked about still has its post ahead."""
    if consent.post_day is None:
        return False
    clock = Workday(tz=workspace_tz(session, consent.team_id))
    hour = celebration_hour(session.get(Workspace, consent.team_id))
    return now < clock.at_hour(consent.post_day, hour)


def _still_news(session: Session, consent: CelebrationConsent, now: datetime) -> bool:
    changed_at = session.scalar(
        select(TitleChange.changed_at).where(TitleChange.id == consent.title_change_id)
    )
    return changed_at is not None and changed_at > now - PROMOTION_LOOKBACK
