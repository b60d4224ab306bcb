"""The delivery soak (issue 15, `make soak`): two sender processes on PostgreSQL, a fake Slack
with a 10/s workspace limit injecting 429s, 500s, slow answers and dropped connections, senders
SIGKILLed at random and restarted, 1,000 recipients. Nothing lost, nothing twice, nothing
outside a recipient's working window, and no 429 but the injected ones."""

from __future__ import annotations

import pytest

from tests.support.databases import postgres_unavailable, skip_or_fail
from tests.support.soak import Options, run


@pytest.mark.slow
def test_soak_delivers_each_digest_once_within_the_limit_and_the_working_window() -> None:
    reason = postgres_unavailable()
    if reason is not None:
        skip_or_fail(reason)

    result = run(Options(recipients=1000, limit=10.0, senders=2, kills=5, quiet=True))

    report = "\n".join(result.lines())
    print(report)
    assert not result.timed_out, report
    assert result.sender_errors == 0, f"{report}\n{result.error_tail}"
    assert result.lost == 0, report
    assert result.duplicates == 0, report
    assert result.outside_window == 0, report
    assert result.limit_429 == 0, report  # the only 429s are the ones the fake injects
