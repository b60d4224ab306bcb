"""A sender that SIGKILLs itself between claiming a row and posting it (run as a subprocess).

`python -m tests.killed_sender DATABASE_URL API_URL TOKEN TEAM NOW_ISO`
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.delivery.sender import Pacer, Sender
from bot.platform.clock import fixed_clock
from bot.platform.db import Database
from tests import nudgekit  # registers the test nudge kind the rows use


class DiesBeforePosting(WebClient):
    def chat_postMessage(self, **kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)


def main(database_url: str, api_url: str, token: str, team_id: str, now: str) -> None:
    assert nudgekit.NOTE
    db = Database(database_url)
    pacer = Pacer(1000.0)
    sender = Sender(
        db,
        lambda team: DiesBeforePosting(token=token, base_url=api_url),
        pacer=lambda team: pacer,
        workers=1,
        worker_id="doomed",
    )
    sender.run(team_id, fixed_clock(datetime.fromisoformat(now)))


if __name__ == "__main__":
    main(*sys.argv[1:6])
