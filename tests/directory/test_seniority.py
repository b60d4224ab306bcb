"""The seniority ladder on real titles: promotions up it, rewordings and sideways moves not."""

from __future__ import annotations

import pytest

from bot.directory.seniority import (
    CHIEF,
    DIRECTOR,
    HEAD,
    INTERN,
    MANAGER,
    NONE,
    PRINCIPAL,
    SENIOR,
    STAFF,
    VP,
    is_promotion,
    level,
)


@pytest.mark.parametrize(
    ("title", "rung"),
    [
        ("", NONE),
        ("Software Engineer", NONE),
        ("Product Designer", NONE),
        ("Account Executive", NONE),
        ("Software Engineering Intern", INTERN),
        ("Junior Developer", INTERN),
        ("Jr. Data Analyst", INTERN),
        ("Associate Software Engineer", INTERN),
        ("Senior Software Engineer", SENIOR),
        ("Sr. Backend Engineer", SENIOR),
        ("Staff Engineer", STAFF),
        ("Tech Lead", STAFF),
        ("Lead Designer", STAFF),
        ("Principal Engineer", PRINCIPAL),
        ("Distinguished Engineer", PRINCIPAL),
        ("Engineering Manager", MANAGER),
        ("Product Manager", MANAGER),
        ("Senior Engineering Manager", HEAD),
        ("Head of Platform", HEAD),
        ("Chief of Staff", HEAD),
        ("Director of Engineering", DIRECTOR),
        ("Managing Director", DIRECTOR),
        ("VP Engineering", VP),
        ("Vice President, Sales", VP),
        ("SVP Marketing", VP),
        ("CTO", CHIEF),
        ("Chief Executive Officer", CHIEF),
        ("Co-founder & CEO", CHIEF),
        ("Lead Generation Specialist", NONE),
        ("🚀 Senior Engineer 🚀", SENIOR),
    ],
)
def test_rungs(title: str, rung: int) -> None:
    assert level(title).rung == rung, str(level(title))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Software Engineer", "Senior Software Engineer"),
        ("Junior Developer", "Software Developer"),
        ("Software Engineering Intern", "Junior Software Engineer"),
        ("Senior Software Engineer", "Staff Software Engineer"),
        ("Staff Engineer", "Senior Staff Engineer"),
        ("Staff Engineer", "Principal Engineer"),
        ("Senior Engineer", "Engineering Manager"),
        ("Product Manager", "Senior Product Manager"),
        ("Engineering Manager", "Head of Engineering"),
        ("Head of Engineering", "Director of Engineering"),
        ("Director, Sales", "Senior Director, Sales"),
        ("Senior Director of Product", "VP Product"),
        ("VP Engineering", "SVP Engineering"),
        ("SVP Engineering", "Chief Technology Officer"),
        ("Software Engineer I", "Software Engineer II"),
        ("Software Engineer III", "Senior Software Engineer"),
    ],
)
def test_promotions(old: str, new: str) -> None:
    assert is_promotion(old, new), f"{level(old)} -> {level(new)}"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Software Engineer", "Software Developer"),  # reworded
        ("Sr. Software Engineer", "Senior Software Engineer"),  # abbreviation spelt out
        ("Senior Backend Engineer", "Senior Platform Engineer"),  # sideways
        ("Product Manager", "Engineering Manager"),  # sideways
        ("Tech Lead", "Staff Engineer"),  # same rung
        ("VP Engineering", "Vice President of Engineering"),
        ("Senior Software Engineer", "Software Engineer"),  # down
        ("Director of Engineering", "Principal Engineer"),  # down
        ("CTO", "Chief Technology Officer"),
        ("Software Engineer II", "Software Engineer II (Platform)"),
    ],
)
def test_not_promotions(old: str, new: str) -> None:
    assert not is_promotion(old, new), f"{level(old)} -> {level(new)}"
