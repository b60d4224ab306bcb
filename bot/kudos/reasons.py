"""How a kudos reason reads wherever it is shown: the channel post, the receiver's daily DM and
`/whoknows`.

A reason is stored as the giver typed it (in Slack's markup, `mrkdwn.canonical`) and checked
each time it is shown, against the directory as it is then, so someone who opts out later stops
being pinged by posts rendered later. The rules are those of receivers:

- A person mentioned in a reason is pinged only while they may be celebrated in public
  (`celebrations.consent.celebrated`: active, not a bot, `celebrate_publicly`); anyone else is
  named without a ping: their name, or "someone" when the directory has none.
- In public (a post in a channel) someone who opted out of public celebrations is not named
  either: they read "someone", even after they left, since leaving takes back no choice. People
  who left without opting out keep their names (Slack still shows them in its own history) and
  so do bots (not people). A private place — the receiver's own digest — names everyone.
- Beyond the giver and the receivers (whom the post pings anyway), a reason pings at most
  `MAX_MENTIONS` people; everyone mentioned after them is named without a ping. Nobody is pinged
  twice by one reason.
- Broadcasts never reach a message; a link whose label names another host shows its real
  target; text is escaped exactly once (`R&amp;D` reads R&D). See `mrkdwn.user_text`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from sqlalchemy.orm import Session

from bot.celebrations.consent import celebrated
from bot.directory.members import find_members
from bot.models import Member
from bot.platform.mrkdwn import Person, mentions, user_text

MAX_MENTIONS = 5  # people a reason may ping beyond the giver and the receivers


def people(session: Session, team_id: str, reasons: Iterable[str], *, public: bool) -> dict[str, Person]:
    """The people these reasons mention, as they may be shown now (one query for all of them),
    in public (a channel) or in private (the receiver's digest)."""
    ids = [uid for reason in reasons for uid in mentions(reason)]
    found = find_members(session, team_id, ids)
    return {uid: Person(_name(m, public), celebrated(m)) for uid, m in found.items()}


def _name(member: Member, public: bool) -> str:
    if public and not member.celebrate_publicly:
        return ""  # shown as "someone"
    return member.display_name or member.real_name or member.name


def shown(
    reason: str, people: Mapping[str, Person], *, pinged: Collection[str] = (), limit: int | None = None
) -> str:
    """A stored reason as mrkdwn for a message that already pings `pinged` (giver, receivers)."""
    return user_text(reason, people, pinged=pinged, max_pings=MAX_MENTIONS, limit=limit)
