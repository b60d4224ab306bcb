"""`rapport import-people` as an operator runs it: good rows in, each bad row named with its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import open_database
from bot.cli import main
from bot.directory import members
from bot.directory.personal_dates import parse_birthday, parse_start_date
from bot.platform.db import Database
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack

TODAY = date(2026, 11, 22)


@pytest.fixture
def team(tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A workspace with a few people, and the environment `rapport` reads."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = open_database(f"sqlite:///{tmp_path / 'rapport.db'}")
    assert main(["db", "upgrade"]) == 0
    users = [slack_user(f"U{i}", email=None) for i in range(1, 5)]
    users[1]["profile"]["email"] = "Grace@Example.com"
    users.append(slack_user("UBOT9", is_bot=True))
    add_members(db, slack.team_id, *users)
    return db


def run(
    path: Path, text: str, capsys: pytest.CaptureFixture[str], *, encoding: str = "utf-8"
) -> tuple[int, str, str]:
    path.write_bytes(text.encode(encoding))
    code = main(["import-people", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def member(db: Database, team_id: str, uid: str) -> members.Member:
    with db.read() as s:
        found = members.find_member(s, team_id, uid)
    assert found is not None
    return found


def test_good_rows_are_imported_and_every_bad_row_is_named(
    team: Database, slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_text = (
        "slack_user_id,email,birthday,start_date\r\n"
        "U1,,03-14,2019-06-01\r\n"  # line 2: good
        ",grace@example.com,1990-12-09,\r\n"  # line 3: good, by email in another case
        "U404,,01-01,\r\n"  # line 4: unknown user
        "U3,,13-45,\r\n"  # line 5: not a date
        "U4,,02-30,\r\n"  # line 6: not a date
        "U4,,,2020-02-31\r\n"  # line 7: bad start date
        "U1,,04-01,\r\n"  # line 8: duplicate of line 2
        "UBOT9,,05-05,\r\n"  # line 9: a bot
        "U3,,,\r\n"  # line 10: nothing to import
        "U4,,02-29,2021-03-01\r\n"  # line 11: good, a leap-day birthday
    )
    code, out, err = run(tmp_path / "members.csv", "\ufeff" + csv_text, capsys)
    assert code == 1
    assert "3 people updated, 0 unchanged, 7 rows not imported" in out
    for line, words in [
        (4, "U404"),
        (5, "13-45"),
        (6, "02-30"),
        (7, "2020-02-31"),
        (8, "line 2"),
        (9, "bot"),
        (10, "no birthday or start_date"),
    ]:
        assert f"members.csv:{line}: " in err
        assert words in next(ln for ln in err.splitlines() if f"members.csv:{line}: " in ln)
    ada, grace, leap = (member(team, slack.team_id, u) for u in ("U1", "U2", "U4"))
    assert (ada.birthday_month, ada.birthday_day, ada.birth_year) == (3, 14, None)
    assert ada.start_date == date(2019, 6, 1)
    assert (grace.birthday_month, grace.birthday_day, grace.birth_year) == (12, 9, 1990)
    assert (leap.birthday_month, leap.birthday_day) == (2, 29)
    assert leap.start_date == date(2021, 3, 1)


def test_importing_twice_changes_nothing(
    team: Database, slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "slack_user_id,birthday\nU1,07-04\nU2,08-15\n"
    assert run(tmp_path / "a.csv", text, capsys)[:2] == (
        0,
        "2 people updated, 0 unchanged, 0 rows not imported\n",
    )
    assert run(tmp_path / "a.csv", text, capsys)[:2] == (
        0,
        "0 people updated, 2 unchanged, 0 rows not imported\n",
    )


def test_a_file_without_the_needed_columns_is_refused_whole(
    team: Database, slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(tmp_path / "b.csv", "name,birthday\nAda,03-14\n", capsys)
    assert code == 2
    assert "slack_user_id or an email column" in err
    code, _, err = run(tmp_path / "c.csv", "slack_user_id,shoe_size\nU1,42\n", capsys)
    assert code == 2
    assert "birthday or a start_date column" in err
    assert member(team, slack.team_id, "U1").birthday_month is None


def test_a_file_that_is_not_utf8_is_refused_not_half_imported(
    team: Database, slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        tmp_path / "d.csv", "slack_user_id,birthday\nU1,03-14\nU2,€\n", capsys, encoding="utf-16"
    )
    assert code == 2
    assert "cannot be imported" in err


def test_large_files_show_progress(
    team: Database, slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"U{i},03-14\n" for i in range(2500))
    code, out, err = run(tmp_path / "big.csv", "slack_user_id,birthday\n" + rows, capsys)
    assert code == 1  # most ids are unknown here
    assert "… 1,000 rows read" in err
    assert "… 2,000 rows read" in err
    assert out.startswith("4 people updated")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("3/14", "MM-DD"), ("00-10", "not a date"), ("1850-01-01", "plausible"), ("2030-01-01", "plausible")],
)
def test_birthday_reasons(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_birthday(text, TODAY)


def test_start_dates_may_be_a_little_ahead_but_not_far() -> None:
    assert parse_start_date("2027-01-04", TODAY) == date(2027, 1, 4)
    with pytest.raises(ValueError, match="plausible"):
        parse_start_date("2029-01-04", TODAY)
