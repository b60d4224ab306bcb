"""Block Kit primitives as pure functions: the shapes every domain's rendering is built from.

Each domain renders its own messages and views (`render.py` beside its core) from these, so
Slack's limits (section text 3000 characters, header 150, option text 75, modal title 24) are
kept in one place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

Block = dict[str, Any]
Payload = dict[str, Any]  # a message (text, blocks…) or a view

SECTION_LIMIT = 3000


def clip(text: str, limit: int) -> str:
    """Shorten display text to Slack's limit, saying so with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = 3000) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit)}


def mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2000)}]}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150), "emoji": True}}


def sections(lines: list[str], limit: int = SECTION_LIMIT) -> list[Block]:
    """Lines joined into as few sections as fit Slack's section limit (a long line is clipped)."""
    texts: list[str] = []
    for line in lines:
        if texts and len(texts[-1]) + 1 + len(line) <= limit:
            texts[-1] += "\n" + line
        else:
            texts.append(clip(line, limit))
    return [mrkdwn(text) for text in texts]


def option(text: str, value: str, *, description: str | None = None) -> dict[str, Any]:
    """A choice in a select, checkboxes or radio buttons (Slack shows 75 characters of it)."""
    choice: dict[str, Any] = {"text": plain(text, 75), "value": value}
    if description:
        choice["description"] = plain(description, 75)
    return choice


def button(
    action_id: str, text: str, value: str | None = None, *, style: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "action_id": action_id, "text": plain(text, 75)}
    if value is not None:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> Block:
    """A modal's input; `element` carries its own `action_id`."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def picked_date(value: Any) -> date | None:
    """A datepicker's `selected_date` ("2026-12-01") as a date; None for anything else."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def ephemeral(text: str, blocks: list[Block] | None = None) -> Payload:
    """A reply only the person who typed the command sees."""
    message: Payload = {"response_type": "ephemeral", "text": text}
    if blocks:
        message["blocks"] = blocks
    return message


def modal(title: str, body: list[Block], *, callback_id: str = "rapport", **extra: Any) -> Payload:
    """A modal view; Slack caps titles at 24 characters."""
    view: Payload = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": body,
    }
    view.update(extra)
    return view
