"""Over real HTTP: a follow-up in the daily digest, with the relationship log's own buttons.

Done and Snooze run the relationship log's functions and redraw the digest with `chat.update`;
"Log it" opens the log form and, once the talk is logged, the digest says the item is done.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.models.outbox import Nudge
from bot.models.relationships import FollowUp
from bot.relationships.ids import ITEM_BLOCK, Action
from jobs.nudges import run_nudges
from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import Served
from tests.support.nudgekit import dms, people
from tests.support.slackreq import block_actions, multi_users_value, view_submission

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the fixture clock's start
TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 09:00 in London


def _morning(rapport: Served, at: datetime) -> None:
    """The nudges job the evening before (it plans) and at `at` (it sends)."""
    run_nudges(rapport.core, rapport.core.clock.set(at - timedelta(hours=12)))  # type: ignore[attr-defined]
    run_nudges(rapport.core, rapport.core.clock.set(at))  # type: ignore[attr-defined]


def _digest(rapport: Served) -> dict[str, Any]:
    """Ann logs a talk with Bob on Monday asking to follow up on Tuesday; her Tuesday digest."""
    people(rapport.core.db, rapport.slack, {"id": "UANN"}, {"id": "UBOB"}, now=MONDAY)
    logged = rapport.http.command(
        "/log", "<@UBOB|bob> roadmap chat #infra follow up tomorrow", user_id="UANN"
    )
    assert "Logged privately" in logged.json()["text"]
    rapport.slack.wait_for("views.publish")  # the Home tab refresh that follows /log
    _morning(rapport, TUESDAY_9)
    (dm,) = dms(rapport.slack, "UANN")
    return dm


def _shown(slack: FakeSlack, dm: dict[str, Any]) -> str:
    message = slack.message(dm["channel"], dm["ts"])
    assert message is not None
    return json.dumps(message["blocks"], ensure_ascii=False)


def _follow_up(rapport: Served) -> FollowUp:
    with rapport.core.db.read() as s:
        found = s.scalar(select(FollowUp))
        assert found is not None
        return found


def _click(rapport: Served, dm: dict[str, Any], action_id: str, value: str | None) -> None:
    ref = f"f:{_follow_up(rapport).id}"
    block_id = ITEM_BLOCK + ref
    payload = block_actions("UANN", action_id, value, message=dm, block_id=block_id)
    assert rapport.http.interact(payload).status == 200


def test_the_digest_shows_a_follow_up_with_its_private_context_and_buttons(rapport: Served) -> None:
    dm = _digest(rapport)
    text = _shown(rapport.slack, dm)
    assert "Follow up with <@UBOB>" in text
    assert "“roadmap chat”" in text  # the note: Ann's own, in Ann's own DM only
    assert "`#infra`" in text
    assert dms(rapport.slack, "UBOB") == []
    actions = [b for b in dm["blocks"] if b.get("block_id") == f"rapport_item:f:{_follow_up(rapport).id}"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        Action.DONE,
        Action.SNOOZE,
        Action.SNOOZE_UNTIL,
        Action.LOG_IT,
    ]


def test_done_in_the_digest_closes_the_follow_up_and_updates_the_dm(rapport: Served) -> None:
    dm = _digest(rapport)
    _click(rapport, dm, Action.DONE, f"f:{_follow_up(rapport).id}")
    (update,) = rapport.slack.wait_for("chat.update")
    assert update.ok
    assert (update.params["channel"], update.params["ts"]) == (dm["channel"], dm["ts"])
    assert ":white_check_mark: ~Follow up with <@UBOB>~ Done." in _shown(rapport.slack, dm)
    assert _follow_up(rapport).done_at is not None
    with rapport.core.db.read() as s:
        assert s.scalars(select(Nudge.status)).all() == ["done"]
    rapport.slack.wait_for("views.publish", count=2)  # the Home tab follows the change
    assert rapport.slack.responses == []  # the DM itself was redrawn, not answered beside


def test_snooze_one_day_brings_it_back_once(rapport: Served) -> None:
    dm = _digest(rapport)
    _click(rapport, dm, Action.SNOOZE, "1d")
    rapport.slack.wait_for("chat.update")
    assert ":zzz: ~Follow up with <@UBOB>~ Snoozed." in _shown(rapport.slack, dm)
    assert _follow_up(rapport).snoozed_until == date(2026, 11, 25)
    _morning(rapport, TUESDAY_9 + timedelta(days=1))
    wednesday = dms(rapport.slack, "UANN")[-1]
    assert wednesday["ts"] != dm["ts"]
    assert "Follow up with <@UBOB>" in json.dumps(wednesday["blocks"])
    for later in (2, 3, 6):  # left alone: not before a week has passed
        _morning(rapport, TUESDAY_9 + timedelta(days=later))
    assert len(dms(rapport.slack, "UANN")) == 2


def test_log_it_from_the_digest_logs_the_talk_and_marks_the_item_done(rapport: Served) -> None:
    dm = _digest(rapport)
    _click(rapport, dm, Action.LOG_IT, f"f:{_follow_up(rapport).id}")
    (opened,) = rapport.slack.wait_for("views.open")
    view = opened.params["view"]
    assert "UBOB" in json.dumps(view)  # the form starts with Bob in it
    state = {"people": {"people": multi_users_value(["UBOB"])}}
    submitted = view_submission("UANN", view["callback_id"], state, private_metadata=view["private_metadata"])
    assert rapport.http.interact(submitted).json()["response_action"] == "update"
    rapport.slack.wait_for("chat.update")
    assert "~Follow up with <@UBOB>~ Done." in _shown(rapport.slack, dm)
    assert _follow_up(rapport).done_at is not None


def test_a_first_talk_comes_back_two_days_later_and_log_it_opens_the_form(rapport: Served) -> None:
    people(rapport.core.db, rapport.slack, {"id": "UANN"}, {"id": "UCAT"}, now=MONDAY)
    rapport.http.command("/log", "<@UCAT|cat> met at the offsite #design", user_id="UANN")
    rapport.slack.wait_for("views.publish")
    _morning(rapport, TUESDAY_9)
    assert dms(rapport.slack, "UANN") == []  # a day later: not yet
    _morning(rapport, TUESDAY_9 + timedelta(days=1))
    (dm,) = dms(rapport.slack, "UANN")
    text = json.dumps(dm["blocks"], ensure_ascii=False)
    assert "Follow up with <@UCAT> while it is fresh" in text
    assert "“met at the offsite”" in text
    with rapport.core.db.read() as s:
        (item,) = s.scalars(select(Nudge.id))
    log_it = block_actions("UANN", Action.LOG_IT, f"n:{item}", message=dm, block_id=f"{ITEM_BLOCK}n:{item}")
    assert rapport.http.interact(log_it).status == 200
    (opened,) = rapport.slack.wait_for("views.open")
    assert "UCAT" in json.dumps(opened.params["view"])
    done = block_actions("UANN", Action.DONE, f"n:{item}", message=dm, block_id=f"{ITEM_BLOCK}n:{item}")
    assert rapport.http.interact(done).status == 200
    rapport.slack.wait_for("chat.update")
    assert "~Follow up with <@UCAT> while it is fresh~ Done." in _shown(rapport.slack, dm)
    _morning(rapport, TUESDAY_9 + timedelta(days=2))
    assert len(dms(rapport.slack, "UANN")) == 1  # once
