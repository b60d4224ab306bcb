"""Questions nobody could answer: what `/whoknows` was asked and found nobody for, counted per
workspace and month, so admins see what the workspace lacks ("questions nobody could answer
this month"). Only the topic is kept, as it was understood; never who asked, nor when exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.expertise.names import normalise, question
from bot.models import Member
from bot.models.expertise import UnansweredTopic
from bot.platform.storage import insert_ignore

MAX_TOPIC = 80
LISTED = 20  # topics an admin is shown, most asked first

_BUMP = (
    update(UnansweredTopic)
    .where(
        UnansweredTopic.team_id == bindparam("in_team"),
        UnansweredTopic.month == bindparam("in_month"),
        UnansweredTopic.topic == bindparam("about"),
    )
    .values(count=UnansweredTopic.count + 1)
)
_ADMIN = select(Member.is_admin).where(
    Member.team_id == bindparam("team_id"), Member.user_id == bindparam("user_id"), ~Member.deleted
)


def month_of(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def topic_of(topic: str, names: list[str]) -> str:
    """What is kept of a question: the names it was understood as, else its words."""
    kept = ", ".join(names) if names else normalise(question(topic))
    return kept[:MAX_TOPIC]


def record(session: Session, team_id: str, topic: str, now: datetime) -> None:
    """Count one more unanswered question about `topic` this month (an increment, safe to race)."""
    if not topic:
        return
    month = month_of(now)
    params = {"in_team": team_id, "in_month": month, "about": topic}
    conn = session.connection()
    if not conn.execute(_BUMP, params).rowcount:
        row = {"team_id": team_id, "month": month, "topic": topic, "count": 1}
        if not insert_ignore(session, UnansweredTopic, row, ["team_id", "month", "topic"]):
            conn.execute(_BUMP, params)  # another request created it first


@dataclass(frozen=True)
class Unanswered:
    month: datetime  # any moment of the month listed
    topics: list[tuple[str, int]]  # (topic, times asked), most asked first
    allowed: bool = True  # the viewer is an admin


def this_month(session: Session, team_id: str, viewer: str, now: datetime) -> Unanswered:
    """The month's unanswered topics, for an admin (as Slack said at the last directory sync)."""
    admin = session.execute(_ADMIN, {"team_id": team_id, "user_id": viewer}).scalar()
    if not admin:
        return Unanswered(now, [], allowed=False)
    rows = session.execute(
        select(UnansweredTopic.topic, UnansweredTopic.count)
        .where(UnansweredTopic.team_id == team_id, UnansweredTopic.month == month_of(now))
        .order_by(UnansweredTopic.count.desc(), UnansweredTopic.topic)
        .limit(LISTED)
    )
    return Unanswered(now, [(topic, count) for topic, count in rows])
