"""Kudos on their way to the celebrations channel: accepted in the request, posted right after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import celebration_channel, kudos
from bot.config import Settings
from bot.models import Workspace


@dataclass
class Accepted:
    given: kudos.Given
    channel: celebration_channel.Resolution | None  # None: not resolved yet (the post will)


def accept(
    session: Session,
    settings: Settings,
    team_id: str,
    user_id: str,
    text: str,
    now: datetime,
    *,
    request_id: str | None,
) -> Accepted:
    """The request's part (no Slack call): check and store the kudos; raises kudos.Refused."""
    given = kudos.give(session, team_id, user_id, text, now, request_id=request_id)
    want = celebration_channel.wanted(session.get(Workspace, team_id), settings)
    return Accepted(given, celebration_channel.cached(session, team_id, want))
