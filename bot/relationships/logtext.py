"""Reading a `/log` line: who, what, #topics, #gave/#got; the follow-up is in `intent`.

Dates are read later, in the author's own time zone (`dates`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.platform.mrkdwn import CHANNEL, MENTION, mentions, unescape, without_broadcasts
from bot.relationships.dates import LocalNow, Reading, leading_reading, read_phrase, trailing_reading

# A #tag not inside Slack's <…> markup (channels, links) or a word ("page#anchor").
TAG = re.compile(r"(?<![\w<&/#|])#([^\W_][\w\-+.]*)")
GAVE_TAGS = frozenset({"gave", "give", "helped"})
GOT_TAGS = frozenset({"got", "get", "gothelp"})
TOPIC_MAX = 40
_LEADING_PEOPLE = re.compile(r"^(?:(?:with|w/)\s+)?(?:<@[^>]+>[\s,;&]*(?:and\s+)?)+", re.IGNORECASE)
_TRAILING_TAGS = re.compile(r"(?:\s*(?<![\w<&/#|])#[^\W_][\w\-+.]*)+[\s.,;!]*$")
_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>")
_EDGE_PUNCT = " \t\n,;:-–—"


@dataclass
class LogText:
    """A /log text taken apart; the follow-up is read later, in the author's own time zone."""

    user_ids: list[str]
    note: str  # the whole note, mentions still as <@U…>; the caller names them
    body: str  # the text without #tags, where a follow-up is looked for (`read_follow_up`)
    topics: list[str]
    give_take: int | None  # +1 gave, -1 got
    mixed_give_take: bool  # both #gave and #got: neither is recorded


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


def _note(body: str) -> str:
    body = _LEADING_PEOPLE.sub("", _TRAILING_TAGS.sub("", body).strip())
    return _tidy(humanize_markup(TAG.sub(lambda m: m.group(1), body)))


def read_log(text: str) -> LogText:
    """Take a /log text apart: people, note, #topics, #gave/#got (the follow-up: `read_follow_up`)."""
    text = without_broadcasts(text)
    tags = topic_tags(text)
    gave = any(t in GAVE_TAGS for t in tags)
    got = any(t in GOT_TAGS for t in tags)
    topics = [t for t in tags if t not in GAVE_TAGS | GOT_TAGS]
    body = TAG.sub(lambda m: "" if m.group(1).lower() in GAVE_TAGS | GOT_TAGS else m.group(0), text)
    body = _TRAILING_TAGS.sub("", body)
    return LogText(
        user_ids=mentions(text),
        note=_note(body),
        body=body,
        topics=topics,
        give_take=None if gave == got else (1 if gave else -1),
        mixed_give_take=gave and got,
    )


def note_with_names(note: str, names: dict[str, str]) -> str:
    """Replace <@U…> mentions in a note with @Name, so a stored note is plain, self-contained text."""
    return MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), note)


# --------------------------------------------------------------------------------------------
# The intent to follow up: a verb ("ping him", "touch base", "f/u"), maybe people, and a date
# before or after it, anywhere in the line (README, "How Rapport reads what you type")
# --------------------------------------------------------------------------------------------

