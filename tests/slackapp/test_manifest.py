"""manifest.yml is valid for Slack and matches what the app actually listens to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.core import Core
from bot.help.catalog import COMMANDS
from bot.slackapp.app import BOT_SCOPES, build_app
from tests.support import slackreq

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(
    (Path(__file__).parent.parent / "support" / "slack" / "manifest.schema.1.0.0.json").read_text()
)


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def schema_errors(doc: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_manifest_validates_against_slacks_schema() -> None:
    assert schema_errors(manifest()) == []


def test_the_schema_check_can_fail() -> None:
    broken = manifest()
    broken["features"]["slash_commands"][0].pop("description")
    broken["display_information"]["name"] = ""
    assert len(schema_errors(broken)) >= 2


def test_every_command_escapes_mentions_and_matches_the_catalog() -> None:
    commands = manifest()["features"]["slash_commands"]
    assert all(c["should_escape"] is True for c in commands)
    assert [c["command"] for c in commands] == [c.name for c in COMMANDS]
    for declared, spec in zip(commands, COMMANDS, strict=True):
        assert declared["description"] == spec.summary
        assert declared.get("usage_hint", "") == spec.hint


def _listened(app_listeners: list[Any], kind: str) -> set[str]:
    """Names the app's listeners match, read from Bolt's own matchers by probing them."""
    names = set()
    for listener in app_listeners:
        for matcher in listener.matchers:
            closure = getattr(matcher.func, "__closure__", None) or ()
            for cell in closure:
                value = cell.cell_contents
                if isinstance(value, str):
                    names.add(value)
                elif isinstance(value, dict) and kind in value:
                    names.add(value[kind])
    return names


def test_messages_are_read_in_public_channels_only() -> None:
    events = manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert "message.channels" in events
    assert not {"message.im", "message.groups", "message.mpim"} & set(events)
    # im:history only lets the outbox find its own posts in its DMs (bot.delivery.sender).
    assert not {"groups:history", "mpim:history"} & set(manifest()["oauth_config"]["scopes"]["bot"])


def test_commands_and_events_match_registered_listeners(core: Core) -> None:
    app = build_app(core)
    listened = _listened(app._listeners, "type")
    declared_commands = {c["command"] for c in manifest()["features"]["slash_commands"]}
    # `message.channels` is a `message` event, from public channels only (message.im etc. are not asked for).
    declared_events = {e.split(".")[0] for e in manifest()["settings"]["event_subscriptions"]["bot_events"]}
    registered_commands = {n for n in listened if n.startswith("/")}
    assert registered_commands == declared_commands
    assert declared_events <= listened
    registered_events = {
        n
        for n in listened
        if n
        in {
            "app_home_opened",
            "team_join",
            "user_change",
            "message",
            "member_joined_channel",
            "member_left_channel",
            "channel_left",
        }
    }
    assert registered_events <= declared_events


def _shortcut_kinds(app_listeners: list[Any], callback_id: str) -> set[str]:
    """Which kinds of shortcut ("message", "global") with `callback_id` some listener answers."""
    payloads = {
        "message": slackreq.message_shortcut("U1", callback_id, {"ts": "1.2", "text": "x"}, "C1"),
        "global": slackreq.global_shortcut("U1", callback_id),
    }
    return {
        kind
        for kind, body in payloads.items()
        for listener in app_listeners
        if all(matcher.func(body) for matcher in listener.matchers)
    }


def test_shortcuts_match_registered_listeners(core: Core) -> None:
    app = build_app(core)
    declared = {(s["callback_id"], s["type"]) for s in manifest()["features"]["shortcuts"]}
    assert declared, "the manifest declares the Log interaction shortcut"
    for callback_id, kind in declared:
        assert _shortcut_kinds(app._listeners, callback_id) == {kind}, callback_id
    registered = {
        (name, kind)
        for name in _listened(app._listeners, "callback_id")
        for kind in _shortcut_kinds(app._listeners, name)
    }
    assert registered == declared


def test_scopes_are_the_ones_the_oauth_flow_asks_for() -> None:
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)


@pytest.mark.parametrize("scope", BOT_SCOPES)
def test_every_scope_says_why(scope: str) -> None:
    line = next(
        ln
        for ln in (ROOT / "manifest.yml").read_text().splitlines()
        if ln.strip() == f"- {scope}" or ln.strip().startswith(f"- {scope} ")
    )
    assert "#" in line, f"{scope} has no comment saying why Rapport needs it"
