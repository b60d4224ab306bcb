"""What one public Slack message says about its author's expertise; pure, no database, no Slack.

A message is read as Slack's Events API and `conversations.history` give it (`user`, `text`,
`ts`, `thread_ts`, `subtype`, `bot_id`, `reactions`, `files`, `blocks`, `parent_user_id`), with
what its thread says about it: who started the thread, the thread's first message, and the
replies that came after it. `signal` returns the evidence it gives, or None; nothing of its text
is kept, only the skills it names and the kind of signal it is, so the caller can say "answered
9 threads about Terraform in #infra".

- Skills are read the one way free text is read (`commands.skill_keys`: curated names and
  aliases, longest phrase first; `commands.team_skills_in`: the workspace's own names), the way
  kudos reasons are. Slack's markup is read by `platform.mrkdwn` alone: mentions (`<@U1|go>` is a
  person, not Go), channel links and links (their hosts and labels) are not the author's words,
  though a link is a "shared a link" signal. Code, fenced or inline, is the author's words and
  counts ("shared code").
- The kind of signal: ANSWER, a reply in someone else's thread that does not itself ask; THANKED,
  an answer its asker thanked afterwards (or that someone else marked with a thumbs-up or a
  check mark); SHARED, a link, file or code offered unasked; MENTION, a plain statement; QUESTION,
  asking, which counts for nothing.
- Bots, system messages, messages without an author and the asker's own follow-ups in their own
  thread never count.

`from_event` says what a `message` event asks of the stored evidence: score a new or edited
message (an edit replaces what its `ts` gave before), or forget a deleted one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.expertise.commands import skill_keys, team_skills_in
from bot.expertise.names import Vocabulary
from bot.platform.mrkdwn import canonical, mentions, unescape, without_markup

Message = Mapping[str, Any]

# --------------------------------------------------------------------------------------------
# Kinds of signal and what each is worth
# --------------------------------------------------------------------------------------------

ANSWER = "answer"
THANKED = "thanked"
SHARED = "shared"
MENTION = "mention"
QUESTION = "question"

# One plain answer is the unit; the caller weighs the whole source against titles, declarations
# and endorsements (and should cap how much activity alone can add).
ANSWER_WEIGHT = 1.0  # helping someone else with their problem is the clearest sign of knowing it
# The asker said it helped (or a colleague marked it right): the answer was not just an attempt.
THANKED_BONUS = 1.0
# Offering a link, a file or code unasked shows working knowledge, but nobody confirmed it helped.
SHARED_WEIGHT = 0.6
# Talking about a skill is not knowing it: many statements add up, slowly, to one answer.
MENTION_WEIGHT = 0.2
# Asking never makes an expert, however often; and it is never negative, so asking costs nobody
# the evidence their answers earned (a question in a thread must not cancel an answer).
QUESTION_WEIGHT = 0.0
# An answer that names no skill itself counts for the skills of the question it answers, at this
# share: which skill it is about is inferred from the thread, not said.
THREAD_SHARE = 0.5
# An answer that names no skill, has no code or link and was not thanked must have this many words
# to count for its thread's skills ("nice!", "following" are not answers).
ANSWER_WORDS = 5

WEIGHTS: Mapping[str, float] = {
    THANKED: ANSWER_WEIGHT + THANKED_BONUS,
    ANSWER: ANSWER_WEIGHT,
    SHARED: SHARED_WEIGHT,
    MENTION: MENTION_WEIGHT,
    QUESTION: QUESTION_WEIGHT,
}


def weight_of(kind: str, *, from_thread: bool = False) -> float:
    """What one signal of `kind` is worth per skill (an answer thanked later: `weight_of(THANKED,
    from_thread=…)`, so a thanks that arrives afterwards adds what it would have added at once)."""
    return WEIGHTS[kind] * (THREAD_SHARE if from_thread else 1.0)


@dataclass(frozen=True)
class Signal:
    """The evidence one message gives about its author."""

    skill_keys: tuple[str, ...]  # curated skills, canonical keys, in the order they appear
    team_skill_ids: tuple[int, ...]  # the workspace's own skills whose keys are not among those
    kind: str  # THANKED, ANSWER, SHARED, MENTION or QUESTION
    weight: float  # what it is worth, per skill (WEIGHTS, times THREAD_SHARE when `from_thread`)
    code: bool = False  # it shows code (fenced, inline, a snippet)
    link: bool = False  # it shares a link or a file
    from_thread: bool = False  # the skills are the question's it answers; it named none itself

    @property
    def counts(self) -> bool:
        """Whether it adds anything (a question does not)."""
        return self.weight > 0


# --------------------------------------------------------------------------------------------
# Which messages count
# --------------------------------------------------------------------------------------------

# Subtypes a person's own words come with; every other one (bot_message, channel_join,
# channel_topic, pinned_item, message_changed itself, tombstone, huddle_thread, …) never counts,
# including subtypes Slack adds later.
PERSONAL_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})
SLACKBOT = "USLACKBOT"


def author(message: Message) -> str | None:
    """Who wrote a message, if a person did and it may count: never a bot or a system message."""
    user = message.get("user")
    if not isinstance(user, str) or not user or user == SLACKBOT:
        return None
    if message.get("bot_id") or message.get("bot_profile") or message.get("hidden"):
        return None
    subtype = message.get("subtype") or ""
    if not isinstance(subtype, str) or subtype not in PERSONAL_SUBTYPES:
        return None
    return user


def is_reply(message: Message) -> bool:
    """A reply in a thread (a broadcast one too), not the thread's first message."""
    thread = message.get("thread_ts")
    return bool(thread) and thread != message.get("ts")


