"""The private relationship log: record an interaction, undo it, read one's history.

What an author logs (note, topics, who helped whom) is theirs alone: every read here is
scoped to one author, and nothing in this module logs a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from bot.directory.members import ensure_member, find_member, find_members, sort_mentioned
from bot.models import Member
from bot.models.relationships import TOPICS_LENGTH, FollowUp, Interaction, InteractionParticipant
from bot.platform.clock import local_date, local_zone
from bot.platform.mrkdwn import escape, escape_once, mention, mentions, unescape
from bot.platform.refusals import Refusal
from bot.platform.storage import insert_ignore_returning, request_key
from bot.relationships import cadences, followups
from bot.relationships.dates import LocalNow, future_date_problem
from bot.relationships.ids import Field
from bot.relationships.logtext import note_with_names, read_follow_up, read_log

NOTE_LIMIT = 3000  # what a Slack section (and the modal's note field) can hold
TOPICS_LIMIT = 20
MAX_PARTICIPANTS = 25

# /log's answer path runs these on every request: plain statements built once, since building
# statements and the ORM's unit of work would cost more than running them (bench/scenarios/log.py).
_INSERT_INTERACTION = insert(Interaction).returning(Interaction.id)
_INSERT_PARTICIPANTS = insert(InteractionParticipant)
_BY_REQUEST = select(Interaction.id).where(Interaction.request_key == bindparam("key"))


@dataclass
class Draft:
    """An interaction as the author described it, before it is checked and saved."""

    user_ids: list[str]
    note: str = ""
    topics: list[str] = field(default_factory=list)
    give_take: int | None = None
    occurred_on: date | None = None  # local date; None means now
    follow_up_on: date | None = None
    follow_up_with: list[str] = field(default_factory=list)  # Slack ids; none named: everyone
    link: str | None = None
    closes: str | None = None  # a due item ("f:12", "c:3") this log answers


@dataclass
class Logged:
    """What /log understood and did; `interaction_id` is None when nothing was recorded."""

    author: Member
    today: date  # the author's local date when it was logged
    interaction_id: int | None = None
    participants: list[Member] = field(default_factory=list)
    inactive: list[Member] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    note: str = ""
    topics: list[str] = field(default_factory=list)
    give_take: int | None = None
    occurred_at: datetime | None = None
    follow_up_on: date | None = None
    follow_up_with: list[Member] = field(default_factory=list)  # one follow-up each
    follow_up_said: str = ""  # the words the date was read from ("next week")
    follow_up_rule: str | None = None  # how they were read, when they could mean more
    follow_up_named: list[str] = field(default_factory=list)  # whom a follow-up with no date named
    closed: list[tuple[Member, date]] = field(default_factory=list)  # due follow-ups this talk closed
    follow_up_refused: Refusal | None = None  # the follow-up asked for and not set, and why
    refused: Refusal | None = None  # why nothing was recorded (its field: the form input it is about)
    remarks: list[str] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.interaction_id is not None

    @property
    def follow_up_about(self) -> Member | None:
        """The first person followed up with (one follow-up each: `follow_up_with`)."""
        return next(iter(self.follow_up_with), None)


@dataclass(frozen=True)
class Entry:
    """One interaction in an author's own timeline."""

    id: int
    occurred_at: datetime
    note: str
    topics: list[str]
    give_take: int | None
    link: str | None
    people: list[Member]  # everyone it was with

    @classmethod
    def of(cls, interaction: Interaction, people: list[Member]) -> Entry:
        i = interaction
        return cls(i.id, i.occurred_at, i.note, i.topics.split(), i.give_take, i.link, people)


@dataclass(frozen=True)
class HistoryPage:
    contact: Member
    entries: list[Entry]
    page: int
    has_more: bool


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------


