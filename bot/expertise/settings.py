"""Expertise in `/rapport settings`: whether what a person writes in public channels may count.

Turning it off deletes what channels showed about them at once (`channel_evidence.consent_listener`,
on the member's change) and nothing of theirs is read again until they turn it back on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.directory.settings import Section, Values, selected
from bot.expertise.ids import Input
from bot.models import Member
from bot.platform.blocks import Block, context, header, input_block, option

LEARN = "learn"
_OPTION = option(
    "Count my answers in public channels as expertise",
    LEARN,
    description="Only channels Rapport was invited to; never DMs or private channels; no text kept.",
)


def blocks(member: Member) -> list[Block]:
    element: dict[str, Any] = {"type": "checkboxes", "action_id": "value", "options": [_OPTION]}
    if member.learn_from_channels:
        element["initial_options"] = [_OPTION]
    return [
        header("Expertise"),
        context(
            "Rapport learns who knows what from public channels it was invited to: threads you "
            "answered, links and code you shared (never the text). `/skills` shows what it learned."
        ),
        input_block(Input.LEARN, "Public channels", element, optional=True),
    ]


def parse(member: Member, values: Values, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    if Input.LEARN not in values:
        return {}, {}  # a modal opened before this section existed: change nothing
    ticked = {str(o.get("value")) for o in selected(values, Input.LEARN).get("selected_options") or []}
    return {"learn_from_channels": LEARN in ticked}, {}


SECTION = Section("expertise", blocks, parse)
