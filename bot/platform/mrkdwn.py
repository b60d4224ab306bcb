"""Slack's text markup: reading mentions, channels, broadcasts and links the one way Rapport reads
them, and showing text safely in mrkdwn.

Two kinds of text meet here. *Raw* text (a name from the directory, a note typed into a modal)
is made inert with `escape`, and text that must show only what it says (a title) with `inert`.
*Slack's* text (what a slash command sends, with `should_escape`) is already escaped: `&`, `<`
and `>` typed by a person arrive as `&amp;`, `&lt;` and `&gt;`, and `<…>` is markup Slack made
(mentions, channels, broadcasts, links). One tokenizer (`_pieces`) reads it; `mentions`,
`strip_mentions`, `without_broadcasts`, `without_markup` and `canonical` are views of what it
read, and `user_text` shows it, escaping exactly once (never `&amp;amp;`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote


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


# -- reading Slack's text ------------------------------------------------------------------------

_USER_ID = r"[UW][A-Z0-9]{2,}"
_CHANNEL_ID = r"C[A-Z0-9]{2,}"
# A label may hold one level of nested `<…>` (read, then removed), so `<url|<!channel>>` is one token.
_LABEL = r"(?:[^<>]|<[^<>]*>)*"
# One `<…>` of Slack markup: its target (`@U1`, `#C1`, `!here`, a URL) and an optional label.
_TOKEN = re.compile(rf"<([^<>|]*)(?:\|({_LABEL}))?>")
_USER = re.compile(rf"@({_USER_ID})")
_CHANNEL = re.compile(rf"#({_CHANNEL_ID})")
_NESTED = re.compile(r"<[^<>]*>")
_LINK = re.compile(r"(?:https?://|mailto:)\S+", re.I)
_DATE = re.compile(r"!date\^")

# The same grammar as patterns, for rewriting text already read (`relationships.logtext` names the
# people and channels of a note): with should_escape, Slack sends <@U123|name> and <#C123|name>.
MENTION = re.compile(rf"<@({_USER_ID})(?:\|{_LABEL})?>")
CHANNEL = re.compile(rf"<#({_CHANNEL_ID})(?:\|({_LABEL}))?>")


@dataclass(frozen=True)
class _Text:
    text: str  # Slack's escaped text


@dataclass(frozen=True)
class _User:
    user_id: str


@dataclass(frozen=True)
class _Channel:
    channel_id: str  # a channel link pings nobody
    label: str  # its name as Slack sent it, escaped once ("" for none)


@dataclass(frozen=True)
class _Link:
    target: str  # escaped once
    label: str  # escaped once, nested markup removed, whitespace tidied ("" for none)


_Piece = _Text | _User | _Channel | _Link


def _pieces(text: str) -> Iterator[_Piece]:
    """Slack's text as plain text and the markup worth keeping. Broadcasts and user groups are
    dropped (even inside other markup); a date keeps its fallback text; a link is kept only if a
    browser could open it; anything else in `<…>` becomes plain text."""
    last = 0
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            yield _Text(text[last : match.start()])
        last = match.end()
        target, label = match.group(1), match.group(2)
        if user := _USER.fullmatch(target):
            yield _User(user.group(1))
        elif channel := _CHANNEL.fullmatch(target):
            yield _Channel(channel.group(1), _clean_label(label or ""))
        elif target.startswith("!"):
            if _DATE.match(target) and label:
                yield _Text(_clean_label(label))
            elif text[last : last + 1] == " " and text[match.start() - 1 : match.start()] in ("", " "):
                last += 1  # dropped: so is one of the spaces around it
        elif _LINK.fullmatch(target) and _where(target) is not None:
            yield _Link(escape_once(target), _clean_label(label or ""))
        else:  # shown as typed (escaped), but never with a broadcast in it
            yield _Text(_NESTED.sub(lambda m: "" if m[0].startswith("<!") else m[0], match.group(0)))
    if last < len(text):
        yield _Text(text[last:])


def _clean_label(label: str) -> str:
    return " ".join(escape_once(_NESTED.sub(" ", label)).split())


def _markup(piece: _Piece) -> str:
    """A piece as Slack's text again (labels tidied, nested markup gone)."""
    if isinstance(piece, _Text):
        # Escaped, so what was on either side of a dropped broadcast cannot join into markup.
        return escape_once(piece.text)
    if isinstance(piece, _User):
        return mention(piece.user_id)
    if isinstance(piece, _Channel):
        target, label = f"#{piece.channel_id}", piece.label
    else:
        target, label = piece.target, piece.label
    return f"<{target}|{label}>" if label else f"<{target}>"


