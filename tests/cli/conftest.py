"""What every CLI test starts from: an empty working directory and none of Rapport's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "DATABASE_URL",
    "RAPPORT_CELEBRATIONS_CHANNEL",
    "RAPPORT_LOG_FORMAT",
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory and an environment with none of Rapport's settings."""
    monkeypatch.chdir(tmp_path)
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path
