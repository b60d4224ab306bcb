"""A member's own Rapport settings (`/rapport settings`): a modal made of sections.

Each section renders its blocks from the member and reads the submitted values back, returning
errors by block id. The sections come from the composition root (`bot.bootstrap`): the daily
nudge's here, each feature's own beside it (celebrations add consent), and the modal and its
submission need no change when one is added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.directory import profile_fields, render
from bot.directory.ids import Input
from bot.directory.members import find_member
from bot.directory.workdays import DEFAULT_DAY_END_HOUR, DELIVERY_HOURS, Workday
from bot.models import Member
from bot.platform.blocks import Block, Payload, clip

# State values as Slack sends them: {block_id: {action_id: {type, value / selected_*}}}
Values = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str
    render: Callable[[Member], list[Block]]
    # (member, values, today) -> (member fields to set, {block_id: error}); reads, never writes.
    parse: Callable[[Member, Values, date], tuple[dict[str, Any], dict[str, str]]]


Sections = Sequence[Section]


def selected(values: Values, block_id: str) -> dict[str, Any]:
    """What was chosen in the input `block_id` (whose element's action id is "value")."""
    return (values.get(block_id) or {}).get("value") or {}


def _parse_nudges(m: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    chosen = selected(values, Input.NUDGE_HOUR).get("selected_option") or {}
    try:
        hour = int(chosen.get("value", m.delivery_hour))
    except (TypeError, ValueError):
        hour = -1
    if hour not in DELIVERY_HOURS:
        errors[Input.NUDGE_HOUR] = "Pick an hour between 05:00 and 12:00."
    days = "".join(
        sorted({o.get("value", "") for o in selected(values, Input.WORK_DAYS).get("selected_options") or []})
    )
    if not days or not set(days) <= set("1234567"):
        errors[Input.WORK_DAYS] = "Pick at least one working day."
    resume = bool(selected(values, Input.RESUME).get("selected_options"))
    raw = selected(values, Input.PAUSE_UNTIL).get("selected_date")
    pause: date | None = None
    if raw and not resume:
        try:
            pause = date.fromisoformat(raw)
        except ValueError:
            errors[Input.PAUSE_UNTIL] = "That is not a date."
        else:
            if pause < today:
                errors[Input.PAUSE_UNTIL] = "Pick today or a later day (or tick “Resume now”)."
    if errors:
        return {}, errors
    end = m.day_end_hour if m.day_end_hour > hour else DEFAULT_DAY_END_HOUR
    return {"delivery_hour": hour, "day_end_hour": end, "work_days": days, "paused_until": pause}, {}


NUDGES = Section("nudges", render.nudge_blocks, _parse_nudges)


def open_settings(session: Session, sections: Sections, team_id: str, user_id: str) -> Payload | None:
    """The settings modal for a member, or None when Rapport does not know them (yet)."""
    member = find_member(session, team_id, user_id)
    if member is None or not member.active:
        return None
    return render.settings_modal([block for section in sections for block in section.render(member)])


def save(
    session: Session, sections: Sections, team_id: str, user_id: str, values: Values, now: datetime
) -> dict[str, str]:
    """Apply every section; nothing changes when any section has errors (returned by block id)."""
    member = find_member(session, team_id, user_id)
    if member is None:
        return {Input.NUDGE_HOUR: "Rapport does not know you yet; try again in a minute."}
    today = Workday.of(member).local_date(now)
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for section in sections:
        fields, problems = section.parse(member, values, today)
        changes.update(fields)
        errors.update(problems)
    if not errors:
        for name, value in changes.items():
            setattr(member, name, value)
    return errors


def read_skills_field(
    values: Values, block_id: str, definitions: Sequence[Mapping[str, Any]]
) -> tuple[str | None, str | None]:
    """The skills profile field an admin typed into `block_id` (`render.skills_field_blocks`),
    checked against `team.profile.get`'s definitions: (what to keep in `Workspace.skills_field`,
    None for "find one by its label"; an error to show, or None)."""
    field = " ".join(str(selected(values, block_id).get("value") or "").split())[:80]
    if not field:
        return None, None
    if not profile_fields.find_fields(definitions, None, field).skills:
        labels = ", ".join(str(d.get("label")) for d in definitions[:10]) or "none yet"
        return None, clip(f"No profile field is called that (fields: {labels}).", 150)
    return field, None
