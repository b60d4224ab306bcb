"""A small workspace's day, told as JSON: the wiring, a digest and two `/whoknows` answers.

`python -m tests.architecture.scenario DB_PATH MODULE…` imports the modules in the order given,
and only then Rapport's composition root, so that a test can compare what different import
orders make of the same day (`test_wiring.py`).
"""

from __future__ import annotations

import importlib
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # a Tuesday, before London's morning


def day(db_path: str) -> dict[str, Any]:
    from bot.bootstrap import build_registry, open_database
    from bot.delivery import outbox
    from bot.directory.members import ensure_workspace, find_member, upsert_members
    from bot.expertise import endorsements, ranking
    from bot.kudos import giving
    from bot.nudges.digest import DIGEST
    from bot.platform.migrate import upgrade
    from bot.relationships import interactions

    registry = build_registry()
    db = open_database(f"sqlite:///{db_path}")
    upgrade(db)
    team, yesterday = "T0001", NOW - timedelta(days=1)
    people = [
        {"id": "UANN", "tz": "Europe/London", "profile": {"real_name": "Ann", "title": "Platform Engineer"}},
        {
            "id": "UBOB",
            "tz": "Europe/London",
            "profile": {"real_name": "Bob", "title": "Site Reliability Engineer"},
        },
        {"id": "UCAT", "tz": "Europe/London", "profile": {"real_name": "Cat", "title": "Designer"}},
    ]
    with db.write() as s:
        ensure_workspace(s, team, yesterday)
        upsert_members(s, team, people, yesterday, stored=registry.on_members_stored)
        cat = find_member(s, team, "UCAT")
        assert cat is not None
        cat.birthday_month, cat.birthday_day = 11, 25  # tomorrow: in Ann's circle, she logged with Cat
    with db.write() as s:
        interactions.log_text(
            s, team, "UANN", "<@UBOB> coffee about the migration follow up today", yesterday
        )
        interactions.log_text(s, team, "UANN", "<@UCAT> lunch", yesterday)
        endorsements.endorse(s, team, "UCAT", ["UANN"], "terraform", yesterday, evidence=registry.evidence)
        given = giving.give(s, team, "UBOB", "<@UANN> for the kubernetes upgrade", yesterday, request_id="t1")
        assert isinstance(given, giving.Given)
        giving.settle(s, given.kudos, evidence=registry.evidence)
    with db.write() as s:
        planned = registry.planner.plan(s, team, NOW)
    at_nine = NOW.replace(hour=9, minute=1)
    digests = registry.outbox[DIGEST]
    with db.write() as s:
        assert digests.prepare is not None
        digests.prepare(s, team, at_nine)
        claimed = outbox.claim(s, team, at_nine, worker="scenario")
        messages = digests.render(s, team, claimed, at_nine)
    with db.read() as s:
        answers = {
            topic: [
                (p.user_id, p.reasons)
                for p in ranking.who_knows(
                    s, team, "UCAT", topic, NOW, evidence=registry.evidence, known=registry.known_people
                ).people
            ]
            for topic in ("kubernetes", "terraform", "site reliability engineering")
        }
    db.dispose()
    return {
        "wiring": {
            "evidence": [source.name for source in registry.evidence],
            "kinds": [
                name
                for name in (
                    "follow_up",
                    "fresh_contact",
                    "keep_in_touch",
                    "birthday",
                    "anniversary",
                    "promotion",
                    "endorsed",
                    "kudos_received",
                )
                if registry.nudge_kinds.get(name)
            ],
            "kind_order": sorted(
                ("follow_up", "birthday", "endorsed", "kudos_received"), key=registry.nudge_kinds.order
            ),
            "sources": [getattr(s.build, "__qualname__", "?") for s in registry.planner.sources],
            "circle": [getattr(part, "__qualname__", "?") for part in registry.planner.context.parts],
            "settings": [section.name for section in registry.settings],
            "outbox": sorted(registry.outbox),
            "seeders": [getattr(seeder, "__qualname__", "?") for seeder in registry.seeders],
        },
        "planned": planned,
        "digests": [message for message in messages.values() if message],
        "whoknows": answers,
    }


if __name__ == "__main__":
    for name in sys.argv[2:]:
        importlib.import_module(name)
    print(json.dumps(day(sys.argv[1]), sort_keys=True, ensure_ascii=False))
