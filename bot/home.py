"""What a person's Home tab shows them: what is due, what they logged, give and take, their network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot import agenda, interactions
from bot.followups import DueItem
from bot.models import Member

NETWORK_DAYS = 90


@dataclass(frozen=True)
class Home:
    """Everything on one person's Home tab; all of it is theirs alone."""

    today: date
    author: Member | None = None
    due: list[DueItem] = field(default_factory=list)  # due today or earlier
    upcoming: int = 0  # open follow-ups due later
    recent: list[interactions.Entry] = field(default_factory=list)
    balances: list[interactions.Balance] = field(default_factory=list)
    network: list[tuple[str, int]] = field(default_factory=list)  # (title, people) over NETWORK_DAYS


def home_for(session: Session, team_id: str, user_id: str, now: datetime) -> Home:
    todo = agenda.for_author(session, team_id, user_id, now)
    if todo.author is None:
        return Home(today=todo.today)
    author_id = todo.author.id
    due = [i for i in todo.items if i.due_on <= todo.today]
    return Home(
        today=todo.today,
        author=todo.author,
        due=due,
        upcoming=len(todo.items) - len(due),
        recent=interactions.recent(session, team_id, author_id),
        balances=interactions.balances(session, team_id, author_id),
        network=interactions.network_by_title(session, team_id, author_id, now, days=NETWORK_DAYS),
    )
