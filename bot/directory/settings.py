"""A member's own Rapport settings (`/rapport settings`): a modal made of sections.

Each section renders its blocks from the member and applies the submitted values back,
returning errors by block id. Features add their own section to `SECTIONS` (consent for
celebrations goes here too); the modal and its submission handler need no change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.directory import members as people
from bot.directory.workdays import DEFAULT_DAY_END_HOUR, Workday
from bot.models import Member
from bot.platform import blocks
from bot.platform.blocks import Block

CALLBACK_ID = "rapport_settings"
# State values as Slack sends them: {block_id: {action_id: {type, value / selected_*}}}
Values = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str
    render: Callable[[Member], list[Block]]
    # (member, values, today) -> (member fields to set, {block_id: error}); reads, never writes.
    parse: Callable[[Member, Values, date], tuple[dict[str, Any], dict[str, str]]]


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOURS = range(5, 13)


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _nudge_blocks(m: Member) -> list[Block]:
    hours = [_option(f"{h:02d}:00", str(h)) for h in HOURS]
    hour = next((o for o in hours if o["value"] == str(m.delivery_hour)), hours[4])
    days = [_option(name, str(i + 1)) for i, name in enumerate(WEEKDAYS)]
    chosen = [o for o in days if o["value"] in (m.work_days or "")]
    pause: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if m.paused_until:
        pause["initial_date"] = m.paused_until.isoformat()
    days_element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": days}
    if chosen:
        days_element["initial_options"] = chosen
    return [
        blocks.header("Your daily nudge"),
        blocks.context(f"One DM on your working days, in your time zone ({blocks.escape(m.tz)})."),
        _input(
            "nudge_hour",
            "Send it at",
            {"type": "static_select", "action_id": "value", "options": hours, "initial_option": hour},
        ),
        _input("work_days", "My working days", days_element),
        _input(
            "pause_until",
            "Pause nudges through",
            pause,
            optional=True,
            hint="No DMs up to and including this day. Clear it with “Resume now” below.",
        ),
        _input(
            "resume",
            "Resume now",
            {
                "type": "checkboxes",
                "action_id": "value",
                "options": [_option("Resume nudges now (forget the pause)", "resume")],
            },
            optional=True,
        ),
    ]


def _selected(values: Values, block_id: str) -> dict[str, Any]:
    return (values.get(block_id) or {}).get("value") or {}


def _parse_nudges(m: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    option = _selected(values, "nudge_hour").get("selected_option") or {}
    try:
        hour = int(option.get("value", m.delivery_hour))
    except (TypeError, ValueError):
        hour = -1
    if hour not in HOURS:
        errors["nudge_hour"] = "Pick an hour between 05:00 and 12:00."
    days = "".join(
        sorted({o.get("value", "") for o in _selected(values, "work_days").get("selected_options") or []})
    )
    if not days or not set(days) <= set("1234567"):
        errors["work_days"] = "Pick at least one working day."
    resume = bool(_selected(values, "resume").get("selected_options"))
    raw = _selected(values, "pause_until").get("selected_date")
    pause: date | None = None
    if raw and not resume:
        try:
            pause = date.fromisoformat(raw)
        except ValueError:
            errors["pause_until"] = "That is not a date."
        else:
            if pause < today:
                errors["pause_until"] = "Pick today or a later day (or tick “Resume now”)."
    if errors:
        return {}, errors
    end = m.day_end_hour if m.day_end_hour > hour else DEFAULT_DAY_END_HOUR
    return {"delivery_hour": hour, "day_end_hour": end, "work_days": days, "paused_until": pause}, {}


SECTIONS: list[Section] = [Section("nudges", _nudge_blocks, _parse_nudges)]


def settings_view(member: Member) -> dict[str, Any]:
    body: list[Block] = []
    for section in SECTIONS:
        body.extend(section.render(member))
    return blocks.modal(
        "Rapport settings", body, callback_id=CALLBACK_ID, submit={"type": "plain_text", "text": "Save"}
    )


def open_settings(session: Session, team_id: str, user_id: str, now: datetime) -> dict[str, Any] | None:
    """The settings modal for a member, or None when Rapport does not know them (yet)."""
    member = people.find_member(session, team_id, user_id)
    return None if member is None or not member.active else settings_view(member)


def save(session: Session, team_id: str, user_id: str, values: Values, now: datetime) -> dict[str, str]:
    """Apply every section; nothing changes when any section has errors (returned by block id)."""
    member = people.find_member(session, team_id, user_id)
    if member is None:
        return {SECTIONS[0].name: "Rapport does not know you yet; try again in a minute."}
    today = Workday.of(member).local_date(now)
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for section in SECTIONS:
        fields, problems = section.parse(member, values, today)
        changes.update(fields)
        errors.update(problems)
    if not errors:
        for name, value in changes.items():
            setattr(member, name, value)
    return errors
