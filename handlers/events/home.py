"""The Home tab: published when someone opens it and after each change they make."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.core import Core
from bot.relationships import home
from bot.relationships.render import home as blocks_home
from handlers.acks import ack_now

ANSWER_FIRST = 0.03  # seconds a Home refresh waits for the answer to go out


def publish_home(core: Core, client: WebClient, team_id: str | None, user_id: str) -> None:
    """Render and publish one person's Home tab (a Slack call: only after ack, never on its path)."""
    if not team_id:
        return
    with core.db.read() as session:
        data = home.home_for(session, team_id, user_id, core.clock())
    client.views_publish(user_id=user_id, view=blocks_home.home_view(data))


def refresh_home(core: Core, client: WebClient, team_id: str | None, user_id: str) -> None:
    """After a change: publish the person's Home tab once the answer to that change has left.

    Lazy listeners start while Bolt is still sending the answer, and the interpreter runs one
    thread at a time: drawing the tab at once would delay the answer it follows.
    """
    time.sleep(ANSWER_FIRST)
    publish_home(core, client, team_id, user_id)


def register(app: App, core: Core) -> None:
    def publish(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") == "home":
            publish_home(core, client, context.team_id, event["user"])

    # Ack at once; views.publish is a network call and runs after the answer to Slack.
    app.event("app_home_opened")(ack=ack_now, lazy=[publish])
