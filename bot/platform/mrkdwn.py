"""Slack's text markup: reading mentions, channels and broadcasts as Slack escapes them, and
making user text inert in mrkdwn.

Two kinds of text meet here. *Raw* text (a name from the directory, a note typed into a modal)
is made inert with `escape`. *Slack's* text (what a slash command sends, with `should_escape`)
is already escaped: `&`, `<` and `>` typed by a person arrive as `&amp;`, `&lt;` and `&gt;`,
and `<…>` is markup Slack made (mentions, channels, broadcasts, links). Such text is kept with
`canonical` and shown with `user_text`, which escape it exactly once (never `&amp;amp;`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

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
    """Make raw user text inert in mrkdwn: no mentions, broadcasts or links can be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def unescape(text: str) -> str:
    """Slack's escaped text as the person typed it (one pass: `&amp;lt;` is `&lt;`, not `<`)."""
    return _ENTITY.sub(lambda m: _ENTITIES[m[1]], text)


def escape_once(text: str) -> str:
    """Slack's escaped text escaped exactly once: `R&amp;D` stays, a stray `&` or `>` is escaped."""
    return escape(unescape(text))


# -- Slack's text: markup kept, checked, or made inert -------------------------------------------

SOMEONE = "someone"  # how a mention of someone the directory cannot name reads


@dataclass(frozen=True)
class Person:
    """How a person mentioned in user text may be shown: pinged, or named without a ping."""

    name: str  # raw text ("" when unknown: shown as SOMEONE)
    pingable: bool


# One `<…>` of Slack markup: its target (`@U1`, `#C1`, `!here`, a URL) and an optional label, in
# which one level of nested `<…>` is read (and then removed) so `<url|<!channel>>` is one token.
_TOKEN = re.compile(r"<([^<>|]*)(?:\|((?:[^<>]|<[^<>]*>)*))?>")
_NESTED = re.compile(r"<[^<>]*>")
_USER = re.compile(r"@([UW][A-Z0-9]{2,})")
_CHANNEL_ID = re.compile(r"#(C[A-Z0-9]{2,})")
_LINK = re.compile(r"(?:https?://|mailto:)\S+", re.I)
_DATE = re.compile(r"!date\^")


@dataclass(frozen=True)
class _Text:
    text: str  # Slack's escaped text


@dataclass(frozen=True)
class _User:
    user_id: str


@dataclass(frozen=True)
class _Channel:
    channel_id: str  # a channel link pings nobody


@dataclass(frozen=True)
class _Link:
    target: str  # escaped once
    label: str  # escaped once, nested markup removed, whitespace tidied ("" for none)


_Piece = _Text | _User | _Channel | _Link


def _pieces(text: str) -> Iterator[_Piece]:
    """Slack's text as plain text and the markup worth keeping. Broadcasts and user groups are
    dropped; a date keeps its fallback text; anything else in `<…>` becomes plain text."""
    last = 0
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            yield _Text(text[last : match.start()])
        last = match.end()
        target, label = match.group(1), match.group(2)
        if user := _USER.fullmatch(target):
            yield _User(user.group(1))
        elif channel := _CHANNEL_ID.fullmatch(target):
            yield _Channel(channel.group(1))
        elif target.startswith("!"):
            if _DATE.match(target) and label:
                yield _Text(_clean_label(label))
            elif text[last : last + 1] == " " and text[match.start() - 1 : match.start()] in ("", " "):
                last += 1  # dropped: so is one of the spaces around it
        elif _LINK.fullmatch(target) and _host(target) is not None:
            yield _Link(escape_once(target), _clean_label(label or ""))
        else:
            yield _Text(match.group(0))  # (shown as typed, escaped)
    if last < len(text):
        yield _Text(text[last:])


def _clean_label(label: str) -> str:
    return " ".join(escape_once(_NESTED.sub(" ", label)).split())


def canonical(text: str) -> str:
    """Slack's text in the one form Rapport keeps: mentions `<@U1>`, channels `<#C1>`, links
    `<url|label>` with the label tidied, no broadcasts, everything else escaped exactly once.
    Who may be pinged and where links go are checked when it is shown (`user_text`)."""
    out: list[str] = []
    for piece in _pieces(text):
        if isinstance(piece, _User):
            out.append(mention(piece.user_id))
        elif isinstance(piece, _Channel):
            out.append(f"<#{piece.channel_id}>")
        elif isinstance(piece, _Link):
            out.append(f"<{piece.target}|{piece.label}>" if piece.label else f"<{piece.target}>")
        else:
            out.append(escape_once(piece.text))
    return "".join(out)


