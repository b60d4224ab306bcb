"""Celebration choices in `/rapport settings`: each person's consent, and the admins' channel.

Consent is read again whenever a post or a nudge is built, so a change applies at once, to posts
already planned too. The celebrations channel is a workspace setting only admins and owners may
change (Slack's `users.info` says who they are); it wins over `RAPPORT_CELEBRATIONS_CHANNEL`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot import blocks, celebration_channel, outbox, preferences
from bot.blocks import Block
from bot.celebrations import KIND as POST_KIND
from bot.db import Database
from bot.kudos_posts import KIND as KUDOS_KIND
from bot.models import Member, Workspace
from bot.models.outbox import Outbox
from bot.preferences import Section, Values

CONSENT = "celebration_consent"
CHANGE_CHANNEL = "celebration_channel_change"  # the button's action_id
CHANNEL_CALLBACK = "celebration_channel"  # the pushed modal's callback_id
CHANNEL_BLOCK = "channel"

# (member field, choice, what it means): checked means the person agrees.
CHOICES = (
    ("celebrate_publicly", "Celebrate me in public", "Birthday, work anniversary, promotions, kudos"),
    ("show_birthday", "Show my birthday", "Day and month only, never the year"),
    ("nudge_others_about_me", "Remind colleagues about me", "Your occasions in their daily DM"),
)


def _option(field: str, text: str, description: str) -> dict[str, Any]:
    return {
        "text": {"type": "plain_text", "text": text},
        "description": {"type": "plain_text", "text": description},
        "value": field,
    }


def consent_blocks(member: Member) -> list[Block]:
    options = [_option(*choice) for choice in CHOICES]
    chosen = [o for o in options if getattr(member, o["value"])]
    element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": options}
    if chosen:
        element["initial_options"] = chosen
    return [
        blocks.header("Celebrations"),
        {
            "type": "input",
            "block_id": CONSENT,
            "label": {"type": "plain_text", "text": "I agree to"},
            "element": element,
            "optional": True,
        },
        {
            "type": "actions",
            "block_id": "celebration_admin",
            "elements": [
                {
                    "type": "button",
                    "action_id": CHANGE_CHANNEL,
                    "text": {"type": "plain_text", "text": "Celebrations channel (admins)"},
                }
            ],
        },
    ]


def parse_consent(member: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    if CONSENT not in values:  # a modal opened before this section existed: change nothing
        return {}, {}
    picked = (values[CONSENT].get("value") or {}).get("selected_options") or []
    agreed = {o.get("value") for o in picked}
    return {field: field in agreed for field, _, _ in CHOICES}, {}


preferences.SECTIONS.append(Section("celebrations", consent_blocks, parse_consent))


# -- the workspace's channel (admins only) -----------------------------------------------------


def is_admin(client: WebClient, user_id: str) -> bool:
    user = client.users_info(user=user_id).get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def channel_modal(current: str | None) -> dict[str, Any]:
    select: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": "value",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if current:
        select["initial_conversation"] = current
    body = [
        {
            "type": "input",
            "block_id": CHANNEL_BLOCK,
            "label": {"type": "plain_text", "text": "Post celebrations in"},
            "element": select,
        },
        blocks.context("Rapport joins a public channel itself; invite it to a private one first."),
    ]
    return blocks.modal(
        "Celebrations channel",
        body,
        callback_id=CHANNEL_CALLBACK,
        submit={"type": "plain_text", "text": "Save"},
    )


def not_admin_modal() -> dict[str, Any]:
    return blocks.modal(
        "Celebrations channel",
        [blocks.mrkdwn("Only workspace admins and owners can change where celebrations are posted.")],
    )


def current_channel(session: Session, settings: Any, team_id: str) -> str | None:
    found = celebration_channel.cached(
        session, team_id, celebration_channel.wanted(session.get(Workspace, team_id), settings)
    )
    return found.channel_id if found else None


def choose_channel(
    db: Database, client: WebClient, team_id: str, user_id: str, channel_id: str, now: datetime
) -> str | None:
    """An admin picks the celebrations channel; returns what is wrong, or None when saved."""
    if not is_admin(client, user_id):
        return "Only workspace admins and owners can change the celebrations channel."
    want = celebration_channel.normalise(channel_id)
    if want is None:
        return "Pick a channel."
    found = celebration_channel.resolve(client, want)
    if not found.ok or found.channel_id is None:
        return (found.problem or "").replace(celebration_channel.CHOOSE, "").strip()
    with db.write() as session:
        workspace = session.get(Workspace, team_id)
        if workspace is None:
            return "Rapport does not know this workspace yet; try again in a minute."
        workspace.celebrations_channel = found.channel_id
        celebration_channel.remember(session, team_id, found.channel_id, found, now)
        # Posts already planned go to the new channel too.
        session.execute(
            update(Outbox)
            .where(
                Outbox.team_id == team_id,
                Outbox.kind.in_((POST_KIND, KUDOS_KIND)),
                Outbox.status == outbox.PENDING,
            )
            .values(channel=found.channel_id, updated_at=now)
        )
    return None
