"""The digest DM's buttons: Done, Snooze (1 day / 1 week / pick a date)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import blocks, people
from bot.core import Core
from bot.nudges import acting
from bot.workdays import Workday

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

    app.action("nudge_done")(ack=_ack, lazy=[done])
    app.action("nudge_snooze")(ack=_ack, lazy=[snooze])


def _ack(ack: Ack) -> None:
    ack()


def _item(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def update_message(client: WebClient, acted: acting.Acted) -> None:
    if acted.channel and acted.ts and acted.message:
        client.chat_update(channel=acted.channel, ts=acted.ts, **acted.message)


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
