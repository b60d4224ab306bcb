"""Celebration posts read like a person wrote them, vary, render the same on a retry, and fit Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.celebrations import render
from bot.celebrations.occasions import ANNIVERSARY, BIRTHDAY, PROMOTION
from bot.celebrations.render import Celebrated, KudosPost
from tests.fakeslack import block_errors

FRIDAY = date(2027, 3, 5)


def post(kudos_id: int, *, quoted: bool = False, receivers: tuple[str, ...] = ("UBOB",)) -> KudosPost:
    return KudosPost(kudos_id, "UALICE", receivers, "shipping the churn model", quoted)


def test_a_kudos_post_names_giver_receivers_and_reason() -> None:
    payload = render.kudos_post(post(1, receivers=("UBOB", "UCAROL", "UDAN")))
    text = payload["blocks"][0]["text"]["text"]
    assert "<@UALICE>" in text
    assert "<@UBOB>, <@UCAROL> and <@UDAN>" in text
    assert "shipping the churn model" in text
    assert payload["text"] == "Kudos to <@UBOB>, <@UCAROL> and <@UDAN> from <@UALICE>"
    assert block_errors(payload["blocks"]) == []


def test_templates_vary_from_one_kudos_to_the_next_and_a_retry_renders_the_same() -> None:
    for quoted in (False, True):
        texts = {render.kudos_text(post(n, quoted=quoted)) for n in range(1, 5)}
        assert len(texts) == 4
        assert render.kudos_text(post(7, quoted=quoted)) == render.kudos_text(post(7, quoted=quoted))


def test_grammar_follows_the_number_of_receivers() -> None:
    one = render.kudos_text(KudosPost(1, "UA", ["UB"], "the demo", False))
    two = render.kudos_text(KudosPost(1, "UA", ["UB", "UC"], "the demo", False))
    assert "deserves a round" in one
    assert "deserve a round" in two


def test_free_text_is_quoted() -> None:
    text = render.kudos_text(KudosPost(2, "UA", ["UB"], "thanks for covering my on-call!", True))
    assert "\n>thanks for covering my on-call!" in text


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


def test_replies_to_the_giver() -> None:
    assert "<#C0123>" in render.kudos_accepted(["UB"], "C0123")["text"]
    assert "the celebrations channel" in render.kudos_accepted(["UB"], None)["text"]
    at = datetime(2027, 3, 5, 10, tzinfo=UTC)
    repeat = render.kudos_repeated(["UB"], at, at + timedelta(minutes=5))["text"]
    assert "5 minutes ago" in repeat
    assert "won't post them twice" in repeat
