"""Kudos core: reading `/kudos` text, kind refusals, one row per kudos however often it is asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.bootstrap import SEEDERS
from bot.directory import members
from bot.expertise.commands import skill_keys
from bot.kudos import giving
from bot.kudos.giving import Parsed
from bot.kudos.giving import parse as parse_or_refuse
from bot.models import Member
from bot.models.celebrations import Kudos, KudosReceiver
from bot.platform.db import Database
from bot.platform.refusals import Refusal
from tests.support.factories import add_members, slack_user
from tests.support.wiring import EVIDENCE, KNOWN

NOW = datetime(2027, 3, 3, 15, 0, tzinfo=UTC)
TEAM = "T1"


@pytest.fixture
def team(any_db: Database) -> Database:
    add_members(
        any_db,
        TEAM,
        slack_user("UALICE"),
        slack_user("UBOB"),
        slack_user("UCAROL"),
        slack_user("UGONE", deleted=True),
        slack_user("UROBOT", is_bot=True),
        slack_user("USHY"),
    )
    with any_db.write() as s:
        shy = members.find_member(s, TEAM, "USHY")
        assert shy is not None
        shy.celebrate_publicly = False
        members.ensure_workspace(s, TEAM, NOW, bot_user_id="URAPPORT")
    return any_db


def give_or_refuse(
    db: Database, text: str, *, giver: str = "UALICE", now: datetime = NOW, request: str | None = None
) -> giving.Given | Refusal:
    with db.write() as s:
        return giving.give(s, TEAM, giver, text, now, request_id=request)


def give(db: Database, text: str, **kwargs: Any) -> giving.Given:
    given = give_or_refuse(db, text, **kwargs)
    assert not isinstance(given, Refusal), given.text
    return given


def parse(text: str) -> Parsed:
    parsed = parse_or_refuse(text)
    assert not isinstance(parsed, Refusal), parsed.text
    return parsed


def refused(text: str) -> Refusal:
    refusal = parse_or_refuse(text)
    assert isinstance(refusal, Refusal), refusal
    return refusal


def settle(db: Database, given: giving.Given) -> bool:
    with db.write() as s:
        item = s.get(Kudos, given.kudos.id)
        assert item is not None
        return giving.settle(s, item, evidence=EVIDENCE)


def refusal(db: Database, text: str, **kwargs: Any) -> str:
    given = give_or_refuse(db, text, **kwargs)
    assert isinstance(given, Refusal), given
    return given.text


# -- reading the text --------------------------------------------------------------------------


def test_receivers_come_first_and_the_reason_after_for() -> None:
    parsed = parse("<@UBOB|bob>, <@UCAROL|carol> and <@UDAN> for shipping the churn model")
    assert parsed.receivers == ["UBOB", "UCAROL", "UDAN"]
    assert parsed.reason == "shipping the churn model"
    assert parsed.quoted is False


def test_receivers_may_be_joined_with_an_ampersand_as_slack_sends_it() -> None:
    parsed = parse("<@UBOB|bob> &amp; <@UCAROL|carol> + <@UDAN> for the launch")
    assert parsed.receivers == ["UBOB", "UCAROL", "UDAN"]
    assert parsed.reason == "the launch"


def test_free_text_is_quoted_and_keeps_later_mentions_as_part_of_the_reason() -> None:
    parsed = parse("<@UBOB|bob> thanks for pairing with <@UCAROL|carol> on the outage!")
    assert parsed.receivers == ["UBOB"]
    assert parsed.reason == "thanks for pairing with <@UCAROL> on the outage!"
    assert parsed.quoted is True
    anywhere = parse("huge thanks to <@UBOB|bob> for the demo")
    assert anywhere.receivers == ["UBOB"]
    assert anywhere.reason == "huge thanks to <@UBOB> for the demo"


def test_broadcasts_never_reach_a_reason_and_other_markup_is_made_inert() -> None:
    parsed = parse(
        "<@UBOB> for <!channel> <!here|here> <!everyone> <!subteam^S123|@eng> fixing <b> & <#C0123|ops>"
    )
    assert parsed.reason == "fixing &lt;b&gt; &amp; <#C0123>"
    assert "<!" not in parsed.reason


@pytest.mark.parametrize(
    "text", ["", "for the demo", "thanks everyone", "<!channel> for the demo", "@bob for x"]
)
def test_no_receiver_asks_who(text: str) -> None:
    refusal = refused(text)
    assert "Who" in refusal.text
    assert refusal.usage


@pytest.mark.parametrize(
    "text", ["<@UBOB>", "<@UBOB> for", "<@UBOB> for <!channel>", "<@UBOB> :", "<@UBOB> for !!!"]
)
def test_no_reason_asks_what_for(text: str) -> None:
    refusal = refused(text)
    assert "What are the kudos for?" in refusal.text
    assert "<!channel>" not in refusal.text


def test_an_essay_and_a_crowd_are_refused() -> None:
    assert "under 1000" in refused("<@UBOB> for " + "x" * 1001).text
    crowd = " ".join(f"<@U{i:04d}>" for i in range(21))
    assert "up to 20" in refused(f"{crowd} for the offsite").text


@given(st.text(max_size=300))
def test_hostile_text_is_parsed_or_refused_and_never_pings_a_crowd(text: str) -> None:
    parsed = parse_or_refuse(text)
    if isinstance(parsed, Refusal):
        assert "<!" not in parsed.text
        return
    assert parsed.receivers
    assert "<!" not in parsed.reason
    for bracket in parsed.reason.split("<")[1:]:
        assert bracket.startswith(("@U", "@W", "#C", "http", "mailto"))


@given(st.sampled_from(["<!channel>", "<!here>", "<!everyone>", "<!here|@here>"]), st.text(max_size=40))
def test_a_broadcast_anywhere_in_the_reason_is_dropped(broadcast: str, words: str) -> None:
    parsed = parse_or_refuse(f"<@UBOB> for great work {words}{broadcast}{words}")
    if isinstance(parsed, Refusal):
        return
    assert "<!" not in parsed.reason


# -- giving ------------------------------------------------------------------------------------


def test_a_kudos_is_stored_with_its_receivers_in_order(team: Database) -> None:
    given_ = give(team, "<@UCAROL> <@UBOB> for the migration", request="trig-1")
    assert given_.status == giving.NEW
    assert [m.user_id for m in given_.receivers] == ["UCAROL", "UBOB"]
    with team.read() as s:
        row = s.scalar(select(Kudos))
        assert row is not None
        assert row.reason == "the migration"
        assert [m.user_id for m in giving.receivers_of(s, row)] == ["UCAROL", "UBOB"]


def test_the_same_request_again_is_the_same_kudos(team: Database) -> None:
    first = give(team, "<@UBOB> for the migration", request="trig-1")
    again = give(team, "<@UBOB> for the migration", request="trig-1", now=NOW + timedelta(seconds=30))
    assert again.status == giving.RETRY
    assert again.kudos.id == first.kudos.id
    with team.read() as s:
        assert s.scalar(select(func.count()).select_from(Kudos)) == 1
        assert s.scalar(select(func.count()).select_from(KudosReceiver)) == 1


def test_the_same_thanks_typed_again_is_a_repeat_not_a_second_post(team: Database) -> None:
    first = give(team, "<@UBOB> for the migration", request="trig-1")
    again = give(team, "<@UBOB|bob>  for  the   Migration", request="trig-2", now=NOW + timedelta(minutes=5))
    assert again.status == giving.REPEAT
    assert again.kudos.id == first.kudos.id
    later = give(team, "<@UBOB> for the migration", request="trig-3", now=NOW + timedelta(hours=2))
    assert later.status == giving.NEW


def test_without_a_request_id_the_hour_stands_in_for_it(team: Database) -> None:
    first = give(team, "<@UBOB> for the migration")
    assert give(team, "<@UBOB> for the migration", now=NOW + timedelta(minutes=1)).kudos.id == first.kudos.id


def test_yourself_is_refused_kindly(team: Database) -> None:
    assert "can't give them to yourself" in refusal(team, "<@UALICE> for being me")
    assert "can't give them to yourself" in refusal(team, "<@UBOB> <@UALICE> for the launch")


def test_bots_deactivated_unknown_and_shy_people_are_named_with_the_reason(team: Database) -> None:
    message = refusal(team, "<@UROBOT> <@URAPPORT> <@USLACKBOT> <@UGONE> <@UNEW> <@USHY> for everything")
    assert "<@UROBOT>, <@URAPPORT> and <@USLACKBOT> are a bot" in message
    assert "<@UGONE> is no longer active" in message
    assert "I don't know <@UNEW> yet" in message
    assert "<@USHY> prefers not to be celebrated in public" in message
    with team.read() as s:
        assert s.scalar(select(func.count()).select_from(Kudos)) == 0


def test_someone_the_directory_does_not_know_yet_can_already_give(team: Database) -> None:
    assert give(team, "<@UBOB> for the warm welcome", giver="UNEW").status == giving.NEW
    with team.read() as s:
        assert members.find_member(s, TEAM, "UNEW") is not None


def test_the_eleventh_kudos_in_an_hour_is_refused_until_the_first_is_an_hour_old(team: Database) -> None:
    for n in range(giving.HOURLY_LIMIT):
        give(team, f"<@UBOB> for thing {n}", now=NOW + timedelta(minutes=n), request=f"t{n}")
    message = refusal(team, "<@UBOB> for thing 11", now=NOW + timedelta(minutes=15))
    assert "10 kudos in the past hour" in message
    assert "in 45 minutes" in message
    # A retry of an accepted request is still answered, limit or not.
    retried = give(team, "<@UBOB> for thing 3", now=NOW + timedelta(minutes=16), request="t3")
    assert retried.status == giving.RETRY
    # Someone else is not limited by Alice's enthusiasm.
    assert (
        give(team, "<@UBOB> for thing 11", giver="UCAROL", now=NOW + timedelta(minutes=15)).status
        == giving.NEW
    )
    assert give(team, "<@UBOB> for thing 11", now=NOW + timedelta(minutes=60, seconds=1)).status == giving.NEW


def test_kudos_stay_in_their_workspace(team: Database) -> None:
    add_members(team, "T2", slack_user("UBOB"), slack_user("UALICE"))
    give(team, "<@UBOB> for the migration", request="trig-1")
    with team.write() as s:
        other = giving.give(s, "T2", "UALICE", "<@UBOB> for the migration", NOW, request_id="trig-1")
    assert isinstance(other, giving.Given)
    assert other.status == giving.NEW
    with team.read() as s:
        teams = s.scalars(select(Member.team_id).join(Kudos, Kudos.giver_id == Member.id)).all()
        assert sorted(teams) == [TEAM, "T2"]


# -- kudos as expertise evidence ---------------------------------------------------------------


def test_skills_a_reason_names_are_found_by_curated_name_and_alias() -> None:
    assert skill_keys("moving the <@U1> billing jobs to k8s and writing the Terraform modules") == [
        "kubernetes",
        "terraform",
    ]
    assert skill_keys("the great demo!") == []
    # A sentence's words are not skills by their stems; plurals are.
    assert skill_keys("containing the incident and the message to customers") == []
    assert skill_keys("the kubernetes migrations and the terraform modules") == ["kubernetes", "terraform"]
    long = " ".join(["word"] * 30) + " kubernetes " + " ".join(["word"] * 30) + " terraform"
    assert skill_keys(long) == ["kubernetes", "terraform"]


def test_a_kudos_reason_makes_its_receivers_found_by_whoknows(team: Database) -> None:
    from bot.expertise import ranking, skills

    with team.write() as s:
        skills.add(
            s, TEAM, "UCAROL", "churn modelling", NOW, evidence=EVIDENCE
        )  # a workspace's own skill name
    given = give(
        team, "<@UBOB> for moving the billing jobs to k8s and the churn modelling review", request="t1"
    )
    with team.read() as s:
        assert (
            ranking.who_knows(s, TEAM, "UALICE", "kubernetes", NOW, evidence=EVIDENCE, known=KNOWN).people
            == []
        )  # not yet: after the answer
    assert settle(team, given)
    assert not settle(team, given)  # once
    with team.read() as s:
        answer = ranking.who_knows(s, TEAM, "UALICE", "kubernetes", NOW, evidence=EVIDENCE, known=KNOWN)
        (bob,) = answer.people
        assert bob.user_id == "UBOB"
        assert any("kudos from <@UALICE> for “moving the billing jobs to k8s" in r for r in bob.reasons)
        churn = ranking.who_knows(s, TEAM, "UALICE", "churn modelling", NOW, evidence=EVIDENCE, known=KNOWN)
        assert sorted(p.user_id for p in churn.people) == ["UBOB", "UCAROL"]


def test_the_seeder_adds_kudos_with_their_evidence(db: Database) -> None:
    from bot.seeding.members import seed

    lines = seed(db, TEAM, 200, seed=4, now=NOW, seeders=SEEDERS, evidence=EVIDENCE)
    assert "20 kudos" in lines
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Kudos)) == 20
        receivers = s.scalar(select(func.count()).select_from(KudosReceiver))
        assert receivers is not None
        assert 20 <= receivers <= 40
    assert (
        seed(db, TEAM, 200, seed=4, now=NOW, seeders=SEEDERS, evidence=EVIDENCE) == lines
    )  # deterministic, and re-seeding replaces


def test_the_same_request_handled_twice_at_once_stores_one_kudos(team: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(4)

    def attempt(_: int) -> str:
        start.wait()
        return give(team, "<@UBOB> for the release", request="trig-race").status

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(attempt, range(4)))
    assert statuses == [giving.NEW, giving.RETRY, giving.RETRY, giving.RETRY]
    with team.read() as s:
        assert s.scalar(select(func.count()).select_from(Kudos)) == 1
        assert s.scalar(select(func.count()).select_from(KudosReceiver)) == 1


def test_a_kudos_counts_as_being_in_touch(team: Database) -> None:
    from bot.models.relationships import Cadence
    from bot.relationships import cadences

    with team.write() as s:
        found = members.find_members(s, TEAM, ["UALICE", "UBOB", "UCAROL"])
        for contact in ("UBOB", "UCAROL"):
            cadences.keep_in_touch(s, TEAM, found["UALICE"], found[contact], 42, NOW - timedelta(days=40))
    settle(team, give(team, "<@UBOB> for the migration", now=NOW))
    with team.read() as s:
        due = dict(s.execute(select(Cadence.contact_id, Cadence.last_contact_at)).all())
        assert due[found["UBOB"].id] == NOW
        assert due[found["UCAROL"].id] is None  # not thanked, not touched