# --------------------------------------------------------------------------------------------
# Reading the author's words
# --------------------------------------------------------------------------------------------

_FENCED = re.compile(r"```.*?(?:```|$)", re.S)
_INLINE = re.compile(r"`[^`\n]+`")
_SHORTCODE = re.compile(r":[a-z0-9_+'-]+(?:::skin-tone-\d)?:", re.I)


def _prose(text: str) -> list[str]:
    """The lines of what the author wrote, code and Slack markup left out, unescaped."""
    bare = _INLINE.sub(" ", _FENCED.sub("\n", text or ""))
    return [unescape(without_markup(line)) for line in bare.splitlines()]


def _sentences(text: str) -> list[str]:
    """The author's sentences, case-folded, greetings taken off their fronts ("hey team, how …");
    a greeting or emoji alone is no sentence."""
    found: list[str] = []
    for line in _prose(text):
        for piece in re.split(r"(?<=[.!?])\s+", line):
            sentence = _GREETING.sub("", piece.strip().casefold())
            if _words_of(_SHORTCODE.sub(" ", sentence)):
                found.append(sentence)
    return found


def _words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _words(options: str) -> re.Pattern[str]:
    """A pattern for whole words and phrases (`|`-separated), apostrophes straight or curly."""
    alternatives = "|".join(o.strip().replace("'", "['’]?") for o in options.split("|") if o.strip())
    return re.compile(rf"(?<![\w']){'(?:' + alternatives + ')'}(?![\w'])")


