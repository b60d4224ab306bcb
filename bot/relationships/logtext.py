"""Reading a `/log` line: who, what, #topics, #gave/#got and a trailing "follow up <when>" clause.

Dates are read later, in the author's own time zone (`dates`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.platform.mrkdwn import CHANNEL, MENTION, mentions, without_broadcasts

# A #tag not inside Slack's <…> markup (channels, links) or a word ("page#anchor").
TAG = re.compile(r"(?<![\w<&/#|])#([^\W_][\w\-+.]*)")
GAVE_TAGS = frozenset({"gave", "give", "helped"})
GOT_TAGS = frozenset({"got", "get", "gothelp"})
TOPIC_MAX = 40
FOLLOW_UP_MARK = re.compile(r"\b(?:follow[\s-]*up|f/u|remind\s+me)\b[\s:,\-–—]*", re.IGNORECASE)
_LEADING_PEOPLE = re.compile(r"^(?:(?:with|w/)\s+)?(?:<@[^>]+>[\s,;&]*(?:and\s+)?)+", re.IGNORECASE)
_CLAUSE_PEOPLE = re.compile(r"^(?:with\s+)?(?:(?:<@[^>]+>|him|her|them)[\s,&]*(?:and\s+)?)+", re.IGNORECASE)
_TRAILING_TAGS = re.compile(r"(?:\s*(?<![\w<&/#|])#[^\W_][\w\-+.]*)+[\s.,;!]*$")
_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>")
_EDGE_PUNCT = " \t\n,;:-–—"


@dataclass
class FollowUpClause:
    """The words after "follow up": maybe people, then a date phrase, maybe more note."""

    text: str  # as typed, marker included, for putting back into the note
    about: list[str]  # Slack ids named in the clause ("follow up with @bob")
    words: list[str]  # what follows, the date phrase first


@dataclass
class LogText:
    """A /log text taken apart; dates are read later, in the author's own time zone."""

    user_ids: list[str]
    note: str  # mentions still as <@U…>; the caller names them
    whole_note: str  # the note with the follow-up clause in it, for when that was no date
    topics: list[str]
    give_take: int | None  # +1 gave, -1 got
    mixed_give_take: bool  # both #gave and #got: neither is recorded
    follow_up: FollowUpClause | None


def topic_tags(text: str) -> list[str]:
    """The #tags in `text`, lower-cased, without repeats, in order."""
    found = (t.lower().rstrip(".-") for t in TAG.findall(text))
    return list(dict.fromkeys(t[:TOPIC_MAX] for t in found if t))


def topic_words(text: str) -> list[str]:
    """Topics typed into a form field: "infra, hiring" or "#infra #hiring"."""
    words = re.split(r"[\s,;]+", text)
    return list(dict.fromkeys(w.lstrip("#").lower()[:TOPIC_MAX] for w in words if w.lstrip("#")))


def humanize_markup(text: str) -> str:
    """Slack markup a note keeps as plain words: links become their label and URL, channels #name."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(_EDGE_PUNCT)


def _follow_up_clause(text: str) -> tuple[str, FollowUpClause | None]:
    marks = list(FOLLOW_UP_MARK.finditer(text))
    if not marks:
        return text, None
    mark = marks[-1]
    tail = TAG.sub(" ", text[mark.end() :])
    people = _CLAUSE_PEOPLE.match(tail.strip())
    about: list[str] = []
    if people:
        about = mentions(people.group(0))
        tail = tail.strip()[people.end() :]
    clause = FollowUpClause(text=text[mark.start() :].strip(), about=about, words=tail.split())
    return text[: mark.start()], clause


def _note(body: str) -> str:
    body = _LEADING_PEOPLE.sub("", _TRAILING_TAGS.sub("", body).strip())
    return _tidy(humanize_markup(TAG.sub(lambda m: m.group(1), body)))


def read_log(text: str) -> LogText:
    """Take a /log text apart: people, note, #topics, #gave/#got, follow-up clause."""
    text = without_broadcasts(text)
    tags = topic_tags(text)
    gave = any(t in GAVE_TAGS for t in tags)
    got = any(t in GOT_TAGS for t in tags)
    topics = [t for t in tags if t not in GAVE_TAGS | GOT_TAGS]
    body = TAG.sub(lambda m: "" if m.group(1).lower() in GAVE_TAGS | GOT_TAGS else m.group(0), text)
    body = _TRAILING_TAGS.sub("", body)
    before, clause = _follow_up_clause(body)
    return LogText(
        user_ids=mentions(text),
        note=_note(before),
        whole_note=_note(TAG.sub(" ", body)),
        topics=topics,
        give_take=None if gave == got else (1 if gave else -1),
        mixed_give_take=gave and got,
        follow_up=clause,
    )


def note_with_names(note: str, names: dict[str, str]) -> str:
    """Replace <@U…> mentions in a note with @Name, so a stored note is plain, self-contained text."""
    return MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), note)
