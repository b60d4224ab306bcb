"""Birthdays and start dates kept in Slack custom profile fields, read by the sync job.

Editing a custom profile field sends no event, and only `users.profile.get` returns the values
(one person per call), so the sync job reads a bounded number of people per run, in user-id
order, and carries on where it stopped: a big workspace is spread over several runs. The
birthday field is the one the workspace names in its `birthday_field` setting (a label or a
field id, as `team.profile.get` lists them); the start date is Slack's own field when the
workspace has one.

A birthday in a field people fill in themselves counts as shared by them, so as their yes to
celebrating it (`members.set_birthday`), even when Rapport had the same date already (from the
CSV, say, or from before migration 0011). A field Slack marks protected or SCIM-managed is filled
by the workspace (HR's system, an identity provider), not the person: its birthday is treated
like the CSV's, and the person is asked before it is posted. (An admin who edits someone else's
profile by hand cannot be told apart from the person; Slack says nothing of who typed a value.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.directory.members import birthday_shared, find_members, set_birthday
from bot.directory.personal_dates import Birthday, parse_birthday, parse_start_date
from bot.models import Member, Workspace
from bot.models.celebrations import ProfileSync
from bot.platform.db import Database

log = logging.getLogger(__name__)

PER_RUN = 300  # people read per run
# users.profile.get is Slack's tier 4 (100+ a minute): stay a little under it.
PAUSE = 0.6
START_DATE_LABELS = frozenset(
    {"start date", "start_date", "hire date", "date of hire", "joined", "joining date"}
)


@dataclass(frozen=True)
class Fields:
    """The custom field ids Rapport reads (None: the workspace has no such field)."""

    birthday: str | None = None
    start_date: str | None = None
    # The birthday field is filled by the workspace (protected, or SCIM-managed), not by each person.
    birthday_locked: bool = False

    def __bool__(self) -> bool:
        return bool(self.birthday or self.start_date)


def find_fields(definitions: Sequence[Mapping[str, Any]], birthday_field: str | None) -> Fields:
    """Which fields hold birthdays and start dates, from `team.profile.get`'s definitions."""
    wanted = (birthday_field or "").strip().casefold()
    birthday = start = None
    locked = False
    for spec in definitions:
        field_id = str(spec.get("id") or "")
        label = str(spec.get("label") or "").strip().casefold()
        if wanted and birthday is None and wanted in (field_id.casefold(), label):
            birthday = field_id
            options = spec.get("options")
            options = options if isinstance(options, Mapping) else {}
            locked = bool(options.get("is_protected") or options.get("is_scim"))
        if start is None and (spec.get("field_name") == "start_date" or label in START_DATE_LABELS):
            start = field_id
    return Fields(birthday, start, locked)


def read_birthday(value: str, today: date) -> Birthday | None:
    """A birthday as people type it in a profile: `03-14`, `1990-03-14`, `March 14`, `14 Mar`."""
    value = value.strip()
    if not value:
        return None
    try:
        return parse_birthday(value, today)
    except ValueError:
        pass
    if not any(c.isalpha() for c in value):
        return None  # `09/12` in a profile: nobody is there to say which way it was read
    try:
        return parse_birthday(value, today, typed=True)  # `March 14`, `14 Mar`, `the 14th of March`
    except ValueError:
        return None


def read_start_date(value: str, today: date) -> date | None:
    try:
        return parse_start_date(value, today) if value.strip() else None
    except ValueError:
        return None


def field_value(profile: Mapping[str, Any], field_id: str | None) -> str:
    fields = profile.get("fields") or {}
    entry = fields.get(field_id) if field_id and isinstance(fields, Mapping) else None
    return str(entry.get("value") or "") if isinstance(entry, Mapping) else ""


def apply_profile(member: Member, profile: Mapping[str, Any], fields: Fields, today: date) -> bool:
    """Take the dates a profile holds (an empty or unreadable field changes nothing); True if changed."""
    changed = False
    birthday = read_birthday(field_value(profile, fields.birthday), today) if fields.birthday else None
    shared = not fields.birthday_locked  # the person's own field: see the module's docstring
    if birthday is not None and (member.birthday_month, member.birthday_day) != (
        birthday.month,
        birthday.day,
    ):
        set_birthday(member, birthday, shared=shared)
        changed = True
    elif birthday is not None and shared:
        changed = birthday_shared(member) or changed
    start = read_start_date(field_value(profile, fields.start_date), today) if fields.start_date else None
    if start is not None and member.start_date != start:
        member.start_date = start
        changed = True
    return changed


@dataclass
class SyncReport:
    read: int = 0
    updated: int = 0
    round_done: bool = False

    def __str__(self) -> str:
        done = ", round complete" if self.round_done else ""
        return f"profiles: {self.read} read, {self.updated} updated{done}"


def sync_profiles(
    db: Database,
    client: WebClient,
    team_id: str,
    now: datetime,
    *,
    per_run: int = PER_RUN,
    pause: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncReport:
    """Read the next `per_run` people's custom fields, `pause` seconds apart (default PAUSE)."""
    pause = PAUSE if pause is None else pause
    report = SyncReport()
    with db.read() as session:
        workspace = session.get(Workspace, team_id)
        birthday_field = workspace.birthday_field if workspace else None
    definitions = (client.team_profile_get().get("profile") or {}).get("fields") or []
    fields = find_fields(definitions, birthday_field)
    if not fields:
        return report
    with db.write() as session:
        state = session.get(ProfileSync, team_id)
        if state is None:
            state = ProfileSync(team_id=team_id, after_user_id="")
            session.add(state)
        if not state.after_user_id:
            state.round_started_at = now
        after = state.after_user_id
        batch = list(
            session.scalars(
                select(Member.user_id)
                .where(
                    Member.team_id == team_id,
                    Member.active,
                    Member.user_id > after,
                )
                .order_by(Member.user_id)
                .limit(per_run)
            )
        )
    profiles: dict[str, Mapping[str, Any]] = {}
    stopped = False
    for i, user_id in enumerate(batch):
        if i and pause:
            sleep(pause)
        try:
            profiles[user_id] = client.users_profile_get(user=user_id).get("profile") or {}
        except SlackApiError as e:
            if e.response.get("error") == "user_not_found":
                continue
            log.warning("users.profile.get %s failed: %s", user_id, e.response.get("error"))
            stopped, batch = True, batch[:i]  # carry on from this person next run
            break
    report.read = len(profiles)
    with db.write() as session:
        members = find_members(session, team_id, profiles)
        for user_id, profile in profiles.items():
            member = members.get(user_id)
            if member is not None and apply_profile(member, profile, fields, now.date()):
                report.updated += 1
        state = session.get(ProfileSync, team_id)
        assert state is not None
        if stopped:
            state.after_user_id = batch[-1] if batch else after
        elif len(batch) < per_run:  # reached the end: the next run starts a new round
            state.after_user_id, state.round_finished_at = "", now
            report.round_done = True
        else:
            state.after_user_id = batch[-1]
    return report
