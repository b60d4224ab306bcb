"""Over real HTTP, on SQLite and PostgreSQL, driven by the clock: a birthday its owner did not give
Rapport is posted only after they say yes.

An admin's `rapport import-people` (the real command, on the served database) is not the
person's say: Rapport asks them by DM a week ahead, "Yes, celebrate it" posts it on the day and
on the later ones, "Not now" and silence are no, and stand (only `/rapport settings` changes
them). A birthday shared with `/rapport birthday` is its owner's yes, and `/rapport birthday
forget` takes it back. Colleagues' private reminders carry on as before. The real jobs run
(`celebrations` plans posts and questions, `nudges` plans digests and sends everything).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.celebrations.ids import Action, Input
from bot.cli import main
from bot.models import Member, Workspace
from bot.relationships import cadences
from tests.celebrations.test_consent import (
    CHANNEL,
    TEAM,
    WEDNESDAY,
    answer,
    days_of_posts,
    posted,
    question,
    questions_sent,
    tick,
)
from tests.celebrations.test_settings import consent_values, open_settings, save_settings, ticked
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

# HR's file, as an admin imports it: everyone on Friday 4 December (UYES with the year).
HR_FILE = "slack_user_id,birthday\nUYES,1990-12-04\nUNOPE,12-04\nUQUIET,12-04\n"
ASKED = ":birthday: Your birthday is on Fri, Dec 4 — shall we wish you a happy birthday in <#{}>?"


@pytest.fixture
def office(rapport_any: Served) -> Served:
    core, slack = rapport_any.core, rapport_any.slack
    clock: Any = core.clock
    clock.set(WEDNESDAY - timedelta(days=30))
    slack.add_channel(CHANNEL, "celebrations")
    people = ("UYES", "UNOPE", "UQUIET", "USELF", "UBOB")
    for uid in people:
        slack.add_user(uid)
    found = add_members(core.db, TEAM, *(slack_user(u) for u in people), now=clock())
    with core.db.write() as s:
        workspace = s.get(Workspace, TEAM)
        assert workspace is not None
        workspace.celebrations_channel = CHANNEL
        bob, quiet = s.get(Member, found["UBOB"].id), s.get(Member, found["UQUIET"].id)
        assert bob is not None
        assert quiet is not None
        cadences.keep_in_touch(s, TEAM, bob, quiet, 30, clock())  # Quiet is in Bob's circle
    return rapport_any


@pytest.fixture
def import_people(office: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """`rapport import-people FILE` as an admin runs it, on the database Rapport is serving."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", office.slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", office.slack.base_url)
    monkeypatch.setenv("DATABASE_URL", office.core.db.url.render_as_string(hide_password=False))

    def run(text: str = HR_FILE) -> None:
        path = tmp_path / "people.csv"
        path.write_text(text)
        assert main(["import-people", str(path), "--team", TEAM]) == 0

    return run


def say(served: Served, user: str, text: str) -> str:
    """`/rapport <text>` from `user`; the ephemeral answer's text."""
    response = served.http.command("/rapport", text, user_id=user, team_id=TEAM)
    assert response.status == 200
    return str(response.json()["text"])


def times_posted(served: Served, uid: str) -> int:
    return posted(served).count(f":birthday: Happy birthday, <@{uid}>!")


def test_an_imported_birthday_is_not_posted_without_a_yes(
    office: Served, import_people: Callable[..., None]
) -> None:
    import_people()
    tick(office, WEDNESDAY)  # a week is left for each to answer before Friday's post
    assert sorted(questions_sent(office)) == ["UNOPE", "UQUIET", "UYES"]
    asked = question(office, "UQUIET")
    assert asked["blocks"][0]["text"]["text"] == ASKED.format(CHANNEL)
    assert [b["type"] for b in asked["blocks"]] == ["section", "context", "actions"]
    assert "Only you see this message." in asked["blocks"][1]["elements"][0]["text"]
    # Nobody answers: Thursday's and Friday's posts, and a week of them after.
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 11))
    for uid in ("UYES", "UNOPE", "UQUIET"):
        assert uid not in posted(office), uid
    assert sorted(questions_sent(office)) == ["UNOPE", "UQUIET", "UYES"]  # asked once
    # Reminders to colleagues are private and carry on as before: Bob's Thursday DM says who and when.
    assert "It's <@UQUIET>'s birthday tomorrow" in json.dumps(office.slack.messages_in("DUBOB"))
    with office.core.db.read() as s:
        chosen = dict(s.execute(select(Member.user_id, Member.celebrate_birthday)).all())
    assert (chosen["UYES"], chosen["UNOPE"], chosen["UQUIET"]) == (None, None, None)


