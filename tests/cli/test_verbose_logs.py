"""`rapport -v` through a whole day, as an operator runs it: installed by OAuth, a private note
logged over HTTP, the directory synced, the digest sent. Not one log line holds the note or a
secret, at any level."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from tests.support.fakeslack import FakeSlack
from tests.support.fixtures import SIGNING_SECRET
from tests.support.slackreq import SlackClient

ROOT = Path(__file__).resolve().parents[2]
MARKER = "zanzibarquokka"  # the private note's word: it must reach Slack (to its author) and no log
CLIENT_ID, CLIENT_SECRET = "111.222", "client-secret-a8f3e1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow  # a whole day of the CLI in subprocesses
def test_verbose_logs_of_a_whole_day_hold_no_private_note_and_no_secret(
    tmp_path: Path, slack: FakeSlack
) -> None:
    slack.add_user("UANN", real_name="Ann Lee", tz="UTC")
    slack.add_user("UBOB", real_name="Bob Ray", tz="UTC")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env |= {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rapport.db'}",
        "PYTHONPATH": str(ROOT),
    }
    logs: list[str] = []

    def rapport(*args: str) -> None:
        run = subprocess.run(
            [sys.executable, "-m", "bot.cli", "-v", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        logs.append(run.stdout + run.stderr)
        assert run.returncode == 0, run.stderr[-3000:]

    rapport("db", "upgrade")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = tmp_path / "server.log"
    with server_log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "-v",
                "run",
                "--http",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, server)
        tokens = slack.grant("code-1", slack.team_id, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        _install(url, "code-1")
        rapport("jobs", "run", "sync-directory")
        http = SlackClient(url, SIGNING_SECRET)
        note = f"<@UBOB> coffee about the {MARKER} migration, follow up tomorrow"
        assert MARKER in http.command("/log", note, user_id="UANN").text  # its author sees it
        assert http.command("/followups", "", user_id="UANN").status == 200
        assert http.command("/rapport", "history <@UBOB>", user_id="UANN").status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    logs.append(server_log.read_text())

    today = datetime.now(UTC).date()
    for days in range(1, 5):  # the next working mornings: the digest with the follow-up
        rapport(
            "jobs",
            "run",
            "nudges",
            "--now",
            datetime.combine(today + timedelta(days), time(9, 30), UTC).isoformat(),
        )
    carried = [c for c in slack.calls_to("chat.postMessage") if MARKER in json.dumps(c.params)]
    assert carried, "the note never reached Slack"
    assert {c.params["channel"] for c in carried} <= {"UANN", "DUANN"}  # and only its author

    everything = "\n".join(logs)
    assert " DEBUG " in everything  # -v was on
    assert "oauth.v2.access" in json.dumps([c.method for c in slack.calls])
    for secret in (MARKER, tokens["access_token"], tokens["refresh_token"], CLIENT_SECRET, SIGNING_SECRET):
        assert secret not in everything, f"{secret[:6]}… is in the logs"
    assert not re.search(r"xox[bpe]-[A-Za-z0-9]{6,}", everything)


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        assert server.poll() is None, "rapport run stopped"
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):  # waiting for the process to listen
            server.wait(timeout=0.05)
    raise AssertionError("rapport run never answered /healthz")


def _install(url: str, code: str) -> None:
    """What an admin's browser does: the install page, then Slack's redirect back with a code."""
    with urllib.request.urlopen(f"{url}/slack/install", timeout=10) as page:
        cookie = page.headers["Set-Cookie"].split(";")[0]  # Secure: a browser sends it back over https
        state = re.search(r"state=([\w-]+)", page.read().decode())
    assert state, "no state in the install page"
    back = urllib.request.Request(
        f"{url}/slack/oauth_redirect?code={code}&state={state.group(1)}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(back, timeout=10) as done:
        assert done.status == 200
