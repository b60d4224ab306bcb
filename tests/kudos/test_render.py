"""Kudos posts read like a person wrote them, vary, render the same on a retry, and fit Slack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.kudos import render
from bot.kudos.render import KudosPost
from tests.support.fakeslack import block_errors


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


def test_replies_to_the_giver() -> None:
    assert "<#C0123>" in render.kudos_accepted(["UB"], "C0123")["text"]
    assert "the celebrations channel" in render.kudos_accepted(["UB"], None)["text"]
    at = datetime(2027, 3, 5, 10, tzinfo=UTC)
    repeat = render.kudos_repeated(["UB"], at, at + timedelta(minutes=5))["text"]
    assert "5 minutes ago" in repeat
    assert "won't post them twice" in repeat
