"""`/rapport settings` from the directory's side, on SQLite and PostgreSQL: the sync stores who is a
workspace admin (only they see the workspace section), and consent is not ticked for anyone who
never chose."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.bootstrap import SETTINGS
from bot.celebrations.ids import Action, Input
from bot.core import Core
from bot.directory import members, settings
from bot.directory.settings import Values
from bot.directory.sync import sync_team
from bot.platform.db import Database
from tests.support.factories import T0, add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.wiring import STORED

TEAM = "T0001"


def admins(db: Database) -> dict[str, bool]:
    with db.read() as s:
        found = members.find_members(s, TEAM, ["UADA", "UOWEN", "UPRIM", "UANN"])
        return {uid: m.is_admin for uid, m in found.items()}


def test_the_sync_stores_who_is_an_admin_or_owner(core: Core, slack: FakeSlack) -> None:
    slack.add_user("UADA", is_admin=True)
    slack.add_user("UOWEN", is_owner=True)
    slack.add_user("UPRIM", is_primary_owner=True, is_owner=True, is_admin=True)
    slack.add_user("UANN")
    client = core.clients.client(TEAM)
    assert client is not None
    sync_team(core.db, client, TEAM, T0, stored=STORED)
    assert admins(core.db) == {"UADA": True, "UOWEN": True, "UPRIM": True, "UANN": False}
    slack.add_user("UADA")  # no longer an admin in Slack
    sync_team(core.db, client, TEAM, T0 + timedelta(hours=1), stored=STORED)
    assert admins(core.db)["UADA"] is False


def test_a_user_change_event_updates_it_between_syncs(any_db: Database) -> None:
    add_members(any_db, TEAM, slack_user("UANN"))
    with any_db.write() as s:
        members.upsert_members(s, TEAM, [slack_user("UANN", is_admin=True)], T0, stored=STORED)
    assert admins(any_db) == {"UANN": True}


def modal(db: Database, user_id: str) -> dict[str, Any]:
    with db.read() as s:
        view = settings.open_settings(s, SETTINGS, TEAM, user_id)
    assert view is not None
    return view


def test_only_admins_get_the_workspace_section_and_nobody_is_pre_ticked(any_db: Database) -> None:
    add_members(
        any_db,
        TEAM,
        slack_user("UANN"),
        slack_user("UADA", is_admin=True),
        slack_user("UOWEN", is_owner=True),
    )
    for uid, sees in (("UANN", False), ("UADA", True), ("UOWEN", True)):
        view = modal(any_db, uid)
        assert (Action.CHANGE_WORKSPACE in str(view)) is sees, uid
        assert ("Change workspace settings" in str(view)) is sees, uid
        inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
        for block_id in (Input.CONSENT, Input.PRIVACY):  # never chosen: nothing ticked
            assert "initial_options" not in inputs[block_id]["element"], (uid, block_id)


def test_a_modal_opened_before_the_consent_section_changed_saves_no_consent(any_db: Database) -> None:
    add_members(any_db, TEAM, slack_user("UANN"))
    old_modal: Values = {  # the consent section as it was: one block, every box ticked by default
        Input.CONSENT: {"value": {"type": "checkboxes", "selected_options": [{"value": "show_birthday"}]}},
        "nudge_hour": {"value": {"type": "static_select", "selected_option": {"value": "8"}}},
        "work_days": {"value": {"type": "checkboxes", "selected_options": [{"value": d} for d in "12345"]}},
        "pause_until": {"value": {"type": "datepicker", "selected_date": None}},
        "resume": {"value": {"type": "checkboxes", "selected_options": []}},
    }
    with any_db.write() as s:
        assert settings.save(s, SETTINGS, TEAM, "UANN", old_modal, T0) == {}
    with any_db.read() as s:
        ann = members.find_member(s, TEAM, "UANN")
        assert ann is not None
        assert ann.delivery_hour == 8  # the rest of the modal still saves
        assert (ann.celebrate_anniversaries, ann.celebrate_publicly, ann.nudge_others_about_me) == (
            None,
            True,
            True,
        )
