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

The skills field is the one the workspace names in its `skills_field` setting, else one labelled
like "Skills" or "Ask me about" (`SKILLS_LABELS`). Its value, as typed, is kept on the member
(`Member.profile_skills`, an empty field clears it) and the members whose value changed are told
to `MembersStored` listeners, which read it as skills (`bot.expertise.profile_skills`: the
directory knows nothing of skills). A workspace whose profiles have a skills field has the last
word on it at every round: it replaces skills an admin's CSV gave (`csv_import`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.directory.members import MembersStored, birthday_shared, find_members, set_birthday
from bot.directory.personal_dates import Birthday, parse_birthday, parse_start_date
from bot.models import Member, Workspace
from bot.models.celebrations import ProfileSync
from bot.platform.db import Database
from bot.platform.inputs import printable

log = logging.getLogger(__name__)

PER_RUN = 300  # people read per run
# users.profile.get is Slack's tier 4 (100+ a minute): stay a little under it.
PAUSE = 0.6
START_DATE_LABELS = frozenset(
    {"start date", "start_date", "hire date", "date of hire", "joined", "joining date"}
)
# Labels of a field listing skills, compared by their letters and digits alone (`_compact`).
SKILLS_LABELS = frozenset(
    {
        "skills",
        "skill set",
        "ask me about",
        "expertise",
        "areas of expertise",
        "area of expertise",
        "superpowers",
        "tech stack",
    }
)
MAX_SKILLS_TEXT = 1000  # characters of a skills list kept (a list of 20 skills fits)


@dataclass(frozen=True)
class Fields:
    """The custom field ids Rapport reads (None: the workspace has no such field)."""

    birthday: str | None = None
    start_date: str | None = None
    # The birthday field is filled by the workspace (protected, or SCIM-managed), not by each person.
    birthday_locked: bool = False
    skills: str | None = None

    def __bool__(self) -> bool:
        return bool(self.birthday or self.start_date or self.skills)


def _compact(label: str) -> str:
    """A label by its letters and digits alone: "Ask me about…" and "ask-me-about" are alike."""
    return "".join(re.findall(r"[^\W_]+", label.casefold()))


_SKILLS_KEYS = frozenset(_compact(label) for label in SKILLS_LABELS)


def find_fields(
    definitions: Sequence[Mapping[str, Any]], birthday_field: str | None, skills_field: str | None = None
) -> Fields:
    """Which fields hold birthdays, start dates and skills, from `team.profile.get`'s definitions.

    The skills field is `skills_field` (a label or an id) when the workspace chose one, else the
    first labelled like one of `SKILLS_LABELS` (never the birthday field)."""
    wanted = (birthday_field or "").strip().casefold()
    wanted_skills = (skills_field or "").strip().casefold()
    birthday = start = skills = guessed = None
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
        if wanted_skills and skills is None and wanted_skills in (field_id.casefold(), label):
            skills = field_id
        if guessed is None and field_id and _compact(label) in _SKILLS_KEYS:
            guessed = field_id
    if not wanted_skills and guessed != birthday:
        skills = guessed
    return Fields(birthday, start, locked, skills or None)


def skills_text(value: str) -> str | None:
    """A list of skills as typed (a profile field, a CSV cell), storable and bounded: None when
    empty. A long one is cut at its last separator, so no skill is cut in half."""
    text = printable(value).strip()
    if len(text) > MAX_SKILLS_TEXT:
        cut = text[: MAX_SKILLS_TEXT + 1]
        at = max(cut.rfind(sep) for sep in ",;\n|")
        at = at if at > 0 else cut.rfind(" ")
        text = cut[: at if at > 0 else MAX_SKILLS_TEXT].strip()
    return text or None


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
    if fields.skills:
        changed = set_profile_skills(member, skills_text(field_value(profile, fields.skills))) or changed
    return changed


def set_profile_skills(member: Member, text: str | None) -> bool:
    """Keep the skills a member's profile (or HR) lists, as typed; True if that changed (the
    caller tells `MembersStored` listeners)."""
    if member.profile_skills == text:
        return False
    member.profile_skills = text
    return True


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
    stored: MembersStored | None = None,
) -> SyncReport:
    """Read the next `per_run` people's custom fields, `pause` seconds apart (default PAUSE).

    `stored` hears of the members whose skills field changed, in the same transaction; without
    it, they are read at the next `users.list` sync, which tells it of everyone."""
    pause = PAUSE if pause is None else pause
    report = SyncReport()
    with db.read() as session:
        workspace = session.get(Workspace, team_id)
        birthday_field = workspace.birthday_field if workspace else None
        skills_field = workspace.skills_field if workspace else None
    definitions = (client.team_profile_get().get("profile") or {}).get("fields") or []
    fields = find_fields(definitions, birthday_field, skills_field)
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
        listed = {m.id: m.profile_skills for m in members.values()}
        for user_id, profile in profiles.items():
            member = members.get(user_id)
            if member is not None and apply_profile(member, profile, fields, now.date()):
                report.updated += 1
        changed = [m for m in members.values() if m.profile_skills != listed[m.id]]
        if changed and stored is not None:
            session.flush()
            stored(session, team_id, [(m.id, m.title) for m in changed], now)
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
