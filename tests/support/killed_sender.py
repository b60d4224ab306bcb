"""A sender that SIGKILLs itself while posting a row (run as a subprocess): before the post
reaches Slack, or (`after`) once Slack has accepted it and before its answer is recorded.

`python -m tests.support.killed_sender DATABASE_URL API_URL TOKEN TEAM NOW_ISO [before|after]`
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.bootstrap import open_database
from bot.delivery.pacer import Pacer
from bot.delivery.sender import Sender
from bot.platform.clock import fixed_clock
from tests.support.nudgekit import REGISTRY  # with the test nudge kind the rows use


class DiesBeforePosting(WebClient):
    def chat_postMessage(self, **kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)


class DiesAfterPosting(WebClient):
    def chat_postMessage(self, **kwargs: Any) -> Any:
        super().chat_postMessage(**kwargs)
        os.kill(os.getpid(), signal.SIGKILL)


def main(database_url: str, api_url: str, token: str, team_id: str, now: str, when: str = "before") -> None:
    client = DiesAfterPosting if when == "after" else DiesBeforePosting
    db = open_database(database_url)
    clock = fixed_clock(datetime.fromisoformat(now))
    pacer = Pacer(db, team_id, 1000.0, clock=clock)
    sender = Sender(
        db,
        lambda team: client(token=token, base_url=api_url),
        kinds=REGISTRY.outbox,
        clock=clock,
        pacer=lambda team: pacer,
        workers=1,
        worker_id="doomed",
    )
    sender.run(team_id)


def run_killed(
    db_url: str, api_url: str, token: str, team_id: str, now: datetime, when: str = "before"
) -> int:
    """Run such a sender to its death; returns its exit status (-9 when SIGKILLed)."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.killed_sender",
            db_url,
            api_url,
            token,
            team_id,
            now.isoformat(),
            when,
        ],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if run.returncode != -9:
        sys.stderr.write(run.stderr)
    return run.returncode


if __name__ == "__main__":
    main(*sys.argv[1:7])