def _tidy(parts: Iterable[str]) -> str:
    return " ".join("".join(parts).split())


def mentions(text: str) -> list[str]:
    """Slack user ids mentioned in `text`, in order, without repeats."""
    return list(dict.fromkeys(p.user_id for p in _pieces(text) if isinstance(p, _User)))


def strip_mentions(text: str) -> str:
    """`text` without user mentions or broadcasts, with whitespace tidied."""
    return _tidy(" " if isinstance(p, _User) else _markup(p) for p in _pieces(text))


def without_broadcasts(text: str) -> str:
    """`text` without @channel/@here/@everyone and group mentions (so nothing pings a crowd),
    whitespace tidied."""
    return _tidy(_markup(p) for p in _pieces(text))


def without_markup(text: str) -> str:
    """The words of `text` alone: mentions, channels and links (labels too) left out."""
    return _tidy(_markup(p) if isinstance(p, _Text) else " " for p in _pieces(text))


def canonical(text: str) -> str:
    """Slack's text in the one form Rapport keeps: mentions `<@U1>`, channels `<#C1>`, links
    `<url|label>` with the label tidied, no broadcasts, everything else escaped exactly once.
    Who may be pinged and where links go are checked when it is shown (`user_text`)."""
    out: list[str] = []
    for piece in _pieces(text):
        if isinstance(piece, _Channel):
            out.append(f"<#{piece.channel_id}>")  # Slack shows the channel's name as it is then
        else:
            out.append(_markup(piece))
    return "".join(out)


# -- showing Slack's text: markup kept, checked, or made inert ---------------------------------

SOMEONE = "someone"  # how a mention of someone who may not be named reads


@dataclass(frozen=True)
class Person:
    """How a person mentioned in user text may be shown: pinged, or named without a ping."""

    name: str  # raw text ("" when unknown or not to be named: shown as SOMEONE)
    pingable: bool


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
      else is named without a ping; someone `people` does not name reads as "someone".
    - Broadcasts (`@channel`, `@here`, `@everyone`, user groups) never survive.
    - A link keeps its label unless the label (or, without one, the link's own text) names
      somewhere other than where a browser would go: then the reader sees where it really goes.
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
        elif isinstance(piece, _Text):
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


# -- where a link goes, and labels that say otherwise ------------------------------------------


@dataclass(frozen=True)
class _Where:
    """Where a link goes, as a browser reads it."""

    host: str  # as compared: ASCII (punycode), lower case, no trailing dot or `www.`
    plainly: str  # said plainly, for a label: `https://host/…`, or the mail address
    plain: bool  # the link's own text says so already (no userinfo, `\`, escapes or look-alikes)
    address: str | None = None  # a mail link's address


_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.I)
_AUTHORITY = re.compile(r"[^/\\?#]*")
_PORT = re.compile(r"[0-9]*")
_URL_EDGES = "".join(map(chr, range(33)))  # C0 controls and space: a browser trims them
_MAILTO = "mailto"


