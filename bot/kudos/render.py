"""Kudos as pure functions: the channel post and the replies to the giver.

Posts read like a person wrote them: a few templates, chosen from the kudos id, so a retried
send renders the very same text and consecutive posts vary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.help.render import refused
from bot.kudos.giving import REPEAT, Given, people_list
from bot.platform.blocks import Payload, context, ephemeral, mrkdwn
from bot.platform.mrkdwn import mention
from bot.platform.refusals import Refusal


@dataclass(frozen=True)
class KudosPost:
    kudos_id: int
    giver: str  # Slack user ids
    receivers: Sequence[str]
    reason: str  # as shown: `reasons.shown`
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
    return template(mention(post.giver), people_list(list(post.receivers)), post.reason, post.receivers)


def kudos_post(post: KudosPost) -> Payload:
    """The channel message announcing a kudos."""
    text = kudos_text(post)
    fallback = f"Kudos to {people_list(list(post.receivers))} from <@{post.giver}>"
    return {
        "text": fallback,
        "blocks": [mrkdwn(text), context("Thank a colleague with `/kudos @name for …`")],
    }


# -- replies to the giver ----------------------------------------------------------------------


def where(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "the celebrations channel"


def kudos_accepted(receivers: Sequence[str], channel_id: str | None) -> Payload:
    return ephemeral(
        f":tada: Thank you for recognising {people_list(list(receivers))}! "
        f"Your kudos is on its way to {where(channel_id)}."
    )


def kudos_repeated(receivers: Sequence[str], given_at: datetime, now: datetime) -> Payload:
    minutes = max(1, round((now - given_at).total_seconds() / 60))
    ago = f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    return ephemeral(
        f"You already gave {people_list(list(receivers))} these kudos {ago}, so I won't post them twice."
    )


def kudos_answer(given: Given, channel_id: str | None, now: datetime) -> Payload:
    """The giver's answer: on its way, or (the same thanks again) not posted twice."""
    receivers = [m.user_id for m in given.receivers]
    if given.status == REPEAT:
        return kudos_repeated(receivers, given.kudos.created_at, now)
    return kudos_accepted(receivers, channel_id)


def kudos_refused(refusal: Refusal) -> Payload:
    return refused(refusal, "/kudos")
