"""The one shape of an expected refusal: why Rapport did not do what someone asked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """Why something was not done, told to the person who asked.

    `text` is mrkdwn, ready to show: whoever writes it escapes the user text it quotes. A form
    shows it under the input named `field`; a command follows it with its usage when `usage`.
    """

    text: str
    field: str | None = None
    usage: bool = False
