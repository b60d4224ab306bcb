"""Reading `/skills`, `/endorse` and `/whoknows` text into requests, and the skills free text
names (a kudos reason, `/endorse @bob for his great python work`); pure, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.expertise.names import (
    MAX_TOPIC_WORDS,
    Named,
    Skill,
    Vocabulary,
    catalog,
    normalise,
    question,
    unescape,
)
from bot.expertise.titles import title_skills
from bot.help.catalog import did_you_mean
from bot.platform.mrkdwn import escape, mentions, strip_mentions, without_broadcasts, without_markup
from bot.platform.refusals import Refusal

MAX_TOPIC = 200  # characters of a /whoknows topic worth reading

ADD = frozenset({"add", "+", "declare", "set", "new"})
# Taking a skill off one's profile: the declaration, and every endorsement of it (`skills.remove`).
REMOVE = frozenset({"remove", "rm", "delete", "del", "drop", "-", "unset", "hide"})
ACCEPT = frozenset({"accept", "approve"})  # endorsements waiting for one's OK
HELP = frozenset({"help", "?", "usage"})
VERBS = ("add", "remove", "accept", "help")  # what a mistyped first word may have meant
_LEADING = frozenset({"for", "on", "in", "with", "at", "as"})
# Words of a sentence, not of a skill name: `/endorse @bob his great python work` is free text.
_SENTENCE_WORDS = (
    "his her hers their theirs them him he she they my our your its the a an being is was were are "
    "been so very really always all that this because thanks thank great awesome amazing"
)
_SENTENCE = frozenset(_SENTENCE_WORDS.split())
_LIST = re.compile(r"[,;|\n]")  # what makes `/endorse @bob python, terraform` a list
_LONGEST = 4  # words in the longest skill name looked for


# --------------------------------------------------------------------------------------------
# Skills in free text
# --------------------------------------------------------------------------------------------


def skill_keys(text: str) -> list[str]:
    """Curated skill keys free text names (mentions and links aside), in the order they appear."""
    words = normalise(without_markup(text)).split()
    step = MAX_TOPIC_WORDS - _LONGEST  # overlapping windows, so a name across a boundary counts
    found: list[str] = []
    for start in range(0, max(1, len(words)), step):
        # Whole names only (plurals aside): a sentence's verbs are not skills by their stems.
        for key in title_skills(" ".join(words[start : start + MAX_TOPIC_WORDS]), stems=False):
            if key not in found:
                found.append(key)
    return found


def team_skills_in(text: str, vocab: Vocabulary) -> list[Skill]:
    """The workspace's own skills (names the curated table may lack) free text names exactly."""
    words = normalise(without_markup(text)).split()
    found: list[Skill] = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + _LONGEST), start, -1):
            phrase = " ".join(words[start:end])
            skill = vocab.by_key.get(phrase) if len(phrase) > 2 else None
            if skill is not None:
                found.append(skill)
                start = end
                break
        else:
            start += 1
    return list(dict.fromkeys(found))


def named_in(text: str, vocab: Vocabulary) -> list[Named]:
    """The skills free text names, as if they had been listed: curated ones, then the workspace's."""
    table = catalog()
    named: dict[str, Named] = {}
    for key in skill_keys(text):
        existing = vocab.by_key.get(key)
        label = existing.label if existing else table.label(key) or key
        named[key] = Named(key, label, label, existing)
    for skill in team_skills_in(text, vocab):
        named.setdefault(skill.key, Named(skill.key, skill.label, skill.label, skill))
    return list(named.values())


@dataclass(frozen=True)
class SkillsRequest:
    """`/skills`: show mine (`mine`), show theirs (`theirs`), `add`, `remove`, `accept`, or `help`."""

    action: str
    text: str = ""  # the skills, for add, remove and accept
    user_id: str = ""  # whose skills, for theirs
    refused: Refusal | None = None  # what was not understood (then the action is help)

    @property
    def writes(self) -> bool:
        return self.action in ("add", "remove", "accept")


