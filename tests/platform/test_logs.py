"""Log lines: tokens masked, a message on one line whatever it holds, payload loggers kept quiet."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.platform import logs


def line(message: str, *args: object, exc_info: bool = False) -> str:
    record = logging.LogRecord("rapport", logging.WARNING, __file__, 1, message, args, None)
    if exc_info:
        try:
            raise ValueError("with xoxb-123456-abcdef in it")
        except ValueError:
            record.exc_info = sys.exc_info()
    return logs.MaskingFormatter("%(levelname)s %(message)s").format(record)


@pytest.mark.parametrize(
    "token",
    [
        "xoxb-1234-5678-abcdEFGH",
        "xoxp-1-2-3-abc123",
        "xapp-1-A01-123-abc",
        "xoxe.xoxp-1-abcdef",
        "xoxe-1-abcdefgh",
    ],
)
def test_every_kind_of_slack_token_is_masked(token: str) -> None:
    written = line("installed with %s", token)
    assert token not in written
    assert token[:4] in written


def test_a_message_stays_on_its_line_but_a_traceback_keeps_its_own() -> None:
    forged = line("bad code %r", "x\nINFO rapport: admin logged in\r")
    assert forged.count("\n") == 0
    assert "\\nINFO rapport" in forged
    failed = line("failed", exc_info=True)
    assert failed.splitlines()[0] == "WARNING failed"
    assert "Traceback" in failed
    assert "xoxb-123456" not in failed


def test_payload_loggers_stay_at_info_even_when_verbose() -> None:
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    try:
        logs.configure(verbose=True)
        assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)
        for name in logs.PAYLOAD_LOGGERS:
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)
    finally:  # the process's logging as it was (pytest's capture lives on the root's handlers)
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name in (*logs.PAYLOAD_LOGGERS, *logs.CHATTY_LOGGERS):
            logging.getLogger(name).setLevel(logging.NOTSET)
