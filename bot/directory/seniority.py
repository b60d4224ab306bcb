"""The seniority ladder, and whether a title change is a promotion.

Ladder (ARCHITECTURE.md, "Definitions"): intern/junior < (none) < senior < staff/lead < principal < manager <
senior manager/head < director < VP < chief. Within a rung, a few modifiers order titles that
people do treat as steps: "Senior Director" over "Director", "EVP" over "SVP" over "VP",
"Engineer II" over "Engineer I", an intern under a junior. A reworded title on the same step
("Sr. Software Engineer" → "Senior Software Developer") is not a promotion.
"""

from __future__ import annotations

import re
from typing import NamedTuple

INTERN, NONE, SENIOR, STAFF, PRINCIPAL, MANAGER, HEAD, DIRECTOR, VP, CHIEF = range(10)
RUNG_NAMES = (
    "intern/junior",
    "(none)",
    "senior",
    "staff/lead",
    "principal",
    "manager",
    "senior manager/head",
    "director",
    "VP",
    "chief",
)


class Level(NamedTuple):
    """Comparable seniority: the rung, then a modifier within it, then a level number (I, II…)."""

    rung: int
    step: int = 0
    number: int = 0

    def __str__(self) -> str:
        return (
            RUNG_NAMES[self.rung]
            + (f" {self.step:+d}" if self.step else "")
            + (f" #{self.number}" if self.number else "")
        )


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


_CHIEF_OF_STAFF = _words(r"chief\s+of\s+staff")
_CHIEF = _words(r"chief", r"c[etfoimprdsh]o", r"ciso", r"chro", r"president", r"founder", r"co-founder")
_VICE = _words(r"vice[\s-]+president", r"v\.?p\.?", r"svp", r"evp", r"avp")
_SVP = _words(r"svp", r"senior\s+vice[\s-]+president", r"senior\s+vp", r"sr\.?\s+vp")
_EVP = _words(r"evp", r"executive\s+vice[\s-]+president", r"executive\s+vp")
_AVP = _words(r"avp", r"assistant\s+vice[\s-]+president", r"associate\s+vice[\s-]+president")
_DIRECTOR = _words(r"director", r"dir\.?")
_HEAD = _words(r"head")
_MANAGER = _words(r"manager", r"mgr\.?")
_PRINCIPAL = _words(r"principal", r"distinguished", r"fellow")
_STAFF = _words(r"staff")
_LEAD = _words(r"lead", r"tech\s+lead", r"team\s+lead")
_LEAD_NOT_RANK = _words(r"lead\s+gen(?:eration)?")
_SENIOR = _words(r"senior", r"sr\.?", r"snr\.?")
_JUNIOR = _words(r"junior", r"jr\.?", r"associate", r"assistant", r"entry[\s-]+level", r"graduate")
_INTERN = _words(r"intern", r"internship", r"trainee", r"apprentice", r"working\s+student")
_NUMBER = re.compile(r"(?<![\w])(?:(i{1,3}|iv|v|vi)|l(\d{1,2})|level\s+(\d{1,2}))\s*$", re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}


def level(title: str) -> Level:
    """Where a title sits on the ladder; an empty or plain title is the (none) rung."""
    text = " ".join(title.replace("_", " ").split())
    if not text:
        return Level(NONE)
    senior = bool(_SENIOR.search(text))
    junior = bool(_JUNIOR.search(text))
    if _CHIEF.search(text) and not _CHIEF_OF_STAFF.search(text) and not _VICE.search(text):
        return Level(CHIEF)
    if _VICE.search(text):
        step = 2 if _EVP.search(text) else 1 if _SVP.search(text) else -1 if _AVP.search(text) else 0
        return Level(VP, step)
    if _DIRECTOR.search(text):
        return Level(DIRECTOR, 1 if senior else -1 if junior else 0)
    if _HEAD.search(text) or _CHIEF_OF_STAFF.search(text):
        return Level(HEAD)
    if _MANAGER.search(text):
        if senior:
            return Level(HEAD)
        return Level(MANAGER, -1 if junior else 0)
    number = _number(text)
    if _PRINCIPAL.search(text):
        return Level(PRINCIPAL, 1 if senior else 0, number)
    if _STAFF.search(text) or (_LEAD.search(text) and not _LEAD_NOT_RANK.search(text)):
        return Level(STAFF, 1 if senior else 0, number)
    if senior:
        return Level(SENIOR, 0, number)
    if _INTERN.search(text):
        return Level(INTERN, -1, number)
    if junior:
        return Level(INTERN, 0, number)
    return Level(NONE, 0, number)


def _number(text: str) -> int:
    match = _NUMBER.search(text)
    if not match:
        return 0
    roman, short, long = match.groups()
    if roman:
        return _ROMAN[roman.lower()]
    return int(short or long)


def is_promotion(old_title: str, new_title: str) -> bool:
    """The new title sits higher on the ladder than the old one."""
    return level(new_title) > level(old_title)
