"""Endorsements waiting for their endorsee's OK in the digest, on both databases: planned once,
for the endorsee alone, on their next working morning; no one else's circle grows from them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.expertise import endorsements, skills
from bot.models import Member
from bot.models.outbox import Nudge
from bot.nudges import circle
from bot.platform.db import Database
from tests.support import wiring
from tests.support.fakeslack import FakeSlack
from tests.support.nudgekit import TEAM
from tests.support.nudgekit import people as add_people
from tests.support.wiring import EVIDENCE

FRIDAY_EVENING = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)  # London: after the working day
MONDAY = date(2026, 11, 30)


def planned(db: Database) -> list[tuple[str, str, str, date]]:
    """Every nudge: (recipient, kind, about whom, local day)."""
    subject = aliased(Member)
    with db.read() as s:
        rows = s.execute(
            select(Member.user_id, Nudge.kind, subject.user_id, Nudge.local_date)
            .join(Member, Member.id == Nudge.recipient_id)
            .join(subject, subject.id == Nudge.subject_id)
            .where(Nudge.team_id == TEAM)
        ).all()
    return sorted((r, kind, about, day) for r, kind, about, day in rows)


def test_a_held_endorsement_is_planned_once_for_its_endorsee_alone(any_db: Database) -> None:
    found = add_people(
        any_db,
        FakeSlack(),
        *({"id": u, "tz": "Europe/London"} for u in ("UANN", "UBOB", "UCAT")),
        now=FRIDAY_EVENING,
    )
    with any_db.write() as s:
        endorsements.endorse(
            s, TEAM, "UANN", ["UBOB"], "tax fraud, kubernetes", FRIDAY_EVENING, evidence=EVIDENCE
        )
        endorsements.endorse(s, TEAM, "UBOB", ["UCAT"], "go", FRIDAY_EVENING, evidence=EVIDENCE)
    for _ in range(2):  # a second planner (or the next tick) finds them claimed
        with any_db.write() as s:
            wiring.plan(s, TEAM, FRIDAY_EVENING)
    assert planned(any_db) == [
        ("UBOB", "endorsed", "UANN", MONDAY),  # Kubernetes, told as before
        ("UBOB", "endorsement_held", "UANN", MONDAY),  # tax fraud, to accept: Bob's alone
        ("UCAT", "endorsed", "UBOB", MONDAY),
    ]
    endorsed_kind, held_kind = wiring.KINDS.get("endorsed"), wiring.KINDS.get("endorsement_held")
    assert endorsed_kind is not None
    assert held_kind is not None
    with any_db.read() as s:
        bob = {n.kind: n for n in s.scalars(select(Nudge).where(Nudge.recipient_id == found["UBOB"].id))}
        told = endorsed_kind.describe(s, TEAM, [bob["endorsed"]], FRIDAY_EVENING)
        held = bob["endorsement_held"]
        asked = held_kind.describe(s, TEAM, [held], FRIDAY_EVENING)
    told_line = told[bob["endorsed"].id]
    assert told_line is not None
    assert told_line.text == "<@UANN> endorsed you for *Kubernetes*. :raised_hands:"  # not tax fraud
    line = asked[held.id]
    assert line is not None
    assert line.text == "<@UANN> endorsed you for *tax fraud*. Show it on your profile?"
    assert line.blocks is not None
    assert [e["action_id"] for e in line.blocks[1]["elements"]] == ["endorsement_accept", "endorsement_hide"]


def test_only_a_shown_endorsement_puts_someone_in_the_endorser_s_circle(any_db: Database) -> None:
    found = add_people(
        any_db, FakeSlack(), *({"id": u, "tz": "Europe/London"} for u in ("UANN", "UBOB")), now=FRIDAY_EVENING
    )
    ann, bob = found["UANN"].id, found["UBOB"].id

    def ann_has_bob() -> bool:
        with any_db.read() as s:
            pairs = s.execute(circle.endorsed(TEAM, select(Member.id).where(Member.id == bob))).all()
        return (ann, bob) in {(m, o) for m, o in pairs}

    with any_db.write() as s:
        endorsements.endorse(s, TEAM, "UANN", ["UBOB"], "tax fraud", FRIDAY_EVENING, evidence=EVIDENCE)
    assert not ann_has_bob()
    with any_db.write() as s:
        skills.accept(s, TEAM, "UBOB", "tax fraud", FRIDAY_EVENING, evidence=EVIDENCE)
    assert ann_has_bob()
    with any_db.write() as s:
        skills.remove(s, TEAM, "UBOB", "tax fraud", FRIDAY_EVENING, evidence=EVIDENCE)
    assert not ann_has_bob()
