"""The directory: `user_change` and `team_join` between syncs, `/rapport settings` and its form,
`/rapport birthday`."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import Core
from bot.directory import birthdays, settings
from bot.directory.ids import View
from bot.directory.render import birthday_reply
from bot.directory.sync import apply_user_event
from bot.help.render import not_synced
from handlers.acks import ack_errors


def settings_subcommand(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.read() as session:
        view = settings.open_settings(session, core.registry.settings, command["team_id"], command["user_id"])
    if view is None:
        return not_synced()
    # Opening the modal is the answer itself; the trigger_id lasts only 3 s.
    client.views_open(trigger_id=command["trigger_id"], view=view)
    return {}


def birthday(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.write() as session:
        told = birthdays.tell(session, command["team_id"], command["user_id"], rest, core.clock())
    return birthday_reply(told)


def register(app: App, core: Core) -> None:
    def on_user(body: dict[str, Any], event: dict[str, Any]) -> None:
        with core.db.write() as session:
            apply_user_event(
                session,
                body["team_id"],
                body.get("event_id"),
                event["user"],
                core.clock(),
                stored=core.registry.on_members_stored,
            )

    app.event("user_change")(on_user)
    app.event("team_join")(on_user)

    @app.view(View.SETTINGS)
    def save_settings(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        with core.db.write() as session:
            errors = settings.save(
                session, core.registry.settings, team_id, user_id, view["state"]["values"], core.clock()
            )
        ack_errors(ack, errors)
