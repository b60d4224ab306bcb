"""Celebration choices in `/rapport settings`: each person's consent, and the admins' workspace settings.

Consent is read again whenever a post or a nudge is built, so a change applies at once, to posts
already planned too. Work anniversaries and birthdays are opt-in (never choosing is not consent:
Rapport asks by DM, `bot.celebrations.consent`; sharing one's birthday is a yes); keeping a
birthday private, kudos and colleagues' reminders are opt-outs. The workspace settings
(channel, hour, time zone, promotion posts, the birthday profile field) only admins and owners
see (as the last directory sync stored them) and may change (Slack's `users.info` is asked
again, so a stale or forged click changes nothing); the channel chosen there wins over
`RAPPORT_CELEBRATIONS_CHANNEL`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.celebrations import channel as celebration_channel
from bot.celebrations import render
from bot.celebrations.ids import AUTOMATIC_ZONE, Input
from bot.celebrations.occasions import CELEBRATION_HOURS, celebration_hour
from bot.celebrations.occasions import workspace_tz as automatic_tz
from bot.delivery import outbox
from bot.directory import members, profile_fields
from bot.directory.settings import Section, Values, selected
from bot.models import Member, Workspace
from bot.models.outbox import Outbox
from bot.platform.blocks import (
    Payload,
    clip,
)
from bot.platform.clock import valid_tz
from bot.platform.config import Settings
from bot.platform.db import Database


def parse_consent(member: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The person's choices: a ticked agreement is a yes; an unticked one is a no only when they
    had said yes before (never choosing stays never chosen: Rapport still asks by DM)."""
    if Input.CONSENT not in values or Input.PRIVACY not in values:
        return {}, {}  # a modal opened before this section was what it is: change nothing
    agreed = _ticked(values, Input.CONSENT)
    kept_out = _ticked(values, Input.PRIVACY)
    changes: dict[str, Any] = {}
    for field, _, _ in render.AGREE:
        changes[field] = True if field in agreed else (None if getattr(member, field) is None else False)
    for field, _, _ in render.KEEP_OUT:
        changes[field] = field not in kept_out
    return changes, {}


def _ticked(values: Values, block_id: str) -> set[str]:
    return {str(o.get("value")) for o in selected(values, block_id).get("selected_options") or []}


CONSENT_SECTION = Section("celebrations", render.consent_blocks, parse_consent)


# -- the workspace's settings (admins only) ----------------------------------------------------


def is_admin(client: WebClient, user_id: str) -> bool:
    """Asked of Slack at the moment it matters (the stored flag may be an hour old)."""
    return members.is_admin(client.users_info(user=user_id).get("user") or {})


def workspace_choices(session: Session, settings: Settings, team_id: str) -> render.WorkspaceChoices:
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
    return render.WorkspaceChoices(
        channel_id=found.channel_id if found else None,
        hour=celebration_hour(workspace),
        tz=workspace.tz if workspace else None,
        automatic_tz=automatic_tz(session, team_id),
        zones=list(zones),
        promotion_posts=workspace.promotion_posts if workspace else True,
        birthday_field=(workspace.birthday_field or "") if workspace else "",
    )


def workspace_view(
    db: Database, client: WebClient, settings: Settings, team_id: str, user_id: str
) -> Payload:
    """What the admins' button opens: the workspace's settings, or (for others) why not."""
    if not is_admin(client, user_id):
        return render.not_admin_modal()
    with db.read() as session:
        return render.workspace_modal(workspace_choices(session, settings, team_id))


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
        return {Input.CHANNEL: "Only workspace admins and owners can change these settings."}
    errors: dict[str, str] = {}
    want = celebration_channel.normalise(
        str(selected(values, Input.CHANNEL).get("selected_conversation") or "")
    )
    found = celebration_channel.resolve(client, want)
    if found.channel_id is None:
        errors[Input.CHANNEL] = (found.problem or "").replace(celebration_channel.CHOOSE, "").strip()[:150]
    try:
        hour = int((selected(values, Input.HOUR).get("selected_option") or {}).get("value", ""))
    except ValueError:
        hour = -1
    if hour not in CELEBRATION_HOURS:
        errors[Input.HOUR] = "Pick an hour."
    zone = (selected(values, Input.ZONE).get("selected_option") or {}).get("value") or AUTOMATIC_ZONE
    if zone != AUTOMATIC_ZONE and valid_tz(zone) != zone:
        errors[Input.ZONE] = "Pick a time zone from the list."
    promotions = bool(selected(values, Input.PROMOTIONS).get("selected_options"))
    field = " ".join(str(selected(values, Input.BIRTHDAY_FIELD).get("value") or "").split())[:80]
    if field:
        definitions = (client.team_profile_get().get("profile") or {}).get("fields") or []
        if not profile_fields.find_fields(definitions, field).birthday:
            labels = ", ".join(str(d.get("label")) for d in definitions[:10]) or "none yet"
            errors[Input.BIRTHDAY_FIELD] = clip(f"No profile field is called that (fields: {labels}).", 150)
    if errors:
        return errors
    assert found.channel_id is not None
    with db.write() as session:
        workspace = session.get(Workspace, team_id)
        if workspace is None:
            return {Input.CHANNEL: "Rapport does not know this workspace yet; try again in a minute."}
        workspace.celebrations_channel = found.channel_id
        workspace.celebration_hour = hour
        workspace.tz = None if zone == AUTOMATIC_ZONE else zone
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
