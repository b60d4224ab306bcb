"""Over real HTTP: consent in `/rapport settings`, and the admins' celebrations channel.

Consent boxes are ticked only for what a person chose: an agreement (work anniversaries) when
they said yes, a "keep out" box when they opted out. The workspace section is shown to admins
and owners only, and its button still asks Slack (a forged click gets the not-admin view)."""

from __future__ import annotations

from collections.abc import Sequence
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
    # As the directory sync stores them: Slack's users.list says who is an admin.
    add_members(rapport.core.db, slack.team_id, slack_user("UANN"), slack_user("UADMIN", is_admin=True))
    return rapport


def open_settings(served: Served, user: str) -> dict[str, Any]:
    opened = len(served.slack.calls_to("views.open"))
    assert served.http.command("/rapport", "settings", user_id=user).status == 200
    call = served.slack.wait_for("views.open", opened + 1)[-1]
    view: dict[str, Any] = served.slack.views[call.response["view"]["id"]]  # type: ignore[index]
    return view


def consent_values(*, agree: Sequence[str] = (), keep_out: Sequence[str] = ()) -> dict[str, Any]:
    """The settings modal's answers: the consent section as ticked, the nudge section unchanged."""

    def ticked(fields: Sequence[str]) -> dict[str, Any]:
        return {"value": {"type": "checkboxes", "selected_options": [{"value": f} for f in fields]}}

    values: dict[str, Any] = {Input.CONSENT: ticked(agree), Input.PRIVACY: ticked(keep_out)}
    values.update(
        nudge_hour={"value": {"type": "static_select", "selected_option": {"value": "9"}}},
        work_days={"value": {"type": "checkboxes", "selected_options": [{"value": d} for d in "12345"]}},
        pause_until={"value": {"type": "datepicker", "selected_date": None}},
        resume={"value": {"type": "checkboxes", "selected_options": []}},
    )
    return values


def ticked(view: dict[str, Any], block_id: str) -> list[str]:
    (block,) = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return [o["value"] for o in block["element"].get("initial_options") or []]


def save_settings(served: Served, user: str, values: dict[str, Any]) -> None:
    view = open_settings(served, user)
    response = served.http.interact(view_submission(user, "rapport_settings", values, view=view))
    assert response.status == 200
    assert response.body in (b"", b"{}")


def member(served: Served, user: str) -> Member:
    with served.core.db.read() as s:
        found = s.scalar(select(Member).where(Member.user_id == user))
    assert found is not None
    return found


def test_nothing_is_ticked_for_someone_who_never_chose_and_saving_keeps_it_unchosen(team: Served) -> None:
    view = open_settings(team, "UANN")
    assert (ticked(view, Input.CONSENT), ticked(view, Input.PRIVACY)) == ([], [])
    text = str(view["blocks"])
    assert "Celebrate my work anniversaries" in text
    assert "asks you by DM" in text
    # Ann only changes her nudge hour: she still never chose, so Rapport will still ask her.
    save_settings(team, "UANN", consent_values())
    ann = member(team, "UANN")
    assert ann.celebrate_anniversaries is None
    assert (ann.celebrate_publicly, ann.show_birthday, ann.nudge_others_about_me) == (True, True, True)


def test_consent_is_shown_as_chosen_and_saved_as_ticked(team: Served) -> None:
    save_settings(team, "UANN", consent_values(agree=["celebrate_anniversaries"], keep_out=["show_birthday"]))
    ann = member(team, "UANN")
    assert (ann.celebrate_anniversaries, ann.show_birthday) == (True, False)
    assert (ann.celebrate_publicly, ann.nudge_others_about_me) == (True, True)
    view = open_settings(team, "UANN")
    assert ticked(view, Input.CONSENT) == ["celebrate_anniversaries"]
    assert ticked(view, Input.PRIVACY) == ["show_birthday"]
    # Unticking a yes is a no (and Rapport does not ask again).
    save_settings(team, "UANN", consent_values(keep_out=["nudge_others_about_me", "celebrate_publicly"]))
    ann = member(team, "UANN")
    assert ann.celebrate_anniversaries is False
    assert (ann.celebrate_publicly, ann.show_birthday, ann.nudge_others_about_me) == (False, True, False)
    assert ticked(open_settings(team, "UANN"), Input.PRIVACY) == [
        "nudge_others_about_me",
        "celebrate_publicly",
    ]


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
    save_settings(team, "UANN", consent_values(keep_out=["celebrate_publicly"]))
    report = core.sender().run(team.slack.team_id)
    assert (report.sent, report.skipped) == (0, 1)
    assert team.slack.messages_in("C0WINS") == []


def test_only_admins_see_the_workspace_section_and_a_forged_click_changes_nothing(team: Served) -> None:
    view = open_settings(team, "UANN")
    assert Input.ADMINS not in [b.get("block_id") for b in view["blocks"]]
    assert "Change workspace settings" not in str(view)
    assert Action.CHANGE_WORKSPACE not in str(view)
    # A click Ann's modal never offered (forged, or from a stale modal): Slack is asked again.
    click = block_actions("UANN", Action.CHANGE_WORKSPACE, view=view, trigger_id="trig.ann")
    assert team.http.interact(click).status == 200
    (pushed,) = team.slack.wait_for("views.push")
    assert "Only workspace admins" in str(pushed.params["view"]["blocks"])
    assert pushed.params["view"].get("callback_id") != View.WORKSPACE
    view = open_settings(team, "UADMIN")
    (admins,) = [b for b in view["blocks"] if b.get("block_id") == Input.ADMINS]
    assert [e["text"]["text"] for e in admins["elements"]] == ["Change workspace settings"]
    click = block_actions("UADMIN", Action.CHANGE_WORKSPACE, view=view, trigger_id="trig.ada")
    team.http.interact(click)
    pushed = team.slack.wait_for("views.push", 2)[-1]
    modal = pushed.params["view"]
    assert modal["callback_id"] == View.WORKSPACE
    (zone,) = [b for b in modal["blocks"] if b.get("block_id") == Input.ZONE]
    assert zone["element"]["initial_option"]["value"] == "auto"
    assert "America/New_York" in str(zone["element"]["options"])


def test_an_admin_demoted_since_the_last_sync_gets_the_not_admin_view(team: Served) -> None:
    slack = team.slack
    slack.add_user("UADMIN", real_name="Ada Admin", is_admin=False)  # Slack says so now; Rapport not yet
    view = open_settings(team, "UADMIN")
    click = block_actions("UADMIN", Action.CHANGE_WORKSPACE, view=view, trigger_id="trig.ada")
    team.http.interact(click)
    (pushed,) = slack.wait_for("views.push")
    assert "Only workspace admins" in str(pushed.params["view"]["blocks"])
    refused = save(team, "UADMIN", workspace_values("C0WINS")).json()
    assert "Only workspace admins" in refused["errors"][Input.CHANNEL]


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
    clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # Tuesday evening; Ann's birthday: Thursday
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
    save_settings(team, "UANN", consent_values(keep_out=["nudge_others_about_me"]))  # no more reminders
    clock.set(datetime(2026, 11, 25, 15, tzinfo=UTC))  # Wednesday morning in New York
    JOBS["nudges"](core, clock())
    assert "birthday" not in str(slack.messages_in("DUBOB"))
    assert "<@UBOB> gave you kudos" in str(slack.messages_in("DUANN"))  # her own news still comes
