"""Birthday consent on SQLite and PostgreSQL: whose birthday is asked about (an imported one, a
profile field the workspace fills) and whose is theirs (a profile field they edit), questions
that became moot never sent, workspaces apart; and migration 0011's defaults."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.celebrations import consent
from bot.celebrations import daily as celebrations
from bot.celebrations.occasions import BIRTHDAY
from bot.celebrations.render import consent_blocks
from bot.directory import birthdays, csv_import
from bot.directory.profile_fields import sync_profiles
from bot.models import Member, Workspace
from bot.models.celebrations import CelebrationConsent
from bot.platform.db import Database
from bot.platform.migrate import current, upgrade
from bot.platform.slack import make_client
from tests.support.clock import FakeClock
from tests.support.databases import downgrade
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM, make_core, outbox_rows

CHANNEL = "C0CELEBRATE"
# Wednesday 2 December 2026, 14:00 UTC: 09:00 in New York, where everyone works; the post for
# Friday 4 December goes out at 10:00 there.
WEDNESDAY = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
FRIDAY = date(2026, 12, 4)


def setup_team(db: Database, team_id: str, *uids: str) -> None:
    add_members(db, team_id, *(slack_user(uid) for uid in uids), now=WEDNESDAY)
    with db.write() as s:
        workspace = s.get(Workspace, team_id)
        assert workspace is not None
        workspace.celebrations_channel = CHANNEL


def hr_file(db: Database, team_id: str, text: str) -> None:
    """What `rapport import-people` does with HR's file."""
    with db.write() as s:
        report = csv_import.import_people(s, team_id, csv_import.read_rows(io.StringIO(text)), FRIDAY)
    assert report.ok, report.problems


def chosen(db: Database, team_id: str = TEAM) -> dict[str, bool | None]:
    with db.read() as s:
        return dict(
            s.execute(
                select(Member.user_id, Member.celebrate_birthday).where(Member.team_id == team_id)
            ).all()
        )


def asked_about(db: Database, team_id: str = TEAM) -> list[tuple[str, str]]:
    """(user id, kind) of every question asked in `team_id`, in the order asked."""
    with db.read() as s:
        return [
            (uid, kind)
            for uid, kind in s.execute(
                select(Member.user_id, CelebrationConsent.kind)
                .join(Member, Member.id == CelebrationConsent.member_id)
                .where(CelebrationConsent.team_id == team_id)
                .order_by(CelebrationConsent.id)
            )
        ]


def test_a_second_workspace_is_unaffected(any_db: Database) -> None:
    """The same Slack user id in two workspaces, both imported: two people, two questions, two answers."""
    other = "T0002"
    for team_id in (TEAM, other):
        setup_team(any_db, team_id, "UHR")
        hr_file(any_db, team_id, "slack_user_id,birthday\nUHR,12-04\n")
    with any_db.write() as s:
        assert consent.ask(s, TEAM, WEDNESDAY, channel_ok=True) == 1
    assert asked_about(any_db, other) == []  # planning one workspace asks nobody in another
    with any_db.write() as s:
        assert consent.ask(s, other, WEDNESDAY, channel_ok=True) == 1
    with any_db.read() as s:
        mine, theirs = (
            s.scalar(select(CelebrationConsent.id).where(CelebrationConsent.team_id == t))
            for t in (TEAM, other)
        )
    with any_db.write() as s:
        # A click claiming this workspace, carrying the other's question: nothing happens.
        assert consent.answer(s, TEAM, "UHR", str(theirs), True, WEDNESDAY) == consent.Answered()
        assert consent.answer(s, TEAM, "UHR", str(mine), True, WEDNESDAY).message is not None
    assert (chosen(any_db), chosen(any_db, other)) == ({"UHR": True}, {"UHR": None})
    at = datetime(2026, 12, 4, 14, 45, tzinfo=UTC)
    with any_db.write() as s:
        for team_id in (TEAM, other):
            celebrations.attach(s, team_id, celebrations.post_key(team_id, FRIDAY), FRIDAY, at)
        ours = celebrations.items(s, TEAM, celebrations.post_key(TEAM, FRIDAY))
        theirs_post = celebrations.items(s, other, celebrations.post_key(other, FRIDAY))
    assert [(c.kind, c.user_id, c.occasion) for c in ours] == [(BIRTHDAY, "UHR", FRIDAY)]
    assert theirs_post == []


