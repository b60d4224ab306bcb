"""The "Log interaction" message shortcut: the log form, prefilled with the message's author and link."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.core import Core
from handlers.acks import ack_now
from handlers.views.log_form import open_log_form

CALLBACK_ID = "rapport_log_message"


def message_link(body: dict[str, Any]) -> str | None:
    """The message's permalink, built the way Slack builds them (no API call before the form)."""
    domain = (body.get("team") or {}).get("domain")
    channel = (body.get("channel") or {}).get("id")
    message = body.get("message") or {}
    ts = str(message.get("ts") or body.get("message_ts") or "")
    if not (domain and channel and ts.replace(".", "").isdigit()):
        return None
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    thread = message.get("thread_ts")
    if thread and thread != ts:
        link += f"?thread_ts={thread}&cid={channel}"
    return link


def register(app: App, core: Core) -> None:
    def after(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        user_id = body["user"]["id"]
        author = (body.get("message") or {}).get("user")
        with_user_ids = [author] if isinstance(author, str) and author != user_id else None
        open_log_form(
            core,
            client,
            context.team_id,
            user_id,
            body["trigger_id"],
            with_user_ids=with_user_ids,
            link=message_link(body),
        )

    app.message_shortcut(CALLBACK_ID)(ack=ack_now, lazy=[after])
