"""Where celebrations go: the workspace setting, else `RAPPORT_CELEBRATIONS_CHANNEL` (a name or an id).

Resolving a name pages through `conversations.list`; an id is checked with `conversations.info`.
Rapport joins a public channel itself (`conversations.join`); a private one needs an invite,
which only a member can give, so the answer explains how. The resolved id is kept per
workspace so the request path needs no Slack call; it is resolved again when the setting
changes or a post finds the channel gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.models import Workspace
from bot.models.celebrations import CelebrationChannel
from bot.platform.config import Settings
from bot.platform.db import Database

_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_MENTION = re.compile(r"^<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>$")
INVITE = "open the channel and type `/invite @Rapport`"
CHOOSE = "An admin can choose the channel in `/rapport settings`."
# Posting errors that mean "look the channel up again" rather than "try the same again later".
GONE = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "method_not_supported_for_channel_type"}
)


@dataclass(frozen=True)
class Resolution:
    channel_id: str | None
    name: str = ""
    problem: str | None = None  # what to tell a person when there is no channel to post in

    @property
    def ok(self) -> bool:
        return self.channel_id is not None


def normalise(value: str | None) -> str | None:
    """A channel as people write it: `#celebrations`, `celebrations`, `C0123`, or a `<#C0123|x>` link."""
    value = (value or "").strip()
    if match := _MENTION.match(value):
        return match.group(1)
    value = value.lstrip("#").strip()
    return value if _ID.match(value) else value.lower() or None


def wanted(workspace: Workspace | None, settings: Settings) -> str | None:
    """The channel asked for: the workspace's own setting wins over the environment's."""
    return normalise(workspace.celebrations_channel if workspace else None) or normalise(
        settings.celebrations_channel
    )


def cached(session: Session, team_id: str, want: str | None) -> Resolution | None:
    """The channel last resolved for `want`, without asking Slack (None: resolve it first)."""
    if want is None:
        return None
    row = session.get(CelebrationChannel, team_id)
    return Resolution(row.channel_id, row.name) if row is not None and row.wanted == want else None


def find(db: Database, client: WebClient, settings: Settings, team_id: str, now: datetime) -> Resolution:
    """The workspace's celebrations channel, resolved (and remembered) when not known yet."""
    with db.read() as session:
        want = wanted(session.get(Workspace, team_id), settings)
        hit = cached(session, team_id, want)
    if hit is not None:
        return hit
    found = resolve(client, want)
    if want is not None:
        with db.write() as session:
            remember(session, team_id, want, found, now)
    return found


def remember(session: Session, team_id: str, want: str, found: Resolution, now: datetime) -> None:
    row = session.get(CelebrationChannel, team_id)
    if not found.ok:
        if row is not None:
            session.delete(row)
        return
    assert found.channel_id is not None
    if row is None:
        row = CelebrationChannel(team_id=team_id)
        session.add(row)
    row.wanted, row.channel_id, row.name, row.checked_at = want, found.channel_id, found.name[:80], now


def forget(session: Session, team_id: str) -> None:
    """The channel stopped working (archived, the bot was removed): resolve it again next time."""
    row = session.get(CelebrationChannel, team_id)
    if row is not None:
        session.delete(row)


def resolve(client: WebClient, want: str | None) -> Resolution:
    """Find the channel and make sure Rapport can post in it (joining a public one)."""
    if want is None:
        return Resolution(None, problem=f"No celebrations channel is set yet. {CHOOSE}")
    if _ID.match(want):
        try:
            channel = client.conversations_info(channel=want)["channel"]
        except SlackApiError as e:
            if _error(e) in ("channel_not_found", "not_in_channel"):
                return Resolution(
                    None,
                    problem=(
                        f"I can't see the celebrations channel <#{want}>. If it is private, {INVITE}. "
                        f"{CHOOSE}"
                    ),
                )
            raise
    else:
        found = _by_name(client, want)
        if found is None:
            return Resolution(
                None,
                name=want,
                problem=(
                    f"I can't find a channel named #{want}. If it is private, {INVITE}; "
                    f"otherwise check its name. {CHOOSE}"
                ),
            )
        channel = found
    return _ensure_member(client, channel)


def _by_name(client: WebClient, name: str) -> dict[str, object] | None:
    cursor: str | None = None
    while True:
        page = client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=1000, cursor=cursor
        )
        for channel in page.get("channels") or []:
            if name in (channel.get("name"), channel.get("name_normalized")):
                return dict(channel)
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None


def _ensure_member(client: WebClient, channel: dict[str, object]) -> Resolution:
    channel_id, name = str(channel["id"]), str(channel.get("name") or "")
    label = f"#{name}" if name else f"<#{channel_id}>"
    if channel.get("is_archived"):
        return Resolution(None, name, f"The celebrations channel {label} is archived. {CHOOSE}")
    if channel.get("is_member"):
        return Resolution(channel_id, name)
    if channel.get("is_private"):
        return Resolution(None, name, f"I'm not in the private channel {label} yet: {INVITE}.")
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as e:
        if _error(e) in GONE:
            return Resolution(None, name, f"I couldn't join {label}: {INVITE}.")
        raise
    return Resolution(channel_id, name)


def _error(e: SlackApiError) -> str:
    return str(e.response.get("error") or "")
