"""Odd text (NUL bytes, control characters, lone surrogates, too many topics) gets the same
answer on SQLite and PostgreSQL: what it asked for, or a short refusal, never an apology."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.models.relationships import Interaction
from bot.platform.db import Database
from bot.platform.inputs import printable
from bot.relationships.ids import Field, View
from tests.support import slackreq
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

TEAM, ME = "T0001", "UANN"
SORRY = "Sorry, something went wrong"
COMMANDS = ("/log", "/skills", "/endorse", "/kudos", "/whoknows", "/rapport", "/followups")


@pytest.fixture
def served(rapport_any: Served) -> Served:
    add_members(rapport_any.core.db, TEAM, slack_user(ME), slack_user("UBOB", real_name="Bob Ray"))
    return rapport_any


def answer(served: Served, command: str, text: str) -> str:
    response = served.http.command(command, text, user_id=ME)
    assert response.status == 200, response.text
    return json.dumps(response.json()) if response.body else ""


def notes(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Interaction.note).order_by(Interaction.id)))


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/log", "<@UBOB> coffee\x00 about the mig\x00ration"),
        ("/skills", "add go\x00lang, rust\x07"),
        ("/endorse", "<@UBOB> kuber\x00netes"),
        ("/kudos", "<@UBOB> for the \x00release notes"),
        ("/whoknows", "kuber\x00netes"),
        ("/rapport", "keep-in-touch <@UBOB> every 6 weeks\x00"),
        ("/rapport", "history <@UBOB>\x1b[31m"),
    ],
)
def test_a_nul_byte_is_dropped_not_an_error(served: Served, command: str, text: str) -> None:
    said = answer(served, command, text)
    assert SORRY not in said
    assert "\\u0000" not in said


def test_the_note_is_stored_without_its_control_characters(served: Served) -> None:
    said = answer(served, "/log", "<@UBOB> coffee\x00 about the\x1b migration\x7f\u0085")
    assert "Logged privately with Bob Ray" in said
    assert notes(served.core.db) == ["coffee about the migration"]


def test_the_form_is_read_the_same_way(served: Served) -> None:
    state: dict[str, Any] = {
        Field.PEOPLE: {Field.PEOPLE: slackreq.multi_users_value(["UBOB"])},
        Field.NOTE: {Field.NOTE: slackreq.text_value("lunch\x00 with \ud800Bob")},
    }
    response = served.http.interact(slackreq.view_submission(ME, View.LOG, state))
    assert response.status == 200
    assert response.json()["response_action"] == "update"
    assert notes(served.core.db) == ["lunch with Bob"]


def test_twenty_long_topics_are_refused_with_a_reason(served: Served) -> None:
    topics = " ".join(f"#{'t' * 38}{i:02d}" for i in range(20))  # 20 of 40 characters: over 500
    said = answer(served, "/log", f"<@UBOB> planning {topics}")
    assert SORRY not in said
    assert "Those topics take 819 characters and 500 fit" in said
    assert notes(served.core.db) == []
    fewer = " ".join(f"#{'t' * 38}{i:02d}" for i in range(12))  # 12 of them fit
    assert "Logged privately" in answer(served, "/log", f"<@UBOB> planning {fewer}")


# Control characters (a lone surrogate cannot be form-encoded: only JSON payloads carry one).
UNPRINTABLE = st.characters(categories=["Cc"]) | st.sampled_from(["\x00", "\x1b", "\u0085"])
HOSTILE = st.lists(
    st.one_of(
        st.sampled_from(["<@UBOB>", "#infra", "add", "remove", "for", "follow up tomorrow", "every 2 weeks"]),
        st.text(alphabet=UNPRINTABLE, min_size=1, max_size=5),
        st.text(max_size=12),
    ),
    max_size=8,
).map(" ".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), text=HOSTILE)
def test_any_text_with_control_characters_is_answered_on_both_databases(
    served: Served, command: str, text: str
) -> None:
    said = answer(served, command, text)
    assert SORRY not in said
    for stored in notes(served.core.db):
        assert stored == printable(stored)
