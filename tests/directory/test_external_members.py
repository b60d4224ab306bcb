"""Slack Connect: people of another organisation appear in shared channels and their events, but
not in this workspace's directory (nor in /whoknows); only their own workspace's events and sync
store them."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.directory import members
from bot.models import Member
from jobs.directory import sync_directory
from tests.support.factories import T0, add_members, slack_user
from tests.support.fixtures import Served

HOST, OTHER = "T0001", "TOTHER"


def stored(served: Served) -> set[tuple[str, str]]:
    with served.core.db.read() as s:
        return {(m.team_id, m.user_id) for m in s.scalars(select(Member))}


def test_a_user_change_from_another_organisation_stays_out(rapport: Served) -> None:
    add_members(rapport.core.db, HOST, slack_user("UANN"))
    stranger = slack_user("UEXT", title="Kubernetes Engineer", team_id=OTHER)
    for kind in ("user_change", "team_join"):
        assert rapport.http.event({"type": kind, "user": stranger}, team_id=HOST).status == 200
    assert stored(rapport) == {(HOST, "UANN")}
    answer = rapport.http.command("/whoknows", "kubernetes", user_id="UANN").json()
    assert "UEXT" not in json.dumps(answer)


def test_an_event_never_writes_into_another_workspace(rapport: Served) -> None:
    """Even one Rapport serves: that workspace hears of its own people in its own events."""
    with rapport.core.db.write() as s:
        members.ensure_workspace(s, OTHER, T0)
    stranger = slack_user("UEXT", title="Engineer", team_id=OTHER)
    assert rapport.http.event({"type": "user_change", "user": stranger}, team_id=HOST).status == 200
    assert stored(rapport) == set()


def test_the_same_organisation_on_enterprise_grid_belongs(rapport: Served) -> None:
    colleague = slack_user(
        "UGRID", team_id="T0002", enterprise_user={"enterprise_id": "E1", "teams": [HOST, "T0002"]}
    )
    assert rapport.http.event({"type": "user_change", "user": colleague}, team_id=HOST).status == 200
    assert stored(rapport) == {(HOST, "UGRID")}


def test_the_sync_leaves_external_members_out_too(rapport: Served) -> None:
    rapport.slack.add_user("UANN", real_name="Ann Lee")
    rapport.slack.add_user("UEXT", real_name="Ext Person")["team_id"] = OTHER  # as a Connect user reads
    sync_directory(rapport.core, rapport.core.clock())
    assert stored(rapport) == {(HOST, "UANN")}


def test_belonging_is_decided_by_the_users_own_team() -> None:
    assert members.belongs(slack_user("U1"), HOST)  # no team named: the team's own
    assert members.belongs(slack_user("U1", team_id=HOST), HOST)
    assert not members.belongs(slack_user("U1", team_id=OTHER), HOST)
    assert not members.belongs(slack_user("U1", team_id=OTHER, enterprise_user={"teams": [OTHER]}), HOST)
