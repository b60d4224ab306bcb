"""Done, Snooze (1 day, 1 week, a picked date) and Log it on a due item, wherever it is shown.

Each click acks at once; the change, the redrawn message and the Home tab follow in a lazy
listener. Items are named by their block_id (see `bot.blocks_followups.due_item`). The daily
digest shows follow-ups and cadences with these same buttons: a change redraws every digest
that shows the item with `chat.update` (the clicked one included).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import Core
from bot.nudges.sources import relationships as due
from bot.platform.blocks import context, mrkdwn
from bot.relationships import agenda
from bot.relationships.render import due as blocks_followups
from handlers.acks import ack_now
from handlers.commands.followups import followups_reply
from handlers.digests import update_message
from handlers.events.home import refresh_home
from handlers.views.log_form import open_log_form


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return dict((body.get("actions") or [{}])[0])


def show_outcome(
    core: Core, body: dict[str, Any], team_id: str, respond: Respond, block_id: str, text: str
) -> None:
    """Redraw the message the click came from; a view (Home) is republished by the caller."""
    container = body.get("container") or {}
    if container.get("type") != "message" or not body.get("response_url"):
        return
    if container.get("is_ephemeral"):
        # Slack sends no copy of an ephemeral message: draw /followups again, fresh.
        reply = followups_reply(core, team_id, body["user"]["id"])
        reply["blocks"] = [context(text), *(reply.get("blocks") or [mrkdwn(reply["text"])])]
        respond(replace_original=True, **reply)
        return
    message = body.get("message") or {}
    blocks = blocks_followups.settle(message.get("blocks") or [], block_id, text)
    respond(replace_original=True, text=message.get("text") or text, blocks=blocks)


def register(app: App, core: Core) -> None:
    def change(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
        action = _action(body)
        block_id = str(action.get("block_id") or "")
        ref = blocks_followups.ref_of(block_id)
        team_id, user_id, now = context.team_id or "", body["user"]["id"], core.clock()
        with core.db.write() as session:
            if action.get("action_id") == blocks_followups.DONE:
                changed = due.done(session, team_id, user_id, ref, now)
            elif action.get("action_id") == blocks_followups.SNOOZE:
                span = (action.get("selected_option") or {}).get("value")
                changed = due.snooze(session, team_id, user_id, ref, now, span=span)
            else:
                picked = _date(action.get("selected_date"))
                changed = (
                    due.snooze(session, team_id, user_id, ref, now, until=picked)
                    if picked
                    else due.Changed(agenda.Outcome(False, "Pick a date to snooze until."))
                )
        for acted in changed.redrawn:  # the digests showing the item (maybe the one clicked)
            update_message(client, acted)
        if not changed.redraws((body.get("container") or {}).get("message_ts")):
            show_outcome(core, body, team_id, respond, block_id, changed.outcome.text)
        refresh_home(core, client, team_id, user_id)

    def log_it(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        action = _action(body)
        ref = blocks_followups.ref_of(str(action.get("block_id") or ""))
        user_id = body["user"]["id"]
        with core.db.read() as session:
            person = agenda.person_of(session, context.team_id or "", user_id, ref)
        with_user_ids = [person.user_id] if person else None
        open_log_form(
            core,
            client,
            context.team_id,
            user_id,
            body["trigger_id"],
            with_user_ids=with_user_ids,
            closes=ref,
        )

    for action_id in (blocks_followups.DONE, blocks_followups.SNOOZE, blocks_followups.SNOOZE_UNTIL):
        app.action(action_id)(ack=ack_now, lazy=[change])
    app.action(blocks_followups.LOG_IT)(ack=ack_now, lazy=[log_it])


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
