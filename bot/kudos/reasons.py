"""How a kudos reason reads wherever it is shown: the channel post, the receiver's daily DM and
`/whoknows`.

A reason is stored as the giver typed it (in Slack's markup, `mrkdwn.canonical`) and checked
each time it is shown, against the directory as it is then, so someone who opts out later stops
being pinged by posts rendered later. The rules are those of receivers:

- A person mentioned in a reason is pinged only while they may be celebrated in public (active,
  not a bot, `celebrate_publicly`); anyone else — opted out, deactivated, a bot, unknown — is
  named without a ping (their name, or "someone" when the directory has none).
- Beyond the giver and the receivers (whom the post pings anyway), a reason pings at most
  `MAX_MENTIONS` people; everyone mentioned after them is named without a ping. Nobody is pinged
  twice by one reason.
- Broadcasts never reach a message; a link whose label names another host shows its real
  target; text is escaped exactly once (`R&amp;D` reads R&D). See `mrkdwn.user_text`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from sqlalchemy.orm import Session

from bot.directory.members import find_members
from bot.models import Member
from bot.platform.mrkdwn import Person, mentions, user_text

MAX_MENTIONS = 5  # people a reason may ping beyond the giver and the receivers


def celebrated(member: Member) -> bool:
    """Whether a member may be pinged by a kudos (as receiver, or in its reason) when it is shown."""
    return member.active and member.celebrate_publicly


def people(session: Session, team_id: str, reasons: Iterable[str]) -> dict[str, Person]:
    """The people these reasons mention, as they may be shown now (one query for all of them)."""
    ids = [uid for reason in reasons for uid in mentions(reason)]
    found = find_members(session, team_id, ids)
    return {uid: Person(m.display_name or m.real_name or m.name, celebrated(m)) for uid, m in found.items()}


def shown(
    reason: str, people: Mapping[str, Person], *, pinged: Collection[str] = (), limit: int | None = None
) -> str:
    """A stored reason as mrkdwn for a message that already pings `pinged` (giver, receivers)."""
    return user_text(reason, people, pinged=pinged, max_pings=MAX_MENTIONS, limit=limit)