def parse_skills(text: str) -> SkillsRequest:
    clean = without_broadcasts(text or "").strip()
    if not clean:
        return SkillsRequest("mine")
    verb, rest = [*clean.split(None, 1), ""][:2]
    verb = verb.lower()
    if verb in ADD or verb in REMOVE or verb in ACCEPT:
        action = "add" if verb in ADD else "remove" if verb in REMOVE else "accept"
        skills = strip_mentions(rest)
        if not normalise(skills):
            return SkillsRequest("help", refused=Refusal(f"Say which skills to {action}.", usage=True))
        return SkillsRequest(action, text=skills)
    if verb in HELP:
        return SkillsRequest("help")
    # A skill named without a verb (`/skills helm`) is not a typo of one (`help`).
    guess = None if catalog().canonical(normalise(verb)) else did_you_mean(verb, VERBS)
    if guess is not None:
        meant = f"/skills {guess} {'' if guess == 'help' else strip_mentions(rest)}".strip()
        said = f"I don't know `{escape(verb[:40])}`. Did you mean `{escape(meant[:100])}`?"
        return SkillsRequest("help", refused=Refusal(said))
    people = mentions(clean)
    if people:
        return SkillsRequest("theirs", user_id=people[0])
    return SkillsRequest(
        "help",
        refused=Refusal("To declare skills, start with `add`, e.g. `/skills add kubernetes`.", usage=True),
    )


@dataclass(frozen=True)
class EndorseRequest:
    people: list[str] = field(default_factory=list)  # Slack ids, in order
    text: str = ""  # the skills
    refused: Refusal | None = None
    # Said in a sentence (`for his great python work`), not listed: only the skills it names
    # that Rapport knows count (`named_in`); a list may name new ones (`python, tax law`).
    free: bool = False


def parse_endorse(text: str) -> EndorseRequest:
    """`@bob python, terraform` (a list), or `@bob for his great python work` (free text: led by
    `for` and no commas, or worded like a sentence)."""
    clean = without_broadcasts(text or "")
    people = mentions(clean)
    words = strip_mentions(clean).split(" ")
    led = bool(words) and words[0].lower() in _LEADING
    if led:
        words = words[1:]
    skills = " ".join(words).strip()
    if not people:
        return EndorseRequest(refused=Refusal("Mention the colleague you vouch for.", usage=True))
    if not normalise(skills):
        return EndorseRequest(people, refused=Refusal("Say which skills you vouch for.", usage=True))
    sentence = not _SENTENCE.isdisjoint(normalise(skills).split())
    listed = _LIST.search(unescape(skills))  # (Slack's &lt; is no semicolon)
    return EndorseRequest(people, skills, free=(led or sentence) and not listed)


@dataclass(frozen=True)
class TopicRequest:
    topic: str = ""
    refused: Refusal | None = None  # None with no topic: nothing was asked
    unanswered: bool = False  # `--unanswered`: the month's questions nobody could answer (admins)


UNANSWERED = frozenset({"--unanswered", "\u2014unanswered", "\u2013unanswered", "-unanswered"})


def parse_topic(text: str) -> TopicRequest:
    """A question (`someone who knows react & typescript?`: `names.question` reads its skills
    part), or `--unanswered`. A question with nothing but filler (`who knows?`) asks nothing."""
    clean = without_broadcasts(text or "")
    if clean.strip().lower() in UNANSWERED:  # (Slack may turn `--` into a dash)
        return TopicRequest(unanswered=True)
    topic = strip_mentions(clean)[:MAX_TOPIC].strip()
    if normalise(question(topic)):
        return TopicRequest(topic)
    if mentions(clean):
        return TopicRequest(
            refused=Refusal(
                "Ask about a topic, not a person; `/skills @colleague` shows their skills.", usage=True
            )
        )
    return TopicRequest()