_END = r"(?![\w'])"
# Words people open a message with before they ask ("hey team, how do I …").
_GREETING = re.compile(
    r"^(?:(?:(?:hi|hey|hello|hiya|heya|yo|howdy|greetings|o/|morning|good (?:morning|afternoon|evening))"
    r"(?:\s+(?:all|team|folks|everyone|everybody|guys|people|friends|there|y['’]?all|gang))?"
    rf"{_END}|(?:all|team|folks|everyone|everybody|guys|y['’]?all)\s*(?=[,:!—–-]))[\s,!:.\-–—]*)+"
)
_WH = "how|what|why|where|when|which|who|whom|whose"
_AUX = (
    "do|does|did|can|could|should|would|will|is|are|was|were|am|has|have|to|happens|happened|"
    "s|re|ve|d|ll|if|else|exactly|much|many|long|often|come|knows|know|uses|owns"
)
# How a sentence that asks begins: a question word and its verb ("how do", "what's", "why is"),
# or a phrase that asks ("is there", "anyone", "any idea", "I'm stuck", "help with").
_ASKS = re.compile(
    rf"^(?:(?:{_WH})(?:['’]|\s+)(?:{_AUX}){_END}"
    rf"|(?:is|are) there{_END}|is it possible|¿|q:|qq{_END}|(?:quick )?question{_END}"
    rf"|any(?:one|body){_END}|any (?:idea|ideas|clue|clues|tips|pointers|thoughts|advice){_END}"
    rf"|(?:(?:i|we) )?(?:really )?need (?:some )?help|help (?:with|me|needed){_END}|(?:please|pls|plz) help"
    rf"|(?:can|could|should|do|may|would|will|shall) (?:i|we|you){_END}"
    rf"|(?:is|does|do|are|was|did) (?:it|this|that|there|mine|yours|anything){_END}"
    rf"|(?:i['’]?m |i am |we['’]?re |we are )?(?:wondering|not sure how|confused){_END}"
    r")"
)
# Phrases that ask wherever they are in a sentence ("maybe a dumb question, but …").
_ASKS_ANYWHERE = re.compile(
    rf"(?<![\w'])(?:(?:dumb|stupid|silly|noob|newbie|quick|basic) question|question\s*[:—–]"
    rf"|(?:i['’]?m|i am|im|we['’]?re|we are|i got|i['’]?ve been|i have been|got|getting) stuck{_END}"
    rf"|stuck (?:on|with){_END}|(?:does|did|has|have|can|could|will|would) (?:any|some)(?:one|body){_END}"
    rf"|any (?:idea|ideas|clue|clues)(?: how| why| what| if)?{_END}|(?:i )?can['’]?t figure(?: out)?"
    rf"|(?:i|we) (?:don['’]?t|do not) (?:know|understand) (?:how|why|what|where|if|whether){_END})"
)
# A "question" that suggests an answer ("have you tried restarting it?").
_SUGGESTS = re.compile(
    r"^(?:have you (?:tried|checked|looked|considered)|did you (?:try|check|set|add|run|enable|restart|"
    r"update|install|configure|look)|you (?:tried|could|can|might|should|need|may want)"
    r"|could you try|can you try|try(?:ing)?|maybe (?:try|use|check|it|you|the|set|run|add)|perhaps"
    r"|what about|how about|what if you|probably|i think|i['’]?d (?:try|use|go|check|look|start|suggest)"
    rf"|might be|it might|it could|could it be|sounds like|looks like|not sure but){_END}"
)
# Asking whether the answer helped ends many answers ("Run X. Does that help?").
_CHECKS_IN = re.compile(
    r"^(?:so |and )?(?:(?:does|did|do|will|would) (?:that|this|it|these|those) "
    r"(?:help|work|make sense|fix it|solve it|do it|do the trick)|(?:make|makes) sense|right|ok|okay"
    rf"|no|yes|see|lmk|better|works|clear|got it|yeah|eh|hope (?:that|this|it) helps){_END}"
)
# Not an answer: "me too", "same here", "+1", "following".
_ME_TOO = re.compile(
    r"^(?:me too|same(?: here| issue| problem| for me| question| error)?|\+1|following|bump|"
    rf"any updates?|i['’]?m also|also (?:seeing|having|wondering|interested)|interested|watching){_END}"
)
_ENDS_ASKING = re.compile(r"\?[?!.\s]*$")


def _asking(sentence: str) -> bool:
    """Whether one sentence asks (check-ins and suggestions aside)."""
    if _ASKS_ANYWHERE.search(sentence):
        return True
    stripped = _bare_end(sentence)
    if _SUGGESTS.match(stripped) or _CHECKS_IN.match(stripped):
        return False
    return _ENDS_ASKING.search(stripped) is not None or _ASKS.match(stripped) is not None


_SMILEY = re.compile(r"[:;]-?[pd]$")


def _bare_end(sentence: str) -> str:
    """A sentence without the emoji, smileys, brackets and quotes it may trail off with.

    (A loop, not one pattern: overlapping alternatives under `+$` backtrack exponentially.)"""
    text = _SHORTCODE.sub(" ", sentence)
    while True:
        end = len(text)
        while end and not (text[end - 1].isalnum() or text[end - 1] in "_?!.,"):
            end -= 1
        text = _SMILEY.sub("", text[:end])
        if len(text) == end:
            return text


