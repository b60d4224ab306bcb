"""Birthdays and start dates from custom profile fields: read by the sync job, a bounded slice per run."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core import Core
from bot.directory import profile_fields
from bot.directory.personal_dates import Birthday
from bot.directory.profile_fields import Fields, find_fields, read_birthday, sync_profiles
from bot.models import Workspace
from bot.platform.slack import make_client
from jobs import JOBS
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack

NOW = datetime(2027, 3, 5, 9, tzinfo=UTC)
TODAY = NOW.date()


def test_the_birthday_field_is_found_by_label_or_id_and_the_start_date_by_slack() -> None:
    definitions = [
        {"id": "Xf01", "label": "Pronouns"},
        {"id": "Xf02", "label": "Date of Birth"},
        {"id": "Xf03", "label": "Start Date", "type": "date"},
    ]
    assert find_fields(definitions, "date of birth") == Fields("Xf02", "Xf03")
    assert find_fields(definitions, "Xf02") == Fields("Xf02", "Xf03")
    assert find_fields(definitions, None) == Fields(None, "Xf03")
    slacks_own = {"id": "Xf09", "label": "Joined us", "field_name": "start_date"}
    assert find_fields([slacks_own], None).start_date == "Xf09"
    assert not find_fields([], "Birthday")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03-14", Birthday(3, 14)),
        ("1990-03-14", Birthday(3, 14, 1990)),
        ("March 14", Birthday(3, 14)),
        ("14 Mar", Birthday(3, 14)),
        ("Feb 29", Birthday(2, 29)),
        ("", None),
        ("13-45", None),
        ("soon", None),
        ("<!channel>", None),
    ],
)
def test_birthdays_as_people_type_them_in_a_profile(value: str, expected: Birthday | None) -> None:
    assert read_birthday(value, TODAY) == expected


@pytest.fixture
def workspace(core: Core, slack: FakeSlack) -> str:
    slack.add_profile_field("Xf01", "Birthday")
    slack.add_profile_field("Xf02", "Start date", type="date")
    users = []
    for n in range(1, 8):
        fields = {"Xf01": f"03-{n:02d}", "Xf02": f"20{10 + n}-06-01"}
        users.append(slack.add_user(f"U{n}", profile_fields=fields))
    users.append(slack.add_user("U8", profile_fields={"Xf01": "not a date"}))
    users.append(slack.add_user("U9", deleted=True, profile_fields={"Xf01": "01-01"}))
    add_members(core.db, slack.team_id, *(slack_user(u["id"], deleted=u["deleted"]) for u in users))
    with core.db.write() as s:
        ws = s.get(Workspace, slack.team_id)
        assert ws is not None
        ws.birthday_field = "birthday"
    return slack.team_id


def dates(core: Core, team_id: str) -> dict[str, tuple[int | None, int | None, date | None]]:
    from bot.directory import members

    with core.db.read() as s:
        found = members.find_members(s, team_id, [f"U{n}" for n in range(1, 10)])
    return {uid: (m.birthday_month, m.birthday_day, m.start_date) for uid, m in found.items()}


def test_profiles_are_read_a_slice_per_run_and_the_next_run_carries_on(
    core: Core, slack: FakeSlack, workspace: str
) -> None:
    client = make_client(slack.bot_token, slack.base_url)
    first = sync_profiles(core.db, client, workspace, NOW, per_run=3, pause=0)
    assert (first.read, first.updated, first.round_done) == (3, 3, False)
    assert dates(core, workspace)["U1"] == (3, 1, date(2011, 6, 1))
    assert dates(core, workspace)["U4"] == (None, None, None)
    sync_profiles(core.db, client, workspace, NOW, per_run=3, pause=0)
    last = sync_profiles(core.db, client, workspace, NOW, per_run=3, pause=0)
    assert (last.read, last.round_done) == (2, True)  # U7 and U8; U9 left
    found = dates(core, workspace)
    assert found["U7"] == (3, 7, date(2017, 6, 1))
    assert found["U8"] == (None, None, None)  # an unreadable value changes nothing
    assert found["U9"] == (None, None, None)
    asked = [c.params["user"] for c in slack.calls_to("users.profile.get")]
    assert asked == [f"U{n}" for n in range(1, 9)]
    # A new round starts from the beginning and writes nothing that did not change.
    again = sync_profiles(core.db, client, workspace, NOW, per_run=10, pause=0)
    assert (again.read, again.updated, again.round_done) == (8, 0, True)


def test_calls_are_spaced_out(core: Core, slack: FakeSlack, workspace: str) -> None:
    pauses: list[float] = []
    sync_profiles(
        core.db, make_client(slack.bot_token, slack.base_url), workspace, NOW, per_run=4, sleep=pauses.append
    )
    assert pauses == [profile_fields.PAUSE] * 3


def test_no_fields_to_read_means_no_profile_calls(core: Core, slack: FakeSlack) -> None:
    add_members(core.db, slack.team_id, slack_user("U1"))
    report = sync_profiles(core.db, make_client(slack.bot_token, slack.base_url), slack.team_id, NOW, pause=0)
    assert report.read == 0
    assert slack.calls_to("users.profile.get") == []


def test_the_sync_job_reads_profile_fields(
    core: Core, slack: FakeSlack, workspace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile_fields, "PAUSE", 0)
    summary = JOBS["sync-directory"](core, NOW)
    assert "profiles: 8 read, 7 updated, round complete" in summary
    assert dates(core, workspace)["U5"] == (3, 5, date(2015, 6, 1))
