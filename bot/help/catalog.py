"""Rapport's slash commands: what each does and how to use it (help, usage replies, manifest test)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA


@dataclass(frozen=True)
class Command:
    name: str  # with the leading slash
    summary: str  # one line, also the manifest description
    hint: str  # the manifest usage hint
    usage: tuple[str, ...]  # examples shown when the input is empty or not understood


COMMANDS: tuple[Command, ...] = (
    Command(
        "/whoknows",
        "Find colleagues who know a topic",
        "kubernetes",
        (
            "`/whoknows kubernetes` — who knows a topic, best first, and why",
            "`/whoknows container orchestration`, `/whoknows react and typescript` — in your own words",
        ),
    ),
    Command(
        "/skills",
        "Declare your skills or see someone's",
        "[add|remove] skill, skill… | @colleague",
        (
            "`/skills add kubernetes, terraform` — declare what you know",
            "`/skills remove terraform` — take it off your profile, colleagues' endorsements of it too",
            "`/skills accept tax law` — show an endorsement that waits for your OK",
            "`/skills` — your skills and what waits for you · `/skills @alice` — theirs",
        ),
    ),
    Command(
        "/endorse",
        "Vouch for a colleague's skills",
        "@colleague skill[, skill…]",
        (
            "`/endorse @alice kubernetes, terraform` — vouch for what a colleague knows "
            "(a skill Rapport doesn't know waits for their OK)",
            "`/endorse @alice for her great python work` — in your own words: the skills Rapport knows in it",
        ),
    ),
    Command(
        "/log",
        "Privately log a conversation with colleagues",
        "@colleague what happened #topic [follow up in 2 weeks]",
        (
            "`/log @alice coffee about the migration #infra follow up in 2 weeks` — only you see it",
            "`/log` — opens a form",
        ),
    ),
    Command(
        "/followups",
        "Your open follow-ups and who is due",
        "",
        ("`/followups` — your open follow-ups and who is due for a catch-up, 20 at a time",),
    ),
    Command(
        "/kudos",
        "Celebrate a colleague's win in the team channel",
        "@colleague [@more] for what they did",
        (
            "`/kudos @bob for shipping the churn model` — thank someone in the celebrations channel",
            "`/kudos @bob @carol thanks for covering my on-call!` — several people, in your own words",
        ),
    ),
    Command(
        "/rapport",
        "Help, settings, birthday, keep-in-touch and privacy",
        "help | settings | birthday MM-DD | keep-in-touch @who every 6 weeks | history @who | privacy",
        (
            "`/rapport help` — what Rapport can do",
            "`/rapport settings` — your nudge time, working days, pause and celebration choices",
            "`/rapport birthday Dec 9` (or `12-09`, month first) — share your birthday "
            "(the year is never shown; `… forget` removes it)",
            "`/rapport keep in touch with @alice every 6 weeks` (`monthly`, `every other week`…) — "
            "a reminder to stay in touch (`… stop` ends it)",
            "`/rapport history @alice` — your own notes with someone",
            "`/rapport privacy` — what Rapport keeps and who can see it",
        ),
    ),
)

BY_NAME = {c.name: c for c in COMMANDS}

# `/rapport`'s subcommands, and other ways people type them (handlers/rapport.py routes them).
RAPPORT_WORDS = ("help", "settings", "birthday", "keep-in-touch", "history", "privacy")
RAPPORT_ALIASES = {
    "keep in touch": "keep-in-touch",
    "keep_in_touch": "keep-in-touch",
    "keepintouch": "keep-in-touch",
    "bday": "birthday",
    "birth day": "birthday",
    "?": "help",
    "usage": "help",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The one choice `word` is plausibly a typo of (`hlep` → `help`), or None.

    One edit (a swap counts as one) for short words, two from six letters on; a word of two or
    three letters must also start like the choice, so `go` is never taken for `add`."""
    word = word.casefold()
    if not word or len(word) > 40:
        return None
    limit = 1 if len(word) < 6 else 2
    found = process.extract(word, list(choices), scorer=OSA.distance, score_cutoff=limit, limit=5)
    plausible = [(distance, name) for name, distance, _ in found if len(word) > 3 or name[:1] == word[:1]]
    return min(plausible)[1] if plausible else None
