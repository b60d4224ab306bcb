"""Counts and lists in words, said one way everywhere: "1 follow-up", "2 follow-ups", "a, b and c"."""

from __future__ import annotations

from collections.abc import Sequence


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and the word in the right number: "1 follow-up", "2 follow-ups", "3 people" (with
    `many` for a word whose plural is not word + s: `plural(n, "person", "people")`)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def times(n: int) -> str:
    """How often, in words: "once", "3 times"."""
    return "once" if n == 1 else plural(n, "time")


def listed(items: Sequence[str], *, more: int = 0) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"; "a, b and 3 more" when
    `more` others are left unsaid."""
    said = [*items, f"{more} more"] if more > 0 else list(items)
    if len(said) <= 1:
        return "".join(said)
    return ", ".join(said[:-1]) + " and " + said[-1]
