"""/whoknows marks people the asker knows from their own log, and names introducers from public ties."""

from __future__ import annotations

import json

from bot.expertise import endorsements, skills
from bot.models import Member
from bot.platform.db import Database
from bot.relationships import acquaintances as known_people
from bot.relationships import interactions
from tests.support.factories import T0, add_members, slack_user
from tests.support.fixtures import Served
from tests.support.wiring import EVIDENCE

TEAM = "T0001"


def town(db: Database) -> dict[str, int]:
    members = add_members(
        db,
        TEAM,
        *(slack_user(u) for u in ("UASKER", "UALICE", "UBOB", "UCAROL", "UDAVE", "UGONE")),
    )
    return {uid: m.id for uid, m in members.items()}


def log(db: Database, author: str, text: str) -> None:
    with db.write() as s:
        assert interactions.log_text(s, TEAM, author, text, T0).saved


def test_known_from_my_log_and_introducers_from_endorsements(any_db: Database) -> None:
    ids = town(any_db)
    log(any_db, "UASKER", "<@UALICE> coffee")  # the asker knows Alice…
    log(any_db, "UASKER", "<@UGONE> old friend")
    log(any_db, "UCAROL", "<@UBOB> Carol's private chat with Bob")  # …never read for the asker
    with any_db.write() as s:
        endorsements.endorse(
            s, TEAM, "UALICE", ["UCAROL"], "kubernetes", T0, evidence=EVIDENCE
        )  # Alice vouched for Carol
        endorsements.endorse(
            s, TEAM, "UDAVE", ["UALICE"], "kubernetes", T0, evidence=EVIDENCE
        )  # Dave vouched for Alice
        endorsements.endorse(
            s, TEAM, "UGONE", ["UBOB"], "kubernetes", T0, evidence=EVIDENCE
        )  # Gone vouched for Bob…
        gone = s.get(Member, ids["UGONE"])
        assert gone is not None
        gone.deleted = True  # …and left
    candidates = [ids[u] for u in ("UALICE", "UBOB", "UCAROL", "UDAVE")]
    with any_db.read() as s:
        found = known_people.acquaintances(s, TEAM, ids["UASKER"], candidates)
        assert known_people.acquaintances(s, TEAM, ids["UASKER"], []).known == frozenset()
        elsewhere = known_people.acquaintances(s, "T0002", ids["UASKER"], candidates)
    assert found.known == {ids["UALICE"]}
    # Carol via Alice (Alice endorsed her), Dave via Alice (he endorsed her); Bob not via the departed.
    assert found.introducers == {ids["UCAROL"]: ids["UALICE"], ids["UDAVE"]: ids["UALICE"]}
    assert elsewhere.known == frozenset()
    assert elsewhere.introducers == {}


def test_whoknows_marks_a_colleague_i_logged_with(rapport: Served) -> None:
    db = rapport.core.db
    town(db)
    with db.write() as s:
        skills.add(s, TEAM, "UALICE", "terraform", T0, evidence=EVIDENCE)
        skills.add(s, TEAM, "UBOB", "terraform", T0, evidence=EVIDENCE)
    assert rapport.http.command("/log", "<@UALICE> pairing on modules", user_id="UASKER").status == 200
    body = rapport.http.command("/whoknows", "terraform", user_id="UASKER").json()
    text = json.dumps(body["blocks"])
    assert "You already know them" in text
    assert text.index("<@UALICE>") < text.index("<@UBOB>")
    # Carol has logged with nobody: nothing is marked for her.
    other = json.dumps(rapport.http.command("/whoknows", "terraform", user_id="UCAROL").json()["blocks"])
    assert "You already know them" not in other