def log_text(
    session: Session,
    team_id: str,
    author_user_id: str,
    text: str,
    now: datetime,
    *,
    request_id: str | None = None,
) -> Logged:
    """/log with text: understand it in the author's time zone and record it (or say why not)."""
    parsed = read_log(text)
    found = find_members(session, team_id, [author_user_id, *parsed.user_ids])
    author = found.get(author_user_id) or ensure_member(session, team_id, author_user_id, now)
    local = LocalNow.of(now, author.tz)
    draft = Draft(user_ids=parsed.user_ids, topics=parsed.topics, give_take=parsed.give_take)
    note = parsed.note
    follow_up_refused = None
    asked = read_follow_up(parsed, local)
    names = {uid: m.label for uid, m in found.items()}
    named: list[str] = []
    if asked is not None and asked.reading is None:
        # An intent with no readable date ("ping him", "after the holidays"): asked, never dropped.
        named = asked.about
        follow_up_refused = Refusal(
            (
                f"I couldn't read a follow-up date in “{_quoted(asked.phrase, names)}”."
                if asked.phrase
                else f"You asked for a follow-up (“{_quoted(asked.said, names)}”) but didn't say when."
            )
            + " Pick a date here, or write it like `follow up in 2 weeks`, `on Friday`, `2026-12-01`."
        )
    elif asked is not None and asked.reading is not None:
        problem = future_date_problem(asked.reading.day, local.today)
        if problem:
            named = asked.about
            follow_up_refused = Refusal(problem + " Pick a date here to set it.")
        else:
            note = asked.note  # the words that carried the follow-up are said by the answer instead
            draft.follow_up_on = asked.reading.day
            draft.follow_up_with = asked.about
    # Slack's text is escaped (`R&amp;D`); a note keeps what was typed, as the form's notes do.
    draft.note = unescape(note_with_names(note, names))
    logged = record(session, team_id, author, draft, now, known=found, request_id=request_id)
    if logged.saved and follow_up_refused:
        logged.follow_up_refused = follow_up_refused
        logged.follow_up_named = [uid for uid in named if uid in {m.user_id for m in logged.participants}]
    if logged.follow_up_on is not None and asked is not None and asked.reading is not None:
        logged.follow_up_said, logged.follow_up_rule = asked.phrase, asked.reading.rule
    if parsed.mixed_give_take:
        logged.remarks.append("You tagged both #gave and #got, so I didn't mark who helped whom.")
    return logged


def _quoted(words: str, names: dict[str, str]) -> str:
    """Words of the person's own line, quoted back: mentions as @names, Slack's escaping kept once."""
    return escape_once(note_with_names(words, names))


def log_form(
    session: Session,
    team_id: str,
    author_user_id: str,
    draft: Draft,
    now: datetime,
    *,
    request_id: str | None = None,
) -> Logged:
    """The log form (or "Log it") submitted: record it, and close the item it answers."""
    author = ensure_member(session, team_id, author_user_id, now)
    draft.topics = [t for t in draft.topics if t]
    logged = record(session, team_id, author, draft, now, request_id=request_id)
    if logged.refused and logged.refused.field == Field.PEOPLE and not (logged.unknown or logged.inactive):
        logged.refused = Refusal("Who was it with? Pick at least one colleague.", field=Field.PEOPLE)
    if logged.saved and draft.closes and draft.closes.startswith(f"{followups.FOLLOW_UP}:"):
        number = draft.closes.partition(":")[2]
        if number.isdigit():
            followups.mark_done(session, team_id, author.id, int(number), now)
    return logged


