"""Celebration choices in `/rapport settings`: each person's consent, and the admins' workspace settings.

Consent is read again whenever a post or a nudge is built, so a change applies at once, to posts
already planned too. Work anniversaries and birthdays are opt-in (never choosing is not consent:
Rapport asks by DM, `bot.celebrations.consent`; sharing one's birthday is a yes); keeping a
birthday private, kudos and colleagues' reminders are opt-outs. The workspace settings
(channel, hour, time zone, promotion posts, the birthday and skills profile fields, learning
from public channels and which channels are read) only admins and owners see (as the last
directory sync stored them) and may change (Slack's `users.info` is asked again, so a stale or
forged click changes nothing); the channel chosen there wins over `RAPPORT_CELEBRATIONS_CHANNEL`.

Public channels belong to `bot.expertise`, a sibling this package may not import (ARCHITECTURE.md,
*The dependency rule*): the handler hands over what is needed of it as a `ChannelReading`.
Turning learning off deletes every piece of evidence channels gave, at once, and nothing more is
read (events check the switch); turning it back on goes on with the messages that come next.
A channel an admin lists is checked (`conversations.info`: public ones only), joined
(`conversations.join`, unless Rapport is in it already) and watched, so the `backfill-channels`
job reads its history; one unlisted is no longer read (Rapport stays in it, and what it showed
stays until it ages or learning is turned off). These calls run inside the save's ack, so a
save adds at most `NEW_PER_SAVE` channels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.celebrations import channel as celebration_channel
from bot.celebrations import render
from bot.celebrations.ids import AUTOMATIC_ZONE, LEARNING_ON, SHOWN_PREFIX, Input
from bot.celebrations.occasions import CELEBRATION_HOURS, celebration_hour
from bot.celebrations.occasions import workspace_tz as automatic_tz
from bot.delivery import outbox
from bot.directory import members, profile_fields
from bot.directory.settings import Section, Values, read_skills_field, selected
from bot.models import Member, Workspace
from bot.models.activity import BACKFILLING, WATCHING
from bot.models.outbox import Outbox
from bot.platform.blocks import (
    Payload,
    clip,
)
from bot.platform.clock import local_date, valid_tz
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


NEW_PER_SAVE = 3  # channels newly listed in one save: each costs `conversations.info` (and a join) in the ack
_CHANNEL_ID = re.compile(r"^C[A-Z0-9]{2,19}$")  # a channel id; public channels' start with C


class Watch(Protocol):
    """A channel Rapport reads and how far it is (`bot.expertise.channels.Progress`)."""

    @property
    def channel_id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def pages(self) -> int: ...
    @property
    def messages(self) -> int: ...
    @property
    def done_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class ChannelReading:
    """What the workspace settings need of `bot.expertise`'s public channels, handed over by
    the handler (this package may not import it): each takes the caller's unit of work."""

    progress: Callable[[Session, str], Sequence[Watch]]  # channels.progress
    joined: Callable[[Session, str, str, datetime], object]  # channels.joined: watch and backfill it
    left: Callable[[Session, str, str], object]  # channels.left: read nothing more of it
    forget: Callable[[Session, str], object]  # channel_evidence.forget_workspace, its sources bound


def is_admin(client: WebClient, user_id: str) -> bool:
    """Asked of Slack at the moment it matters (the stored flag may be an hour old)."""
    return members.is_admin(client.users_info(user=user_id).get("user") or {})


def _reading(watches: Sequence[Watch], tz: str | None) -> list[render.Reading]:
    return [
        render.Reading(
            w.channel_id,
            w.state,
            w.pages,
            w.messages,
            local_date(w.done_at, tz) if w.done_at is not None else None,
        )
        for w in watches
        if w.state in (BACKFILLING, WATCHING)
    ]


def workspace_choices(
    session: Session,
    settings: Settings,
    team_id: str,
    *,
    channels: ChannelReading,
    now: datetime,
    viewer: str | None = None,
) -> render.WorkspaceChoices:
    """The workspace's settings as the admins' modal shows them; days said in `viewer`'s zone."""
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
    automatic = automatic_tz(session, team_id)
    admin = members.find_member(session, team_id, viewer) if viewer else None
    tz = (admin.tz if admin else None) or (workspace.tz if workspace else None) or automatic
    return render.WorkspaceChoices(
        channel_id=found.channel_id if found else None,
        hour=celebration_hour(workspace),
        tz=workspace.tz if workspace else None,
        automatic_tz=automatic,
        zones=list(zones),
        promotion_posts=workspace.promotion_posts if workspace else True,
        birthday_field=(workspace.birthday_field or "") if workspace else "",
        skills_field=(workspace.skills_field or "") if workspace else "",
        learn_from_channels=workspace.learn_from_channels is not False if workspace else True,
        reading=_reading(channels.progress(session, team_id), tz),
        today=local_date(now, tz),
    )


