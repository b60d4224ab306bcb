"""Settings: empty means unset, the environment beats .env, and errors say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.platform.config import ConfigError, load_settings


def test_defaults_when_nothing_is_set(tmp_path: Path) -> None:
    s = load_settings({}, env_file=tmp_path / "absent.env")
    assert s.database_url == "sqlite:///rapport.db"
    assert s.api_url == "https://slack.com/api/"
    assert not s.oauth
    assert not s.socket_mode


def test_empty_values_count_as_unset(tmp_path: Path) -> None:
    s = load_settings({"SLACK_CLIENT_ID": "", "SLACK_CLIENT_SECRET": " ", "DATABASE_URL": ""}, env_file=None)
    assert not s.oauth
    assert s.database_url == "sqlite:///rapport.db"


def test_environment_overrides_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    s = load_settings({"SLACK_BOT_TOKEN": "xoxb-from-env"}, env_file=env)
    assert s.bot_token == "xoxb-from-env"
    assert s.api_url == "http://127.0.0.1:9/api/"  # slack_sdk needs the trailing slash


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "abc"}, "xoxb-"),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, "xapp-"),
        ({"SLACK_CLIENT_ID": "1.2"}, "both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
        ({"SLACK_API_URL": "slack.com/api"}, "http(s) URL"),
    ],
)
def test_malformed_values_are_explained(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(env, env_file=None)


def test_run_names_every_missing_variable_and_where_to_get_it() -> None:
    s = load_settings({}, env_file=None)
    with pytest.raises(ConfigError) as socket_mode:
        s.require_for_run(http=False)
    assert "SLACK_BOT_TOKEN" in str(socket_mode.value)
    assert "SLACK_APP_TOKEN" in str(socket_mode.value)
    assert "App-Level Tokens" in str(socket_mode.value)
    with pytest.raises(ConfigError) as http_mode:
        s.require_for_run(http=True)
    assert "SLACK_SIGNING_SECRET" in str(http_mode.value)
    assert "SLACK_APP_TOKEN" not in str(http_mode.value)


def test_oauth_mode_needs_no_bot_token() -> None:
    s = load_settings(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x"}, None
    )
    assert s.oauth
    assert s.missing_for_run(http=True) == []
