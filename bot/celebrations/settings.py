"""Celebration choices in `/rapport settings`: each person's consent, and the admins' workspace settings.

Consent is read again whenever a post or a nudge is built, so a change applies at once, to posts
already planned too. The workspace settings (channel, hour, time zone, promotion posts, the
birthday profile field) only admins and owners may change (Slack's `users.info` says who they
are); the channel chosen there wins over `RAPPORT_CELEBRATIONS_CHANNEL`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.celebrations import channel as celebration_channel
from bot.celebrations.ids import Action, View
from bot.celebrations.occasions import celebration_hour
from bot.celebrations.occasions import workspace_tz as automatic_tz
from bot.delivery import outbox
from bot.directory import profile_fields
from bot.directory.settings import Section, Values, selected
from bot.models import Member, Workspace
from bot.models.outbox import Outbox
from bot.platform.blocks import (
    Block,
    Payload,
    button,
    clip,
    context,
    header,
    input_block,
    modal,
    mrkdwn,
    option,
)
from bot.platform.clock import valid_tz
from bot.platform.config import Settings
from bot.platform.db import Database

CONSENT = "celebration_consent"
CHANNEL, HOUR, ZONE, PROMOTIONS, BIRTHDAY_FIELD = "channel", "hour", "zone", "promotions", "birthday_field"
AUTOMATIC = "auto"
HOURS = range(6, 15)

# (member field, choice, what it means): checked means the person agrees.
CHOICES = (
    ("celebrate_publicly", "Celebrate me in public", "Birthday, work anniversary, promotions, kudos"),
    ("show_birthday", "Show my birthday", "Day and month only, never the year"),
    ("nudge_others_about_me", "Remind colleagues about me", "Your occasions in their daily DM"),
)


def consent_blocks(member: Member) -> list[Block]:
    options = [option(text, field, description=description) for field, text, description in CHOICES]
    chosen = [o for o in options if getattr(member, o["value"])]
    element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": options}
    if chosen:
        element["initial_options"] = chosen
    admins = button(Action.CHANGE_WORKSPACE, "Workspace celebrations (admins)")
    return [
        header("Celebrations"),
        input_block(CONSENT, "I agree to", element, optional=True),
        {"type": "actions", "block_id": "celebration_admin", "elements": [admins]},
    ]


def parse_consent(member: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    if CONSENT not in values:  # a modal opened before this section existed: change nothing
        return {}, {}
    agreed = {o.get("value") for o in selected(values, CONSENT).get("selected_options") or []}
    return {field: field in agreed for field, _, _ in CHOICES}, {}


CONSENT_SECTION = Section("celebrations", consent_blocks, parse_consent)


# -- the workspace's settings (admins only) ----------------------------------------------------


def is_admin(client: WebClient, user_id: str) -> bool:
    user = client.users_info(user=user_id).get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


@dataclass(frozen=True)
class WorkspaceChoices:
    """A workspace's celebration settings as the admins' modal shows them."""

    channel_id: str | None
    hour: int
    tz: str | None  # None: automatic (the most common zone among members)
    automatic_tz: str
    zones: list[str]  # the zones members are in, to choose from
    promotion_posts: bool
    birthday_field: str


def workspace_choices(session: Session, settings: Settings, team_id: str) -> WorkspaceChoices:
    workspace = session.get(Workspace, team_id)
    want = celebration_channel.wanted(workspace, settings)
    found = celebration_channel.cached(session, team_id, want)
    zones = session.scalars(
        select(Member.tz)
        .where(Member.team_id == team_id, Member.active)
        .distinct()
        .order_by(Member.tz)
        .limit(98)
    ).all()
    return WorkspaceChoices(
        channel_id=found.channel_id if found else None,
        hour=celebration_hour(workspace),
        tz=workspace.tz if workspace else None,
        automatic_tz=automatic_tz(session, team_id),
        zones=list(zones),
        promotion_posts=workspace.promotion_posts if workspace else True,
        birthday_field=(workspace.birthday_field or "") if workspace else "",
    )


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    return input_block(block_id, label, {"action_id": "value", **element}, optional=optional)


def workspace_modal(choices: WorkspaceChoices) -> Payload:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if choices.channel_id:
        channel["initial_conversation"] = choices.channel_id
    hours = [option(f"{h:02d}:00", str(h)) for h in HOURS]
    zones = [option(f"Automatic ({choices.automatic_tz}, most common here)", AUTOMATIC)]
    zones += [option(z, z) for z in sorted(set(choices.zones) | ({choices.tz} if choices.tz else set()))]
    promotions = option("Include promotions in the daily post", "on")
    birthday: dict[str, Any] = {"type": "plain_text_input", "max_length": 80}
    if choices.birthday_field:
        birthday["initial_value"] = choices.birthday_field
    body = [
        _input(CHANNEL, "Post celebrations in", channel),
        context("Rapport joins a public channel itself; invite it to a private one first."),
        _input(
            HOUR,
            "Daily post at",
            {
                "type": "static_select",
                "options": hours,
                "initial_option": next((o for o in hours if o["value"] == str(choices.hour)), hours[4]),
            },
        ),
        _input(
            ZONE,
            "In the time zone",
            {
                "type": "static_select",
                "options": zones,
                "initial_option": next((o for o in zones if o["value"] == choices.tz), zones[0]),
            },
        ),
        _input(
            PROMOTIONS,
            "Promotions",
            {
                "type": "checkboxes",
                "options": [promotions],
                **({"initial_options": [promotions]} if choices.promotion_posts else {}),
            },
            optional=True,
        ),
        _input(BIRTHDAY_FIELD, "Birthday profile field", birthday, optional=True),
        context("The label of a custom profile field holding birthdays (MM-DD), if you have one."),
    ]
    save = {"type": "plain_text", "text": "Save"}
    return modal("Workspace celebrations", body, callback_id=View.WORKSPACE, submit=save)


def not_admin_modal() -> Payload:
    return modal(
        "Workspace celebrations",
        [mrkdwn("Only workspace admins and owners can change where and when celebrations are posted.")],
    )


def workspace_view(
    db: Database, client: WebClient, settings: Settings, team_id: str, user_id: str
) -> Payload:
    """What the admins' button opens: the workspace's settings, or (for others) why not."""
    if not is_admin(client, user_id):
        return not_admin_modal()
    with db.read() as session:
        return workspace_modal(workspace_choices(session, settings, team_id))


def save_workspace(
    db: Database,
    client: WebClient,
    team_id: str,
    user_id: str,
    values: Values,
    now: datetime,
    *,
    posts: Collection[str],
) -> dict[str, str]:
    """An admin's workspace choices, checked (with Slack) and saved; errors by block id.

    `posts` are the outbox kinds posted in the celebrations channel: those still planned move too.
    """
    if not is_admin(client, user_id):
        return {CHANNEL: "Only workspace admins and owners can change these settings."}
    errors: dict[str, str] = {}
    want = celebration_channel.normalise(str(selected(values, CHANNEL).get("selected_conversation") or ""))
    found = celebration_channel.resolve(client, want)
    if found.channel_id is None:
        errors[CHANNEL] = (found.problem or "").replace(celebration_channel.CHOOSE, "").strip()[:150]
    try:
        hour = int((selected(values, HOUR).get("selected_option") or {}).get("value", ""))
    except ValueError:
        hour = -1
    if hour not in HOURS:
        errors[HOUR] = "Pick an hour."
    zone = (selected(values, ZONE).get("selected_option") or {}).get("value") or AUTOMATIC
    if zone != AUTOMATIC and valid_tz(zone) != zone:
        errors[ZONE] = "Pick a time zone from the list."
    promotions = bool(selected(values, PROMOTIONS).get("selected_options"))
    field = " ".join(str(selected(values, BIRTHDAY_FIELD).get("value") or "").split())[:80]
    if field:
        definitions = (client.team_profile_get().get("profile") or {}).get("fields") or []
        if not profile_fields.find_fields(definitions, field).birthday:
            labels = ", ".join(str(d.get("label")) for d in definitions[:10]) or "none yet"
            errors[BIRTHDAY_FIELD] = clip(f"No profile field is called that (fields: {labels}).", 150)
    if errors:
        return errors
    assert found.channel_id is not None
    with db.write() as session:
        workspace = session.get(Workspace, team_id)
        if workspace is None:
            return {CHANNEL: "Rapport does not know this workspace yet; try again in a minute."}
        workspace.celebrations_channel = found.channel_id
        workspace.celebration_hour = hour
        workspace.tz = None if zone == AUTOMATIC else zone
        workspace.promotion_posts = promotions
        workspace.birthday_field = field or None
        celebration_channel.remember(session, team_id, found.channel_id, found, now)
        # Posts already planned go to the new channel too.
        session.execute(
            update(Outbox)
            .where(
                Outbox.team_id == team_id,
                Outbox.kind.in_(list(posts)),
                Outbox.status == outbox.PENDING,
            )
            .values(channel=found.channel_id, updated_at=now)
        )
    return {}
