"""Done, Snooze (1 day, 1 week, a picked date) and Log it on any item, wherever it is shown: a
follow-up or cadence (in /followups, the Home tab, a digest) or a digest's own item.

Each click acks at once; the change and the redrawn messages follow in a lazy listener (and
the Home tab, for the items it lists). The item is named by its buttons' block
(`bot.relationships.ids.ITEM_BLOCK`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.core import Core
from bot.nudges import acting
from bot.nudges.acting import Acted
from bot.platform.blocks import picked_date
from bot.relationships.ids import Action, ref_of
from bot.relationships.render.due import settle
from handlers.acks import ack_now, clicked, update_message
from handlers.relationships import followups_reply, open_log_form, publish_home

# What a click does: (session, team_id, user_id, ref, now, the action) -> Acted.
Change = Callable[[Session, str, str, str, datetime, dict[str, Any]], Acted]


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

    def on_click(change: Change) -> Callable[..., None]:
        def after(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
            action = clicked(body)
            block_id = str(action.get("block_id") or "")
            team_id, user_id = context.team_id or "", body["user"]["id"]
            with core.db.write() as session:
                acted = change(session, team_id, user_id, ref_of(block_id), core.clock(), action)
            for redraw in acted.redrawn:  # the digests showing the item (maybe the one clicked)
                update_message(client, redraw)
            if not acted.redraws((body.get("container") or {}).get("message_ts")):
                text = acted.refused.text if acted.refused else acted.note
                show_outcome(core, body, team_id, respond, block_id, text)
            if acted.home:
                publish_home(core, client, team_id, user_id)

        return after

    def done(
        s: Session, team_id: str, user_id: str, ref: str, now: datetime, action: dict[str, Any]
    ) -> Acted:
        return acting.done(s, kinds, team_id, user_id, ref, now)

    def snooze(
        s: Session, team_id: str, user_id: str, ref: str, now: datetime, action: dict[str, Any]
    ) -> Acted:
        span = (action.get("selected_option") or {}).get("value")
        return acting.snooze(s, kinds, team_id, user_id, ref, now, span=span)

    def snooze_until(
        s: Session, team_id: str, user_id: str, ref: str, now: datetime, action: dict[str, Any]
    ) -> Acted:
        until = picked_date(action.get("selected_date"))
        return acting.snooze(s, kinds, team_id, user_id, ref, now, until=until)

    app.action(Action.DONE)(ack=ack_now, lazy=[on_click(done)])
    app.action(Action.SNOOZE)(ack=ack_now, lazy=[on_click(snooze)])
    app.action(Action.SNOOZE_UNTIL)(ack=ack_now, lazy=[on_click(snooze_until)])

    def log_it(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ref = ref_of(str(clicked(body).get("block_id") or ""))
        user_id = body["user"]["id"]
        with core.db.read() as session:
            target = acting.log_it(session, context.team_id or "", user_id, ref)
        with_user_ids = [target.person.user_id] if target.person else None
        trigger = body["trigger_id"]
        open_log_form(
            core, client, context.team_id, user_id, trigger, with_user_ids=with_user_ids, closes=target.closes
        )

    app.action(Action.LOG_IT)(ack=ack_now, lazy=[log_it])
