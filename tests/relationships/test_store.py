"""The relationship log's storage on SQLite and PostgreSQL: record, read back, due lists, undo, cadences."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bot.models import Member
from bot.models.relationships import GAVE, GOT, Cadence, FollowUp, Interaction, InteractionParticipant
from bot.platform.db import Database
from bot.relationships import agenda, cadences, followups, home, interactions
from bot.relationships.acquaintances import acquaintances
from bot.relationships.due import due_through
from bot.relationships.interactions import Draft
from tests.support.factories import T0, add_members, slack_user

TEAM = "T0001"


def people(db: Database, team_id: str = TEAM) -> dict[str, Member]:
    return add_members(
        db,
        team_id,
        slack_user("UAUTHOR", tz="America/New_York"),
        slack_user("UALICE", title="Staff Engineer"),
        slack_user("UBOB", title="Product Manager"),
        slack_user("UCAROL", title="Staff Engineer"),
        slack_user("UGONE", deleted=True),
        slack_user("UROBOT", is_bot=True),
    )


def log(
    db: Database, text: str, *, author: str = "UAUTHOR", team_id: str = TEAM, at=T0
) -> interactions.Logged:
    with db.write() as s:
        return interactions.log_text(s, team_id, author, text, at)


def count(db: Database, model: type) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_log_records_the_interaction_its_people_topics_and_follow_up(any_db: Database) -> None:
    people(any_db)
    logged = log(
        any_db, "<@UALICE|alice> <@UBOB> coffee about the migration #infra #gave follow up in 2 weeks"
    )
    assert logged.saved
    assert [m.user_id for m in logged.participants] == ["UALICE", "UBOB"]
    assert logged.note == "coffee about the migration"
    assert logged.topics == ["infra"]
    assert logged.give_take == GAVE
    assert logged.follow_up_on == date(2026, 12, 7)
    assert logged.follow_up_about is not None
    assert logged.follow_up_about.user_id == "UALICE"
    with any_db.read() as s:
        row = s.get(Interaction, logged.interaction_id)
        assert row is not None
        assert (row.note, row.topics, row.give_take, row.occurred_at) == (
            "coffee about the migration",
            "infra",
            GAVE,
            T0,
        )
        assert s.scalar(select(func.count()).select_from(InteractionParticipant)) == 2
        follow_up = s.scalar(select(FollowUp))
        assert follow_up is not None
        assert follow_up.due_on == date(2026, 12, 7)


def test_unknown_deactivated_bots_and_oneself_are_named_and_recorded_for_nobody(any_db: Database) -> None:
    people(any_db)
    logged = log(any_db, "<@UALICE> <@UGHOST> <@UGONE> <@UROBOT> <@UAUTHOR> standup")
    assert [m.user_id for m in logged.participants] == ["UALICE"]
    assert logged.unknown == ["UGHOST"]
    assert sorted(m.user_id for m in logged.inactive) == ["UGONE", "UROBOT"]
    with any_db.read() as s:
        assert list(s.scalars(select(InteractionParticipant.member_id))) == [logged.participants[0].id]

    nobody = log(any_db, "<@UGHOST> <@UGONE> lunch")
    assert not nobody.saved
    assert nobody.refused is not None
    assert count(any_db, Interaction) == 1


def test_a_note_longer_than_slack_allows_is_refused_not_cut(any_db: Database) -> None:
    people(any_db)
    logged = log(any_db, "<@UALICE> " + "x" * (interactions.NOTE_LIMIT + 1))
    assert not logged.saved
    assert logged.refused is not None
    assert "3,000" in logged.refused.text
    assert count(any_db, Interaction) == 0
    fits = log(any_db, "<@UALICE> " + "y" * interactions.NOTE_LIMIT)
    assert fits.saved
    assert len(fits.note) == interactions.NOTE_LIMIT


def test_a_bad_follow_up_date_keeps_the_log_and_says_why(any_db: Database) -> None:
    people(any_db)
    past = log(any_db, "<@UALICE> sync follow up yesterday")
    assert past.saved
    assert past.follow_up_on is None
    assert past.follow_up_refused is not None
    assert "past" in past.follow_up_refused.text
    unreadable = log(any_db, "<@UALICE> discussed the roadmap, follow up on the proposal")
    assert unreadable.saved
    assert unreadable.note == "discussed the roadmap, follow up on the proposal"
    assert unreadable.follow_up_refused is not None
    assert "on the proposal" in unreadable.follow_up_refused.text
    assert count(any_db, FollowUp) == 0


def test_words_after_the_date_stay_in_the_note_and_a_named_person_is_followed_up(any_db: Database) -> None:
    people(any_db)
    logged = log(any_db, "<@UALICE> <@UBOB> planning. Follow up with <@UBOB> on friday about the budget")
    assert logged.note == "planning. about the budget"
    assert logged.follow_up_on == date(2026, 11, 27)
    assert logged.follow_up_about is not None
    assert logged.follow_up_about.user_id == "UBOB"


def test_inline_mentions_become_names_in_the_note(any_db: Database) -> None:
    people(any_db)
    logged = log(any_db, "<@UALICE> lunch, <@UBOB|bob> is moving to Berlin")
    assert logged.note == "lunch, @Person UBOB is moving to Berlin"


def test_history_is_newest_first_paginated_and_only_the_authors(any_db: Database) -> None:
    members = people(any_db)
    for day in range(12):
        log(any_db, f"<@UALICE> chat {day}", at=T0 + timedelta(days=day))
    log(any_db, "<@UALICE> someone else's secret", author="UBOB")
    with any_db.read() as s:
        author, alice = members["UAUTHOR"], members["UALICE"]
        first = interactions.history(s, TEAM, author.id, alice, per_page=10)
        second = interactions.history(s, TEAM, author.id, alice, page=1, per_page=10)
    assert [e.note for e in first.entries] == [f"chat {d}" for d in range(11, 1, -1)]
    assert first.has_more
    assert [e.note for e in second.entries] == ["chat 1", "chat 0"]
    assert not second.has_more
    assert all("secret" not in e.note for e in first.entries + second.entries)


def test_whom_one_knows_is_from_one_s_own_log(any_db: Database) -> None:
    members = people(any_db)
    log(any_db, "<@UALICE> hello")
    log(any_db, "<@UCAROL> hi", author="UBOB")
    ids = {uid: m.id for uid, m in members.items()}
    with any_db.read() as s:
        found = acquaintances(s, TEAM, ids["UAUTHOR"], [ids["UALICE"], ids["UBOB"], ids["UCAROL"]])
        assert found.known == {ids["UALICE"]}
        assert acquaintances(s, "TOTHER", ids["UAUTHOR"], [ids["UALICE"]]).known == frozenset()
        assert acquaintances(s, TEAM, ids["UAUTHOR"], []).known == frozenset()


def test_due_follow_ups_done_and_snooze(any_db: Database) -> None:
    members = people(any_db)
    log(any_db, "<@UALICE> one follow up tomorrow")
    log(any_db, "<@UBOB> two follow up in 2 weeks")
    author = members["UAUTHOR"]
    with any_db.read() as s:
        due = due_through(s, followups.DUE, TEAM, date(2026, 11, 24), [author.id])
        assert [(i.person.user_id, i.due_on, i.note) for i in due] == [("UALICE", date(2026, 11, 24), "one")]
        assert due_through(s, followups.DUE, TEAM, date(2026, 11, 24)) == due  # the whole workspace
        assert due_through(s, followups.DUE, "TOTHER", date(2027, 1, 1)) == []
    (item,) = due
    with any_db.write() as s:
        outcome = agenda.snooze(s, TEAM, "UAUTHOR", item.ref, T0, span="1w")
        assert outcome.ok, outcome.refused
        assert not agenda.snooze(s, TEAM, "UBOB", item.ref, T0, span="1d").ok  # not Bob's
    with any_db.read() as s:
        assert due_through(s, followups.DUE, TEAM, date(2026, 11, 29)) == []
        (again,) = due_through(s, followups.DUE, TEAM, date(2026, 11, 30))
        assert again.due_on == date(2026, 11, 30)
    with any_db.write() as s:
        assert not agenda.done(s, TEAM, "UBOB", item.ref, T0).ok
        assert agenda.done(s, TEAM, "UAUTHOR", item.ref, T0).ok
        assert not agenda.done(s, TEAM, "UAUTHOR", item.ref, T0).ok
    with any_db.read() as s:
        assert [i.note for i in followups.open_followups(s, TEAM, author.id)] == ["two"]


def test_follow_ups_about_deactivated_people_are_never_due(any_db: Database) -> None:
    members = people(any_db)
    log(any_db, "<@UALICE> one follow up tomorrow")
    with any_db.write() as s:
        alice = s.get(Member, members["UALICE"].id)
        assert alice is not None
        alice.deleted = True
    with any_db.read() as s:
        assert due_through(s, followups.DUE, TEAM, date(2027, 1, 1)) == []


def test_a_cadence_is_due_then_reset_by_a_log_and_by_touch(any_db: Database) -> None:
    members = people(any_db)
    author, alice = members["UAUTHOR"], members["UALICE"]
    with any_db.write() as s:
        result = cadences.request(s, TEAM, "UAUTHOR", "<@UALICE> every 2 weeks", T0)
        assert result.refused is None
        assert [c.next_due_on for c in result.started] == [date(2026, 12, 7)]
    with any_db.read() as s:
        assert due_through(s, cadences.DUE, TEAM, date(2026, 12, 6)) == []
        (due,) = due_through(s, cadences.DUE, TEAM, date(2026, 12, 7), [author.id])
        assert (due.person.user_id, due.every_days) == ("UALICE", 14)
    log(any_db, "<@UALICE> caught up", at=T0 + timedelta(days=10))
    with any_db.read() as s:
        assert due_through(s, cadences.DUE, TEAM, date(2026, 12, 16)) == []
        assert len(due_through(s, cadences.DUE, TEAM, date(2026, 12, 17))) == 1
    with any_db.write() as s:
        assert cadences.touch(s, TEAM, author.id, alice.id, T0 + timedelta(days=20))
        assert not cadences.touch(s, TEAM, author.id, alice.id, T0 + timedelta(days=1))  # never backwards
    with any_db.read() as s:
        assert due_through(s, cadences.DUE, TEAM, date(2026, 12, 26)) == []
        (cadence,) = s.scalars(select(Cadence))
        assert cadence.next_due_on == date(2026, 12, 27)


def test_stop_ends_a_cadence_and_a_new_one_counts_from_the_last_log(any_db: Database) -> None:
    people(any_db)
    log(any_db, "<@UBOB> lunch", at=T0 - timedelta(days=40))
    with any_db.write() as s:
        started = cadences.request(s, TEAM, "UAUTHOR", "<@UBOB> every month", T0).started
        assert [c.next_due_on for c in started] == [date(2026, 11, 13)]  # already due
        stopped = cadences.request(s, TEAM, "UAUTHOR", "<@UBOB> stop", T0)
        assert [m.user_id for m in stopped.stopped] == ["UBOB"]
        again = cadences.request(s, TEAM, "UAUTHOR", "<@UBOB> stop", T0)
        assert [m.user_id for m in again.not_found] == ["UBOB"]
    with any_db.read() as s:
        assert due_through(s, cadences.DUE, TEAM, date(2027, 1, 1)) == []


def test_keep_in_touch_understands_intervals_and_refuses_nonsense(any_db: Database) -> None:
    people(any_db)
    assert cadences.read_every("every 6 weeks") == 42
    assert cadences.read_every("Every other week") == 14
    assert cadences.read_every("monthly") == 30
    assert cadences.read_every("every quarter") == 91
    assert cadences.read_every("every three days") == 3
    assert cadences.read_every("sometimes") is None
    with any_db.write() as s:
        assert cadences.request(s, TEAM, "UAUTHOR", "<@UALICE> sometimes", T0).refused
        assert cadences.request(s, TEAM, "UAUTHOR", "<@UALICE> every 900 days", T0).refused
        assert cadences.request(s, TEAM, "UAUTHOR", "every week", T0).refused
        listing = cadences.request(s, TEAM, "UAUTHOR", "", T0)
        assert listing.refused is None
        assert listing.listing == []


def test_undo_really_deletes_and_puts_the_cadence_back(any_db: Database) -> None:
    people(any_db)
    with any_db.write() as s:
        cadences.request(s, TEAM, "UAUTHOR", "<@UALICE> every week", T0)
    logged = log(any_db, "<@UALICE> <@UBOB> secret plans #gave follow up friday", at=T0 + timedelta(days=3))
    assert logged.interaction_id is not None
    with any_db.write() as s:
        assert interactions.undo(s, TEAM, "UBOB", logged.interaction_id) is None  # not Bob's to undo
        assert interactions.undo(s, TEAM, "UAUTHOR", logged.interaction_id) == 2  # a follow-up each
        assert interactions.undo(s, TEAM, "UAUTHOR", logged.interaction_id) is None
    assert (count(any_db, Interaction), count(any_db, InteractionParticipant), count(any_db, FollowUp)) == (
        0,
        0,
        0,
    )
    with any_db.read() as s:
        (cadence,) = s.scalars(select(Cadence))
        assert cadence.last_contact_at is None
        assert cadence.next_due_on == date(2026, 11, 30)


def test_balances_and_network_by_title(any_db: Database) -> None:
    members = people(any_db)
    log(any_db, "<@UALICE> reviewed her design #gave")
    log(any_db, "<@UALICE> paired #gave")
    log(any_db, "<@UBOB> he unblocked me #got")
    log(any_db, "<@UCAROL> coffee", at=T0 - timedelta(days=200))
    author = members["UAUTHOR"]
    with any_db.read() as s:
        logs = home.overview(s, TEAM, author.id, T0)
    assert [(b.person.user_id, b.gave, b.got) for b in logs.balances] == [("UALICE", 2, 0), ("UBOB", 0, 1)]
    assert logs.network == [("Product Manager", 1), ("Staff Engineer", 1)]  # Carol was 200 days ago
    assert [e.note for e in logs.recent] == ["he unblocked me", "paired", "reviewed her design", "coffee"]


def test_the_form_checks_its_fields_and_closes_the_item_it_answers(any_db: Database) -> None:
    people(any_db)
    log(any_db, "<@UALICE> kickoff follow up tomorrow")
    with any_db.read() as s:
        (item,) = agenda.for_author(s, TEAM, "UAUTHOR", T0).items
    bad = [
        (Draft(user_ids=[]), "people"),
        (Draft(user_ids=["UALICE"], occurred_on=date(2026, 11, 30)), "when"),
        (Draft(user_ids=["UALICE"], follow_up_on=date(2026, 11, 1)), "follow_up"),
        (Draft(user_ids=["UALICE"], note="z" * 3001), "note"),
        (Draft(user_ids=["UALICE"], topics=[f"t{i}" for i in range(30)]), "topics"),
    ]
    with any_db.write() as s:
        for draft, field in bad:
            logged = interactions.log_form(s, TEAM, "UAUTHOR", draft, T0)
            assert logged.refused is not None
            assert (logged.saved, logged.refused.field) == (False, field)
        good = Draft(
            user_ids=["UALICE"],
            note="follow-up call",
            occurred_on=date(2026, 11, 20),
            give_take=GOT,
            closes=item.ref,
        )
        logged = interactions.log_form(s, TEAM, "UAUTHOR", good, T0)
        assert logged.saved
        assert logged.occurred_at is not None
        assert logged.occurred_at.date() == date(2026, 11, 20)
    with any_db.read() as s:
        assert agenda.for_author(s, TEAM, "UAUTHOR", T0).items == []


def test_workspaces_never_see_each_other(any_db: Database) -> None:
    people(any_db)
    people_b = add_members(any_db, "T0002", slack_user("UZED"), slack_user("UYOU"))
    log(any_db, "<@UALICE> team one note follow up tomorrow")
    # In the other workspace the same Slack ids are strangers.
    other = log(any_db, "<@UALICE> hello", author="UZED", team_id="T0002")
    assert not other.saved
    assert other.unknown == ["UALICE"]
    with any_db.read() as s:
        assert due_through(s, followups.DUE, "T0002", date(2027, 1, 1)) == []
        assert agenda.for_author(s, "T0002", "UAUTHOR", T0).items == []
        assert home.overview(s, "T0002", people_b["UZED"].id, T0).recent == []


def test_database_errors_never_carry_a_note(any_db: Database) -> None:
    with pytest.raises(IntegrityError) as caught, any_db.write() as s:
        s.execute(
            insert(Interaction).values(
                team_id=TEAM, author_id=987654, occurred_at=T0, created_at=T0, note="the secret", topics=""
            )
        )
    assert "the secret" not in str(caught.value)
