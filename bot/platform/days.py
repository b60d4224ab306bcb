"""How Rapport says a calendar day: one wording everywhere, relative to the reader's own today."""

from __future__ import annotations

from datetime import date


def day(d: date, today: date) -> str:
    """A date as people say it: today, tomorrow, yesterday, Fri, Dec 4 (with the year when not this one)."""
    delta = (d - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"{d:%a, %b %-d}" + (f", {d.year}" if d.year != today.year else "")


def on_day(d: date, today: date) -> str:
    """`day` after a preposition: "today", "tomorrow", "on Fri, Dec 4"."""
    said = day(d, today)
    return said if said in ("today", "tomorrow", "yesterday") else f"on {said}"


def in_full(d: date, today: date) -> str:
    """A date said in full, with how far off it is: *Mon, Dec 7, 2026* (in 14 days)."""
    delta = (d - today).days
    away = {0: "today", 1: "tomorrow"}.get(delta, f"in {delta} days" if delta > 0 else f"{-delta} days ago")
    return f"*{d:%a, %b %-d, %Y}* ({away})"