@pytest.mark.parametrize(
    ("options", "theirs"),
    [(None, True), ({"is_protected": True}, False), ({"is_scim": True}, False)],
    ids=["edited-by-each-person", "protected", "scim"],
)
def test_a_profile_field_people_edit_is_their_yes_and_one_the_workspace_fills_is_not(
    any_db: Database, slack: FakeSlack, options: dict[str, Any] | None, theirs: bool
) -> None:
    spec = slack.add_profile_field("Xf01", "Birthday")
    spec["options"] = options
    for uid in ("UNEW", "USAME", "UNO"):
        slack.add_user(uid, profile_fields={"Xf01": "Dec 4"})
    setup_team(any_db, slack.team_id, "UNEW", "USAME", "UNO")
    hr_file(any_db, slack.team_id, "slack_user_id,birthday\nUSAME,12-04\nUNO,12-04\n")
    with any_db.write() as s:
        workspace = s.get(Workspace, slack.team_id)
        assert workspace is not None
        workspace.birthday_field = "Birthday"
        no = s.scalar(select(Member).where(Member.user_id == "UNO"))
        assert no is not None
        no.celebrate_birthday = False  # said "Not now" before
    client = make_client(slack.bot_token, slack.base_url)
    report = sync_profiles(any_db, client, slack.team_id, WEDNESDAY, pause=0)
    assert report.read == 3
    # UNEW's date is new, USAME's was imported already (or stored before 0011): either way, a
    # field each person edits is theirs. A "Not now" stands.
    agreed = True if theirs else None
    assert chosen(any_db, slack.team_id) == {"UNEW": agreed, "USAME": agreed, "UNO": False}
    with any_db.write() as s:
        consent.ask(s, slack.team_id, WEDNESDAY, channel_ok=True)
    assert asked_about(any_db, slack.team_id) == ([] if theirs else [("UNEW", BIRTHDAY), ("USAME", BIRTHDAY)])


def test_a_question_that_became_moot_is_not_sent(any_db: Database, slack: FakeSlack) -> None:
    clock = FakeClock(WEDNESDAY)
    core = make_core(slack, any_db, clock)
    slack.add_channel(CHANNEL, "celebrations")
    uids = ("UMOVED", "UHIDES", "UFORGETS", "USHARES", "UASK")
    for uid in uids:
        slack.add_user(uid)
    setup_team(any_db, TEAM, *uids)
    hr_file(any_db, TEAM, "slack_user_id,birthday\n" + "".join(f"{uid},12-04\n" for uid in uids))
    assert consent.plan_asks(core, TEAM, clock()) == 5
    hr_file(any_db, TEAM, "slack_user_id,birthday\nUMOVED,12-10\n")  # HR corrects the date: not this one
    with any_db.write() as s:
        hides = s.scalar(select(Member).where(Member.user_id == "UHIDES"))
        assert hides is not None
        hides.show_birthday = False  # "Keep my birthday private" in /rapport settings
        assert birthdays.tell(s, TEAM, "UFORGETS", "forget", clock()).changed == birthdays.FORGOTTEN
        assert birthdays.tell(s, TEAM, "USHARES", "12-04", clock()).celebrated  # their yes
    report = core.sender().run(TEAM)
    assert (report.sent, report.skipped) == (1, 4)
    assert [c.params["channel"] for c in slack.calls_to("chat.postMessage")] == ["UASK"]
    assert sorted(r.status for r in outbox_rows(any_db)) == [
        "sent",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
    ]
    # A question whose DM never went out does not count as asked: the corrected date is asked about.
    with any_db.write() as s:
        assert consent.ask(s, TEAM, datetime(2026, 12, 4, 14, 0, tzinfo=UTC), channel_ok=True) == 1
    assert asked_about(any_db)[-1] == ("UMOVED", BIRTHDAY)


# -- migration 0011 ------------------------------------------------------------------------------


def test_migration_0011_takes_no_stored_birthday_as_consent_and_keeps_every_no(any_db: Database) -> None:
    """Before 0011 nothing said who gave a birthday: nobody's counts as shared. Whoever opted out of
    public celebrations or kept their birthday private keeps that no (and is not asked)."""
    people: dict[str, dict[str, Any]] = {
        "USTORED": {},  # a birthday from before: by the person, the CSV or a profile field, unknown
        "USHY": {"celebrate_publicly": False},
        "UPRIVATE": {"show_birthday": False},
        "UNONE": {"birthday_month": None, "birthday_day": None},
    }
    add_members(any_db, "T1", *(slack_user(uid) for uid in people), now=WEDNESDAY)
    with any_db.write() as s:
        for m in s.scalars(select(Member)):
            m.birthday_month, m.birthday_day = 12, 4
            for name, value in people[m.user_id].items():
                setattr(m, name, value)
            m.celebrate_birthday = True  # (dropped by the downgrade: 0010 has no such column)
    head = current(any_db)
    try:
        downgrade(any_db, "0010")
        with any_db.engine.connect() as conn:
            assert "celebrate_birthday" not in str(conn.exec_driver_sql("SELECT * FROM member").keys())
    finally:
        upgrade(any_db)
    assert current(any_db) == head
    assert chosen(any_db, "T1") == {"USTORED": None, "USHY": False, "UPRIVATE": False, "UNONE": None}
    with any_db.read() as s:
        stored = s.scalar(select(Member).where(Member.user_id == "USTORED"))
        assert stored is not None
        boxes = {
            b["block_id"]: b["element"].get("initial_options")
            for b in consent_blocks(stored)
            if "element" in b
        }
        assert boxes == {"celebration_consent": None, "celebration_privacy": None}  # nothing ticked
    with any_db.write() as s:  # the one who never chose is asked once; the others are not
        assert consent.ask(s, "T1", WEDNESDAY, channel_ok=True) == 1
    assert asked_about(any_db, "T1") == [("USTORED", BIRTHDAY)]
    # A post planned meanwhile has nobody: never chosen is not consent.
    with any_db.write() as s:
        key = celebrations.post_key("T1", FRIDAY)
        celebrations.attach(s, "T1", key, FRIDAY, datetime(2026, 12, 4, 14, 45, tzinfo=UTC))
        assert celebrations.items(s, "T1", key) == []