def record(
    session: Session,
    team_id: str,
    author: Member,
    draft: Draft,
    now: datetime,
    *,
    known: dict[str, Member] | None = None,
    request_id: str | None = None,
) -> Logged:
    """Check a draft and save it: the interaction, its people, its follow-up, their cadences.
    A request (Slack's trigger id) records once: sent again, it answers as it did the first time."""
    local = LocalNow.of(now, author.tz)
    logged = Logged(author=author, today=local.today, topics=draft.topics, give_take=draft.give_take)
    ids = [uid for uid in dict.fromkeys(draft.user_ids) if uid != author.user_id]
    found = dict(known or {})
    missing = [uid for uid in ids if uid not in found]
    found.update(find_members(session, team_id, missing) if missing else {})
    mentioned = sort_mentioned(ids, found)
    logged.participants, logged.inactive, logged.unknown = (
        mentioned.active,
        mentioned.inactive,
        mentioned.unknown,
    )
    if not logged.participants:
        logged.refused = Refusal(
            "Who was it with? Mention at least one colleague, like `@alice`."
            if not (logged.unknown or logged.inactive)
            else "None of the people mentioned can be logged, so nothing was recorded.",
            field=Field.PEOPLE,
        )
        return logged
    if len(logged.participants) > MAX_PARTICIPANTS:
        logged.refused = Refusal(f"That's more than {MAX_PARTICIPANTS} people.", field=Field.PEOPLE)
        return logged
    note = draft.note.strip()
    if len(note) > NOTE_LIMIT:
        logged.refused = Refusal(
            f"That note is {len(note):,} characters; Rapport keeps notes up to {NOTE_LIMIT:,}. "
            "Nothing was recorded: please shorten it and log again.",
            field=Field.NOTE,
        )
        return logged
    if len(draft.topics) > TOPICS_LIMIT:
        logged.refused = Refusal(f"Up to {TOPICS_LIMIT} topics, please.", field=Field.TOPICS)
        return logged
    topics = " ".join(draft.topics)
    if len(topics) > TOPICS_LENGTH:
        logged.refused = Refusal(
            f"Those topics take {len(topics):,} characters and {TOPICS_LENGTH} fit: "
            "use fewer or shorter ones. Nothing was recorded.",
            field=Field.TOPICS,
        )
        return logged
    occurred_at = _occurred_at(draft.occurred_on, now, author.tz, local.today)
    if occurred_at is None:
        logged.refused = Refusal("That day hasn't happened yet.", field=Field.WHEN)
        return logged
    if draft.follow_up_on is not None:
        problem = future_date_problem(draft.follow_up_on, local.today)
        if problem:
            logged.refused = Refusal(problem, field=Field.FOLLOW_UP)
            return logged

    values = {
        "team_id": team_id,
        "author_id": author.id,
        "occurred_at": occurred_at,
        "created_at": now,
        "note": note,
        "topics": topics,
        "give_take": draft.give_take,
        "link": draft.link,
    }
    logged.note, logged.occurred_at = note, occurred_at
    if draft.follow_up_on is not None:
        # With each person it names ("ping @bob"), or with everyone it was with.
        named = set(draft.follow_up_with)
        logged.follow_up_on = draft.follow_up_on
        logged.follow_up_with = [m for m in logged.participants if m.user_id in named] or logged.participants
    connection = session.connection()
    if request_id is None:
        interaction_id = connection.execute(_INSERT_INTERACTION, values).scalar_one()
    else:
        key = request_key("log", team_id, author.user_id, request_id)
        interaction_id = insert_ignore_returning(
            session, Interaction, {**values, "request_key": key}, ["request_key"], "id"
        )
        if interaction_id is None:  # the same request again: it was recorded the first time
            logged.interaction_id = session.scalar(_BY_REQUEST, {"key": key})
            return logged
    member_ids = [m.id for m in logged.participants]
    connection.execute(
        _INSERT_PARTICIPANTS,
        [
            {
                "interaction_id": interaction_id,
                "member_id": mid,
                "team_id": team_id,
                "author_id": author.id,
                "occurred_at": occurred_at,
            }
            for mid in member_ids
        ],
    )
    # Talking with someone answers the follow-ups with them that are due (not one set just now).
    through = local_date(occurred_at, author.tz)
    closed = followups.close_due(session, team_id, author.id, member_ids, through, now)
    by_id = {m.id: m for m in logged.participants}
    logged.closed = [(by_id[about_id], due) for about_id, due in closed if about_id in by_id]
    if logged.follow_up_on is not None:
        followups.create_many(
            session,
            team_id,
            author.id,
            [m.id for m in logged.follow_up_with],
            logged.follow_up_on,
            now,
            interaction_id=interaction_id,
        )
    cadences.touch_many(session, team_id, author.id, member_ids, occurred_at)
    logged.interaction_id = interaction_id
    return logged


def _occurred_at(day: date | None, now: datetime, tz: str, today: date) -> datetime | None:
    """When it happened: now, or midday of an earlier local date; None for a future date."""
    if day is None or day == today:
        return now
    if day > today:
        return None
    return datetime.combine(day, time(12), local_zone(tz)).astimezone(now.tzinfo)