def is_question(text: str) -> bool:
    """Whether a message asks: its first or last sentence asks ("how do I …", "… anyone?", "I'm
    stuck", "help with …"), though not "Does that help?" after an answer nor "have you tried X?";
    "me too" and "+1" replies ask too (they add nothing but the wish for an answer)."""
    sentences = _sentences(text)
    if not sentences:
        return False
    if _ME_TOO.match(sentences[0]):
        return True
    return _asking(sentences[0]) or _asking(sentences[-1])


_THANKS = _words(
    # English
    "thanks|thank you|thank u|thankyou|thanx|thanku|thx|thnx|thnks|tks|ty|tyvm|tysm|tyty|"
    "many thanks|cheers|much appreciated|appreciate it|appreciate that|appreciate you|appreciated|"
    "that worked|this worked|it worked|worked for me|works for me|worked like a charm|"
    "works like a charm|works now|working now|it works|that works|works perfectly|worked perfectly|"
    "that did it|that did the trick|did the trick|does the trick|fixed it|that fixed it|that fixes it|"
    "fixed now|solved|problem solved|resolved|all sorted|got it sorted|sorted it|nailed it|"
    "perfect|legend|absolute legend|you rock|you're a star|lifesaver|life saver|life-saver|saved me|"
    "saved my|you're the best|ur the best|brilliant|spot on|exactly what i needed|kudos|"
    # a little of other languages
    "merci|merci beaucoup|danke|dankeschön|danke schön|vielen dank|gracias|muchas gracias|grazie|"
    "obrigado|obrigada|bedankt|dank je|dank u|tack|takk|kiitos|dziękuję|dzięki|arigato|arigatou|"
    "спасибо|дякую"
)
_THANKS_SIGNS = re.compile(
    r"ありがとう|谢谢|謝謝|感谢|감사|🙏|🙌|👍|✅|✔|☑|💯"
    r"|:(?:pray|raised_hands|\+1|thumbsup|white_check_mark|heavy_check_mark|ballot_box_with_check|100|"
    r"thank_?you|thanks|tada|bow)(?:::skin-tone-\d)?:"
)
# What takes the thanks back ("thanks, but it still fails", "didn't work").
_NOT_THANKS = _words(
    "but|however|still|anyway|anyways|no luck|nope|not yet|not working|not work|not quite|not solved|"
    "not fixed|not resolved|not it|didn't|did not|doesn't|does not|don't|isn't|wasn't|won't|hasn't|"
    "haven't|same error|same issue|same problem"
)


def is_thanks(text: str) -> bool:
    """Whether a message thanks or says it worked ("ty!", "that did the trick", "merci", "🙏"),
    and takes none of it back ("thanks, but it still fails")."""
    words = " ".join(_prose(text)).casefold()
    if _NOT_THANKS.search(words):
        return False
    return bool(_THANKS.search(words) or _THANKS_SIGNS.search(unescape(text or "")))


# Reactions that mark an answer right or thank for it (skin tones aside).
APPROVING = frozenset(
    {
        "+1",
        "thumbsup",
        "white_check_mark",
        "heavy_check_mark",
        "ballot_box_with_check",
        "raised_hands",
        "pray",
        "100",
    }
)


def approved(message: Message) -> bool:
    """Whether someone other than its author reacted with a thumbs-up, a check mark or thanks."""
    by = message.get("user")
    for reaction in _list(message.get("reactions")):
        if not isinstance(reaction, Mapping):
            continue
        name = str(reaction.get("name") or "").split("::")[0]
        if name not in APPROVING:
            continue
        users = [u for u in _list(reaction.get("users")) if isinstance(u, str)]
        count = reaction.get("count")
        # Slack may list only some reactors; one person reacts once with each emoji, so two
        # reactions mean someone besides the author.
        if any(u != by for u in users) or (isinstance(count, int) and count >= 2):
            return True
    return False


