"""What a person's Home tab shows them: what is due, what they logged, give and take, their network.

All of it is the person's own. The log part comes from one query over their past year, since
the tab is redrawn after every change they make.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Member
from bot.models.relationships import GAVE, GOT, Interaction, InteractionParticipant
from bot.relationships import agenda
from bot.relationships.due import DueItem
from bot.relationships.interactions import Entry

RECENT = 5
BALANCES = 8
BALANCE_DAYS = 365
NETWORK_DAYS = 90


@dataclass(frozen=True)
class Balance:
    """Help given and received with one person over the past year (logs tagged #gave / #got)."""

    person: Member
    gave: int
    got: int


@dataclass(frozen=True)
class Overview:
    """The author's past year of logs, summed up."""

    recent: list[Entry] = field(default_factory=list)
    balances: list[Balance] = field(default_factory=list)
    network: list[tuple[str, int]] = field(default_factory=list)  # (title, people) over NETWORK_DAYS


@dataclass(frozen=True)
class Home:
    """Everything on one person's Home tab; all of it is theirs alone."""

    today: date
    author: Member | None = None
    due: list[DueItem] = field(default_factory=list)  # due today or earlier
    upcoming: int = 0  # open follow-ups due later
    overview: Overview = field(default_factory=Overview)


def overview(session: Session, team_id: str, author_id: int, now: datetime) -> Overview:
    """Recent logs, give-and-take balances and the network by title, from one query."""
    rows = session.execute(
        select(Interaction, Member)
        .join(InteractionParticipant, InteractionParticipant.interaction_id == Interaction.id)
        .join(Member, Member.id == InteractionParticipant.member_id)
        .where(
            InteractionParticipant.team_id == team_id,
            InteractionParticipant.author_id == author_id,
            InteractionParticipant.occurred_at >= now - timedelta(days=BALANCE_DAYS),
        )
        .order_by(InteractionParticipant.occurred_at.desc(), Interaction.id.desc(), Member.id)
    ).all()
    people: dict[int, list[Member]] = defaultdict(list)
    interactions: dict[int, Interaction] = {}
    gave: Counter[int] = Counter()
    got: Counter[int] = Counter()
    members: dict[int, Member] = {}
    titles: dict[int, str] = {}
    for interaction, member in rows:
        interactions.setdefault(interaction.id, interaction)
        people[interaction.id].append(member)
        if not member.active:
            continue
        members[member.id] = member
        gave[member.id] += interaction.give_take == GAVE
        got[member.id] += interaction.give_take == GOT
        if interaction.occurred_at >= now - timedelta(days=NETWORK_DAYS):
            titles[member.id] = member.title or "No title"
    recent = [Entry.of(i, people[i.id]) for i in list(interactions.values())[:RECENT]]
    balances = [Balance(members[m], gave[m], got[m]) for m in members if gave[m] or got[m]]
    balances.sort(key=lambda b: (-abs(b.gave - b.got), -(b.gave + b.got), b.person.label))
    network = sorted(Counter(titles.values()).items(), key=lambda tc: (-tc[1], tc[0]))
    return Overview(recent=recent, balances=balances[:BALANCES], network=network)


def home_for(session: Session, team_id: str, user_id: str, now: datetime) -> Home:
    todo = agenda.for_author(session, team_id, user_id, now)
    if todo.author is None:
        return Home(today=todo.today)
    due = [i for i in todo.items if i.due_on <= todo.today]
    return Home(
        today=todo.today,
        author=todo.author,
        due=due,
        upcoming=len(todo.items) - len(due),
        overview=overview(session, team_id, todo.author.id, now),
    )
