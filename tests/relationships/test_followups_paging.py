"""`/followups` past its first page: 20 items at a time, then "Show N more" until the last page,
which offers "Back to the first"; every page within Slack's block limits, over HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models.relationships import FollowUp
from bot.relationships import interactions
from bot.relationships.ids import Action
from bot.relationships.render.due import MESSAGE_ITEMS, page_of
from tests.support import slackreq
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import block_errors
from tests.support.fixtures import Served

TEAM, ME = "T0001", "UAUTHOR"


def people(n: int) -> list[str]:
    return [f"UPEER{i:03d}" for i in range(n)]


def with_followups(served: Served, n: int) -> Served:
    """`n` open follow-ups, one per colleague, all due today (logged the way /log logs them)."""
    add_members(served.core.db, TEAM, slack_user(ME), *(slack_user(uid) for uid in people(n)))
    with served.core.db.write() as session:
        for i, uid in enumerate(people(n)):
            text = f"<@{uid}> chat number {i} follow up today"
            logged = interactions.log_text(session, TEAM, ME, text, served.core.clock(), request_id=f"t{i}")
            assert logged.refused is None
    with served.core.db.read() as session:
        assert session.scalar(select(func.count()).select_from(FollowUp)) == n
    return served


def followups(served: Served) -> dict[str, Any]:
    response = served.http.command("/followups", "", user_id=ME, team_id=TEAM)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["response_type"] == "ephemeral"
    return checked(body)


def checked(body: dict[str, Any]) -> dict[str, Any]:
    assert block_errors(body.get("blocks") or []) == []
    assert len(body.get("blocks") or []) <= 50
    return body


def page_button(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    found = [
        e for b in blocks for e in b.get("elements") or [] if e.get("action_id") == Action.FOLLOWUPS_PAGE
    ]
    assert len(found) <= 1
    return found[0] if found else None


def turn(served: Served, button: dict[str, Any]) -> dict[str, Any]:
    """Click a page button on the ephemeral answer; what the app posted to its response_url."""
    url = served.slack.response_url()
    payload = slackreq.block_actions(
        ME, Action.FOLLOWUPS_PAGE, button["value"], channel_id="C1", is_ephemeral=True, response_url=url
    )
    assert served.http.interact(payload).status == 200
    posted = served.slack.wait_for_response_to(url)
    assert posted["status"] == 200, posted
    assert posted["replace_original"] is True
    return checked(posted)


def listed(body: dict[str, Any]) -> list[int]:
    """Which "chat number N" notes the page shows."""
    text = json.dumps(body["blocks"], ensure_ascii=False)
    return sorted(int(part.split("”")[0]) for part in text.split("chat number ")[1:])


@pytest.mark.parametrize(
    ("count", "pages"),
    [
        (1, [(1, None)]),
        (MESSAGE_ITEMS, [(MESSAGE_ITEMS, None)]),
        (MESSAGE_ITEMS + 1, [(20, "Show 1 more"), (1, "Back to the first")]),
        (45, [(20, "Show 20 more"), (20, "Show 5 more"), (5, "Back to the first")]),
    ],
)
def test_pages_over_http(rapport: Served, count: int, pages: list[tuple[int, str | None]]) -> None:
    with_followups(rapport, count)
    body = followups(rapport)
    seen: list[int] = []
    for size, label in pages:
        shown = listed(body)
        assert len(shown) == size
        seen += shown
        button = page_button(body["blocks"])
        if label is None:
            assert button is None
            break
        assert button is not None
        assert button["text"]["text"] == label
        body = turn(rapport, button)
    assert sorted(seen) == list(range(count))  # every item once, none twice
    if count > MESSAGE_ITEMS:  # the last page leads back to the first
        assert listed(body) == listed(followups(rapport))


def test_a_page_says_where_it_is(rapport: Served) -> None:
    with_followups(rapport, 45)
    first = followups(rapport)
    header = json.dumps(first["blocks"][0], ensure_ascii=False)
    assert "45 open" in header
    assert "1–20" in header
    assert "…and 25 more, due later." in json.dumps(first["blocks"], ensure_ascii=False)
    second = turn(rapport, page_button(first["blocks"]) or {})
    assert "21–40" in json.dumps(second["blocks"][0], ensure_ascii=False)


@pytest.mark.parametrize(
    ("value", "first_shown"), [("9999", 40), ("abc", 0), ("", 0), ("-20", 0), ("25", 20)]
)
def test_a_stale_or_odd_page_value_still_shows_a_page(rapport: Served, value: str, first_shown: int) -> None:
    with_followups(rapport, 45)
    body = turn(rapport, {"value": value})
    assert listed(body)[0] == first_shown


@pytest.mark.parametrize(("value", "offset"), [("20", 20), ("0", 0), ("x", 0), ("1" * 9, 0)])
def test_page_of(value: str, offset: int) -> None:
    assert page_of(value) == offset
