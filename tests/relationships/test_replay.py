"""A signed request that arrives twice (replayed within Slack's five minutes, or sent twice by a
flaky network) records once, on SQLite and PostgreSQL, even when both copies race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models.relationships import FollowUp, Interaction, InteractionParticipant
from bot.platform.db import Database
from bot.relationships.ids import FOLLOW_UP_BLOCK, Action, Field, View
from tests.support import slackreq
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served
from tests.support.slackreq import FORM, UNROUTED_RESPONSE_URL

TEAM, ME = "T0001", "UAUTHOR"


@pytest.fixture
def served(rapport_any: Served) -> Served:
    add_members(rapport_any.core.db, TEAM, slack_user(ME), slack_user("UBOB", real_name="Bob Ray"))
    return rapport_any


def counts(db: Database) -> tuple[int, int, int]:
    with db.read() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Interaction, InteractionParticipant, FollowUp)
        )


def test_the_same_log_command_twice_is_logged_once(served: Served) -> None:
    body, content_type = slackreq.slash_command(
        "/log",
        "<@UBOB> coffee about the migration, follow up in 2 weeks",
        user_id=ME,
        response_url=UNROUTED_RESPONSE_URL,
    )
    first, again = served.http.post(body, content_type), served.http.post(body, content_type)
    assert first.json()["text"] == again.json()["text"] == "Logged privately with Bob Ray"
    assert "follow up" in again.text.lower()  # the answer is the first one's, follow-up included
    assert counts(served.core.db) == (1, 1, 1)


def test_copies_racing_each_other_log_once(served: Served) -> None:
    body, content_type = slackreq.slash_command(
        "/log", "<@UBOB> pairing, follow up tomorrow", user_id=ME, response_url=UNROUTED_RESPONSE_URL
    )
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: served.http.post(body, content_type), range(6)))
    assert {a.status for a in answers} == {200}
    assert {a.json()["text"] for a in answers} == {"Logged privately with Bob Ray"}
    assert counts(served.core.db) == (1, 1, 1)


def test_the_same_form_submitted_twice_is_logged_once(served: Served) -> None:
    values: dict[str, Any] = {
        Field.PEOPLE: {Field.PEOPLE: slackreq.multi_users_value(["UBOB"])},
        Field.NOTE: {Field.NOTE: slackreq.text_value("lunch with Bob")},
    }
    body, _ = slackreq.interaction(slackreq.view_submission(ME, View.LOG, values))
    assert [served.http.post(body, FORM).status for _ in range(2)] == [200, 200]
    assert counts(served.core.db)[:2] == (1, 1)


def test_two_requests_saying_the_same_thing_are_two_logs(served: Served) -> None:
    """Not a replay: the person logged the same words twice (two trigger ids)."""
    for _ in range(2):
        assert served.http.command("/log", "<@UBOB> standup", user_id=ME).json()["text"].startswith("Logged")
    assert counts(served.core.db)[:2] == (2, 2)


def test_a_date_pick_replayed_or_repeated_moves_one_follow_up(served: Served) -> None:
    logged = served.http.command("/log", "<@UBOB> roadmap, follow up sometime soonish", user_id=ME).json()
    assert counts(served.core.db) == (1, 1, 0)  # the date could not be read: none yet
    (interaction_id,) = [
        b["block_id"].rpartition(":")[2]
        for b in logged["blocks"]
        if b.get("block_id", "").startswith(FOLLOW_UP_BLOCK)
    ]

    def pick(day: str) -> bytes:
        payload = slackreq.block_actions(
            ME,
            Action.FOLLOW_UP_ON,
            day,
            channel_id="C1",
            is_ephemeral=True,
            block_id=f"{FOLLOW_UP_BLOCK}{interaction_id}",
            action_type="datepicker",
            response_url=served.slack.response_url(day),
        )
        return slackreq.interaction(payload)[0]

    replayed = pick("2026-12-02")
    with ThreadPoolExecutor(max_workers=4) as pool:  # the same signed click, four times at once
        assert set(pool.map(lambda _: served.http.post(replayed, FORM).status, range(4))) == {200}
    served.slack.wait_for_response(4)  # each copy redraws the answer once its work is done
    served.http.post(pick("2026-12-09"), FORM)  # a second pick moves it
    served.slack.wait_for_response(5)
    with served.core.db.read() as s:
        assert [f.due_on.isoformat() for f in s.scalars(select(FollowUp))] == ["2026-12-09"]