def test_yes_posts_an_imported_birthday_on_the_day_and_the_years_after(
    office: Served, import_people: Callable[..., None]
) -> None:
    import_people()
    tick(office, WEDNESDAY)
    asked = question(office, "UYES")
    assert asked["blocks"][0]["text"]["text"] == ASKED.format(CHANNEL)
    assert "1990" not in json.dumps(asked)  # the year is never shown, not even to its owner
    yes = answer(office, "UYES", asked, Action.CONSENT_YES)
    assert yes["blocks"][0]["text"]["text"] == (
        f":white_check_mark: You chose to have your birthday celebrated in <#{CHANNEL}>, "
        "starting on Fri, Dec 4. `/rapport settings` changes that any time."
    )
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 3))
    assert "UYES" not in posted(office)  # not before the day
    days_of_posts(office, date(2026, 12, 4), date(2026, 12, 4))
    (friday,) = office.slack.messages_in(CHANNEL)
    assert ":birthday: Happy birthday, <@UYES>!" in json.dumps(friday["blocks"])
    assert "1990" not in posted(office)
    assert "UNOPE" not in posted(office)
    # A year on: the yes stands (posted again, on the Friday before a Saturday), nobody asked again.
    days_of_posts(office, date(2027, 11, 26), date(2027, 12, 3))
    assert ":birthday: Happy birthday, <@UYES>! (on Saturday)" in posted(office)
    assert times_posted(office, "UYES") == 2
    assert sorted(questions_sent(office)) == ["UNOPE", "UQUIET", "UYES"]


def test_not_now_is_never_posted_nor_asked_again_and_only_settings_change_it(
    office: Served, import_people: Callable[..., None]
) -> None:
    import_people()
    tick(office, WEDNESDAY)
    nope = question(office, "UNOPE")
    no = answer(office, "UNOPE", nope, Action.CONSENT_NO)
    assert no["blocks"][0]["text"]["text"] == (
        "OK, your birthday won't be posted, and I won't ask again. `/rapport settings` changes that any time."
    )
    # A second click (a double click, or Slack retrying it) changes nothing: the first answer stands.
    assert answer(office, "UNOPE", nope, Action.CONSENT_YES)["blocks"] == no["blocks"]
    import_people()  # HR's file imported again changes nothing either
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 4))
    days_of_posts(office, date(2027, 11, 26), date(2027, 12, 3))
    assert "UNOPE" not in posted(office)
    assert questions_sent(office).count("UNOPE") == 1
    elsewhere = json.dumps([m for m in office.slack.messages if m["channel"] != "DUNOPE"])
    assert "won't be posted" not in elsewhere  # what Nope answered is between Nope and Rapport
    # In /rapport settings the box is there, unticked; ticking it is a yes, from the next birthday.
    view = open_settings(office, "UNOPE")
    assert "Celebrate my birthday" in json.dumps(view["blocks"])
    assert ticked(view, Input.CONSENT) == []
    save_settings(office, "UNOPE", consent_values(agree=["celebrate_birthday"]))
    days_of_posts(office, date(2028, 12, 4), date(2028, 12, 4))  # a Monday
    assert times_posted(office, "UNOPE") == 1
    assert questions_sent(office).count("UNOPE") == 1


def test_a_birthday_shared_with_rapport_birthday_is_posted_without_asking_until_forgotten(
    office: Served, import_people: Callable[..., None]
) -> None:
    assert "Your teammates will see it celebrated on the day" in say(office, "USELF", "birthday 12-03")
    tick(office, WEDNESDAY)
    days_of_posts(office, date(2026, 12, 3), date(2026, 12, 3))
    assert times_posted(office, "USELF") == 1  # Thursday's post
    assert "USELF" not in questions_sent(office)
    assert ticked(open_settings(office, "USELF"), Input.CONSENT) == ["celebrate_birthday"]
    # Forgotten, then HR's file brings the same date back: that is not Self's word, so Rapport asks
    # before the next one, and without an answer it is not posted.
    assert "no longer knows" in say(office, "USELF", "birthday forget")
    import_people("slack_user_id,birthday\nUSELF,12-03\n")
    days_of_posts(office, date(2027, 11, 26), date(2027, 12, 3))
    assert questions_sent(office).count("USELF") == 1
    said = question(office, "USELF")["blocks"][0]["text"]["text"]
    assert (
        said
        == f":birthday: Your birthday is on Fri, Dec 3 — shall we wish you a happy birthday in <#{CHANNEL}>?"
    )
    assert times_posted(office, "USELF") == 1