def _where(target: str) -> _Where | None:
    """Where a link goes, read by the WHATWG URL rules browsers follow: `\\` is `/` and ends the
    host, the host follows any userinfo and is percent-decoded and IDNA-mapped, and a numeric
    host is IPv4 (`0x7f.1` is 127.0.0.1). None: a browser opens nothing there."""
    raw = re.sub("[\t\n\r]", "", unescape(target)).strip(_URL_EDGES)
    scheme = _SCHEME.match(raw)
    if scheme is None:
        return None
    if scheme[1].lower() == _MAILTO:
        address = unquote(raw[scheme.end() :].split("?")[0])
        local, at, domain = address.rpartition("@")
        host = _host_key(domain) if at and local else None
        if host is None:
            return None
        return _Where(host, address, "%" not in raw and "@" not in local, address)
    rest = raw[scheme.end() :]
    slashes = len(rest) - len(rest.lstrip("/\\"))
    authority = _AUTHORITY.match(rest, slashes)
    assert authority is not None  # (it matches the empty string)
    path = rest[authority.end() :]
    _, at, hostport = authority[0].rpartition("@")
    if hostport.startswith("["):  # IPv6
        host_text, bracket, port = hostport.partition("]")
        host_text += bracket
        port = port.removeprefix(":")
    else:
        host_text, _, port = hostport.partition(":")
    host = _ascii_host(unquote(host_text))
    if host is None or _PORT.fullmatch(port) is None:
        return None
    origin = f"{scheme[1].lower()}://{host}" + (f":{port}" if port else "")
    plain = (
        rest[:slashes] == "//"
        and not at
        and "%" not in host_text
        and "\\" not in path
        and not _lookalike(host_text)
        and all(_host_key(n) == _host_key(host) for n in _named(_readable(path)))
    )
    return _Where(_host_key(host) or host, origin + ("/…" if path.strip("/") else ""), plain)


_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_IGNORED = dict.fromkeys(map(ord, "\u00ad\u034f\u200b\u2060\ufeff"), None)  # IDNA maps them to nothing
_FORBIDDEN = frozenset(" #%/:<>?@[\\]^|")
_IPV6 = re.compile(r"\[[0-9a-f:.]+\]")
_NUMERIC = re.compile(r"[0-9]+|0x[0-9a-f]*")
_IPV4_PART = re.compile(r"0x([0-9a-f]*)|(0[0-7]*)|([1-9][0-9]*)")


def _ascii_host(host: str) -> str | None:
    """A host as a browser resolves it: IDNA-mapped to lower-case ASCII (non-transitional, so
    `faß.de` is not `fass.de`), or an IPv4 address in dotted form; None when a browser refuses it."""
    if host.startswith("["):
        return host.lower() if _IPV6.fullmatch(host.lower()) else None
    mapped = unicodedata.normalize("NFKC", host.translate(_IGNORED)).lower().translate(_DOTS)
    if not mapped or any(c in _FORBIDDEN or unicodedata.category(c)[0] in "CZ" for c in mapped):
        return None
    labels = mapped.split(".")
    if _NUMERIC.fullmatch(labels[-1] or (labels[-2] if len(labels) > 1 else "")):
        return _ipv4(labels)
    try:
        return ".".join(
            part if part.isascii() else "xn--" + part.encode("punycode").decode() for part in labels
        )
    except UnicodeError:
        return None


def _ipv4(labels: list[str]) -> str | None:
    """A host ending in a number, as the IPv4 address a browser reads (decimal, octal, hex parts)."""
    if len(labels) > 1 and labels[-1] == "":
        labels = labels[:-1]
    numbers: list[int] = []
    for part in labels:
        read = _IPV4_PART.fullmatch(part)
        if read is None:
            return None
        hexa, octal, decimal = read.groups()
        numbers.append(
            int(hexa or "0", 16) if hexa is not None else int(octal or decimal, 8 if octal else 10)
        )
    *high, low = numbers
    if len(numbers) > 4 or any(n > 255 for n in high) or low >= 256 ** (5 - len(numbers)):
        return None
    value = low + sum(n << 8 * (3 - i) for i, n in enumerate(high))
    return ".".join(str(value >> shift & 255) for shift in (24, 16, 8, 0))


def _host_key(host: str) -> str | None:
    """A host as compared: as a browser resolves it, a trailing dot and `www.` aside."""
    resolved = _ascii_host(host)
    return resolved.strip(".").removeprefix("www.") if resolved else None


# Browsers show a name that mixes scripts (`okta.cоmpany.com` with a Cyrillic `о`) in punycode
# rather than trust it; Latin beside Chinese, Japanese or Korean is ordinary.
_CJK = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})


