"""Text as people send it, made storable: once, where a request comes in.

PostgreSQL refuses a NUL byte or a lone surrogate in text that SQLite stores without a word,
and control characters only ever garble what Slack shows. Every string of a request's payload
is cleaned before any listener reads it, so both databases see the same text.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab, newline and carriage return; DEL; C1 controls; UTF-16 surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` without NULs, control characters and lone surrogates."""
    return _UNPRINTABLE.sub("", text)


def cleaned(value: Any) -> Any:
    """A decoded payload (dicts, lists, strings, numbers) with every string `printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value
