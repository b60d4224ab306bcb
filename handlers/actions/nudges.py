"""The digest DM's buttons: Done, Snooze (1 day / 1 week / pick a date), Log it (the log form).

Follow-ups and cadences in a digest carry the relationship log's own buttons instead
(handlers/actions/followups.py).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core import Core
from bot.directory import members as people
from bot.directory.workdays import Workday
from bot.nudges import acting
from bot.platform import blocks
from handlers.acks import ack_now
from handlers.digests import update_message
from handlers.views.log_form import open_log_form

SNOOZE_CALLBACK = "nudge_snooze_date"


def register(app: App, core: Core) -> None:
    def done(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with core.db.write() as s:
            acted = acting.done(s, team_id, user_id, _item(action.get("value")), core.clock())
        update_message(client, acted)

    def snooze(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        raw = (action.get("selected_option") or {}).get("value") or ""
        item_text, _, choice = raw.partition(":")
        item_id = _item(item_text)
        if choice == "pick":
            client.views_open(trigger_id=body["trigger_id"], view=snooze_modal(item_id))
            return
        now = core.clock()
        with core.db.write() as s:
            member = people.find_member(s, team_id, user_id)
            today = Workday.of(member).local_date(now) if member else now.date()
            until = acting.snooze_until(choice, today)
            if until is None:
                return
            acted = acting.snooze(s, team_id, user_id, item_id, until, now)
        update_message(client, acted)

    def log_it(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with core.db.read() as s:
            person = acting.subject_of(s, team_id, user_id, _item(action.get("value")))
        with_user_ids = [person.user_id] if person else None
        open_log_form(core, client, team_id, user_id, body["trigger_id"], with_user_ids=with_user_ids)

    app.action("nudge_done")(ack=ack_now, lazy=[done])
    app.action("nudge_snooze")(ack=ack_now, lazy=[snooze])
    app.action("nudge_log")(ack=ack_now, lazy=[log_it])


def _item(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def snooze_modal(item_id: int) -> dict[str, Any]:
    picker = {
        "type": "input",
        "block_id": "until",
        "label": {"type": "plain_text", "text": "Bring it back on"},
        "element": {"type": "datepicker", "action_id": "value"},
    }
    return blocks.modal(
        "Snooze",
        [picker],
        callback_id=SNOOZE_CALLBACK,
        private_metadata=str(item_id),
        submit={"type": "plain_text", "text": "Snooze"},
    )
