"""Reading `/skills`, `/endorse` and `/whoknows` text into requests (pure; no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.expertise.names import normalise
from bot.platform.mrkdwn import mentions, strip_mentions, without_broadcasts

MAX_TOPIC = 200  # characters of a /whoknows topic worth reading

ADD = frozenset({"add", "+", "declare", "set", "new"})
REMOVE = frozenset({"remove", "rm", "delete", "del", "drop", "-", "unset"})
HELP = frozenset({"help", "?", "usage"})
_LEADING = frozenset({"for", "on", "in", "with", "at", "as"})


@dataclass(frozen=True)
class SkillsRequest:
    """`/skills`: show mine (`mine`), show theirs (`theirs`), `add`, `remove`, or `help`."""

    action: str
    text: str = ""  # the skills, for add and remove
    user_id: str = ""  # whose skills, for theirs
    problem: str | None = None  # what was not understood, for help

    @property
    def writes(self) -> bool:
        return self.action in ("add", "remove")


def parse_skills(text: str) -> SkillsRequest:
    clean = without_broadcasts(text or "").strip()
    if not clean:
        return SkillsRequest("mine")
    verb, rest = [*clean.split(None, 1), ""][:2]
    verb = verb.lower()
    if verb in ADD or verb in REMOVE:
        action = "add" if verb in ADD else "remove"
        skills = strip_mentions(rest)
        if not normalise(skills):
            return SkillsRequest("help", problem=f"Say which skills to {action}.")
        return SkillsRequest(action, text=skills)
    if verb in HELP:
        return SkillsRequest("help")
    people = mentions(clean)
    if people:
        return SkillsRequest("theirs", user_id=people[0])
    return SkillsRequest(
        "help", problem="To declare skills, start with `add`, e.g. `/skills add kubernetes`."
    )


@dataclass(frozen=True)
class EndorseRequest:
    people: list[str] = field(default_factory=list)  # Slack ids, in order
    text: str = ""  # the skills
    problem: str | None = None


def parse_endorse(text: str) -> EndorseRequest:
    clean = without_broadcasts(text or "")
    people = mentions(clean)
    words = strip_mentions(clean).split(" ")
    if words and words[0].lower() in _LEADING:
        words = words[1:]
    skills = " ".join(words).strip()
    if not people:
        return EndorseRequest(problem="Mention the colleague you vouch for.")
    if not normalise(skills):
        return EndorseRequest(people, problem="Say which skills you vouch for.")
    return EndorseRequest(people, skills)


@dataclass(frozen=True)
class TopicRequest:
    topic: str = ""
    problem: str | None = None


def parse_topic(text: str) -> TopicRequest:
    clean = without_broadcasts(text or "")
    topic = strip_mentions(clean)[:MAX_TOPIC].strip()
    if normalise(topic):
        return TopicRequest(topic)
    if mentions(clean):
        return TopicRequest(
            problem="Ask about a topic, not a person; `/skills @colleague` shows their skills."
        )
    return TopicRequest()
