"""Socket Mode reads a payload the way HTTP does: printable text, then the same answer."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from sqlalchemy import select

from bot.core import Core
from bot.models.relationships import Interaction
from bot.slackapp.app import build_app
from bot.slackapp.server import socket_mode
from tests.support import slackreq
from tests.support.factories import add_members, slack_user
from tests.support.slackreq import UNROUTED_RESPONSE_URL


class Connection:
    """The socket's side that the handler answers on (the websocket itself is Slack's)."""

    logger = logging.getLogger("tests.socket")

    def __init__(self) -> None:
        self.sent: list[SocketModeResponse] = []

    def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)


def command_payload(text: str) -> dict[str, Any]:
    body, _ = slackreq.slash_command("/log", text, user_id="UANN", response_url=UNROUTED_RESPONSE_URL)
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def test_a_command_over_the_socket_is_answered_and_stored_printable(core: Core) -> None:
    add_members(core.db, "T0001", slack_user("UANN"), slack_user("UBOB", real_name="Bob Ray"))
    app = build_app(core)
    handler = socket_mode(app, "xapp-1-A0001-1-secret")
    connection = Connection()
    request = SocketModeRequest(
        type="slash_commands", envelope_id="env-1", payload=command_payload("<@UBOB> coffee\x00 about\x1b it")
    )
    handler.handle(connection, request)  # type: ignore[arg-type]
    app.listener_runner.listener_executor.shutdown(wait=True)
    (answer,) = connection.sent
    assert answer.envelope_id == "env-1"
    assert answer.payload is not None
    assert answer.payload["text"] == "Logged privately with Bob Ray"
    with core.db.read() as s:
        assert list(s.scalars(select(Interaction.note))) == ["coffee about it"]