def thanked_replies(thanks: Message, earlier: Iterable[Message], starter: str) -> tuple[str, ...]:
    """The `ts` of the replies a message of the thread's starter thanks, given the thread's replies
    before it: every reply by those it names, else the latest answerer's replies since anyone
    else's; none when it is no thanks. The reading `thanked` makes, from the thanks' side, for
    thanks that arrive after the answers were scored."""
    if author(thanks) != starter or not is_thanks(_text(thanks)):
        return ()
    named = [n for n in mentions(_text(thanks)) if n != starter]
    replies = [r for r in _before(thanks, earlier) if author(r) not in (None, starter)]
    if named:
        found = [r for r in replies if author(r) in named]
    else:
        found = []
        for reply in reversed(replies):
            if found and author(reply) != author(found[0]):
                break
            found.insert(0, reply)
    return tuple(str(r.get("ts")) for r in found if isinstance(r.get("ts"), str))


def _before(message: Message, earlier: Iterable[Message]) -> list[Message]:
    """The replies before a message, in order (those not before it left out, when ts say so)."""
    at = _ts(message.get("ts"))
    replies = [r for r in earlier if isinstance(r, Mapping)]
    if at is None:
        return replies
    kept = [r for r in replies if (_ts(r.get("ts")) or at - 1) < at]
    return sorted(kept, key=lambda r: _ts(r.get("ts")) or at - 1)


def thanked(message: Message, later: Iterable[Message], starter: str) -> bool:
    """Whether a reply was thanked: the thread's starter said thanks after it, naming its author or
    naming nobody with no one else's reply in between; or `approved` marked it."""
    if approved(message):
        return True
    by = message.get("user")
    others = False  # someone else replied since: thanks naming nobody are theirs from then on
    for reply in _after(message, later):
        who = author(reply)
        if who is None:
            continue
        if who == starter:
            text = _text(reply)
            if is_thanks(text):
                named = mentions(text)
                if by in named or (not named and not others):
                    return True
        elif who != by:
            others = True
    return False


def _after(message: Message, later: Iterable[Message]) -> list[Message]:
    """The replies after a message, in order (those not after it left out, when ts say so)."""
    at = _ts(message.get("ts"))
    replies = [r for r in later if isinstance(r, Mapping)]
    if at is None:
        return replies
    kept = [r for r in replies if (_ts(r.get("ts")) or at + 1) > at]
    return sorted(kept, key=lambda r: _ts(r.get("ts")) or at + 1)