def follow_up_on(
    session: Session,
    team_id: str,
    author_user_id: str,
    interaction_id: int,
    due: date,
    now: datetime,
    *,
    named: list[str] | None = None,
) -> Logged | None:
    """Set or move the follow-up(s) of a log to a picked date (the picker under its answer).

    With whom: those it already has open, else those the log named ("ping @bob"), else everyone
    it was with. Returns the log as its answer now shows it (with why not, if the date will not
    do); None when the log is gone or someone else's.
    """
    owned = _owned(session, team_id, author_user_id, interaction_id)
    if owned is None:
        return None
    author, interaction = owned
    problem = future_date_problem(due, LocalNow.of(now, author.tz).today)
    if not problem:
        people = list(
            session.execute(
                select(Member.id, Member.user_id)
                .join(InteractionParticipant, InteractionParticipant.member_id == Member.id)
                .where(InteractionParticipant.interaction_id == interaction.id)
                .order_by(Member.id)
            )
        )
        open_ids = set(
            session.scalars(
                select(FollowUp.about_id).where(
                    FollowUp.interaction_id == interaction.id, FollowUp.done_at.is_(None)
                )
            )
        )
        chosen = [mid for mid, _ in people if mid in open_ids]
        chosen = chosen or [mid for mid, uid in people if uid in set(named or [])]
        for about_id in chosen or [mid for mid, _ in people]:
            followups.set_for(session, team_id, author.id, about_id, interaction.id, due, now)
    shown = load_logged(session, team_id, author_user_id, interaction_id, now)
    if shown is not None and problem:
        shown.follow_up_refused = Refusal(problem)
        shown.follow_up_named = list(named or [])
    return shown


def today_of(session: Session, team_id: str, user_id: str, now: datetime) -> date:
    """The author's local today (a form's default date), UTC's for someone Rapport does not know."""
    author = find_member(session, team_id, user_id)
    return LocalNow.of(now, author.tz if author else "UTC").today


def load_logged(
    session: Session, team_id: str, author_user_id: str, interaction_id: int, now: datetime
) -> Logged | None:
    """An interaction of the author's as the /log answer shows it (to redraw that answer)."""
    owned = _owned(session, team_id, author_user_id, interaction_id)
    if owned is None:
        return None
    author, interaction = owned
    (entry,) = _entries(session, team_id, [interaction])
    logged = Logged(
        author=author,
        interaction_id=interaction.id,
        participants=entry.people,
        note=entry.note,
        topics=entry.topics,
        give_take=entry.give_take,
        occurred_at=entry.occurred_at,
        today=LocalNow.of(now, author.tz).today,
    )
    open_ones = list(
        session.scalars(
            select(FollowUp)
            .where(FollowUp.interaction_id == interaction.id, FollowUp.done_at.is_(None))
            .order_by(FollowUp.about_id)
        )
    )
    if open_ones:
        by_id = {m.id: m for m in entry.people}
        logged.follow_up_on = open_ones[0].remind_on
        logged.follow_up_with = [by_id[f.about_id] for f in open_ones if f.about_id in by_id]
    return logged


def _owned(
    session: Session, team_id: str, author_user_id: str, interaction_id: int
) -> tuple[Member, Interaction] | None:
    """The author and their interaction; None when either is unknown or it is someone else's."""
    author = find_member(session, team_id, author_user_id)
    if author is None:
        return None
    interaction = session.scalar(
        select(Interaction).where(
            Interaction.id == interaction_id,
            Interaction.team_id == team_id,
            Interaction.author_id == author.id,
        )
    )
    return None if interaction is None else (author, interaction)


def undo(session: Session, team_id: str, author_user_id: str, interaction_id: int) -> int | None:
    """Delete the author's interaction with everything it created: how many follow-ups went with
    it, or None when there is none."""
    owned = _owned(session, team_id, author_user_id, interaction_id)
    if owned is None:
        return None
    author, interaction = owned
    contact_ids = list(
        session.scalars(
            select(InteractionParticipant.member_id).where(
                InteractionParticipant.interaction_id == interaction.id
            )
        )
    )
    # The due follow-ups this talk closed are open again: it did not happen after all.
    followups.reopen_closed_by(
        session, team_id, author.id, contact_ids, interaction.created_at, interaction.id
    )
    # Deleted explicitly rather than by ON DELETE CASCADE alone: the rows must go on any backend.
    gone = session.execute(delete(FollowUp).where(FollowUp.interaction_id == interaction.id))
    session.execute(
        delete(InteractionParticipant).where(InteractionParticipant.interaction_id == interaction.id)
    )
    session.execute(delete(Interaction).where(Interaction.id == interaction.id))
    cadences.recount(session, team_id, author, contact_ids, interaction.occurred_at)
    return int(getattr(gone, "rowcount", 0) or 0)