def user_text(
    text: str,
    people: Mapping[str, Person],
    *,
    pinged: Collection[str] = (),
    max_pings: int = 0,
    limit: int | None = None,
) -> str:
    """Slack's text as it may be shown in a message: the one way user markup reaches Slack.

    - A mention pings only a `pingable` person in `people`, once (a later mention names them),
      and at most `max_pings` people beyond `pinged` (those the message pings anyway). Anyone
      else is named without a ping; someone `people` does not know reads as "someone".
    - Broadcasts (`@channel`, `@here`, `@everyone`, user groups) never survive.
    - A link keeps its label unless the label names a host, URL or address other than where the
      link goes: then the reader sees the real target. A label empty after cleaning is dropped.
    - Text is escaped exactly once (`R&amp;D` shows as R&D); nothing else in `<…>` stays markup.
    - With `limit`, the result fits in that many characters, cut between pieces of markup
      (never inside one), with an ellipsis.
    """
    parts: list[tuple[str, str | None]] = []  # each piece as shown, and the raw text it may be cut to
    shown: set[str] = set()
    extra = 0
    for piece in _pieces(text):
        if isinstance(piece, _User):
            person = people.get(piece.user_id)
            ping = person is not None and person.pingable and piece.user_id not in shown
            if ping and piece.user_id not in pinged:
                ping = extra < max_pings
                extra += ping
            if ping:
                shown.add(piece.user_id)
                parts.append((mention(piece.user_id), None))
            else:
                name = (person.name if person else "") or SOMEONE
                parts.append((escape(name), name))
        elif isinstance(piece, _Channel):
            parts.append((f"<#{piece.channel_id}>", None))
        elif isinstance(piece, _Link):
            parts.append((_shown_link(piece), None))
        else:
            raw = unescape(piece.text)
            parts.append((escape(raw), raw))
    whole = "".join(part for part, _ in parts)
    if limit is None or len(whole) <= limit:
        return whole
    out: list[str] = []
    room = limit - 1  # for the ellipsis
    for part, cut in parts:
        if len(part) > room:
            out.append(_fit(cut, room))
            break
        out.append(part)
        room -= len(part)
    return "".join(out) + "…"


def _fit(raw: str | None, room: int) -> str:
    """As much of `raw` as fits in `room` characters once escaped (nothing of markup)."""
    if raw is None or room <= 0:
        return ""
    kept = raw[:room]
    while len(escape(kept)) > room:
        kept = kept[:-1]
    return escape(kept)


# -- links whose label names somewhere else ---------------------------------------------------

_MAILTO = "mailto:"
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*")
# Something a reader takes for a host: dotted names ending in letters (or punycode), or IPv4.
_HOSTLIKE = re.compile(
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[\w-]+)(?![\w-])|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"
)


def _shown_link(link: _Link) -> str:
    label = link.label
    if label and _misleading(link.target, label):
        label = _address(link.target) or ""  # a URL shows itself; an address is its label
    return f"<{link.target}|{label}>" if label else f"<{link.target}>"


def _address(target: str) -> str | None:
    if not target.lower().startswith(_MAILTO):
        return None
    return target[len(_MAILTO) :].split("?")[0]


def _host(target: str) -> str | None:
    """Where a link goes: its host, or a mail address's domain (None: not a usable link)."""
    raw = unescape(target)
    if raw.lower().startswith(_MAILTO):
        address = raw[len(_MAILTO) :].split("?")[0]
        return _host_key(address.rpartition("@")[2]) if "@" in address else None
    try:
        host = urlsplit(raw).hostname
    except ValueError:
        return None
    return _host_key(host) if host else None


def _host_key(host: str) -> str:
    """A host as compared: case, a trailing dot, `www.` and IDNA spelling aside."""
    host = host.strip(".").casefold()
    host = host.removeprefix("www.")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _readable(label: str) -> str:
    """A label as a reader takes it in: entities read, look-alike characters folded, invisible
    characters (zero-width spaces, direction marks) gone."""
    text = unicodedata.normalize("NFKC", unescape(label)).replace("\u3002", ".")
    return "".join(c for c in text if unicodedata.category(c) != "Cf").casefold()


def _misleading(target: str, label: str) -> bool:
    """Whether a label names a host, URL or mail address other than where the link goes."""
    text = _readable(label)
    address = _address(unescape(target))
    host = _host(target)
    emails = _EMAIL.findall(text)
    if address is not None and any(e != address.casefold() for e in emails):
        return True
    names = [e.rpartition("@")[2] for e in emails] if address is None else []
    names += _HOSTLIKE.findall(_EMAIL.sub(" ", text))
    return any(_host_key(n) != host for n in names)
