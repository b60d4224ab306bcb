"""Done, Snooze (1 day, 1 week, a picked date) and Log it on any item, wherever it is shown: a
follow-up or cadence (in /followups, the Home tab, a digest) or a digest's own item.

Each click acks at once; the change, the redrawn messages and the Home tab follow in a lazy
listener. The item is named by its buttons' block (`bot.relationships.ids.ITEM_BLOCK`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import Core
from bot.nudges import acting
from bot.relationships.due import parse_ref
from bot.relationships.ids import Action, ref_of
from bot.relationships.render.due import settle
from handlers.acks import ack_now, update_message
from handlers.relationships import followups_reply, open_log_form, publish_home


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return dict((body.get("actions") or [{}])[0])


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def show_outcome(
    core: Core, body: dict[str, Any], team_id: str, respond: Respond, block_id: str, text: str
) -> None:
    """Redraw the message the click came from (a view, the Home tab, is republished instead)."""
    container = body.get("container") or {}
    if container.get("type") != "message" or not body.get("response_url"):
        return
    if container.get("is_ephemeral"):
        # Slack sends no copy of an ephemeral message: draw /followups again, fresh.
        respond(replace_original=True, **followups_reply(core, team_id, body["user"]["id"], note=text))
        return
    message = body.get("message") or {}
    blocks = settle(message.get("blocks") or [], block_id, text)
    respond(replace_original=True, text=message.get("text") or text, blocks=blocks)


def register(app: App, core: Core) -> None:
    kinds = core.registry.nudge_kinds

    def change(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
        action = _action(body)
        block_id = str(action.get("block_id") or "")
        ref = ref_of(block_id)
        team_id, user_id, now = context.team_id or "", body["user"]["id"], core.clock()
        with core.db.write() as session:
            if action.get("action_id") == Action.DONE:
                acted = acting.done(session, kinds, team_id, user_id, ref, now)
            elif action.get("action_id") == Action.SNOOZE:
                span = (action.get("selected_option") or {}).get("value")
                acted = acting.snooze(session, kinds, team_id, user_id, ref, now, span=span)
            else:
                until = _date(action.get("selected_date"))
                acted = acting.snooze(session, kinds, team_id, user_id, ref, now, until=until)
        for redraw in acted.redrawn:  # the digests showing the item (maybe the one clicked)
            update_message(client, redraw)
        if not acted.redraws((body.get("container") or {}).get("message_ts")):
            text = acted.refused.text if acted.refused else acted.note
            show_outcome(core, body, team_id, respond, block_id, text)
        if parse_ref(ref) is not None:  # a follow-up or cadence: the Home tab lists it
            publish_home(core, client, team_id, user_id)

    def log_it(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ref = ref_of(str(_action(body).get("block_id") or ""))
        user_id = body["user"]["id"]
        with core.db.read() as session:
            target = acting.log_it(session, context.team_id or "", user_id, ref)
        with_user_ids = [target.person.user_id] if target.person else None
        open_log_form(
            core,
            client,
            context.team_id,
            user_id,
            body["trigger_id"],
            with_user_ids=with_user_ids,
            closes=target.closes,
        )

    for action_id in (Action.DONE, Action.SNOOZE, Action.SNOOZE_UNTIL):
        app.action(action_id)(ack=ack_now, lazy=[change])
    app.action(Action.LOG_IT)(ack=ack_now, lazy=[log_it])