# Each verb as its words; a weak one ("catch up", "reach out") counts only when it governs a date.
VERBS: tuple[tuple[tuple[str, ...], bool], ...] = tuple(
    (tuple(words.split()), strong)
    for strong, phrases in (
        (
            True,
            (
                "follow up",
                "follow-up",
                "followup",
                "f/u",
                "fu",
                "fup",
                "ping",
                "check back",
                "check in",
                "check-in",
                "touch base",
                "circle back",
                "reconnect",
                "catch up again",
                "catch-up again",
                "remind me",
                "get back to",
                "reach out again",
                "nudge me",
                "revisit",
                "talk again",
                "sync again",
                "meet again",
                "chase",
            ),
        ),
        (False, ("catch up", "catch-up", "reach out", "nudge", "remind")),
    )
    for words in phrases
)
_LONGEST_VERB = max(len(words) for words, _ in VERBS)
_VERBS = dict(VERBS)
_FIRST_WORDS = frozenset(words[0] for words in _VERBS)
# A verb after these is a noun ("the ping was slow", "my follow-up"); before these, too.
_NOUN_BEFORE = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "my", "his", "its", "our", "their", "your", "no"}
)
_NOUN_AFTER = frozenset({"was", "is", "were", "are", "has", "had", "went", "took", "got", "'s", "of"})
# Before a weak verb, these make it a request ("let's catch up after the holidays", "need to reach
# out"), not the story ("we caught up", "she reached out").
_INTENT_BEFORE = frozenset(
    {"let's", "lets", "will", "i'll", "ill", "we'll", "should", "must", "to", "gonna", "wanna", "shall"}
)
_PRONOUNS = frozenset({"him", "her", "them", "me", "us", "everyone", "everybody", "all", "both", "y'all"})
# Words between a verb and its date that say nothing of their own ("ping him again about it on …").
_OBJECT = _PRONOUNS | {"with", "w/", "to", "again", "and", "&", "up", "it"}
# Words said before a verb that go with it ("I'll ping him", "need to follow up").
_HELPERS = frozenset(
    {"i'll", "ill", "we'll", "i", "we", "will", "should", "must", "need", "needs", "to", "gotta", "let's"}
    | {"lets", "please", "pls", "plz", "and", "then", "so", "remember", "want", "have", "going", "gonna"}
)
_DATE_START = re.compile(
    r"^(?:\d|in$|on$|by$|next|this$|the$|end|early|mid|late|later|beginning|start|middle|eo[wmqyd]$|tom|tmr|2mo"
    r"|today|tonight|day$|a$|couple|few|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may$|jun|jul|aug|sep|oct|nov|dec|weekend|sometime"
    r"|around|before|until|for$|at$|cob$|month|week)"
)
_CLAUSE_WORDS = 10  # how far after its verb a date may be
# Told apart from a note's own words: a trailing "in 2 weeks" after these is the story's.
_STORY_BEFORE = frozenset(
    {"leaving", "leaves", "moving", "moves", "starting", "starts", "joining", "joins", "back", "due", "is"}
    | {"are", "be", "launch", "launches", "launching", "ends", "ending", "returns", "returning", "off"}
    | {"retiring", "retires", "born", "married", "vacation", "holiday", "expires", "expiring", "'s", "was"}
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_SHORTCODE = re.compile(r":[a-z0-9_+\-']+:")
_EDGES = re.compile(r"^[^\w/&']+|[^\w/&']+$")
_TOKEN = re.compile(r"<[^<>]*>[^\s<]*|[^\s<]+|<")
_SENTENCE_END = (".", "!", "?", ";")
_ABBREVIATIONS = frozenset(
    {"wk", "wks", "mo", "mos", "yr", "sept", "tues", "thur", "thurs", "eow", "eom", "eoq", "eod", "qtr"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
    | {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "e.g", "i.e", "vs", "approx"}
)


@dataclass(frozen=True)
class _Token:
    text: str  # as typed (Slack-escaped)
    start: int
    end: int
    norm: str  # lower case, no punctuation or emoji around it; "" for noise ("—", ":tada:")
    user_id: str | None  # a mention's Slack id


@dataclass
class FollowUpReading:
    """A follow-up asked for in a /log line: when (None: no readable date), with whom, what it said."""

    reading: Reading | None
    about: list[str]  # Slack ids it names ("ping @bob"; "him": the one the note named last); []: all
    said: str  # the words that asked for it, as typed ("ping him next month")
    phrase: str  # the date words as typed ("next month"), or what followed the verb when unreadable
    note: str  # the note without the words that carried the follow-up (the whole note if no date)


def _tokens(body: str) -> list[_Token]:
    found = []
    for m in _TOKEN.finditer(body):
        text = m.group(0)
        user = MENTION.match(text)
        # Phones type curly apostrophes ("I’ll", "let’s"): read them as straight ones.
        norm = _SHORTCODE.sub("", unescape(text).lower().translate(_APOSTROPHES))
        norm = _EDGES.sub("", norm).strip("'")
        found.append(_Token(text, m.start(), m.end(), "" if user else norm, user.group(1) if user else None))
    return found


def _verb_at(tokens: list[_Token], i: int) -> tuple[int, bool] | None:
    """How many tokens the verb starting at `i` takes, and whether it is strong."""
    if tokens[i].norm not in _FIRST_WORDS:
        return None
    for n in range(min(_LONGEST_VERB, len(tokens) - i), 0, -1):
        words = tuple(t.norm for t in tokens[i : i + n])
        if words in _VERBS and (
            n == 1 or not any(t.text.endswith(_SENTENCE_END) for t in tokens[i : i + n - 1])
        ):
            return n, _VERBS[words]
    return None


def _marks(tokens: list[_Token]) -> list[tuple[int, int, bool]]:
    """Where verbs are, as (first token, token after, strong), nouns and past tenses left out."""
    marks = []
    i = 0
    while i < len(tokens):
        found = _verb_at(tokens, i)
        if found is None:
            i += 1
            continue
        n, strong = found
        before = tokens[i - 1] if i else None
        after = tokens[i + n] if i + n < len(tokens) else None
        noun = (
            before is not None and before.norm in _NOUN_BEFORE and not before.text.endswith((":", ","))
        ) or (
            after is not None
            and after.norm in _NOUN_AFTER
            and not tokens[i + n - 1].text.endswith((",", ":"))
        )
        if not noun:
            said = before is not None and (
                before.norm in _INTENT_BEFORE
                or (before.norm == "us" and i > 1 and tokens[i - 2].norm == "let")
            )
            marks.append((i, i + n, strong or said))
        i += n
    return marks


def _noise(token: _Token) -> bool:
    return not token.norm and token.user_id is None


def _ends_sentence(token: _Token) -> bool:
    return token.text.endswith(_SENTENCE_END) and not (
        token.text.endswith(".") and token.norm in _ABBREVIATIONS
    )


def _date_after(
    tokens: list[_Token], start: int, now: LocalNow, verbs: set[int]
) -> tuple[Reading | None, int, int, int]:
    """The date a verb governs after it, in its clause: (reading, end of the object words after
    the verb ("him", "with @bob"), the date's first token, the token after it)."""
    if _ends_sentence(tokens[start - 1]):  # "sync. Remind me …": nothing after it is its own
        return None, start, start, start
    k = start
    while k < len(tokens) and (tokens[k].norm in _OBJECT or not tokens[k].norm or k in verbs):
        # Mentions are objects too ("ping @bob"); so are other verbs ("remind me to ping him").
        if k > start and _ends_sentence(tokens[k - 1]):
            break
        k += 1
    if k > start and _ends_sentence(tokens[k - 1]):  # "ping him. He's moving next month"
        return None, k, k, k
    end = k
    while end < min(len(tokens), k + _CLAUSE_WORDS):
        end += 1
        if _ends_sentence(tokens[end - 1]):
            break
    words = [unescape(t.text) for t in tokens]
    for p in range(k, end):
        if tokens[p].norm and _DATE_START.match(tokens[p].norm):
            found, used = leading_reading(words[p:end], now, slow=False)
            if found is not None:
                return found, k, p, p + used
    if k < end:  # beyond the grammar: dateparser, only for the words right after the verb
        found, used = leading_reading(words[k:end], now)
        if found is not None:
            return found, k, k, k + used
    return None, k, k, k


def _date_before(tokens: list[_Token], verb: int, now: LocalNow) -> tuple[Reading | None, int]:
    """A date said just before the verb ("next month ping him", "in 2 weeks: follow up"), and
    where it starts (the helpers between it and the verb go with it: "Friday I'll ping him")."""
    k = verb
    while k > 0 and (tokens[k - 1].norm in _HELPERS or _noise(tokens[k - 1])):
        k -= 1
    if k == 0 or _ends_sentence(tokens[k - 1]):
        return None, verb
    first = k - 1
    while first > 0 and k - first < 6 and not _ends_sentence(tokens[first - 1]):
        first -= 1
    found, used = trailing_reading([unescape(t.text) for t in tokens[first:k]], now)
    return (found, k - used) if found else (None, verb)


def _about(tokens: list[_Token], verb: int, zone: range) -> list[str]:
    """Whom the follow-up names: mentions by the verb, or the person "him"/"her" points back to."""
    named = [t.user_id for t in (tokens[i] for i in zone) if t.user_id]
    if named:
        return list(dict.fromkeys(named))
    if any(tokens[i].norm in ("him", "her") for i in zone):
        # The person named last in the note itself ("lunch with @bob, ping him"); the people
        # the line starts with ("@ann @bob sync, ping him") say nothing of whom: everyone.
        lead = 0
        while lead < verb and (tokens[lead].user_id or tokens[lead].norm in ("with", "w/", "and", "&", "")):
            lead += 1
        earlier = [t.user_id for t in tokens[lead:verb] if t.user_id]
        return earlier[-1:]
    return []


def _span(body: str, tokens: list[_Token], first: int, after: int) -> str:
    return (
        body[tokens[first].start : tokens[after - 1].end].strip(_EDGE_PUNCT + ".!?") if after > first else ""
    )


def read_follow_up(parsed: LogText, now: LocalNow) -> FollowUpReading | None:
    """The follow-up a /log line asks for, read in the author's zone; None when it asks for none.

    The first verb that governs a date wins; a strong verb with no readable date is a question.
    """
    body = parsed.body
    tokens = _tokens(body)
    marks = _marks(tokens)
    verbs = {i for first, after, _ in marks for i in range(first, after)}
    question: FollowUpReading | None = None
    taken: set[int] = set()
    for first, after, strong in marks:
        if first in taken:
            continue
        found, k, d0, d1 = _date_after(tokens, after, now, verbs)
        taken.update(range(after, k))
        about = _about(tokens, first, range(after, k))
        if found is not None:
            lead = first  # "I'll ping him", ":calendar: follow up Friday", "— f/u next wk."
            while lead > 0 and (tokens[lead - 1].norm in _HELPERS or _noise(tokens[lead - 1])):
                lead -= 1
            cut = {*range(lead, k), *range(d0, d1)}
        else:
            found, d0 = _date_before(tokens, first, now)
            d1 = first
            cut = set(range(d0, k))
            while d1 > d0 and (tokens[d1 - 1].norm in _HELPERS or _noise(tokens[d1 - 1])):
                d1 -= 1
        if found is not None:
            return FollowUpReading(
                reading=found,
                about=about,
                said=_span(body, tokens, min(cut), max(cut) + 1),
                phrase=_span(body, tokens, d0, d1),
                note=_note(" ".join(t.text for i, t in enumerate(tokens) if i not in cut)),
            )
        if strong and question is None:
            stop = k
            while stop < min(len(tokens), k + 6) and not (stop > k and _ends_sentence(tokens[stop - 1])):
                stop += 1
            if k > after and _ends_sentence(tokens[k - 1]):
                stop = k  # "ping him. He's moving…": nothing after the full stop is its date
            question = FollowUpReading(
                reading=None,
                about=about,
                said=_span(body, tokens, first, max(stop, k)),
                phrase=_span(body, tokens, k, stop),
                note=parsed.note,
            )
    return question or _trailing_span(parsed, tokens, now)


def _trailing_span(parsed: LogText, tokens: list[_Token], now: LocalNow) -> FollowUpReading | None:
    """A line that ends "… in 2 weeks" with no verb asks for a follow-up, unless the story says
    what happens then ("she's leaving in 2 weeks", "back in a month")."""
    words = [unescape(t.text) for t in tokens]
    for n in (4, 3, 2):
        if len(tokens) <= n or tokens[-n].norm != "in":
            continue
        found = read_phrase(" ".join(words[-n:]), now, slow=False)
        before = tokens[-n - 1]
        if found is None:
            continue
        set_off = before.text.endswith((",", ":", ";", ".")) or not before.norm
        if not set_off and (before.norm in _STORY_BEFORE or before.norm.endswith("ing")):
            return None
        start = len(tokens) - n
        return FollowUpReading(
            reading=found,
            about=[],
            said=_span(parsed.body, tokens, start, len(tokens)),
            phrase=_span(parsed.body, tokens, start, len(tokens)),
            note=_note(" ".join(t.text for t in tokens[:start])),
        )
    return None
