"""The relationship log end to end: real HTTP to the real app, the fake Slack on the other side."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.bootstrap import open_database
from bot.core import Core
from bot.models import Member
from bot.models.relationships import FollowUp, Interaction, InteractionParticipant
from bot.platform.config import Settings
from bot.platform.db import Database
from bot.relationships import cadences, followups
from bot.relationships.due import due_through
from bot.relationships.ids import Action, View
from bot.relationships.render import due as due_render
from bot.relationships.render import interactions as render
from tests.support import slackreq
from tests.support.clock import FakeClock
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import block_errors, view_errors
from tests.support.fixtures import Served, serve
from tests.support.slackreq import SlackClient

TEAM = "T0001"
ME = "UAUTHOR"


def with_people(served: Served) -> Served:
    add_members(
        served.core.db,
        TEAM,
        slack_user(ME, tz="America/New_York"),
        slack_user("UALICE", real_name="Alice Ng", title="Staff Engineer"),
        slack_user("UBOB", real_name="Bob Ray", title="Product Manager"),
        slack_user("UGONE", real_name="Gone Person", deleted=True),
    )
    return served


@pytest.fixture
def team(rapport: Served) -> Served:
    return with_people(rapport)


@pytest.fixture
def team_any(rapport_any: Served) -> Served:
    """`team` on SQLite and on PostgreSQL (for the hostile-input properties)."""
    return with_people(rapport_any)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def answer(served: Served, command: str, text: str = "", user: str = ME, **fields: Any) -> dict[str, Any]:
    response = served.http.command(command, text, user_id=user, **fields)
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["response_type"] == "ephemeral"
    assert block_errors(body.get("blocks") or []) == []
    return body


def find(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    """The block_id and element of the first `action_id` in `blocks`."""
    for block in blocks:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return block["block_id"], element
    raise AssertionError(f"no {action_id} in {dumps(blocks)[:500]}")


def click(
    served: Served, action_id: str, blocks: list[dict[str, Any]], value: str | None = None, user: str = ME
) -> dict[str, Any]:
    """Click `action_id` on an ephemeral message; returns what the app posted to its response_url."""
    block_id, element = find(blocks, action_id)
    url = served.slack.response_url()
    payload = slackreq.block_actions(
        user,
        action_id,
        value if value is not None else element.get("value"),
        channel_id="C1",
        is_ephemeral=True,
        block_id=block_id,
        action_type=element["type"],
        response_url=url,
    )
    assert served.http.interact(payload).status == 200
    posted = served.slack.wait_for_response_to(url)
    assert posted["status"] == 200, posted
    return posted


def rows(db: Database, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_log_then_followups_shows_it_then_done_removes_it(team: Served) -> None:
    logged = answer(team, "/log", "<@UALICE|alice> coffee about the migration #infra follow up in 2 weeks")
    text = dumps(logged["blocks"])
    assert "Logged privately" in text
    assert "<@UALICE>" in text
    assert "#infra" in text
    assert "Mon, Dec 7, 2026" in text  # 2 weeks from Mon Nov 23 in New York
    assert "coffee about the migration" in text
    find(logged["blocks"], Action.UNDO)

    listed = answer(team, "/followups")
    assert "Follow up with <@UALICE>" in dumps(listed["blocks"])
    assert "coffee about the migration" in dumps(listed["blocks"])

    posted = click(team, Action.DONE, listed["blocks"])
    assert posted["replace_original"] is True
    assert "Done" in dumps(posted["blocks"])
    assert "Follow up with <@UALICE>" not in dumps(posted["blocks"])
    assert "Nothing to follow up on" in answer(team, "/followups")["text"]


def test_snooze_a_week_and_pick_a_date(team: Served) -> None:
    answer(team, "/log", "<@UALICE> sync follow up today")
    answer(team, "/log", "<@UBOB> sync follow up today")
    listed = answer(team, "/followups")
    posted = click(team, Action.SNOOZE, listed["blocks"], value="1w")
    assert "Snoozed until Mon, Nov 30" in dumps(posted["blocks"])
    listed = answer(team, "/followups")
    posted = click(team, Action.SNOOZE_UNTIL, listed["blocks"], value="2026-12-24")
    assert "Snoozed until Thu, Dec 24" in dumps(posted["blocks"])
    posted = click(team, Action.SNOOZE_UNTIL, listed["blocks"], value="2020-01-01")
    assert "can't be in the past" in dumps(posted["blocks"])
    with team.core.db.read() as s:
        assert sorted(f.remind_on.isoformat() for f in s.scalars(select(FollowUp))) == [
            "2026-11-30",
            "2026-12-24",
        ]


def test_the_shortcut_opens_the_form_prefilled_and_its_submission_logs(team: Served) -> None:
    slack = team.slack
    message = slack.add_message(
        "C1", "Shall we pair on the migration?", user="UALICE", ts="1700000000.000100"
    )
    payload = slackreq.message_shortcut(ME, "rapport_log_message", message, "C1", trigger_id="trig.shortcut")
    assert team.http.interact(payload).status == 200
    (call,) = slack.wait_for("views.open")
    assert call.params["trigger_id"] == "trig.shortcut"
    view = next(iter(slack.views.values()))
    people = next(b for b in view["blocks"] if b.get("block_id") == "people")
    assert people["element"]["initial_users"] == ["UALICE"]
    link = "https://team-t0001.slack.com/archives/C1/p1700000000000100"
    assert link in dumps(view["blocks"])

    state = {
        "people": {"people": slackreq.multi_users_value(["UALICE", "UGONE"])},
        "note": {"note": slackreq.text_value("Paired on the migration plan")},
        "topics": {"topics": slackreq.text_value("#infra, migrations")},
        "when": {"when": slackreq.date_value("2026-11-23")},
        "follow_up": {"follow_up": slackreq.date_value("2026-12-01")},
        "give_take": {"give_take": slackreq.select_value("got", kind="radio_buttons")},
    }
    response = team.http.interact(slackreq.view_submission(ME, View.LOG, state, view=view))
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "update"
    assert view_errors(body["view"]) == []
    shown = dumps(body["view"]["blocks"])
    assert "Gone Person (deactivated)" in shown
    assert "they helped you" in shown
    find(body["view"]["blocks"], Action.UNDO)
    with team.core.db.read() as s:
        interaction = s.scalar(select(Interaction))
        assert interaction is not None
        assert (interaction.note, interaction.topics, interaction.link) == (
            "Paired on the migration plan",
            "infra migrations",
            link,
        )
        follow_up = s.scalar(select(FollowUp))
        assert follow_up is not None
        assert follow_up.due_on.isoformat() == "2026-12-01"


@pytest.mark.parametrize(
    ("field", "state"),
    [
        ("people", {"people": {"people": slackreq.multi_users_value([])}}),
        ("people", {"people": {"people": slackreq.multi_users_value(["UGONE", "UNOBODY"])}}),
        ("when", {"when": {"when": slackreq.date_value("2027-01-01")}}),
        ("follow_up", {"follow_up": {"follow_up": slackreq.date_value("2026-11-01")}}),
        ("follow_up", {"follow_up": {"follow_up": slackreq.date_value("2031-01-01")}}),
        ("note", {"note": {"note": slackreq.text_value("n" * 3001)}}),
    ],
)
def test_bad_form_fields_get_errors_on_their_block(team: Served, field: str, state: dict[str, Any]) -> None:
    full = {"people": {"people": slackreq.multi_users_value(["UALICE"])}, **state}
    response = team.http.interact(slackreq.view_submission(ME, View.LOG, full))
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [field]
    assert rows(team.core.db, Interaction) == 0


def test_log_with_no_text_opens_the_form_and_log_it_prefills_the_person(team: Served) -> None:
    slack = team.slack
    assert team.http.command("/log", "", user_id=ME, trigger_id="trig.log").status == 200
    (call,) = slack.wait_for("views.open")
    assert call.params["view"]["callback_id"] == View.LOG

    answer(team, "/log", "<@UBOB> planning follow up today")
    listed = answer(team, "/followups")
    block_id, _ = find(listed["blocks"], Action.LOG_IT)
    payload = slackreq.block_actions(
        ME,
        Action.LOG_IT,
        block_id.split(":", 1)[1],
        channel_id="C1",
        is_ephemeral=True,
        block_id=block_id,
        trigger_id="trig.logit",
    )
    assert team.http.interact(payload).status == 200
    calls = slack.wait_for("views.open", count=2)
    form = calls[1].params["view"]
    people = next(b for b in form["blocks"] if b.get("block_id") == "people")
    assert people["element"]["initial_users"] == ["UBOB"]
    # Logging it from the form closes the follow-up it came from.
    state = {"people": {"people": slackreq.multi_users_value(["UBOB"])}}
    submitted = team.http.interact(
        slackreq.view_submission(ME, View.LOG, state, private_metadata=form["private_metadata"])
    )
    assert submitted.json()["response_action"] == "update"
    assert "Nothing to follow up on" in answer(team, "/followups")["text"]


def test_the_home_tab_is_published_after_a_log_and_on_open(team: Served) -> None:
    slack = team.slack
    answer(team, "/log", "<@UALICE> whiteboard session #design #gave follow up today")
    slack.wait_for("views.publish")
    home = slack.home_view(ME)
    assert home is not None
    text = dumps(home["blocks"])
    assert "Follow up with <@UALICE>" in text
    assert "whiteboard session" in text
    assert "you helped 1×" in text
    assert "Staff Engineer: 1" in text
    find(home["blocks"], Action.DONE)

    # A click on the Home tab republishes it, without the item.
    block_id, element = find(home["blocks"], Action.DONE)
    payload = slackreq.block_actions(ME, Action.DONE, element["value"], view=home, block_id=block_id)
    assert team.http.interact(payload).status == 200
    slack.wait_for("views.publish", count=2)
    home = slack.home_view(ME)
    assert home is not None
    assert "Nothing due" in dumps(home["blocks"])

    assert team.http.event(slackreq.app_home_opened("UBOB")).status == 200
    slack.wait_for("views.publish", count=3)
    assert slack.home_view("UBOB") is not None


def test_undo_really_deletes(team: Served) -> None:
    logged = answer(team, "/log", "<@UALICE> <@UBOB> secret reorg chat follow up friday")
    assert rows(team.core.db, Interaction) == 1
    _, undo = find(logged["blocks"], Action.UNDO)
    assert undo["confirm"]["text"]["text"] == "It will be gone for good, with its follow-ups."
    posted = click(team, Action.UNDO, logged["blocks"])
    assert posted["text"] == render.UNDONE_WITH_FOLLOW_UPS  # one with each of them
    assert posted["replace_original"] is True
    assert (rows(team.core.db, Interaction), rows(team.core.db, InteractionParticipant)) == (0, 0)
    assert rows(team.core.db, FollowUp) == 0
    assert click(team, Action.UNDO, logged["blocks"])["text"] == render.NOT_UNDONE


def test_a_date_picked_under_an_unreadable_follow_up_sets_it(team: Served) -> None:
    logged = answer(team, "/log", "<@UALICE> roadmap, follow up sometime soonish")
    assert "couldn't read a follow-up date" in dumps(logged["blocks"])
    assert rows(team.core.db, Interaction) == 1
    posted = click(team, Action.FOLLOW_UP_ON, logged["blocks"], value="2026-12-02")
    assert "Wed, Dec 2, 2026" in dumps(posted["blocks"])
    assert rows(team.core.db, FollowUp) == 1


def test_keep_in_touch_and_history_over_http(team: Served) -> None:
    body = answer(team, "/rapport", "keep-in-touch <@UALICE> every 6 weeks")
    assert "every 6 weeks" in body["text"]
    assert "Mon, Jan 4" in body["text"]
    team.slack.wait_for("views.publish")
    assert "every 6 weeks" in answer(team, "/rapport", "keep-in-touch")["text"]
    assert "Stopped" in answer(team, "/rapport", "keep-in-touch <@UALICE> stop")["text"]
    assert "couldn't read" in answer(team, "/rapport", "keep-in-touch <@UALICE> sometimes")["text"]

    clock: FakeClock = team.core.clock  # type: ignore[assignment]
    for n in range(13):
        answer(team, "/log", f"<@UALICE> talk number {n}")
        clock.advance(timedelta(hours=1))
    first = answer(team, "/rapport", "history <@UALICE>")
    text = dumps(first["blocks"])
    assert "talk number 12" in text
    assert "talk number 3" in text
    assert "talk number 2" not in text
    posted = click(team, Action.HISTORY_OLDER, first["blocks"])
    older = dumps(posted["blocks"])
    assert all(f"talk number {n}" in older for n in (0, 1, 2))
    assert "talk number 3" not in older
    find(posted["blocks"], Action.HISTORY_NEWER)
    assert "Whose history" in answer(team, "/rapport", "history")["text"]


def test_everything_survives_a_restart(team: Served, slack: Any) -> None:
    answer(team, "/log", "<@UALICE> kept across restarts follow up today")
    answer(team, "/rapport", "keep-in-touch <@UBOB> every week")
    url = team.core.db.url.render_as_string(hide_password=False)
    db = open_database(url)
    core = Core(
        settings=Settings(
            bot_token=slack.bot_token,
            signing_secret="test-signing-secret",
            api_url=slack.base_url,
            database_url=url,
        ),
        db=db,
        clock=FakeClock(team.core.clock() + timedelta(days=7)),
    )
    try:
        with serve(core) as base:
            again = Served(core=core, slack=slack, http=SlackClient(base, "test-signing-secret"), url=base)
            text = dumps(answer(again, "/followups")["blocks"])
            assert "kept across restarts" in text
            assert "Catch up with <@UBOB>" in text
    finally:
        db.dispose()


def test_a_note_and_its_topics_reach_no_one_but_the_author(
    team: Served, caplog: pytest.LogCaptureFixture
) -> None:
    secret, topic = "planning a quiet exit", "confidential-topic"
    caplog.set_level("INFO")
    answer(team, "/log", f"<@UALICE> {secret} #{topic} follow up today")
    answer(team, "/rapport", "keep-in-touch <@UALICE> every week")
    team.slack.wait_for("views.publish", count=2)
    mine = dumps(answer(team, "/followups")) + dumps(answer(team, "/rapport", "history <@UALICE>"))
    assert secret in mine
    assert topic in mine
    # Alice, Bob, and the same people in another workspace, see none of it.
    seen = [
        answer(team, "/followups", user="UALICE"),
        answer(team, "/followups", user="UBOB"),
        answer(team, "/rapport", "history <@UALICE>", user="UBOB"),
        answer(team, "/rapport", "history <@UBOB>", user="UALICE"),
        answer(team, "/followups", team_id="T0002"),
        answer(team, "/rapport", "history <@UALICE>", team_id="T0002"),
        answer(team, "/rapport", "keep-in-touch", user="UALICE"),
    ]
    for user in ("UALICE", "UBOB"):
        assert team.http.event(slackreq.app_home_opened(user)).status == 200
    team.slack.wait_for("views.publish", count=4)
    others = dumps(seen) + dumps([team.slack.home_view(u) for u in ("UALICE", "UBOB")])
    assert secret not in others
    assert topic not in others
    # Never in a channel or a DM, never in the logs.
    assert team.slack.calls_to("chat.postMessage") == []
    assert secret not in caplog.text
    assert topic not in caplog.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<@UALICE|alice>",
                    "<@UBOB>",
                    "<@UGONE>",
                    "<@UNOBODY>",
                    "<!channel>",
                    "#infra",
                    "#gave",
                    "#got",
                    "follow up",
                    "follow-up in",
                    "remind me",
                    "2 weeks",
                    "friday",
                    "yesterday",
                    "2026-02-31",
                    "in 99999999 days",
                    "'; DROP TABLE interaction; --",
                    "🎉",
                    "<#C1|ops>",
                    "<https://x.example|link>",
                    "x" * 1500,
                    " ".join(f"#t{i:02d}{'x' * 37}" for i in range(20)),  # over the column's 500
                    "nul\x00byte",
                ]
            ),
            st.text(max_size=30),
        ),
        max_size=8,
    )
)
def test_any_log_text_gets_an_answer_never_a_500(team_any: Served, words: list[str]) -> None:
    response = team_any.http.command("/log", " ".join(words), user_id=ME)
    assert response.status == 200
    if response.body:  # an empty text opens the form instead
        body = response.json()
        assert "Traceback" not in body["text"]
        assert "<!channel>" not in dumps(body)
        assert block_errors(body.get("blocks") or []) == []


def test_a_logged_note_reads_as_typed_not_as_slack_escaped_it(team: Served) -> None:
    # Slack sends `R&D <b>` as `R&amp;D &lt;b&gt;`; the note keeps what was typed, shown once escaped.
    body = answer(team, "/log", "<@UALICE> R&amp;D chat about &lt;b&gt; tags")
    shown = dumps(body["blocks"])
    assert ">R&amp;D chat about &lt;b&gt; tags" in shown
    assert "&amp;amp;" not in shown
    assert "&amp;lt;" not in shown
    with team.core.db.read() as session:
        assert session.scalars(select(Interaction.note)).one() == "R&D chat about <b> tags"


def test_long_lists_and_long_notes_stay_within_slacks_limits(team: Served) -> None:
    long_note = "&lt;&amp;&gt; " * 740  # as Slack sends `<&> `: 2,960 characters typed, that grow when shown
    for n in range(30):
        # Tomorrow: a talk with someone closes the follow-ups with them that are due today.
        body = answer(team, "/log", f"<@UALICE> {long_note if n == 0 else f'item {n}'} follow up tomorrow")
        assert "Logged privately" in body["text"]
    team.slack.wait_for("views.publish", count=30)
    listed = answer(team, "/followups")  # checked against Slack's limits by `answer`
    assert len(listed["blocks"]) <= 50
    assert "and 10 more" in dumps(listed["blocks"])
    assert answer(team, "/rapport", "history <@UALICE>")["blocks"]
    home = team.slack.home_view(ME)
    assert home is not None
    assert len(home["blocks"]) <= 100
    assert all(c.ok for c in team.slack.calls_to("views.publish")), "a Home tab Slack would refuse"


def test_a_bot_message_opens_the_form_with_nobody_chosen(team: Served) -> None:
    message = team.slack.add_message("C1", "Deploy finished", user="UBOT")
    message["user"] = None
    message["bot_id"] = "B1"
    payload = slackreq.message_shortcut(ME, "rapport_log_message", message, "C1")
    assert team.http.interact(payload).status == 200
    (call,) = team.slack.wait_for("views.open")
    people = next(b for b in call.params["view"]["blocks"] if b.get("block_id") == "people")
    assert "initial_users" not in people["element"]


def test_buttons_in_a_digest_dm_settle_that_item_only(team: Served) -> None:
    answer(team, "/log", "<@UALICE> first follow up today")
    answer(team, "/log", "<@UBOB> second follow up today")
    with team.core.db.read() as s:
        author = s.scalar(select(Member).where(Member.user_id == ME))
        assert author is not None
        items = [
            item
            for kind in (followups.DUE, cadences.DUE)
            for item in due_through(s, kind, TEAM, date(2026, 11, 23), [author.id])
        ]
    blocks = [b for item in items for b in due_render.due_item(item, date(2026, 11, 23), author.tz)]
    dm = team.slack.add_message("D1", "Your follow-ups for today", user="UBOT", blocks=blocks)
    url = team.slack.response_url(channel="D1", ts=dm["ts"])
    first_block, element = find(blocks, Action.DONE)
    payload = slackreq.block_actions(ME, Action.DONE, element["value"], message=dm, response_url=url)
    assert team.http.interact(payload).status == 200
    team.slack.wait_for_response_to(url)
    settled = team.slack.message("D1", dm["ts"])
    assert settled is not None
    text = dumps(settled["blocks"])
    assert "Done ✓" in text
    assert first_block not in text  # that item's buttons are gone…
    assert len([b for b in settled["blocks"] if b["type"] == "actions"]) == 1  # …the other's remain


def test_undo_from_the_logged_form(team: Served) -> None:
    assert team.http.command("/log", "", user_id=ME, trigger_id="trig.form").status == 200
    team.slack.wait_for("views.open")
    view = next(iter(team.slack.views.values()))
    state = {"people": {"people": slackreq.multi_users_value(["UALICE"])}}
    body = team.http.interact(slackreq.view_submission(ME, View.LOG, state, view=view)).json()
    block_id, element = find(body["view"]["blocks"], Action.UNDO)
    shown = {**body["view"], "id": view["id"]}
    payload = slackreq.block_actions(ME, Action.UNDO, element["value"], view=shown, block_id=block_id)
    assert team.http.interact(payload).status == 200
    (call,) = team.slack.wait_for("views.update")
    assert render.UNDONE in dumps(call.params["view"])
    assert rows(team.core.db, Interaction) == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.sampled_from(["UALICE", "UBOB", "UGONE", "UNOBODY", ME]), max_size=3),
    note=st.one_of(st.none(), st.text(max_size=40), st.just("x" * 3001)),
    topics=st.one_of(st.none(), st.text(max_size=40)),
    when=st.one_of(st.none(), st.sampled_from(["2026-11-23", "2030-01-01", "1999-12-31", "bogus"])),
    metadata=st.sampled_from(["", "{}", "not json", '{"closes": "f:999", "link": 5}', "[]"]),
)
def test_any_form_submission_gets_an_answer_never_a_500(
    team_any: Served, people: list[str], note: str | None, topics: str | None, when: str | None, metadata: str
) -> None:
    state = {
        "people": {"people": slackreq.multi_users_value(people)},
        "note": {"note": slackreq.text_value(note)},
        "topics": {"topics": slackreq.text_value(topics)},
        "when": {"when": slackreq.date_value(when)},
        "follow_up": {"follow_up": slackreq.date_value(when)},
    }
    response = team_any.http.interact(
        slackreq.view_submission(ME, View.LOG, state, private_metadata=metadata)
    )
    assert response.status == 200
    body = response.json()
    assert body["response_action"] in ("errors", "update")
    if body["response_action"] == "update":
        assert view_errors(body["view"]) == []
