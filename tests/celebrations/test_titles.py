"""A title wherever Rapport shows it — a celebration, the question before it, `/whoknows` — reads
as typed, capped, and pings or links nothing (`mrkdwn.inert`, tested on its own in
tests/platform/test_mrkdwn.py)."""

from __future__ import annotations

import json
import re
from datetime import date

from bot.celebrations.occasions import PROMOTION
from bot.celebrations.render import TITLE_LIMIT, Ask, Celebrated, celebration_post, consent_dm
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import block_errors
from tests.support.fixtures import Served

ZWSP = "\u200b"
HOSTILE = "Kubernetes lead <!here> <@UANN> R&D, see https://evil.example/login"
PING = re.compile(r"<[@!#]([^>|]+)")


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


def test_the_daily_post_shows_a_title_capped_and_inert() -> None:
    day = date(2026, 11, 23)
    payload = celebration_post(day, [Celebrated(PROMOTION, "UBOB", day, title=HOSTILE + " x" * 60)])
    assert payload is not None
    line = payload["blocks"][1]["text"]["text"]
    assert PING.findall(line) == ["UBOB"]
    title = line.split("now *")[1].split("*!")[0]
    assert (
        len(title.replace(ZWSP, "").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
        == TITLE_LIMIT
    )
    assert title.replace(ZWSP, "").startswith(
        "Kubernetes lead &lt;!here&gt; &lt;@UANN&gt; R&amp;D, see https://"
    )


def test_whoknows_shows_a_title_as_typed_pinging_and_linking_nothing(rapport: Served) -> None:
    add_members(rapport.core.db, "T0001", slack_user("UANN"), slack_user("UBOB", title=HOSTILE))
    body = rapport.http.command("/whoknows", "kubernetes", user_id="UANN").json()
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert set(PING.findall(shown)) == {"UBOB"}  # the answer, not Ann or @here
    assert "&amp;amp;" not in shown
    assert "https://" not in shown  # Slack would link it
    assert "evil.example" not in shown
    # The answer's line and the reason it gives both quote the title as typed.
    typed = "Kubernetes lead &lt;!here&gt; &lt;@UANN&gt; R&amp;D, see https://evil.example/login"
    assert shown.replace(ZWSP, "").count(typed) == 2
