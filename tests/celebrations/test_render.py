"""The daily celebration post says who and when (a weekend occasion on the Friday before) and fits Slack."""

from __future__ import annotations

from datetime import date, timedelta

from bot.celebrations import render
from bot.celebrations.occasions import ANNIVERSARY, BIRTHDAY, PROMOTION
from bot.celebrations.render import Celebrated
from tests.support.fakeslack import block_errors

FRIDAY = date(2027, 3, 5)


def test_the_daily_post_groups_everyone_and_says_when_a_weekend_occasion_is() -> None:
    items = [
        Celebrated(PROMOTION, "UP", FRIDAY, title="Staff <Engineer> & co"),
        Celebrated(ANNIVERSARY, "UA", FRIDAY + timedelta(days=1), years=3),
        Celebrated(BIRTHDAY, "UB", FRIDAY),
        Celebrated(BIRTHDAY, "UC", FRIDAY + timedelta(days=2)),
    ]
    payload = render.celebration_post(FRIDAY, items)
    assert payload is not None
    assert block_errors(payload["blocks"]) == []
    body = "\n".join(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")
    lines = body.splitlines()
    assert lines[1:] == [
        ":birthday: Happy birthday, <@UB>!",
        ":birthday: Happy birthday, <@UC>! (on Sunday)",
        ":tada: <@UA> — 3 years at the company (on Saturday). Thank you for all of it!",
        ":rocket: Congratulations <@UP>, now *Staff &lt;Engineer&gt; &amp; co*!",
    ]


def test_nobody_to_celebrate_is_no_post() -> None:
    assert render.celebration_post(FRIDAY, []) is None


def test_a_huge_day_still_fits_in_one_readable_valid_message() -> None:
    items = [Celebrated(BIRTHDAY, f"U{n:06d}", FRIDAY) for n in range(3000)]
    payload = render.celebration_post(FRIDAY, items)
    assert payload is not None
    assert block_errors(payload["blocks"]) == []
    assert len(payload["blocks"]) < 10
    assert payload["blocks"][-2]["text"]["text"].endswith("…and 2851 more. Congratulations, everyone!")