def _lookalike(host: str) -> bool:
    if host.isascii():
        return False
    for part in unicodedata.normalize("NFKC", host).translate(_DOTS).split("."):
        if len({unicodedata.name(c, "?").split()[0] for c in part if c.isalpha()} - _CJK) > 1:
            return True
    return False


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*")
# What a reader takes for somewhere: dotted names ending in letters (or punycode), or IPv4; a URL
# of any shape (`https://okta`); `host:port` (`localhost:8080`); a path (`intranet/login`).
_HOSTLIKE = re.compile(
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[\w-]+)(?![\w-])|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"
)
_URL_IN = re.compile(r"[^\W\d_][\w+.-]*:[/\\]{2,}[^/\\?#\s]*")  # up to its host: one may follow
_WORD_START = r"(?:^|(?<=[\s(\[\"'“‘]))"  # a word of its own, not the middle of a URL or a path
_HOST_PORT = re.compile(_WORD_START + r"([^\W\d_][\w.-]*):[0-9]+(?!\w)")
_PATHLIKE = re.compile(_WORD_START + r"([^\W\d_][\w.-]*)[/\\][^\W_]")


def _readable(label: str) -> str:
    """A label as a reader takes it in: entities read, look-alike characters folded, invisible
    characters (zero-width spaces, direction marks) gone."""
    text = unicodedata.normalize("NFKC", unescape(label)).translate(_DOTS)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").lower()


def _named(text: str) -> list[str]:
    """The hosts a readable text names (mail addresses' domains among them); a URL no browser
    could open names "?", which is nowhere."""
    names = [e.rpartition("@")[2] for e in _EMAIL.findall(text)]
    # (Hosts before an `@` count too: `okta.company.com@evil.example` reads as okta's.)
    names += _HOSTLIKE.findall(text) + _HOST_PORT.findall(text) + _PATHLIKE.findall(text)
    for url in _URL_IN.findall(text):
        there = _where(url)
        names.append(there.host if there is not None else "?")
    return names


def _misleading(where: _Where, label: str) -> bool:
    """Whether a label names a host, URL or mail address other than where the link goes, or its
    host in look-alike letters."""
    text = _readable(label)
    if where.address is not None:
        if any(e != where.address.lower() for e in _EMAIL.findall(text)):
            return True
        text = _EMAIL.sub(" ", text)  # the address named is the one it goes to
    names = _named(text)
    return any(_lookalike(n) or _host_key(n) != where.host for n in names)


def _shown_link(link: _Link) -> str:
    """A link with a label that says where it goes: its own, if honest; else none, when the
    target's own text says it plainly; else where a browser would go, said plainly."""
    where = _where(link.target)
    assert where is not None  # (links a browser cannot open are not pieces)
    if link.label and not _misleading(where, link.label):
        label = link.label
    elif where.plain and not (link.label and where.address is not None):
        label = ""
    else:
        label = escape(where.plainly)
    return f"<{link.target}|{label}>" if label else f"<{link.target}>"


# -- text that shows only what it says ---------------------------------------------------------

# Where Slack's auto-linking starts a URL, a domain, an address, a channel name or an @-mention.
_LINKABLE = re.compile(r"([.@:/#])(?=\S)")
_ZWSP = "\u200b"


def _spaced(c: str) -> str:
    return " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c


def inert(text: str | None, limit: int) -> str:
    """`text` (a title, say: anyone who edits profiles may have typed it) as mrkdwn that shows
    exactly what it says: one line, at most `limit` characters (an ellipsis says it was cut),
    escaped, with nothing that pings, broadcasts, links or names a channel.

    Entities (`R&amp;D`) are read first, so Slack's escaping is not doubled; format characters
    (zero-width joiners, direction overrides) are dropped, since they can disguise what it says.
    Slack turns plain text into links, channels and mentions itself: `verbatim: true` on a block's
    text turns that off (the documented way, used where the block is drawn for it), and for text
    that lands elsewhere (a notification, a line of someone else's block) a zero-width space after
    each `.` `@` `:` `/` `#` breaks every URL, domain, address, channel name and @-word apart.
    """
    raw = unescape(text or "")
    if not (raw.isascii() and raw.isprintable()):  # (most titles are: skip reading each character)
        raw = "".join(_spaced(c) for c in raw if unicodedata.category(c) != "Cf")
    line = " ".join(raw.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return _LINKABLE.sub(lambda m: m[1] + _ZWSP, escape(line))
