"""The digest reads like a person wrote it: one person's kudos (or endorsements) are one line
with one acknowledge button, which acknowledges all of them, once; each kind has one set of
controls."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.core import Core
from bot.expertise import endorsements
from bot.kudos import posts as kudos_posts
from bot.models import Member
from bot.models.outbox import Nudge
from bot.nudges.digest import MAX_ITEMS
from bot.platform.db import Database
from bot.platform.refusals import Refusal
from bot.relationships import cadences, interactions
from bot.relationships.ids import ITEM_BLOCK, Action
from jobs.nudges import run_nudges
from tests.support.clock import FakeClock
from tests.support.fakeslack import FakeSlack, block_errors
from tests.support.fixtures import Served
from tests.support.nudgekit import TEAM, dms, make_core, people
from tests.support.slackreq import block_actions
from tests.support.wiring import EVIDENCE

MONDAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the fixture clock's start; London = UTC
TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
WEDNESDAY_9 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
REASONS = ["the migration", "on-call", "the runbook", *(f"review {i}" for i in range(4, 40))]


def give(core: Core, giver: str, receiver: str, reasons: list[str]) -> None:
    """`giver` thanks `receiver` once per reason, a few minutes apart (within the hourly limit)."""
    for reason in reasons:
        with core.db.write() as s:
            given = kudos_posts.accept(
                s, core.settings, TEAM, giver, f"<@{receiver}> for {reason}", core.clock(), request_id=None
            )
            assert not isinstance(given, Refusal), given
        core.clock.advance(minutes=7)  # type: ignore[attr-defined]


def morning(core: Core, at: datetime) -> None:
    """The nudges job the evening before (it plans) and at `at` (it plans and sends)."""
    run_nudges(core, core.clock.set(at - timedelta(hours=12)))  # type: ignore[attr-defined]
    run_nudges(core, core.clock.set(at))  # type: ignore[attr-defined]


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def controls(message: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Each line's buttons by its block id: (action id, label)."""
    return {
        b["block_id"]: [
            (e["action_id"], (e.get("text") or e.get("placeholder") or {}).get("text", ""))
            for e in b["elements"]
        ]
        for b in message["blocks"]
        if b["type"] == "actions"
    }


def statuses(db: Database, subject: str) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(Nudge.status)
                .join(Member, Member.id == Nudge.subject_id)
                .where(Member.user_id == subject)
                .order_by(Nudge.id)
            )
        )


def test_ten_kudos_from_one_person_are_one_line_acknowledged_at_once(rapport: Served) -> None:
    core, slack = rapport.core, rapport.slack
    people(core.db, slack, {"id": "UANN"}, {"id": "UGRACE"}, {"id": "UBOB"}, now=MONDAY)
    give(core, "UGRACE", "UANN", REASONS[:10])
    give(core, "UBOB", "UANN", ["the pairing"])
    morning(core, TUESDAY_9)
    (dm,) = dms(slack, "UANN")
    assert block_errors(dm["blocks"]) == []
    shown = sections(dm)
    assert shown[0] == "Good morning! 2 things worth a moment today."
    grace = [s for s in shown if "UGRACE" in s]
    assert grace == [
        ":tada: <@UGRACE> gave you 10 kudos this week: for the migration, for on-call, for the runbook"
        " and 7 more"
    ]
    assert ":tada: <@UBOB> gave you kudos for the pairing" in shown
    buttons = controls(dm)
    assert list(buttons.values()) == [[(Action.DONE, "Got it")]] * 2  # one set for Grace's ten
    grace_block = next(b for b in buttons if b.startswith(ITEM_BLOCK))

    click = block_actions(
        "UANN", Action.DONE, grace_block.removeprefix(ITEM_BLOCK), message=dm, block_id=grace_block
    )
    assert rapport.http.interact(click).status == 200
    slack.wait_for("chat.update")
    assert statuses(core.db, "UGRACE") == ["done"] * 10
    assert statuses(core.db, "UBOB") == ["sent"]
    seen = slack.message(dm["channel"], dm["ts"])
    assert seen is not None
    assert block_errors(seen["blocks"]) == []
    text = json.dumps(seen["blocks"], ensure_ascii=False)
    assert "gave you 10 kudos this week" in text  # still reads as good news…
    assert "~" not in text  # …not as a task struck through
    assert "Done" not in text
    assert "Seen ✓" in text
    assert list(controls(seen).values()) == [[(Action.DONE, "Got it")]]  # Bob's, still there
    with core.db.read() as s:
        settled_at = sorted(s.scalars(select(Nudge.updated_at)))

    assert rapport.http.interact(click).status == 200  # a second click (or a replay)
    slack.wait_for("chat.update", count=2)
    assert statuses(core.db, "UGRACE") == ["done"] * 10
    with core.db.read() as s:
        assert sorted(s.scalars(select(Nudge.updated_at))) == settled_at  # nothing changed
    assert slack.message(dm["channel"], dm["ts"]) == seen

    core.clock.set(TUESDAY_9 + timedelta(hours=5))  # type: ignore[attr-defined]
    give(core, "UGRACE", "UANN", ["the demo"])
    morning(core, WEDNESDAY_9)
    _, wednesday = dms(slack, "UANN")
    assert [s for s in sections(wednesday) if "UGRACE" in s] == [
        ":tada: <@UGRACE> gave you kudos for the demo"
    ]


