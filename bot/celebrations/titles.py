"""A Slack title as a celebration may show it: short, one line, and inert.

A title is text its owner (or anyone who can edit profiles) typed, so a post or DM that shows
it must not let it ping, link or impersonate: "Chief Executive Officer - urgent: DM me your
SSO code at https://sso.example <!channel>" reads as text, cut to `TITLE_LIMIT` characters.
Markup (`<…>`) is escaped, and a zero-width space after `.` `@` `:` `/` `#` keeps Slack from
turning what is left into a link, an address, a channel or a mention; the messages that carry
titles also mark their text `verbatim` (no auto-linking) where Rapport draws the block itself.

(Kept here rather than in `bot.platform.mrkdwn`, where kudos' link-keeping helpers live: a
title keeps no markup at all.)
"""

from __future__ import annotations

import re
import unicodedata

TITLE_LIMIT = 80

_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# Where Slack would start a link, an address, a channel name or a mention out of plain text.
_JOINS = re.compile(r"([.@:/#])(?=\S)")
_ZWSP = "\u200b"


def _visible(c: str) -> bool:
    # Format characters (zero-width joiners, direction overrides) can disguise what a title says.
    return unicodedata.category(c) != "Cf"


def _spaced(c: str) -> str:
    return " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c


def shown_title(title: str | None, limit: int = TITLE_LIMIT) -> str:
    """`title` as mrkdwn that shows exactly its text: one line, at most `limit` characters
    (an ellipsis says it was cut), with nothing that pings, links or formats a channel."""
    raw = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], title or "")
    text = " ".join("".join(_spaced(c) for c in raw if _visible(c)).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _JOINS.sub(lambda m: m.group(1) + _ZWSP, text)
