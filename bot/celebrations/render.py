"""Block Kit for celebrations: the daily post, and the consent and admins' settings.

Posts read like a person wrote them: a few intros, chosen from the post's date, so a retried
send renders the very same text and consecutive posts vary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.celebrations.ids import AUTOMATIC_ZONE, Action, Input, View
from bot.celebrations.occasions import ANNIVERSARY, BIRTHDAY, CELEBRATION_HOURS, PROMOTION, years_phrase
from bot.models import Member
from bot.platform.blocks import (
    Block,
    Payload,
    button,
    context,
    header,
    input_block,
    modal,
    mrkdwn,
    option,
    sections,
)
from bot.platform.mrkdwn import escape, mention

# A post stays readable (and far inside Slack's 50 blocks): beyond this, "…and N more".
MAX_LINES = 150


@dataclass(frozen=True)
class Celebrated:
    """One line of a daily post."""

    kind: str  # birthday | anniversary | promotion
    user_id: str
    occasion: date
    years: int | None = None
    title: str | None = None  # promotions: the new title, as Slack has it


_INTROS = (
    ":confetti_ball: Good morning! Here's what we're celebrating today:",
    ":sparkles: A few reasons to celebrate today:",
    ":balloon: Time to cheer for some teammates:",
    ":partying_face: Today's celebrations:",
)


def _when(occasion: date, post_date: date) -> str:
    """Nothing for today; "on Saturday" for a weekend occasion celebrated on Friday."""
    return "" if occasion == post_date else f" (on {occasion:%A})"


def _line(item: Celebrated, post_date: date) -> str:
    who = mention(item.user_id)
    when = _when(item.occasion, post_date)
    if item.kind == BIRTHDAY:
        return f":birthday: Happy birthday, {who}!{when}"
    if item.kind == ANNIVERSARY and item.years:
        return f":tada: {who} — {years_phrase(item.years)}{when}. Thank you for all of it!"
    if item.kind == PROMOTION:
        title = f", now *{escape(item.title)}*" if item.title else ""
        return f":rocket: Congratulations {who}{title}!"
    return ""


_ORDER = {BIRTHDAY: 0, ANNIVERSARY: 1, PROMOTION: 2}


def celebration_post(post_date: date, items: Sequence[Celebrated]) -> Payload | None:
    """The day's post grouping everyone celebrated; None when there is nobody."""
    lines = [
        line
        for item in sorted(items, key=lambda i: (_ORDER.get(i.kind, 9), i.occasion))
        if (line := _line(item, post_date))
    ]
    if not lines:
        return None
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES + 1
        lines = [*lines[: MAX_LINES - 1], f"…and {hidden} more. Congratulations, everyone!"]
    body = [mrkdwn(_INTROS[post_date.toordinal() % len(_INTROS)])]
    body += sections(lines)
    body.append(context("Celebrations you'd rather skip? `/rapport settings` lets you opt out."))
    names = ", ".join(mention(i.user_id) for i in items[:10])
    return {"text": f"Today we celebrate {names}", "blocks": body}


# -- settings ---------------------------------------------------------------------------------

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
        input_block(Input.CONSENT, "I agree to", element, optional=True),
        {"type": "actions", "block_id": Input.ADMINS, "elements": [admins]},
    ]


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


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    return input_block(block_id, label, {"action_id": "value", **element}, optional=optional)


def workspace_modal(choices: WorkspaceChoices) -> Payload:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if choices.channel_id:
        channel["initial_conversation"] = choices.channel_id
    hours = [option(f"{h:02d}:00", str(h)) for h in CELEBRATION_HOURS]
    zones = [option(f"Automatic ({choices.automatic_tz}, most common here)", AUTOMATIC_ZONE)]
    zones += [option(z, z) for z in sorted(set(choices.zones) | ({choices.tz} if choices.tz else set()))]
    promotions = option("Include promotions in the daily post", "on")
    birthday: dict[str, Any] = {"type": "plain_text_input", "max_length": 80}
    if choices.birthday_field:
        birthday["initial_value"] = choices.birthday_field
    body = [
        _input(Input.CHANNEL, "Post celebrations in", channel),
        context("Rapport joins a public channel itself; invite it to a private one first."),
        _input(
            Input.HOUR,
            "Daily post at",
            {
                "type": "static_select",
                "options": hours,
                "initial_option": next((o for o in hours if o["value"] == str(choices.hour)), hours[4]),
            },
        ),
        _input(
            Input.ZONE,
            "In the time zone",
            {
                "type": "static_select",
                "options": zones,
                "initial_option": next((o for o in zones if o["value"] == choices.tz), zones[0]),
            },
        ),
        _input(
            Input.PROMOTIONS,
            "Promotions",
            {
                "type": "checkboxes",
                "options": [promotions],
                **({"initial_options": [promotions]} if choices.promotion_posts else {}),
            },
            optional=True,
        ),
        _input(Input.BIRTHDAY_FIELD, "Birthday profile field", birthday, optional=True),
        context("The label of a custom profile field holding birthdays (MM-DD), if you have one."),
    ]
    save = {"type": "plain_text", "text": "Save"}
    return modal("Workspace celebrations", body, callback_id=View.WORKSPACE, submit=save)


def not_admin_modal() -> Payload:
    return modal(
        "Workspace celebrations",
        [mrkdwn("Only workspace admins and owners can change where and when celebrations are posted.")],
    )
