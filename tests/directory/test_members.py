"""The directory store on SQLite and PostgreSQL: upserts, title changes, event de-duplication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.directory import members, sync
from bot.models import Member, ProcessedEvent, TitleChange
from bot.platform import events
from bot.platform.db import Database
from bot.platform.storage import insert_many_ignore
from tests.support.wiring import STORED

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def user(uid: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": uid,
        "name": uid.lower(),
        "deleted": False,
        "is_bot": False,
        "tz": "Europe/Paris",
        "profile": {"real_name": f"Person {uid}", "display_name": "", "title": "Engineer"},
    }
    base.update(overrides)
    return base


def test_upsert_inserts_then_updates(any_db: Database) -> None:
    with any_db.write() as s:
        members.ensure_workspace(s, "T1", NOW, name="Acme")
        assert members.upsert_members(s, "T1", [user("U1"), user("U2", is_bot=True)], NOW, stored=STORED) == 2
    with any_db.write() as s:
        members.upsert_members(
            s, "T1", [user("U1", deleted=True, tz="Not/AZone")], NOW + timedelta(hours=1), stored=STORED
        )
    with any_db.read() as s:
        found = members.find_members(s, "T1", ["U1", "U2", "U404"])
        assert set(found) == {"U1", "U2"}
        assert found["U1"].deleted is True
        assert found["U1"].tz == "UTC"  # an unknown zone never breaks scheduling
        assert found["U1"].synced_at == NOW + timedelta(hours=1)
        assert found["U2"].is_bot is True
        assert found["U1"].label == "Person U1"


def test_a_new_title_is_recorded_as_a_change(any_db: Database) -> None:
    with any_db.write() as s:
        members.ensure_workspace(s, "T1", NOW)
        for title in ("Engineer", "Senior Engineer", "Senior Engineer"):
            members.upsert_members(s, "T1", [user("U1", profile={"title": title})], NOW, stored=STORED)
    with any_db.read() as s:
        changes = s.scalars(select(TitleChange)).all()
        assert [(c.old_title, c.new_title) for c in changes] == [("Engineer", "Senior Engineer")]


def test_the_same_slack_id_in_two_workspaces_is_two_people(any_db: Database) -> None:
    with any_db.write() as s:
        for team in ("T1", "T2"):
            members.ensure_workspace(s, team, NOW)
            members.upsert_members(
                s, team, [user("U1", profile={"title": f"title in {team}"})], NOW, stored=STORED
            )
    with any_db.read() as s:
        assert members.find_member(s, "T1", "U1").title == "title in T1"  # type: ignore[union-attr]
        assert members.find_member(s, "T2", "U1").title == "title in T2"  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(Member)) == 2


def test_an_event_is_applied_once(any_db: Database) -> None:
    with any_db.write() as s:
        assert sync.apply_user_event(s, "T1", "Ev1", user("U1"), NOW, stored=STORED)
    with any_db.write() as s:
        assert not sync.apply_user_event(s, "T1", "Ev1", user("U1", deleted=True), NOW, stored=STORED)
    with any_db.read() as s:
        assert members.find_member(s, "T1", "U1").deleted is False  # type: ignore[union-attr]


def test_a_failed_event_is_not_marked_processed(any_db: Database) -> None:
    try:
        with any_db.write() as s:
            assert events.first_delivery(s, "T1", "Ev2", NOW)
            raise RuntimeError("the effect failed")
    except RuntimeError:
        pass
    with any_db.write() as s:
        assert events.first_delivery(s, "T1", "Ev2", NOW)  # Slack's retry gets applied


def test_old_event_ids_are_forgotten(any_db: Database) -> None:
    with any_db.write() as s:
        events.first_delivery(s, "T1", "old", NOW - timedelta(days=3))
        events.first_delivery(s, "T1", "new", NOW)
    with any_db.write() as s:
        assert events.forget_old(s, NOW) == 1
    with any_db.read() as s:
        assert s.scalars(select(ProcessedEvent.event_id)).all() == ["new"]


def test_bulk_insert_ignore_counts_only_new_rows(any_db: Database) -> None:
    rows = [{"event_id": f"E{i}", "team_id": "T1", "received_at": NOW} for i in range(3)]
    with any_db.write() as s:
        assert insert_many_ignore(s, ProcessedEvent, rows[:2], ["event_id"]) == 2
    with any_db.write() as s:
        assert insert_many_ignore(s, ProcessedEvent, rows, ["event_id"]) == 1


def test_directory_text_from_slack_is_stored_printable_on_both_databases(any_db: Database) -> None:
    odd = {
        "real_name": "Ann\x00 Lee\x1b",
        "display_name": "ann\u0085",
        "title": "Staff\x00 Engineer " + "x" * 300,
    }
    with any_db.write() as s:
        members.ensure_workspace(s, "T1", NOW)
        members.upsert_members(s, "T1", [user("U1", name="an\x00n", profile=odd)], NOW, stored=STORED)
    with any_db.read() as s:
        ann = s.scalar(select(Member).where(Member.user_id == "U1"))
        assert ann is not None
        assert (ann.name, ann.real_name, ann.display_name) == ("ann", "Ann Lee", "ann")
        assert ann.title.startswith("Staff Engineer xxx")
        assert len(ann.title) == 255
