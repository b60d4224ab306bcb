"""Over real HTTP: a digest item's Done and Snooze buttons, and `/rapport settings`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.core import Core
from bot.models import Member
from bot.platform.db import Database
from bot.relationships.ids import ITEM_BLOCK, Action
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import Served
from tests.support.nudgekit import TEAM, deliver, dms, make_core, note, nudge_rows, people
from tests.support.slackreq import block_actions, date_value, select_value, view_submission

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def core(slack: FakeSlack, db: Database, clock: FakeClock) -> Core:
    """The app's core, with the tests' own kind of nudge (notes)."""
    return make_core(slack, db, clock)


def _digest(rapport: Served) -> dict:
    rapport.core.clock.set(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    found = people(
        rapport.core.db, rapport.slack, {"id": "UANN", "tz": "Europe/London"}, {"id": "UBOB"}, now=MONDAY_9
    )
    note(rapport.core.db, found["UANN"], "first", rapport.core.clock())
    note(rapport.core.db, found["UANN"], "second", rapport.core.clock())
    rapport.core.clock.set(MONDAY_9)  # type: ignore[attr-defined]
    assert deliver(rapport.core).sent == 1
    (dm,) = dms(rapport.slack, "UANN")
    return dm


def item(nudge_id: int) -> str:
    """The block of a digest item's buttons."""
    return f"{ITEM_BLOCK}n:{nudge_id}"


def click(rapport: Served, user: str, action: str, value: str, dm: dict, nudge_id: int) -> None:
    url = rapport.slack.response_url(user, channel=dm["channel"], ts=dm["ts"])
    payload = block_actions(user, action, value, message=dm, block_id=item(nudge_id), response_url=url)
    assert rapport.http.interact(payload).status == 200


def test_done_settles_the_item_and_updates_the_message(rapport: Served) -> None:
    dm = _digest(rapport)
    first = nudge_rows(rapport.core.db)[0]
    click(rapport, "UANN", Action.DONE, f"n:{first.id}", dm, first.id)
    (update,) = rapport.slack.wait_for("chat.update")
    assert update.ok
    assert update.params["ts"] == dm["ts"]
    text = str(rapport.slack.message(dm["channel"], dm["ts"])["blocks"])  # type: ignore[index]
    assert "~Note first~ Done." in text
    assert "Note second" in text
    assert [n.status for n in nudge_rows(rapport.core.db)] == ["done", "sent"]


def test_someone_else_cannot_act_on_my_nudge(rapport: Served) -> None:
    dm = _digest(rapport)
    first = nudge_rows(rapport.core.db)[0]
    click(rapport, "UBOB", Action.DONE, f"n:{first.id}", dm, first.id)
    click(rapport, "UANN", Action.SNOOZE, "1d", dm, 999999)
    # The two answers come in either order (each after its own click's work): Bob's is his.
    said = {r["name"]: r for r in rapport.slack.wait_for_response(2)}
    assert "That nudge is not yours" in str(said["UBOB"]["blocks"])  # in place of Bob's buttons
    assert [n.status for n in nudge_rows(rapport.core.db)] == ["sent", "sent"]
    assert rapport.slack.calls_to("chat.update") == []


def test_snoozed_item_comes_back_once_a_week_later(rapport: Served) -> None:
    dm = _digest(rapport)
    second = nudge_rows(rapport.core.db)[1]
    click(rapport, "UANN", Action.SNOOZE, "1w", dm, second.id)
    rapport.slack.wait_for("chat.update")
    assert "Snoozed." in str(rapport.slack.message(dm["channel"], dm["ts"])["blocks"])  # type: ignore[index]
    again = nudge_rows(rapport.core.db)[-1]
    assert (again.local_date, again.status) == (date(2026, 11, 30), "pending")
    # Snoozing the same way twice still brings it back once.
    click(rapport, "UANN", Action.SNOOZE, "1w", dm, second.id)
    rapport.slack.wait_for("chat.update", count=2)
    assert len(nudge_rows(rapport.core.db)) == 3
    rapport.core.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    deliver(rapport.core)
    assert len(dms(rapport.slack, "UANN")) == 2
    assert "Note second" in str(dms(rapport.slack, "UANN")[1]["blocks"])


def test_snooze_to_a_picked_date(rapport: Served) -> None:
    dm = _digest(rapport)
    first = nudge_rows(rapport.core.db)[0]
    click(rapport, "UANN", Action.SNOOZE_UNTIL, "2026-11-01", dm, first.id)
    (past,) = rapport.slack.wait_for_response(1)
    assert "Pick a day after today" in str(past)
    assert len(nudge_rows(rapport.core.db)) == 2
    click(rapport, "UANN", Action.SNOOZE_UNTIL, "2026-12-02", dm, first.id)
    rapport.slack.wait_for("chat.update")
    assert nudge_rows(rapport.core.db)[-1].local_date == date(2026, 12, 2)


def test_settings_modal_changes_hour_days_and_pause(rapport: Served) -> None:
    people(rapport.core.db, rapport.slack, {"id": "UANN", "tz": "Europe/London"}, now=MONDAY_9)
    response = rapport.http.command("/rapport", "settings", user_id="UANN")
    assert response.status == 200
    rapport.slack.wait_for("views.open")
    (view,) = [v for v in rapport.slack.views.values() if v.get("callback_id") == "rapport_settings"]
    assert "Your daily nudge" in str(view["blocks"])
    values = {
        "nudge_hour": {"value": select_value("8")},
        "work_days": {"value": {"type": "checkboxes", "selected_options": [{"value": "1"}, {"value": "3"}]}},
        "pause_until": {"value": date_value("2026-12-24")},
        "resume": {"value": {"type": "checkboxes", "selected_options": []}},
    }
    assert rapport.http.interact(view_submission("UANN", "rapport_settings", values, view=view)).status == 200
    with rapport.core.db.read() as s:
        m = s.scalar(select(Member).where(Member.team_id == TEAM, Member.user_id == "UANN"))
        assert m is not None
        assert (m.delivery_hour, m.work_days, m.paused_until) == (8, "13", date(2026, 12, 24))
    values["work_days"] = {"value": {"type": "checkboxes", "selected_options": []}}
    bad = rapport.http.interact(view_submission("UANN", "rapport_settings", values, view=view))
    assert bad.json() == {
        "response_action": "errors",
        "errors": {"work_days": "Pick at least one working day."},
    }
