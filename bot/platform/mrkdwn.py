"""Slack's text markup: reading mentions, channels and broadcasts as Slack escapes them, and
making user text inert in mrkdwn."""

from __future__ import annotations

import re

# With should_escape, Slack sends mentions as <@U123|name> (or <@U123>), channels as <#C123|name>.
MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
CHANNEL = re.compile(r"<#(C[A-Z0-9]{2,})(?:\|([^>]*))?>")
BROADCAST = re.compile(r"<!(channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>")


def mentions(text: str) -> list[str]:
    """Slack user ids mentioned in `text`, in order, without repeats."""
    return list(dict.fromkeys(MENTION.findall(text)))


def strip_mentions(text: str) -> str:
    """`text` without user mentions, with whitespace tidied."""
    return " ".join(MENTION.sub(" ", text).split())


def without_broadcasts(text: str) -> str:
    """Drop @channel/@here/@everyone and group mentions, so nothing pings a crowd."""
    return " ".join(BROADCAST.sub(" ", text).split())


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: no mentions, broadcasts or links can be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
