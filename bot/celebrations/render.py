"""The daily celebration post as a pure function: data in, a Slack payload out.

Posts read like a person wrote them: a few intros, chosen from the post's date, so a retried
send renders the very same text and consecutive posts vary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.celebrations.occasions import ANNIVERSARY, BIRTHDAY, PROMOTION, years_phrase
from bot.platform.blocks import Payload, context, mrkdwn, sections
from bot.platform.mrkdwn import escape

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
    who = f"<@{item.user_id}>"
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
    names = ", ".join(f"<@{i.user_id}>" for i in items[:10])
    return {"text": f"Today we celebrate {names}", "blocks": body}
