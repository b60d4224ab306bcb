"""Logging for the process: our own detail with `-v`, and never a private note or a token.

Bolt and slack_sdk log whole request and response bodies at DEBUG (what someone logged, the
tokens `oauth.v2.access` returns); their DEBUG stays off even with `-v`. Whatever still names a
token (an exception's text, a URL) is masked as it is written.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Their DEBUG lines carry payloads: INFO at most, whatever the verbosity.
PAYLOAD_LOGGERS = ("slack_bolt", "slack_sdk", "rapport.bolt")
# Their INFO lines narrate plumbing (plugins loaded, job added); ours say what happened.
CHATTY_LOGGERS = ("alembic", "apscheduler")
# Slack's tokens: bot/user/app/config/refresh (xoxb-, xoxp-, xapp-, xoxe.xoxp-, xoxe-…).
TOKEN = re.compile(r"\b(xox[a-z]|xapp)([.-])[A-Za-z0-9.-]{6,}")


def masked(text: str) -> str:
    """`text` with every Slack token cut to its kind ("xoxb-…")."""
    return TOKEN.sub(lambda m: f"{m.group(1)}{m.group(2)}…", text)


class MaskingFormatter(logging.Formatter):
    """Tokens masked everywhere; a message kept on its line (a request's text can hold a newline
    that would otherwise forge a log line of its own)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record).replace("\r", "\\r").replace("\n", "\\n")

    def format(self, record: logging.LogRecord) -> str:
        return masked(super().format(record))


class JsonFormatter(MaskingFormatter):
    """One JSON object a line for log shippers: time, level, logger, message (and a traceback),
    tokens masked as in text."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return masked(json.dumps(entry, ensure_ascii=False))


def configure(verbose: bool = False, log_format: str = "text") -> None:
    """Log to stderr: INFO, or DEBUG for Rapport's own loggers with `verbose`; `log_format`
    "json" writes one JSON object a line."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else MaskingFormatter(FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    if not verbose:
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
