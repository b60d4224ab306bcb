"""Celebrations: the consent DM's Yes / Not now, and the admins' workspace settings (the button
in `/rapport settings`, and saving them). Those settings include expertise's public channels,
which `bot.celebrations` may not import: they are handed over here as a `ChannelReading`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.celebrations import consent, settings
from bot.celebrations.ids import Action, View
from bot.core import Core
from bot.expertise import channel_evidence, channels
from handlers.acks import ack_errors, ack_now, clicked


def reading(core: Core) -> settings.ChannelReading:
    """Expertise's public channels, as the workspace settings use them (its evidence sources bound)."""
    evidence = core.registry.evidence
    return settings.ChannelReading(
        progress=channels.progress,
        joined=channels.joined,
        left=channels.left,
        forget=lambda session, team_id: channel_evidence.forget_workspace(
            session, team_id, evidence=evidence
        ),
    )


def register(app: App, core: Core) -> None:
    read = reading(core)

    def answer(yes: bool) -> Callable[..., None]:
        def after(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
            """The person's answer, kept (the first one stands); their DM says what they chose."""
            container = body.get("container") or {}
            with core.db.write() as session:
                answered = consent.answer(
                    session,
                    context.team_id or "",
                    body["user"]["id"],
                    str(clicked(body).get("value") or ""),
                    yes,
                    core.clock(),
                    shown_in=(container.get("channel_id"), container.get("message_ts")),
                )
            if answered.channel and answered.ts and answered.message:
                client.chat_update(channel=answered.channel, ts=answered.ts, **answered.message)

        return after

    app.action(Action.CONSENT_YES)(ack=ack_now, lazy=[answer(True)])
    app.action(Action.CONSENT_NO)(ack=ack_now, lazy=[answer(False)])

    def open_workspace(body: dict[str, Any], client: WebClient) -> None:
        """Stacked on the settings modal: the workspace's settings for admins, why not for others."""
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        view = settings.workspace_view(
            core.db, client, core.settings, team_id, user_id, core.clock(), channels=read
        )
        client.views_push(trigger_id=body["trigger_id"], view=view)

    app.action(Action.CHANGE_WORKSPACE)(ack=ack_now, lazy=[open_workspace])

    @app.view(View.WORKSPACE)
    def save_workspace(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        # Who is an admin, whether Rapport can post in the channel and whether a channel listed
        # to read is public, only Slack knows.
        errors = settings.save_workspace(
            core.db,
            client,
            body["team"]["id"],
            body["user"]["id"],
            view["state"]["values"],
            core.clock(),
            posts=core.registry.celebration_posts,
            channels=read,
            shown=view.get("private_metadata"),
        )
        ack_errors(ack, errors)
