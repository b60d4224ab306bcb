"""The log form: opened by `/log`, the "Log interaction" shortcut and "Log it"; its submission."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.core import Core
from bot.directory import members as people
from bot.models.relationships import GAVE, GOT
from bot.nudges.sources import relationships as due
from bot.platform import mrkdwn as textparse
from bot.relationships import interactions
from bot.relationships.dates import local_today
from bot.relationships.interactions import Draft
from bot.relationships.render import interactions as blocks_log
from handlers.digests import update_message
from handlers.events.home import refresh_home


def open_log_form(
    core: Core,
    client: WebClient,
    team_id: str | None,
    user_id: str,
    trigger_id: str,
    *,
    with_user_ids: list[str] | None = None,
    link: str | None = None,
    closes: str | None = None,
) -> None:
    """Open the form (a Slack call with a 3-second trigger: call it right after ack)."""
    with core.db.read() as session:
        author = people.find_member(session, team_id or "", user_id)
    today = local_today(core.clock(), author.tz if author else "UTC")
    view = blocks_log.log_modal(today, user_ids=with_user_ids, link=link, closes=closes)
    client.views_open(trigger_id=trigger_id, view=view)


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    return dict((values.get(block) or {}).get(block) or {})


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_form(view: dict[str, Any]) -> Draft:
    """The form's fields as a draft (the core checks them)."""
    values = (view.get("state") or {}).get("values") or {}
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    give_take = (_value(values, "give_take").get("selected_option") or {}).get("value")
    return Draft(
        user_ids=[u for u in _value(values, "people").get("selected_users") or [] if isinstance(u, str)],
        note=str(_value(values, "note").get("value") or ""),
        topics=textparse.topic_words(str(_value(values, "topics").get("value") or "")),
        give_take={"gave": GAVE, "got": GOT}.get(give_take or ""),
        occurred_on=_date(_value(values, "when").get("selected_date")),
        follow_up_on=_date(_value(values, "follow_up").get("selected_date")),
        link=meta.get("link") if isinstance(meta.get("link"), str) else None,
        closes=meta.get("closes") if isinstance(meta.get("closes"), str) else None,
    )


def register(app: App, core: Core) -> None:
    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        draft = read_form(view)
        with core.db.write() as session:
            logged = interactions.log_form(
                session, context.team_id or "", body["user"]["id"], draft, core.clock()
            )
        if not logged.saved:
            ack(**blocks_log.form_error(logged))
            return
        ack(response_action="update", view=blocks_log.logged_modal(logged))

    def after(body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        closes = read_form(view).closes
        if closes:  # "Log it" on a due item: the digests showing it say it is done
            with core.db.write() as session:
                redrawn = due.settle(session, context.team_id or "", body["user"]["id"], closes, core.clock())
            for acted in redrawn:
                update_message(client, acted)
        refresh_home(core, client, context.team_id, body["user"]["id"])

    app.view(blocks_log.MODAL)(ack=submit, lazy=[after])