def workspace_view(
    db: Database,
    client: WebClient,
    settings: Settings,
    team_id: str,
    user_id: str,
    now: datetime,
    *,
    channels: ChannelReading,
) -> Payload:
    """What the admins' button opens: the workspace's settings, or (for others) why not."""
    if not is_admin(client, user_id):
        return render.not_admin_modal()
    with db.read() as session:
        choices = workspace_choices(session, settings, team_id, channels=channels, now=now, viewer=user_id)
        return render.workspace_modal(choices)


def _listed(values: Values) -> list[str] | None:
    """The channels listed to read, as submitted (None: the modal had no such input)."""
    if Input.READ_CHANNELS not in values:
        return None
    chosen = selected(values, Input.READ_CHANNELS).get("selected_conversations") or []
    return (
        list(dict.fromkeys(str(c) for c in chosen if isinstance(c, str))) if isinstance(chosen, list) else []
    )


def _shown(metadata: str | None, read: set[str]) -> set[str]:
    """The channels the submitted modal showed as read (all those read now, when it does not say)."""
    if metadata and metadata.startswith(SHOWN_PREFIX):
        return read & {c for c in metadata[len(SHOWN_PREFIX) :].split(",") if c}
    return read


def _public(client: WebClient, channel_id: str) -> tuple[bool, str | None]:
    """Whether a channel is public and Rapport may read it: (must Rapport join it, the problem)."""
    if not _CHANNEL_ID.match(channel_id):
        return False, "Rapport reads public channels only."
    where = f"<#{channel_id}>"
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as e:
        error = str(e.response.get("error") or "")
        if error in ("channel_not_found", "not_in_channel"):
            return False, f"I can't see {where}: Rapport reads public channels only."
        return False, f"Slack couldn't tell me about {where} ({error or 'error'}); try again."
    private = channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim")
    if private or not channel.get("is_channel"):
        return False, f"{where} is private: Rapport reads public channels only."
    if channel.get("is_archived"):
        return False, f"{where} is archived."
    return not channel.get("is_member"), None


def _join(client: WebClient, channel_id: str) -> str | None:
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as e:
        return f"I couldn't join <#{channel_id}> ({e.response.get('error') or 'error'})."
    return None


def save_workspace(
    db: Database,
    client: WebClient,
    team_id: str,
    user_id: str,
    values: Values,
    now: datetime,
    *,
    posts: Collection[str],
    channels: ChannelReading,
    shown: str | None = None,
) -> dict[str, str]:
    """An admin's workspace choices, checked (with Slack) and saved; errors by block id.

    `posts` are the outbox kinds posted in the celebrations channel: those still planned move too.
    `shown` is the modal's private_metadata: the channels it showed as read (`render.shown_metadata`).
    An input the submitted modal did not have (opened before it existed) changes nothing.
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
    skills_typed = str(selected(values, Input.SKILLS_FIELD).get("value") or "").strip()
    definitions: list[dict[str, Any]] = []
    if field or skills_typed:  # one team.profile.get for both fields
        definitions = (client.team_profile_get().get("profile") or {}).get("fields") or []
    if field and not profile_fields.find_fields(definitions, field).birthday:
        labels = ", ".join(str(d.get("label")) for d in definitions[:10]) or "none yet"
        errors[Input.BIRTHDAY_FIELD] = clip(f"No profile field is called that (fields: {labels}).", 150)
    skills_field, problem = read_skills_field(values, Input.SKILLS_FIELD, definitions)
    if problem:
        errors[Input.SKILLS_FIELD] = problem
    learning: bool | None = None
    if Input.LEARNING in values:
        ticked = selected(values, Input.LEARNING).get("selected_options") or []
        learning = any(isinstance(o, dict) and o.get("value") == LEARNING_ON for o in ticked)
    listed = _listed(values)
    with db.read() as session:
        read = {
            w.channel_id for w in channels.progress(session, team_id) if w.state in (BACKFILLING, WATCHING)
        }
    added = [c for c in listed or [] if c not in read]
    unlisted = _shown(shown, read) - set(listed or []) if listed is not None else set()
    to_join: list[str] = []
    if len(added) > NEW_PER_SAVE:
        errors[Input.READ_CHANNELS] = f"List up to {NEW_PER_SAVE} new channels at a time."
    else:
        for channel_id in added:  # (only new ones: Slack is asked while the admin waits)
            join, problem = _public(client, channel_id)
            if problem:
                errors.setdefault(Input.READ_CHANNELS, clip(problem, 150))
            elif join:
                to_join.append(channel_id)
    if errors:
        return errors
    for channel_id in to_join:
        if problem := _join(client, channel_id):
            return {Input.READ_CHANNELS: clip(problem, 150)}
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
        if Input.SKILLS_FIELD in values:
            workspace.skills_field = skills_field
        if learning is not None:
            was_learning = workspace.learn_from_channels is not False
            workspace.learn_from_channels = learning
            if was_learning and not learning:  # everything channels showed goes, at once
                channels.forget(session, team_id)
        for channel_id in added:
            channels.joined(session, team_id, channel_id, now)  # the backfill job reads it next
        for channel_id in sorted(unlisted):
            channels.left(session, team_id, channel_id)
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
