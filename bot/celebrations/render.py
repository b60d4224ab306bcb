"""Celebration posts and kudos replies as pure functions: data in, Slack payloads out.

Posts read like a person wrote them: a few templates, chosen from the kudos id (or the post's
date), so a retried send renders the very same text and consecutive posts vary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.celebrations.occasions import ANNIVERSARY, BIRTHDAY, PROMOTION, years_phrase
from bot.kudos.giving import people_list
from bot.platform import blocks

Payload = dict[str, Any]
# A post stays readable (and far inside Slack's 50 blocks): beyond this, "…and N more".
MAX_LINES = 150


@dataclass(frozen=True)
class KudosPost:
    kudos_id: int
    giver: str  # Slack user ids
    receivers: Sequence[str]
    reason: str  # mrkdwn-safe (bot.kudos.safe_mrkdwn)
    quoted: bool


def _verb(receivers: Sequence[str], one: str, many: str) -> str:
    return one if len(receivers) == 1 else many


# "for …" reasons: "shipping the churn model", "the great demo".
_FOR_TEMPLATES: tuple[Callable[[str, str, str, Sequence[str]], str], ...] = (
    lambda g, r, why, rs: f":tada: Big thanks to {r} for {why}! — with gratitude from {g}",
    lambda g, r, why, rs: (
        f":raised_hands: {g} wants everyone to know that {r} "
        f"{_verb(rs, 'deserves', 'deserve')} a round of applause for {why}."
    ),
    lambda g, r, why, rs: f":star2: Shout-out from {g}: {r}, thank you for {why}!",
    lambda g, r, why, rs: f":clap: Kudos to {r} for {why}. {g} noticed — and now we all know!",
)
# Free-text reasons are quoted as the giver wrote them.
_QUOTED_TEMPLATES: tuple[Callable[[str, str, str, Sequence[str]], str], ...] = (
    lambda g, r, why, rs: f":tada: {g} has kudos for {r}:\n>{why}",
    lambda g, r, why, rs: f":speech_balloon: A note of thanks from {g} to {r}:\n>{why}",
    lambda g, r, why, rs: f":sparkles: {r}, {g} says:\n>{why}",
    lambda g, r, why, rs: f":clap: Kudos to {r}, from {g}:\n>{why}",
)


def kudos_text(post: KudosPost) -> str:
    templates = _QUOTED_TEMPLATES if post.quoted else _FOR_TEMPLATES
    template = templates[post.kudos_id % len(templates)]
    return template(f"<@{post.giver}>", people_list(list(post.receivers)), post.reason, post.receivers)


def kudos_post(post: KudosPost) -> Payload:
    """The channel message announcing a kudos."""
    text = kudos_text(post)
    fallback = f"Kudos to {people_list(list(post.receivers))} from <@{post.giver}>"
    return {
        "text": fallback,
        "blocks": [blocks.mrkdwn(text), blocks.context("Thank a colleague with `/kudos @name for …`")],
    }


# -- the daily celebration post ----------------------------------------------------------------


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
        title = f", now *{blocks.escape(item.title)}*" if item.title else ""
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
    body = [blocks.mrkdwn(_INTROS[post_date.toordinal() % len(_INTROS)])]
    body += [blocks.mrkdwn(text) for text in _pack(lines)]
    body.append(blocks.context("Celebrations you'd rather skip? `/rapport settings` lets you opt out."))
    names = ", ".join(f"<@{i.user_id}>" for i in items[:10])
    return {"text": f"Today we celebrate {names}", "blocks": body}


def _pack(lines: list[str], limit: int = blocks.SECTION_LIMIT) -> list[str]:
    """Lines joined into as few sections as fit Slack's section limit."""
    sections: list[str] = []
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= limit:
            sections[-1] += "\n" + line
        else:
            sections.append(blocks.clip(line, limit))
    return sections


# -- replies to the giver ----------------------------------------------------------------------


def where(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "the celebrations channel"


def kudos_accepted(receivers: Sequence[str], channel_id: str | None) -> Payload:
    return blocks.ephemeral(
        f":tada: Thank you for recognising {people_list(list(receivers))}! "
        f"Your kudos is on its way to {where(channel_id)}."
    )


def kudos_repeated(receivers: Sequence[str], given_at: datetime, now: datetime) -> Payload:
    minutes = max(1, round((now - given_at).total_seconds() / 60))
    ago = f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    return blocks.ephemeral(
        f"You already gave {people_list(list(receivers))} these kudos {ago}, so I won't post them twice."
    )


def kudos_refused(message: str, *, show_usage: bool) -> Payload:
    if show_usage:
        return blocks.usage("/kudos", message)
    return blocks.ephemeral(message)
