"""Taking a /log text apart: people, note, #topics, #gave/#got, the follow-up it asks for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.relationships.dates import LocalNow
from bot.relationships.logtext import read_follow_up, read_log, topic_words

NOW = LocalNow.of(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), "America/New_York")  # a Monday


# `note` is the note once the follow-up's words are taken out; `clause` the date words read.
@pytest.mark.parametrize(
    ("text", "users", "note", "topics", "give_take", "clause"),
    [
        (
            "<@UALICE|alice> coffee about the migration #infra follow up in 2 weeks",
            ["UALICE"],
            "coffee about the migration",
            ["infra"],
            None,
            "in 2 weeks",
        ),
        ("with <@UALICE> and <@UBOB>: pairing", ["UALICE", "UBOB"], "pairing", [], None, None),
        ("<@UALICE> she unblocked me #got #k8s", ["UALICE"], "she unblocked me", ["k8s"], -1, None),
        ("<@UALICE> #gave reviewed her talk", ["UALICE"], "reviewed her talk", [], 1, None),
        ("<@UALICE> both ways #gave #got", ["UALICE"], "both ways", [], None, None),
        ("<@UALICE> talked #hiring plans", ["UALICE"], "talked hiring plans", ["hiring"], None, None),
        ("<@UALICE> we spoke about C++ #c++ #C++", ["UALICE"], "we spoke about C++", ["c++"], None, None),
        (
            "<@UALICE> in <#C123|ops> see <https://x.example/a|doc>",
            ["UALICE"],
            "in #ops see doc (https://x.example/a)",
            [],
            None,
            None,
        ),
        ("<!channel> <@UALICE> hi <!here>", ["UALICE"], "hi", [], None, None),
        (
            "<@UALICE> sync. Remind me: next friday #ops",
            ["UALICE"],
            "sync.",
            ["ops"],
            None,
            "next friday",
        ),
        ("<@UALICE> f/u tomorrow", ["UALICE"], "", [], None, "tomorrow"),
        ("<@UALICE> see page#anchor and 5#", ["UALICE"], "see page#anchor and 5#", [], None, None),
    ],
)
def test_log_texts(
    text: str, users: list[str], note: str, topics: list[str], give_take: int | None, clause: str | None
) -> None:
    parsed = read_log(text)
    follow_up = read_follow_up(parsed, NOW)
    assert parsed.user_ids == users
    assert (follow_up.note if follow_up else parsed.note) == note
    assert parsed.topics == topics
    assert parsed.give_take == give_take
    assert (follow_up.phrase if follow_up else None) == clause


def test_a_follow_up_with_someone_names_them() -> None:
    follow_up = read_follow_up(read_log("<@UALICE> <@UBOB> lunch, follow up with <@UBOB> on friday"), NOW)
    assert follow_up is not None
    assert follow_up.about == ["UBOB"]
    assert follow_up.phrase == "on friday"
    assert follow_up.reading is not None
    assert follow_up.reading.day == date(2026, 11, 27)


def test_form_topics() -> None:
    assert topic_words("#Infra, hiring  ml;#infra") == ["infra", "hiring", "ml"]
    assert topic_words("  ") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_comes_apart_without_an_exception(text: str) -> None:
    parsed = read_log(text)
    read_follow_up(parsed, NOW)
    assert "<!channel>" not in parsed.note
    assert all(t == t.lower() and t for t in parsed.topics)