def test_one_person_s_kudos_come_whole_however_many(db: Database, slack: FakeSlack, clock: FakeClock) -> None:
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UGRACE"}, now=MONDAY)
    clock.set(MONDAY - timedelta(hours=4))
    give(core, "UGRACE", "UANN", REASONS[: MAX_ITEMS + 5])
    morning(core, TUESDAY_9)
    (dm,) = dms(slack, "UANN")
    assert f"gave you {MAX_ITEMS + 5} kudos this week" in json.dumps(dm["blocks"])
    assert f"and {MAX_ITEMS + 2} more" in json.dumps(dm["blocks"])
    assert len(controls(dm)) == 1
    assert statuses(db, "UGRACE") == ["sent"] * (MAX_ITEMS + 5)  # none left for tomorrow
    morning(core, WEDNESDAY_9)
    assert len(dms(slack, "UANN")) == 1


def test_kudos_from_before_the_weekend_say_since_when(
    db: Database, slack: FakeSlack, clock: FakeClock
) -> None:
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UGRACE"}, now=MONDAY)
    clock.set(datetime(2026, 11, 19, 15, 0, tzinfo=UTC))  # Thursday
    give(core, "UGRACE", "UANN", ["the migration"])
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # Friday
    give(core, "UGRACE", "UANN", ["on-call"])
    run_nudges(core, clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))  # Monday morning
    (dm,) = dms(slack, "UANN")
    assert (
        ":tada: <@UGRACE> gave you 2 kudos since Thu, Nov 19: for the migration and for on-call"
        in sections(dm)
    )


def test_one_person_s_endorsements_are_one_line(db: Database, slack: FakeSlack, clock: FakeClock) -> None:
    core = make_core(slack, db, clock)
    people(db, slack, {"id": "UANN"}, {"id": "UBOB"}, now=MONDAY)
    clock.set(MONDAY.replace(hour=19))  # after Monday's working day: all for Tuesday's digest
    for skills in ("python, terraform", "go", "tax law"):  # each told by the next planning run
        with db.write() as s:
            endorsements.endorse(s, TEAM, "UBOB", ["UANN"], skills, clock(), evidence=EVIDENCE)
        run_nudges(core, clock.advance(hours=1))
    run_nudges(core, clock.set(TUESDAY_9))
    (dm,) = dms(slack, "UANN")
    assert block_errors(dm["blocks"]) == []
    shown = sections(dm)
    assert "<@UBOB> endorsed you for *Python*, *Terraform* and *Go*. :raised_hands:" in "\n".join(shown)
    assert sum("endorsed you for" in s for s in shown) == 2  # and the one waiting for Ann's OK
    assert statuses(db, "UBOB") == ["sent"] * 3
    assert list(controls(dm).values()) == [
        [(Action.DONE, "Got it")],  # Python, Terraform and Go
        [("endorsement_accept", "Accept"), ("endorsement_hide", "Hide")],  # tax law: issue 11's
    ]


def test_each_kind_has_one_set_of_controls(db: Database, slack: FakeSlack, clock: FakeClock) -> None:
    core = make_core(slack, db, clock)
    found = people(db, slack, *({"id": u} for u in ("UANN", "UBOB", "UCAT", "UDAN", "UGRACE")), now=MONDAY)
    with db.write() as s:
        assert interactions.log_text(
            s, TEAM, "UANN", "<@UBOB|bob> roadmap follow up on Wednesday", MONDAY
        ).saved
        assert interactions.log_text(s, TEAM, "UANN", "<@UCAT|cat> met at the offsite", MONDAY).saved
        ann, dan = s.get(Member, found["UANN"].id), s.get(Member, found["UDAN"].id)
        assert ann is not None
        assert dan is not None
        cadences.keep_in_touch(s, TEAM, ann, dan, 2, MONDAY)  # due Wednesday
        dan.birthday_month, dan.birthday_day = 11, 26  # Thursday: told on Wednesday
    clock.set(TUESDAY_9 + timedelta(hours=3))
    give(core, "UGRACE", "UANN", ["the migration"])
    with db.write() as s:
        endorsements.endorse(s, TEAM, "UGRACE", ["UANN"], "python, tax law", clock(), evidence=EVIDENCE)
    run_nudges(core, clock.set(WEDNESDAY_9))
    (dm,) = dms(slack, "UANN")
    assert block_errors(dm["blocks"]) == []
    assert sections(dm)[0] == "Good morning! 7 things worth a moment today."
    with db.read() as s:
        kinds = dict(s.execute(select(Nudge.id, Nudge.kind)).all())
    by_kind: dict[str, list[list[tuple[str, str]]]] = {}
    for block_id, buttons in controls(dm).items():
        ref = block_id.removeprefix(ITEM_BLOCK)
        kind = (
            kinds[int(ref[2:])]
            if ref.startswith("n:")
            else {"f": "follow_up", "c": "keep_in_touch"}.get(ref[0], "held")
        )
        by_kind.setdefault(kind, []).append(buttons)
    follow_up = [
        (Action.DONE, "Done"),
        (Action.SNOOZE, "Snooze"),
        (Action.SNOOZE_UNTIL, "Snooze until…"),
        (Action.LOG_IT, "Log it"),
    ]
    assert by_kind == {
        "follow_up": [follow_up],
        "fresh_contact": [follow_up],  # Cat, two days after a first talk
        "keep_in_touch": [follow_up],
        "birthday": [[(Action.DONE, "Done")]],
        "kudos_received": [[(Action.DONE, "Got it")]],
        "endorsed": [[(Action.DONE, "Got it")]],
        "held": [[("endorsement_accept", "Accept"), ("endorsement_hide", "Hide")]],
    }