def _ts(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(message: Message) -> str:
    text = message.get("text")
    return text if isinstance(text, str) else ""


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


# --------------------------------------------------------------------------------------------
# Code and links
# --------------------------------------------------------------------------------------------

_LINK_IN_CANONICAL = re.compile(r"<(?![@#])")  # `canonical` keeps only mentions, channels, links
_SNIPPET = "snippet"


def shows_code(message: Message) -> bool:
    """Code in its text (``` or `inline`), its blocks (preformatted, code style) or a snippet."""
    text = _text(message)
    if "```" in text or _INLINE.search(text):
        return True
    if any(isinstance(f, Mapping) and f.get("mode") == _SNIPPET for f in _list(message.get("files"))):
        return True
    return any(e.get("type") == "rich_text_preformatted" or _style(e).get("code") for e in _elements(message))


def shares_link(message: Message) -> bool:
    """A link in its text or blocks, or a file shared with it (a snippet is code, not a link)."""
    if _LINK_IN_CANONICAL.search(canonical(_text(message))):
        return True
    if any(isinstance(f, Mapping) and f.get("mode") != _SNIPPET for f in _list(message.get("files"))):
        return True
    return any(e.get("type") == "link" for e in _elements(message))


def _style(element: Mapping[str, Any]) -> Mapping[str, Any]:
    style = element.get("style")
    return style if isinstance(style, Mapping) else {}


def _elements(message: Message) -> Iterable[Mapping[str, Any]]:
    """Every element of its rich text blocks, depth first (bounded, as payloads are untrusted)."""
    stack: list[Any] = list(_list(message.get("blocks")))
    seen = 0
    while stack and seen < 2000:
        item = stack.pop()
        seen += 1
        if isinstance(item, Mapping):
            yield item
            stack.extend(_list(item.get("elements")))


# --------------------------------------------------------------------------------------------
# The signal
# --------------------------------------------------------------------------------------------


def skills_in(text: str, vocab: Vocabulary) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The curated skill keys text names, and the ids of the workspace's skills it names that are
    not among them (`commands.skill_keys`, `commands.team_skills_in`: mentions and links aside)."""
    keys = tuple(skill_keys(text))
    own = tuple(s.id for s in team_skills_in(text, vocab) if s.key not in keys)
    return keys, own


def starter_of(message: Message, parent: Message | None = None) -> str | None:
    """Who started a message's thread: `parent`'s author (a bot's thread too: replies to an alert
    answer it), else the reply's `parent_user_id`."""
    if parent is not None and isinstance(parent.get("user"), str):
        return str(parent["user"])
    starter = message.get("parent_user_id")
    return starter if isinstance(starter, str) else None


def signal(
    message: Message,
    vocab: Vocabulary,
    *,
    starter: str | None = None,
    parent: Message | None = None,
    later: Iterable[Message] = (),
) -> Signal | None:
    """The evidence one message gives about its author, or None (it names no skill, or never counts).

    `starter`: who started its thread (else `parent`'s author, else the reply's `parent_user_id`);
    `parent`: the thread's first message (an answer that names no skill counts for the skills of
    the question it answers); `later`: the thread's replies after it (was it thanked?)."""
    by = author(message)
    if by is None:
        return None
    reply = is_reply(message)
    starter = starter if starter is not None else starter_of(message, parent)
    if reply and starter == by:
        return None  # the asker's own follow-up in their own thread: they are asking
    text = _text(message)
    keys, own = skills_in(text, vocab)
    code, link = shows_code(message), shares_link(message)
    from_thread = False
    if is_question(text):
        kind = QUESTION
    elif reply and starter is not None:
        kind = THANKED if thanked(message, later, starter) else ANSWER
        if not keys and not own and parent is not None and _substantial(text, kind, code, link):
            question = _text(parent)
            if is_question(question):
                keys, own = skills_in(question, vocab)
                from_thread = True
    elif code or link:
        kind = SHARED
    else:
        kind = MENTION
    if not keys and not own:
        return None
    weight = weight_of(kind, from_thread=from_thread)
    return Signal(keys, own, kind, weight, code=code, link=link, from_thread=from_thread)


def _substantial(text: str, kind: str, code: bool, link: bool) -> bool:
    """An answer, even naming no skill: code, a link, thanks, or a sentence or so of words."""
    words = sum(len(_words_of(line)) for line in _prose(text))
    return kind == THANKED or code or link or words >= ANSWER_WORDS


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------

PUBLIC = "channel"  # a `message` event's channel_type in a public channel


@dataclass(frozen=True)
class Change:
    """What one `message` event asks of the evidence: score `message` (new, or edited: what its
    `ts` gave before is replaced), or, when `message` is None, forget what `ts` gave."""

    channel: str
    ts: str
    message: Message | None
    edited: bool = False

    @property
    def deleted(self) -> bool:
        return self.message is None


def from_event(event: Message) -> Change | None:
    """The message a `message` event carries to score (a new one, a broadcast reply, an edit's new
    version), or the `ts` a deletion removes; None when there is nothing to do. Only public
    channels' messages are scored (an event with another `channel_type` gives nothing, but a
    deletion is always passed on: forgetting is always safe)."""
    if event.get("type") not in (None, "message"):
        return None
    channel = event.get("channel")
    if not isinstance(channel, str) or not channel:
        return None
    subtype = event.get("subtype") or ""
    public = event.get("channel_type") in (None, PUBLIC)
    if subtype == "message_deleted":
        previous = event.get("previous_message")
        ts = event.get("deleted_ts") or (previous.get("ts") if isinstance(previous, Mapping) else None)
        return Change(channel, ts, None) if isinstance(ts, str) and ts else None
    if subtype == "message_changed":
        new = event.get("message")
        if not isinstance(new, Mapping) or not isinstance(new.get("ts"), str):
            return None
        if new.get("subtype") == "tombstone":  # a deleted thread parent kept for its replies
            return Change(channel, new["ts"], None)
        return Change(channel, new["ts"], new, edited=True) if public else None
    ts = event.get("ts")
    if not public or not isinstance(ts, str) or not ts:
        return None
    return Change(channel, ts, event)
