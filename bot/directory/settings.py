"""A member's own Rapport settings (`/rapport settings`): a modal made of sections.

Each section renders its blocks from the member and reads the submitted values back, returning
errors by block id. The sections come from the composition root (`bot.bootstrap`): the daily
nudge's here, each feature's own beside it (celebrations add consent), and the modal and its
submission need no change when one is added.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.directory.members import find_member
from bot.directory.workdays import DEFAULT_DAY_END_HOUR, Workday
from bot.models import Member
from bot.platform.blocks import Block, Payload, context, header, input_block, modal, option
from bot.platform.mrkdwn import escape

CALLBACK_ID = "rapport_settings"
# State values as Slack sends them: {block_id: {action_id: {type, value / selected_*}}}
Values = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str
    render: Callable[[Member], list[Block]]
    # (member, values, today) -> (member fields to set, {block_id: error}); reads, never writes.
    parse: Callable[[Member, Values, date], tuple[dict[str, Any], dict[str, str]]]


Sections = Sequence[Section]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOURS = range(5, 13)


def _nudge_blocks(m: Member) -> list[Block]:
    hours = [option(f"{h:02d}:00", str(h)) for h in HOURS]
    hour = next((o for o in hours if o["value"] == str(m.delivery_hour)), hours[4])
    days = [option(name, str(i + 1)) for i, name in enumerate(WEEKDAYS)]
    chosen = [o for o in days if o["value"] in (m.work_days or "")]
    pause: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if m.paused_until:
        pause["initial_date"] = m.paused_until.isoformat()
    days_element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": days}
    if chosen:
        days_element["initial_options"] = chosen
    return [
        header("Your daily nudge"),
        context(f"One DM on your working days, in your time zone ({escape(m.tz)})."),
        input_block(
            "nudge_hour",
            "Send it at",
            {"type": "static_select", "action_id": "value", "options": hours, "initial_option": hour},
        ),
        input_block("work_days", "My working days", days_element),
        input_block(
            "pause_until",
            "Pause nudges through",
            pause,
            optional=True,
            hint="No DMs up to and including this day. Clear it with “Resume now” below.",
        ),
        input_block(
            "resume",
            "Resume now",
            {
                "type": "checkboxes",
                "action_id": "value",
                "options": [option("Resume nudges now (forget the pause)", "resume")],
            },
            optional=True,
        ),
    ]


def selected(values: Values, block_id: str) -> dict[str, Any]:
    """What was chosen in the input `block_id` (whose element's action id is "value")."""
    return (values.get(block_id) or {}).get("value") or {}


def _parse_nudges(m: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    chosen = selected(values, "nudge_hour").get("selected_option") or {}
    try:
        hour = int(chosen.get("value", m.delivery_hour))
    except (TypeError, ValueError):
        hour = -1
    if hour not in HOURS:
        errors["nudge_hour"] = "Pick an hour between 05:00 and 12:00."
    days = "".join(
        sorted({o.get("value", "") for o in selected(values, "work_days").get("selected_options") or []})
    )
    if not days or not set(days) <= set("1234567"):
        errors["work_days"] = "Pick at least one working day."
    resume = bool(selected(values, "resume").get("selected_options"))
    raw = selected(values, "pause_until").get("selected_date")
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


NUDGES = Section("nudges", _nudge_blocks, _parse_nudges)


def settings_view(member: Member, sections: Sections) -> Payload:
    body: list[Block] = []
    for section in sections:
        body.extend(section.render(member))
    return modal(
        "Rapport settings", body, callback_id=CALLBACK_ID, submit={"type": "plain_text", "text": "Save"}
    )


def open_settings(session: Session, sections: Sections, team_id: str, user_id: str) -> Payload | None:
    """The settings modal for a member, or None when Rapport does not know them (yet)."""
    member = find_member(session, team_id, user_id)
    return None if member is None or not member.active else settings_view(member, sections)


def save(
    session: Session, sections: Sections, team_id: str, user_id: str, values: Values, now: datetime
) -> dict[str, str]:
    """Apply every section; nothing changes when any section has errors (returned by block id)."""
    member = find_member(session, team_id, user_id)
    if member is None:
        return {sections[0].name: "Rapport does not know you yet; try again in a minute."}
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
