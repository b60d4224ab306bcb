"""Block Kit for the directory: a person's birthday, and the /rapport settings modal with its
daily-nudge section."""

from __future__ import annotations

from typing import Any

from bot.directory.birthdays import FORGOTTEN, SAVED, Told
from bot.directory.ids import Input, View
from bot.directory.workdays import DELIVERY_HOURS
from bot.help.render import not_synced, refused
from bot.models import Member
from bot.platform.blocks import Block, Payload, context, ephemeral, header, input_block, modal, option
from bot.platform.mrkdwn import escape

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def birthday_reply(told: Told) -> Payload:
    """What `/rapport birthday …` did, or what Rapport knows of the birthday."""
    if not told.known:
        return not_synced()
    if told.refused:
        return refused(told.refused, "/rapport")
    if told.changed == FORGOTTEN:
        return ephemeral("Done — Rapport no longer knows your birthday.")
    birthday = told.birthday
    if birthday is None:
        return ephemeral(
            "Rapport doesn't know your birthday. Share it with `/rapport birthday Dec 9` "
            "(the year is never shown)."
        )
    if told.changed != SAVED:
        return ephemeral(
            f"Rapport has your birthday as {birthday.shown()}. Change it with `/rapport birthday Dec 9`, "
            "or `/rapport birthday forget`."
        )
    after = (
        "Your teammates will see it celebrated on the day (never the year)."
        if told.celebrated
        else "You opted out of birthday celebrations, so it isn't posted (`/rapport settings` changes that)."
    )
    kept = " I kept the year too, privately." if birthday.year else ""
    other = told.other_reading
    month_first = (
        f" (Numbers are month first; for {other.shown()}, write "
        f"`/rapport birthday {other.shown()[:3]} {other.day}`.)"
        if other
        else ""
    )
    return ephemeral(f"Thanks! Your birthday is {birthday.shown()}.{month_first}{kept} {after}")


def settings_modal(body: list[Block]) -> Payload:
    """/rapport settings: every section's blocks, one modal."""
    return modal(
        "Rapport settings", body, callback_id=View.SETTINGS, submit={"type": "plain_text", "text": "Save"}
    )


def nudge_blocks(m: Member) -> list[Block]:
    """The daily nudge's section: its hour, the working days, a pause."""
    hours = [option(f"{h:02d}:00", str(h)) for h in DELIVERY_HOURS]
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
            Input.NUDGE_HOUR,
            "Send it at",
            {"type": "static_select", "action_id": "value", "options": hours, "initial_option": hour},
        ),
        input_block(Input.WORK_DAYS, "My working days", days_element),
        input_block(
            Input.PAUSE_UNTIL,
            "Pause nudges through",
            pause,
            optional=True,
            hint="No DMs up to and including this day. Clear it with “Resume now” below.",
        ),
        input_block(
            Input.RESUME,
            "Resume now",
            {
                "type": "checkboxes",
                "action_id": "value",
                "options": [option("Resume nudges now (forget the pause)", "resume")],
            },
            optional=True,
        ),
    ]


def skills_field_blocks(block_id: str, current: str) -> list[Block]:
    """The input naming the custom profile field that lists people's skills, for the admins'
    workspace settings (`block_id` is the caller's; read back with `settings.read_skills_field`)."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value", "max_length": 80}
    if current:
        element["initial_value"] = current
    return [
        input_block(block_id, "Skills profile field", element, optional=True),
        context(
            "The label of a custom profile field listing skills (“Ask me about”, say). Left empty, "
            "a field called Skills, Ask me about, Expertise, Superpowers or Tech stack is read."
        ),
    ]
