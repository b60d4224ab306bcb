"""Counts said in words in the digest and the Home tab: "1 thing", "2 things", never "1 people"
or "follow-up(s)"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.core import Core
from bot.platform.db import Database
from bot.platform.words import listed, plural
from bot.relationships.home import Home, Overview
from bot.relationships.render.home import home_view
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack, block_errors
from tests.support.nudgekit import deliver, dms, make_core, note, people

MONDAY_7 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("n", "said"), [(0, "0 follow-ups"), (1, "1 follow-up"), (2, "2 follow-ups"), (21, "21 follow-ups")]
)
def test_plural(n: int, said: str) -> None:
    assert plural(n, "follow-up") == said


def test_plural_of_a_word_that_is_not_word_plus_s() -> None:
    assert [plural(n, "person", "people") for n in (1, 2)] == ["1 person", "2 people"]
    assert [plural(n, "kudos", "kudos") for n in (1, 2)] == ["1 kudos", "2 kudos"]


def test_listed() -> None:
    assert listed([]) == ""
    assert listed(["Go"]) == "Go"
    assert listed(["Go", "Rust"]) == "Go and Rust"
    assert listed(["Python", "Terraform", "Go"]) == "Python, Terraform and Go"
    assert listed(["a", "b", "c"], more=7) == "a, b, c and 7 more"
    assert listed(["a"], more=0) == "a"


@pytest.mark.parametrize(("notes", "intro"), [(1, "1 thing"), (2, "2 things")])
def test_the_digest_counts_its_lines(
    db: Database, slack: FakeSlack, clock: FakeClock, notes: int, intro: str
) -> None:
    clock.set(MONDAY_7)
    core: Core = make_core(slack, db, clock)
    found = people(db, slack, {"id": "UANN"}, now=MONDAY_7)
    for i in range(notes):
        note(db, found["UANN"], f"n{i}", MONDAY_7)
    clock.set(MONDAY_9)
    assert deliver(core).sent == 1
    (dm,) = dms(slack, "UANN")
    assert dm["blocks"][0]["text"]["text"] == f"Good morning! {intro} worth a moment today."


@pytest.mark.parametrize(
    ("upcoming", "people_count", "said"),
    [
        (1, 1, ["1 more follow-up coming up — `/followups` shows it.", "conversations with 1 person:"]),
        (2, 3, ["2 more follow-ups coming up — `/followups` shows them.", "conversations with 3 people:"]),
    ],
)
def test_the_home_tab_says_its_counts_in_words(upcoming: int, people_count: int, said: list[str]) -> None:
    overview = Overview(network=[("Engineer", people_count)])
    view = home_view(Home(today=date(2026, 11, 23), upcoming=upcoming, overview=overview))
    assert block_errors(view["blocks"], surface="home") == []
    text = json.dumps(view["blocks"], ensure_ascii=False)
    for words in said:
        assert words in text
    assert "(s)" not in text
