"""Over real HTTP: consent in `/rapport settings`, and the admins' celebrations channel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.celebrations.ids import Action, Input, View
from bot.kudos import posts as kudos_posts
from bot.models import Member, Workspace
from bot.models.outbox import Outbox
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served
from tests.support.slackreq import block_actions, view_submission


@pytest.fixture
def team(rapport: Served) -> Served:
    slack = rapport.slack
    slack.add_user("UANN", real_name="Ann")
    slack.add_user("UADMIN", real_name="Ada Admin", is_admin=True)
    slack.add_channel("C0WINS", "wins")
    slack.add_channel("G0SECRET", "secret", is_private=True)
    slack.private_channels_without_bot.add("G0SECRET")
    add_members(rapport.core.db, slack.team_id, slack_user("UANN"), slack_user("UADMIN"))
    return rapport


def open_settings(served: Served, user: str) -> dict[str, Any]:
    opened = len(served.slack.calls_to("views.open"))
    assert served.http.command("/rapport", "settings", user_id=user).status == 200
    call = served.slack.wait_for("views.open", opened + 1)[-1]
    view: dict[str, Any] = served.slack.views[call.response["view"]["id"]]  # type: ignore[index]
    return view


def consent_values(*agreed: str) -> dict[str, Any]:
    options = [{"value": field} for field in agreed]
    values: dict[str, Any] = {Input.CONSENT: {"value": {"type": "checkboxes", "selected_options": options}}}
    # The nudge section's answers, unchanged.
    values.update(
        nudge_hour={"value": {"type": "static_select", "selected_option": {"value": "9"}}},
        work_days={"value": {"type": "checkboxes", "selected_options": [{"value": d} for d in "12345"]}},
        pause_until={"value": {"type": "datepicker", "selected_date": None}},
        resume={"value": {"type": "checkboxes", "selected_options": []}},
    )
    return values


def member(served: Served, user: str) -> Member:
    with served.core.db.read() as s:
        found = s.scalar(select(Member).where(Member.user_id == user))
    assert found is not None
    return found


def test_consent_is_shown_as_it_is_and_saved_as_ticked(team: Served) -> None:
    view = open_settings(team, "UANN")
    (consent,) = [b for b in view["blocks"] if b.get("block_id") == Input.CONSENT]
    ticked = [o["value"] for o in consent["element"]["initial_options"]]
    assert ticked == ["celebrate_publicly", "show_birthday", "nudge_others_about_me"]
    response = team.http.interact(
        view_submission("UANN", "rapport_settings", consent_values("show_birthday"), view=view)
    )
    assert response.status == 200
    assert response.body in (b"", b"{}")
    ann = member(team, "UANN")
    assert (ann.celebrate_publicly, ann.show_birthday, ann.nudge_others_about_me) == (False, True, False)


def test_opting_out_stops_a_kudos_post_already_planned(team: Served) -> None:
    core = team.core
    add_members(core.db, team.slack.team_id, slack_user("UBOB"))
    with core.db.write() as s:
        accepted = kudos_posts.accept(
            s,
            core.settings,
            team.slack.team_id,
            "UBOB",
            "<@UANN> for the launch",
            core.clock(),
            request_id="t1",
        )
        assert isinstance(accepted, kudos_posts.Accepted)
        kudos_posts.plan(s, accepted.given.kudos, "C0WINS", core.clock())
    view = open_settings(team, "UANN")
    team.http.interact(view_submission("UANN", "rapport_settings", consent_values(), view=view))
    report = core.sender().run(team.slack.team_id)
    assert (report.sent, report.skipped) == (0, 1)
    assert team.slack.messages_in("C0WINS") == []


def test_only_admins_get_the_workspace_settings(team: Served) -> None:
    view = open_settings(team, "UANN")
    click = block_actions("UANN", Action.CHANGE_WORKSPACE, view=view, trigger_id="trig.ann")
    assert team.http.interact(click).status == 200
    (pushed,) = team.slack.wait_for("views.push")
    assert "Only workspace admins" in str(pushed.params["view"]["blocks"])
    view = open_settings(team, "UADMIN")
    click = block_actions("UADMIN", Action.CHANGE_WORKSPACE, view=view, trigger_id="trig.ada")
    team.http.interact(click)
    pushed = team.slack.wait_for("views.push", 2)[-1]
    modal = pushed.params["view"]
    assert modal["callback_id"] == View.WORKSPACE
    (zone,) = [b for b in modal["blocks"] if b.get("block_id") == Input.ZONE]
    assert zone["element"]["initial_option"]["value"] == "auto"
    assert "America/New_York" in str(zone["element"]["options"])


def workspace_values(channel: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        Input.CHANNEL: {"type": "conversations_select", "selected_conversation": channel},
        Input.HOUR: {"type": "static_select", "selected_option": {"value": "9"}},
        Input.ZONE: {"type": "static_select", "selected_option": {"value": "Europe/Berlin"}},
        Input.PROMOTIONS: {"type": "checkboxes", "selected_options": []},
        Input.BIRTHDAY_FIELD: {"type": "plain_text_input", "value": None},
    }
    values.update(overrides)
    return {block: {"value": value} for block, value in values.items()}


def save(served: Served, user: str, values: dict[str, Any]) -> Any:
    return served.http.interact(view_submission(user, View.WORKSPACE, values))


def test_an_admin_sets_where_and_when_and_the_planned_posts_follow(team: Served) -> None:
    core, slack = team.core, team.slack
    slack.add_profile_field("Xf1", "Date of birth")
    with core.db.write() as s:
        accepted = kudos_posts.accept(
            s,
            core.settings,
            slack.team_id,
            "UANN",
            "<@UADMIN> for the offsite",
            core.clock(),
            request_id="t1",
        )
        assert isinstance(accepted, kudos_posts.Accepted)
        kudos_posts.plan(s, accepted.given.kudos, "C0OLD", core.clock())
    refused = save(team, "UADMIN", workspace_values("G0SECRET")).json()
    assert refused["response_action"] == "errors"
    assert "/invite @Rapport" in refused["errors"][Input.CHANNEL]
    not_admin = save(team, "UANN", workspace_values("C0WINS")).json()
    assert "Only workspace admins" in not_admin["errors"][Input.CHANNEL]
    no_field = workspace_values("C0WINS", birthday_field={"type": "plain_text_input", "value": "Birthday"})
    unknown = save(team, "UADMIN", no_field).json()
    assert "Date of birth" in unknown["errors"][Input.BIRTHDAY_FIELD]
    good = workspace_values(
        "C0WINS", birthday_field={"type": "plain_text_input", "value": " date of  birth "}
    )
    saved = save(team, "UADMIN", good)
    assert saved.status == 200
    assert saved.body in (b"", b"{}")
    with core.db.read() as s:
        workspace = s.get(Workspace, slack.team_id)
        assert workspace is not None
        assert (workspace.celebrations_channel, workspace.celebration_hour, workspace.tz) == (
            "C0WINS",
            9,
            "Europe/Berlin",
        )
        assert (workspace.promotion_posts, workspace.birthday_field) == (False, "date of birth")
        assert s.scalar(select(Outbox.channel)) == "C0WINS"


def test_opting_out_of_reminders_drops_a_nudge_already_planned(team: Served) -> None:
    from datetime import UTC, datetime

    from bot.models.outbox import Nudge
    from jobs import JOBS

    core, slack = team.core, team.slack
    clock: Any = core.clock
    clock.set(datetime(2026, 11, 24, 15, tzinfo=UTC))  # Tuesday; Ann's birthday is on Thursday
    slack.add_user("UBOB", real_name="Bob")
    add_members(core.db, slack.team_id, slack_user("UBOB"), now=clock())
    with core.db.write() as s:
        ann = s.scalar(select(Member).where(Member.user_id == "UANN"))
        assert ann is not None
        ann.birthday_month, ann.birthday_day = 11, 26
        kudos_posts.accept(
            s, core.settings, slack.team_id, "UBOB", "<@UANN> for the demo", clock(), request_id="t"
        )
    JOBS["nudges"](core, clock())
    with core.db.read() as s:
        planned = {(n.kind, n.recipient_id) for n in s.scalars(select(Nudge))}
        bob = s.scalar(select(Member.id).where(Member.user_id == "UBOB"))
        assert ("birthday", bob) in planned  # Bob thanked Ann: she is in his circle
    view = open_settings(team, "UANN")
    consent = consent_values("celebrate_publicly", "show_birthday")  # no more reminders about her
    team.http.interact(view_submission("UANN", "rapport_settings", consent, view=view))
    clock.set(datetime(2026, 11, 25, 15, tzinfo=UTC))  # Wednesday morning in New York
    JOBS["nudges"](core, clock())
    assert "birthday" not in str(slack.messages_in("DUBOB"))
    assert "<@UBOB> gave you kudos" in str(slack.messages_in("DUANN"))  # her own news still comes
