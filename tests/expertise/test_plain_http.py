"""/whoknows as people ask it, end to end over signed HTTP: a concept found through the skills
under it (and said so), several skills at once (who covers what), nobody found (the nearest
skills people have, a question to ask in a channel), and the month's unanswered questions for
admins (topics only: the record holds no user id)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.models.expertise import UnansweredTopic
from tests.expertise.graph import the_graph
from tests.expertise.test_http import command, shown
from tests.support.factories import add_members, slack_user
from tests.support.fixtures import Served

TEAM = "T0001"
ANA, BEN, CY, DEE, BOSS = "U0ANA", "U0BEN", "U0CY", "U0DEE", "U0BOSS"


@pytest.fixture
def app(rapport: Served) -> Any:
    users = [
        slack_user(ANA, title="Engineer"),
        slack_user(BEN, title="Engineer"),
        slack_user(CY),
        slack_user(DEE),
        slack_user(BOSS, is_admin=True),
    ]
    add_members(rapport.core.db, TEAM, *users)
    for user in users:
        rapport.slack.add_user(user["id"])
    with the_graph():
        yield rapport


def test_a_concept_finds_the_skills_under_it_and_says_why(app: Served) -> None:
    command(app, "/skills", "add kubernetes", user=ANA)
    command(app, "/skills", "add docker", user=BEN)
    answer = command(app, "/whoknows", "who knows container orchestration?", user=CY)
    text = shown(answer)
    assert "People who know *Container orchestration*:" in text
    assert f"<@{ANA}>" in text
    assert "knows *Kubernetes* — container orchestration" in text
    assert f"<@{BEN}>" not in text  # Docker is related to Kubernetes, not a kind of orchestration


def test_several_skills_say_who_covers_both_and_who_covers_one(app: Served) -> None:
    command(app, "/skills", "add react, typescript", user=ANA)
    command(app, "/skills", "add react", user=BEN)
    answer = command(app, "/whoknows", "someone who knows react &amp; typescript?", user=CY)
    text = shown(answer)
    assert "People who know *React*, *TypeScript*:" in text
    first, second = [b["text"]["text"] for b in answer["blocks"] if "*1.*" in str(b) or "*2.*" in str(b)]
    assert first.startswith(f"*1.* <@{ANA}>")
    assert "covers both" in first
    assert second.startswith(f"*2.* <@{BEN}>")
    assert "covers *React*" in second


def test_nobody_found_suggests_what_people_have_and_drafts_a_question(app: Served) -> None:
    command(app, "/skills", "add c++", user=ANA)
    answer = command(app, "/whoknows", "anyone good at rust?", user=CY)
    text = shown(answer)
    assert "Nobody here has *Rust* among their skills yet." in text
    assert "People do know: *C++*" in text  # related to Rust in the skill graph
    assert "*Ask in a channel*" in text
    assert "Does anyone here know about *Rust*?" in text
    # The asker is told what is kept of the question, and who sees it.
    assert "Admins see which topics nobody could answer this month, never who asked." in text


def test_admins_see_the_months_unanswered_topics_and_nobody_else_does(app: Served) -> None:
    for user in (CY, DEE, CY):
        command(app, "/whoknows", "who knows knitting?", user=user)
    command(app, "/whoknows", "rust", user=DEE)
    command(app, "/skills", "add rust", user=ANA)
    command(app, "/whoknows", "rust", user=CY)  # answered: not counted
    app.settle()  # (counted once each answer has left)
    listing = command(app, "/whoknows", "--unanswered", user=BOSS)
    text = shown(listing)
    assert "Questions nobody could answer in November 2026" in text
    assert "• *knitting* — asked 3 times" in text
    assert "• *Rust* — asked once" in text
    assert all(f"<@{u}>" not in text and u not in text for u in (CY, DEE))
    refused = command(app, "/whoknows", "--unanswered", user=CY)
    assert refused["text"] == "Only workspace admins can see the questions nobody could answer."
    with app.core.db.read() as s:
        rows = s.execute(select(UnansweredTopic)).scalars().all()
    assert sorted((r.team_id, r.month, r.topic, r.count) for r in rows) == [
        (TEAM, "2026-11", "Rust", 1),
        (TEAM, "2026-11", "knitting", 3),
    ]
    columns = set(UnansweredTopic.__table__.columns.keys())
    assert columns == {"id", "team_id", "month", "topic", "count"}  # no user id, no time of asking
    for row in rows:
        assert not any(u in str(getattr(row, c)) for c in columns for u in (CY, DEE, BOSS))
