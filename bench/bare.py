"""The baselines: Bolt apps whose one slash command only acks, served exactly like Rapport."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot.platform.slack import make_client
from bot.slackapp.app import bolt_env_hidden

DEFAULT = "bare-default"  # Bolt's default: the listener runs in a thread, ack() is polled every 10 ms
PBR = "bare-pbr"  # process_before_response=True: the listener runs in the request thread


def bare_app(
    command: str, *, process_before_response: bool, signing_secret: str, token: str, api_url: str
) -> App:
    """A Bolt app that answers `command` with an empty ack and does nothing else."""
    with bolt_env_hidden():
        app = App(
            signing_secret=signing_secret,
            client=make_client(token, api_url),
            token_verification_enabled=False,  # no auth.test at start; the first request makes it
            process_before_response=process_before_response,
            logger=logging.getLogger("bench.bare"),
        )

    @app.command(command)
    def only_ack(ack: Ack) -> None:
        ack()

    return app
