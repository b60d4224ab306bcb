"""A title as celebrations show it: one line, at most 80 characters, and nothing in it pings or links."""

from __future__ import annotations

import pytest

from bot.celebrations.occasions import PROMOTION
from bot.celebrations.render import Ask, consent_dm
from bot.celebrations.titles import TITLE_LIMIT, shown_title
from tests.support.fakeslack import block_errors

ZWSP = "\u200b"


def test_a_short_plain_title_reads_as_typed() -> None:
    assert shown_title("Staff Engineer") == "Staff Engineer"
    assert shown_title("R&amp;D Lead") == "R&amp;D Lead"  # Slack's escaping is not doubled
    assert shown_title("R&D <Lead>") == "R&amp;D &lt;Lead&gt;"


def test_a_long_title_is_cut_to_the_limit_with_an_ellipsis() -> None:
    title = "Chief " + "Executive " * 20
    shown = shown_title(title)
    assert len(shown) == TITLE_LIMIT
    assert shown == title[: TITLE_LIMIT - 1] + "…"
    assert shown_title("x" * 200, limit=10) == "x" * 9 + "…"


@pytest.mark.parametrize(
    ("title", "never"),
    [
        ("CEO <!channel>", "<!channel>"),
        ("CEO <!here|here>", "<!here"),
        ("CEO <!subteam^S123|@leads>", "<!subteam"),
        ("CEO <@U0BOSS>", "<@U0BOSS>"),
        ("CEO <https://evil.example|the SSO portal>", "<https://"),
        ("CEO, DM me at https://sso.evil.io/login", "https://"),
        ("CEO, see sso.evil.io", "evil.io"),
        ("CEO, mail boss@evil.io", "boss@evil"),
        ("CEO @here @channel", "@here"),
        ("CEO of #general", "#general"),
    ],
)
def test_nothing_in_a_title_can_ping_or_link(title: str, never: str) -> None:
    shown = shown_title(title)
    assert never not in shown
    assert shown.replace(ZWSP, "").replace("&lt;", "<").replace("&gt;", ">") == title  # still says it


def test_a_title_is_one_line_without_hidden_characters() -> None:
    assert shown_title("Staff\nEngineer\t\u2028 (acting)") == "Staff Engineer (acting)"
    assert shown_title("Staff \u202eEngineer\u200d") == "Staff Engineer"  # no direction overrides


def test_the_question_dm_is_valid_and_shows_the_capped_title() -> None:
    payload = consent_dm(Ask(7, PROMOTION, "C0CELEBRATE", title="CEO <!channel> " + "very " * 30))
    assert block_errors(payload["blocks"]) == []
    assert "<!channel>" not in str(payload)
    assert payload["text"] == "Congratulations on your new role! Celebrate it in the celebrations channel?"
    assert payload["blocks"][0]["text"]["verbatim"] is True
    buttons = payload["blocks"][-1]["elements"]
    assert [(b["text"]["text"], b["value"]) for b in buttons] == [
        ("Yes, celebrate it", "7"),
        ("Not now", "7"),
    ]


def test_without_a_channel_a_promotion_is_asked_about_for_colleagues_digests_only() -> None:
    payload = consent_dm(Ask(7, PROMOTION, None, title="Staff Engineer"))
    said = payload["blocks"][0]["text"]["text"]
    assert said == (
        ":tada: Congratulations on your new role, *Staff Engineer*! "
        "May I tell the colleagues you work with, in their daily Rapport DM?"
    )
    assert "Nothing is posted in a channel." in str(payload["blocks"][1])
