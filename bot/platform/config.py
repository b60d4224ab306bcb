"""Settings from the environment and `.env`, validated once, in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///rapport.db"
# The PostgreSQL driver pyproject installs (the `postgres` extra): psycopg 3.
POSTGRES_DRIVER = "postgresql+psycopg"
LOG_FORMATS = ("text", "json")

# Where each value comes from, for error messages a newcomer can act on.
WHERE = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token (xoxb-…), after installing the app",
    "SLACK_SIGNING_SECRET": "Basic Information → App Credentials → Signing Secret",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens, with the connections:write scope (xapp-…)",
    "SLACK_CLIENT_ID": "Basic Information → App Credentials → Client ID",
    "SLACK_CLIENT_SECRET": "Basic Information → App Credentials → Client Secret",
}


class ConfigError(Exception):
    """Settings are missing or malformed; the message says what to do."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    celebrations_channel: str | None = None
    log_format: str = "text"

    @property
    def oauth(self) -> bool:
        """Multi-workspace mode: both OAuth credentials are set (non-empty)."""
        return self.oauth_credentials is not None

    @property
    def oauth_credentials(self) -> tuple[str, str] | None:
        if self.client_id and self.client_secret:
            return self.client_id, self.client_secret
        return None

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    def missing_for_run(self, *, http: bool) -> list[str]:
        """Names of the variables `rapport run` still needs in the chosen mode."""
        need = ["SLACK_SIGNING_SECRET"] if http or self.oauth else []
        if not self.oauth:
            need.insert(0, "SLACK_BOT_TOKEN")
        if not http:
            need.append("SLACK_APP_TOKEN")
        return [name for name in need if not self._value(name)]

    def require_for_run(self, *, http: bool) -> None:
        _require(self.missing_for_run(http=http), "to run in " + ("HTTP mode" if http else "Socket Mode"))

    def require_tokens(self) -> None:
        """Jobs need a way to call Slack: a bot token, or OAuth installations."""
        _require([] if self.oauth or self.bot_token else ["SLACK_BOT_TOKEN"], "to call Slack")

    def _value(self, name: str) -> str | None:
        field = name.removeprefix("SLACK_").lower()
        value: str | None = getattr(self, field)
        return value


def _require(missing: list[str], purpose: str) -> None:
    if not missing:
        return
    lines = [f"  {name}: {WHERE[name]}" for name in missing]
    raise ConfigError(
        f"Rapport needs these settings {purpose}:\n"
        + "\n".join(lines)
        + "\nPut them in .env (see .env.example) or the environment; "
        "create the Slack app from manifest.yml at https://api.slack.com/apps first."
    )


def _clean(value: str | None) -> str | None:
    """An empty or blank variable counts as unset."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | str | None = ".env") -> Settings:
    """Read settings: the process environment wins over `.env` in the working directory."""
    values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(dotenv_values(env_file))
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        return _clean(values.get(name))

    api_url = get("SLACK_API_URL") or DEFAULT_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"  # slack_sdk joins method names onto it
    bot_token = get("SLACK_BOT_TOKEN")
    if bot_token and not bot_token.startswith("xox"):
        raise ConfigError("SLACK_BOT_TOKEN should start with xoxb- (the Bot User OAuth Token)")
    app_token = get("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN should start with xapp- (an App-Level Token)")
    client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
    if bool(client_id) != bool(client_secret):
        raise ConfigError("Set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth, or neither")
    channel = get("RAPPORT_CELEBRATIONS_CHANNEL")
    log_format = (get("RAPPORT_LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"RAPPORT_LOG_FORMAT must be text or json, got {log_format[:20]!r}")
    return Settings(
        bot_token=bot_token,
        signing_secret=get("SLACK_SIGNING_SECRET"),
        app_token=app_token,
        client_id=client_id,
        client_secret=client_secret,
        api_url=api_url,
        database_url=database_url(get("DATABASE_URL")),
        celebrations_channel=channel.lstrip("#") if channel else None,
        log_format=log_format,
    )


def database_url(value: str | None) -> str:
    """DATABASE_URL as SQLAlchemy needs it: `postgres://` and `postgresql://` (what hosting
    providers hand out) use psycopg 3; anything but SQLite or PostgreSQL is refused in a line."""
    if not value:
        return DEFAULT_DATABASE_URL
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise ConfigError("DATABASE_URL must be a URL like sqlite:///rapport.db or postgresql://user@host/db")
    if scheme in ("postgres", "postgresql"):
        value = f"{POSTGRES_DRIVER}://{rest}"
    try:
        url = make_url(value)
    except (ArgumentError, ValueError) as e:
        raise ConfigError(f"DATABASE_URL cannot be read ({str(e).splitlines()[0][:80]})") from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL must name sqlite or postgresql, got {backend[:20]!r}")
    if backend == "postgresql" and url.drivername != POSTGRES_DRIVER:
        raise ConfigError(f"DATABASE_URL: use postgresql:// (Rapport's driver is psycopg 3), not {scheme}://")
    return value


def effective(settings: Settings) -> list[tuple[str, str]]:
    """Every setting as `rapport config check` shows it: the variable, its value, secrets masked."""
    rows = [
        ("SLACK_BOT_TOKEN", settings.bot_token),
        ("SLACK_SIGNING_SECRET", settings.signing_secret),
        ("SLACK_APP_TOKEN", settings.app_token),
        ("SLACK_CLIENT_ID", settings.client_id),
        ("SLACK_CLIENT_SECRET", settings.client_secret),
        ("SLACK_API_URL", settings.api_url),
        ("DATABASE_URL", make_url(settings.database_url).render_as_string(hide_password=True)),
        ("RAPPORT_CELEBRATIONS_CHANNEL", settings.celebrations_channel),
        ("RAPPORT_LOG_FORMAT", settings.log_format),
    ]
    secret = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_SECRET"}
    return [(name, _mask(value) if name in secret else (value or "(unset)")) for name, value in rows]


def _mask(value: str | None) -> str:
    """A secret shown by its kind and length only (`xoxb-… (57 characters)`)."""
    if not value:
        return "(unset)"
    kind = value.split("-", 1)[0] + "-…" if value.startswith(("xox", "xapp")) else "…"
    return f"{kind} ({len(value)} characters)"
