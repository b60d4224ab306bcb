"""A Slack title is typed by its owner: /whoknows quotes it as typed, never as markup."""

from __future__ import annotations

import json

from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served


def test_a_title_with_markup_is_quoted_not_obeyed(rapport: Served) -> None:
    add_members(
        rapport.core.db,
        "T0001",
        slack_user("UANN"),
        slack_user("UBOB", title="<!here> Kubernetes R&D <https://evil.example|lead>"),
    )
    shown = json.dumps(rapport.http.command("/whoknows", "kubernetes", user_id="UANN").json())
    assert "<@UBOB>" in shown
    typed = "&lt;!here&gt; Kubernetes R&amp;D &lt;https://evil.example|lead&gt;"
    assert typed in shown.replace("\\u200b", "")  # (zero-width spaces keep Slack from linking it)
    assert "<!here>" not in shown
    assert "<https://evil" not in shown
