"""Reading `/skills`, `/endorse` and `/whoknows` text into requests (pure; no database)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.expertise.names import normalise
from bot.platform.mrkdwn import mentions, strip_mentions, without_broadcasts
from bot.platform.refusals import Refusal

MAX_TOPIC = 200  # characters of a /whoknows topic worth reading

ADD = frozenset({"add", "+", "declare", "set", "new"})
# Taking a skill off one's profile: the declaration, and every endorsement of it (`skills.remove`).
REMOVE = frozenset({"remove", "rm", "delete", "del", "drop", "-", "unset", "hide"})
ACCEPT = frozenset({"accept", "approve"})  # endorsements waiting for one's OK
HELP = frozenset({"help", "?", "usage"})
_LEADING = frozenset({"for", "on", "in", "with", "at", "as"})


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


def parse_endorse(text: str) -> EndorseRequest:
    clean = without_broadcasts(text or "")
    people = mentions(clean)
    words = strip_mentions(clean).split(" ")
    if words and words[0].lower() in _LEADING:
        words = words[1:]
    skills = " ".join(words).strip()
    if not people:
        return EndorseRequest(refused=Refusal("Mention the colleague you vouch for.", usage=True))
    if not normalise(skills):
        return EndorseRequest(people, refused=Refusal("Say which skills you vouch for.", usage=True))
    return EndorseRequest(people, skills)


@dataclass(frozen=True)
class TopicRequest:
    topic: str = ""
    refused: Refusal | None = None  # None with no topic: nothing was asked


def parse_topic(text: str) -> TopicRequest:
    clean = without_broadcasts(text or "")
    topic = strip_mentions(clean)[:MAX_TOPIC].strip()
    if normalise(topic):
        return TopicRequest(topic)
    if mentions(clean):
        return TopicRequest(
            refused=Refusal(
                "Ask about a topic, not a person; `/skills @colleague` shows their skills.", usage=True
            )
        )
    return TopicRequest()