# --------------------------------------------------------------------------------------------
# Reading (always one author's own rows)
# --------------------------------------------------------------------------------------------


def _entries(session: Session, team_id: str, interactions: list[Interaction]) -> list[Entry]:
    if not interactions:
        return []
    with_people: dict[int, list[Member]] = defaultdict(list)
    rows = session.execute(
        select(InteractionParticipant.interaction_id, Member)
        .join(Member, Member.id == InteractionParticipant.member_id)
        .where(
            InteractionParticipant.team_id == team_id,
            InteractionParticipant.interaction_id.in_([i.id for i in interactions]),
        )
        .order_by(InteractionParticipant.interaction_id, Member.id)
    )
    for interaction_id, member in rows:
        with_people[interaction_id].append(member)
    return [Entry.of(i, with_people[i.id]) for i in interactions]


def history(
    session: Session, team_id: str, author_id: int, contact: Member, *, page: int = 0, per_page: int = 10
) -> HistoryPage:
    """The author's own timeline with `contact`, newest first."""
    page = max(page, 0)
    ids = list(
        session.scalars(
            select(InteractionParticipant.interaction_id)
            .where(
                InteractionParticipant.team_id == team_id,
                InteractionParticipant.author_id == author_id,
                InteractionParticipant.member_id == contact.id,
            )
            .order_by(InteractionParticipant.occurred_at.desc(), InteractionParticipant.interaction_id.desc())
            .offset(page * per_page)
            .limit(per_page + 1)
        )
    )
    shown = ids[:per_page]
    found = {
        i.id: i
        for i in session.scalars(
            select(Interaction).where(Interaction.team_id == team_id, Interaction.id.in_(shown))
        )
    }
    entries = _entries(session, team_id, [found[i] for i in shown if i in found])
    return HistoryPage(contact=contact, entries=entries, page=page, has_more=len(ids) > per_page)


@dataclass
class HistoryReply:
    """`/rapport history @who`: a page of the author's notes with someone, or why not."""

    author: Member | None
    today: date
    page: HistoryPage | None = None
    refused: Refusal | None = None


def history_for(
    session: Session, team_id: str, author_user_id: str, text: str, now: datetime
) -> HistoryReply:
    """The author's history with the first person mentioned in `text` (`/rapport history @alice`)."""
    user_ids = mentions(text)
    if not user_ids:
        author = find_member(session, team_id, author_user_id)
        reply = HistoryReply(author=author, today=LocalNow.of(now, author.tz if author else "UTC").today)
        reply.refused = Refusal("Whose history? Mention them, like `/rapport history @alice`.", usage=True)
        return reply
    return history_with(session, team_id, author_user_id, user_ids[0], now)


def history_with(
    session: Session, team_id: str, author_user_id: str, contact_user_id: str, now: datetime, *, page: int = 0
) -> HistoryReply:
    """One page of the author's history with one person (the command, or its Newer / Older buttons)."""
    author = find_member(session, team_id, author_user_id)
    reply = HistoryReply(author=author, today=LocalNow.of(now, author.tz if author else "UTC").today)
    contact = find_member(session, team_id, contact_user_id)
    if contact is None:
        # Escaped, as it was typed: a mention of someone Slack does not know reads badly.
        unknown = escape(mention(contact_user_id))
        reply.refused = Refusal(f"I don't know {unknown} in this workspace.", usage=True)
        return reply
    if author is None:
        reply.page = HistoryPage(contact=contact, entries=[], page=0, has_more=False)
        return reply
    reply.page = history(session, team_id, author.id, contact, page=page)
    return reply
