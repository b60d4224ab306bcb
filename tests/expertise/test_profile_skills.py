"""Skills a Slack profile lists ("Ask me about", "Skills") and HR's CSV: evidence of their own,
read on every directory sync, explained in /whoknows, never the person's own declaration."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.directory import profile_fields, render, settings
from bot.directory.csv_import import import_people, read_rows
from bot.directory.profile_fields import Fields, find_fields, skills_text, sync_profiles
from bot.directory.sync import sync_team
from bot.expertise import skills
from bot.expertise.names import catalog
from bot.expertise.profile_skills import MAX_SKILLS, PROFILE
from bot.models import Member, Workspace
from bot.models.expertise import DECLARED, MemberSkill, Skill, SkillScore
from bot.platform.db import Database
from bot.platform.migrate import upgrade
from bot.platform.slack import make_client
from jobs import JOBS
from tests.support.databases import downgrade
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import FakeSlack, block_errors
from tests.support.fixtures import Served
from tests.support.wiring import EVIDENCE, STORED

NOW = datetime(2027, 3, 5, 9, tzinfo=UTC)
TEAM = "T0001"
ANA, BOB, CY = "U0ANA", "U0BOB", "U0CY"
FIELD = "Xf10"


# --------------------------------------------------------------------------------------------
# Which field holds skills
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "Skills",
        "ASK ME ABOUT…",
        "Ask me about:",
        "Expertise",
        "Areas of expertise",
        "Super-powers",
        "Tech stack",
    ],
)
def test_a_skills_field_is_found_by_its_label_when_none_is_chosen(label: str) -> None:
    definitions = [{"id": "Xf01", "label": "Pronouns"}, {"id": "Xf02", "label": label}]
    assert find_fields(definitions, None).skills == "Xf02"
    assert find_fields(definitions, None)  # a skills field alone is worth reading profiles for


def test_a_chosen_skills_field_wins_and_a_missing_one_reads_nothing() -> None:
    definitions = [
        {"id": "Xf01", "label": "Skills"},
        {"id": "Xf02", "label": "Things I do"},
        {"id": "Xf03", "label": "Birthday"},
    ]
    assert find_fields(definitions, None, "things i do").skills == "Xf02"
    assert find_fields(definitions, None, "Xf02").skills == "Xf02"
    assert find_fields(definitions, None, "No such field").skills is None
    assert find_fields(definitions, "birthday") == Fields("Xf03", None, False, "Xf01")
    assert find_fields([{"id": "Xf01", "label": "Skills"}], "Skills").skills is None  # never the birthday's
    assert find_fields([{"id": "Xf01", "label": "Skill level"}], None).skills is None


def test_the_admins_input_for_the_field_is_valid_and_checked_against_the_definitions() -> None:
    blocks = render.skills_field_blocks("skills_field", "Ask me about")
    assert block_errors(blocks) == []
    assert blocks[0]["element"]["initial_value"] == "Ask me about"
    definitions = [{"id": "Xf01", "label": "Ask me about"}]

    def typed(text: str) -> dict[str, Any]:
        return {"skills_field": {"value": {"type": "plain_text_input", "value": text}}}

    assert settings.read_skills_field(typed("  ask me   about "), "skills_field", definitions) == (
        "ask me about",
        None,
    )
    assert settings.read_skills_field(typed(""), "skills_field", definitions) == (None, None)
    field, error = settings.read_skills_field(typed("Hobbies"), "skills_field", definitions)
    assert field is None
    assert error is not None
    assert "Ask me about" in error


def test_a_long_value_is_cut_between_two_skills() -> None:
    assert skills_text("  \x00 ") is None
    text = skills_text("Terraform, " * 200)
    assert text is not None
    assert len(text) <= profile_fields.MAX_SKILLS_TEXT
    assert text.endswith("Terraform")


# --------------------------------------------------------------------------------------------
# Over the real sync and signed HTTP
# --------------------------------------------------------------------------------------------


@pytest.fixture
def app(rapport: Served) -> Served:
    """A workspace whose profiles have an "Ask me about" field; nobody used /skills."""
    slack = rapport.slack
    slack.add_profile_field("Xf01", "Pronouns")
    slack.add_profile_field(FIELD, "Ask me about")
    slack.add_user(ANA, title="Designer")
    slack.add_user(BOB, title="Accountant", profile_fields={FIELD: "Kubernetes, Terraform; AWS and Go"})
    slack.add_user(CY, title="Accountant", profile_fields={FIELD: "k8s\n- Go / Rust"})
    return rapport


def sync(app: Served, at: datetime = NOW) -> None:
    """The directory sync: `users.list`, then everyone's custom fields (the fake Slack's clock
    keeps no one waiting)."""
    core, client = app.core, make_client(app.slack.bot_token, app.slack.base_url)
    sync_team(core.db, client, TEAM, at, stored=core.registry.on_members_stored)
    sync_profiles(core.db, client, TEAM, at, pause=0, stored=core.registry.on_members_stored)


def set_field(app: Served, user_id: str, value: str) -> None:
    user = app.slack.user(user_id)
    assert user is not None
    user["profile"]["fields"][FIELD] = {"value": value, "alt": ""}


def whoknows(app: Served, topic: str, user: str = ANA, team: str = TEAM) -> str:
    response = app.http.command("/whoknows", topic, user_id=user, team_id=team)
    assert response.status == 200, response.text
    body = response.json()
    return str(body["text"]) + json.dumps(body.get("blocks", []), ensure_ascii=False)


def profile_labels(db: Database, user_id: str, team: str = TEAM) -> set[str]:
    with db.read() as s:
        rows = s.scalars(
            select(Skill.label)
            .join(MemberSkill, MemberSkill.skill_id == Skill.id)
            .join(Member, Member.id == MemberSkill.member_id)
            .where(Member.team_id == team, Member.user_id == user_id, MemberSkill.source == PROFILE)
        )
        return set(rows)


def test_whoknows_answers_from_profile_fields_alone_and_says_why(app: Served) -> None:
    sync(app)
    assert profile_labels(app.core.db, BOB) == {"Kubernetes", "Terraform", "AWS", "Go"}
    assert profile_labels(app.core.db, CY) == {"Kubernetes", "Go", "Rust"}  # k8s, as /skills add reads it
    with app.core.db.read() as s:
        assert s.scalars(select(MemberSkill).where(MemberSkill.source == DECLARED)).all() == []
    answer = whoknows(app, "terraform")
    assert "<@U0BOB>" in answer
    assert "<@U0CY>" not in answer
    assert "lists *Terraform* in their Slack profile" in answer
    both = whoknows(app, "kubernetes")
    assert "<@U0BOB>" in both
    assert "<@U0CY>" in both
    with app.core.db.read() as s:
        cy = s.scalar(select(Member).where(Member.user_id == CY))
        assert cy is not None
        assert cy.profile_skills == "k8s\n- Go / Rust"  # kept as typed


def test_the_sync_job_reads_the_field_by_its_next_run_at_the_latest(
    app: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile_fields, "PAUSE", 0)
    JOBS["sync-directory"](app.core, NOW)
    JOBS["sync-directory"](app.core, NOW + timedelta(hours=1))
    assert "lists *Terraform* in their Slack profile" in whoknows(app, "terraform")


def test_a_skill_taken_out_of_the_profile_goes_at_the_next_sync(app: Served) -> None:
    sync(app)
    assert "<@U0BOB>" in whoknows(app, "terraform")  # (and the answer is cached now)
    set_field(app, BOB, "Kubernetes")
    sync(app, NOW + timedelta(hours=1))
    assert "<@U0BOB>" not in whoknows(app, "terraform")
    assert profile_labels(app.core.db, BOB) == {"Kubernetes"}
    set_field(app, BOB, "")
    sync(app, NOW + timedelta(hours=2))
    assert profile_labels(app.core.db, BOB) == set()
    assert "<@U0BOB>" not in whoknows(app, "kubernetes")


def test_the_profile_never_takes_away_what_the_person_declared(app: Served) -> None:
    sync(app)
    app.http.answer("/skills", "add terraform", user_id=BOB)
    set_field(app, BOB, "Kubernetes")
    sync(app, NOW + timedelta(hours=1))
    answer = whoknows(app, "terraform")
    assert "<@U0BOB>" in answer
    assert "in their Slack profile" not in answer  # their own word is what is left
    with app.core.db.read() as s:
        declared = s.scalars(select(MemberSkill.source).join(Member).where(Member.user_id == BOB)).all()
    assert sorted(declared) == [DECLARED, PROFILE]


def test_skills_remove_hides_what_the_profile_still_lists(app: Served) -> None:
    sync(app)
    app.http.answer("/skills", "add terraform", user_id=BOB)
    listed = json.dumps(app.http.command("/skills", "", user_id=BOB).json(), ensure_ascii=False)
    (line,) = [line for line in listed.split("\\n") if "*Terraform* —" in line]
    assert "from the Slack profile" in line
    app.http.answer("/skills", "remove terraform", user_id=BOB)
    assert "<@U0BOB>" not in whoknows(app, "terraform")
    assert "Terraform" not in app.http.answer("/skills", "", user_id=BOB)  # nor listed
    sync(app, NOW + timedelta(hours=1))  # the profile still says Terraform
    assert "<@U0BOB>" not in whoknows(app, "terraform")
    with app.core.db.read() as s:
        score = s.scalars(select(SkillScore).join(Skill).where(Skill.key == "terraform")).all()
    assert score == []
    app.http.answer("/skills", "add terraform", user_id=BOB)  # welcome again: the profile counts too
    answer = whoknows(app, "terraform")
    assert "<@U0BOB>" in answer
    assert "in their Slack profile" in answer


def test_skills_remove_hides_a_skill_only_the_profile_lists(app: Served) -> None:
    sync(app)
    listed = json.dumps(app.http.command("/skills", "", user_id=BOB).json(), ensure_ascii=False)
    (line,) = [line for line in listed.split("\\n") if "*Terraform* —" in line]
    assert "from the Slack profile" in line
    app.http.answer("/skills", "remove terraform", user_id=BOB)
    assert "<@U0BOB>" not in whoknows(app, "terraform")
    assert "Terraform" not in app.http.answer("/skills", "", user_id=BOB)  # nor listed


def test_another_workspace_never_sees_it(app: Served) -> None:
    sync(app)
    other = "T0002"
    add_members(app.core.db, other, slack_user(ANA), slack_user(BOB))
    assert "U0BOB" not in whoknows(app, "terraform", team=other)
    assert "U0BOB" not in whoknows(app, "kubernetes", team=other)
    with app.core.db.read() as s:
        assert s.scalars(select(Skill.key).where(Skill.team_id == other)).all() == []


BAD = {
    "UEMOJI": "🚀🔥 ✨",
    "UCODES": ":rocket: :fire:",
    "ULONG": "x" * 2000,
    "UREPEAT": "Terraform, " * 200,
    "UMANY": ", ".join(f"skill{n}" for n in range(60)),
    "UMARKUP": "<!channel> <!here|here> <@U0ANA> <#C0123|general> <https://evil.example|Kubernetes>",
    "UESCAPED": "&lt;!channel&gt; R&amp;D",
    "UWORDS": "my dog and long walks on the beach; !!!; ???",
    "UCONTROL": "Rust\x00\x07, \u202eGo",
}


def test_bad_values_never_break_the_sync_nor_make_skills_skills_add_would_not(app: Served) -> None:
    for uid, value in BAD.items():
        app.slack.add_user(uid, profile_fields={FIELD: value})
    sync(app)
    with app.core.db.read() as s:
        made = set(
            s.scalars(
                select(Skill.key)
                .join(MemberSkill, MemberSkill.skill_id == Skill.id)
                .where(Skill.team_id == TEAM, MemberSkill.source == PROFILE)
            )
        )
        counts = {
            m.user_id: len(
                s.scalars(
                    select(MemberSkill.id).where(MemberSkill.member_id == m.id, MemberSkill.source == PROFILE)
                ).all()
            )
            for m in s.scalars(select(Member).where(Member.team_id == TEAM))
        }
    # What /skills add stores for the same lists, in a workspace of its own.
    elsewhere = "T0009"
    add_members(app.core.db, elsewhere, *(slack_user(uid) for uid in BAD))
    with app.core.db.write() as s:
        for uid, value in [
            *BAD.items(),
            ("UBOB", "Kubernetes, Terraform; AWS and Go"),
            ("UCY", "k8s; Go; Rust"),
        ]:
            skills.add(s, elsewhere, uid, value, NOW, evidence=EVIDENCE)
        added = set(s.scalars(select(Skill.key).where(Skill.team_id == elsewhere)))
    assert made - added <= set(catalog().skills)  # (a well-known name read better, never junk)
    assert not {"channel", "here", "evil.example", "general", "rocket", "fire", "x" * 60} & made
    assert "kubernetes" in made  # (from Bob: the link's label is no skill of the profile's)
    assert counts["UEMOJI"] == counts["UCODES"] == counts["ULONG"] == 0
    assert counts["UREPEAT"] == 1
    assert counts["UMANY"] == MAX_SKILLS
    assert profile_labels(app.core.db, "UMARKUP") == set()
    assert profile_labels(app.core.db, "UESCAPED") == {catalog().label("research and development")}
    assert profile_labels(app.core.db, "UCONTROL") == {"Rust", "Go"}
    answer = whoknows(app, "terraform")
    assert "<@UREPEAT>" in answer
    assert "<!channel>" not in answer


# --------------------------------------------------------------------------------------------
# HR's CSV
# --------------------------------------------------------------------------------------------


def test_a_csv_skills_column_is_the_same_evidence_as_the_profile(app: Served, tmp_path: Path) -> None:
    db = app.core.db
    bob = slack_user(BOB)
    bob["profile"]["email"] = "Bob@Example.com"
    add_members(db, TEAM, slack_user(ANA), bob, slack_user(CY))
    path = tmp_path / "people.csv"
    path.write_text(
        'email,slack_user_id,skills\nbob@example.com,,"Terraform; Kafka"\n,U0CY,\n', encoding="utf-8"
    )
    with path.open(encoding="utf-8", newline="") as stream, db.write() as s:
        report = import_people(s, TEAM, read_rows(stream), NOW.date(), stored=STORED, now=NOW)
    assert (report.updated, report.unchanged, report.problems) == (
        1,
        0,
        [(3, "no birthday or start_date or skills to import")],
    )
    assert profile_labels(db, BOB) == {"Terraform", "Kafka"}
    assert "lists *Terraform* in their Slack profile" in whoknows(app, "terraform")
    with path.open(encoding="utf-8", newline="") as stream, db.write() as s:
        again = import_people(s, TEAM, read_rows(stream), NOW.date(), stored=STORED, now=NOW)
    assert again.unchanged == 1  # same file, same result


def test_the_cli_imports_a_skills_column_read_at_the_next_sync(
    tmp_path: Path, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.bootstrap import open_database
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = open_database(f"sqlite:///{tmp_path / 'rapport.db'}")
    assert main(["db", "upgrade"]) == 0
    slack.add_user("U1")
    add_members(db, slack.team_id, slack_user("U1"))
    path = tmp_path / "people.csv"
    path.write_text('slack_user_id,skills\nU1,"Kubernetes, Terraform"\n', encoding="utf-8")
    assert main(["import-people", str(path)]) == 0
    assert "1 people updated" in capsys.readouterr().out
    with db.write() as s:  # what the hourly sync tells its listeners of: everyone
        rows = s.execute(select(Member.id, Member.title).where(Member.team_id == slack.team_id)).all()
        STORED(s, slack.team_id, [(r[0], r[1]) for r in rows], NOW)
    assert profile_labels(db, "U1", slack.team_id) == {"Kubernetes", "Terraform"}


# --------------------------------------------------------------------------------------------
# The migration
# --------------------------------------------------------------------------------------------


def test_0017_down_takes_the_profiles_evidence_with_it_and_up_again(any_db: Database) -> None:
    db = any_db
    add_members(db, TEAM, slack_user(ANA), slack_user(BOB))
    with db.write() as s:
        skills.add(s, TEAM, ANA, "terraform", NOW, evidence=EVIDENCE)
        bob = s.scalar(select(Member).where(Member.user_id == BOB))
        assert bob is not None
        bob.profile_skills = "Terraform, Kafka"
        STORED(s, TEAM, [(bob.id, bob.title)], NOW)
        workspace = s.get(Workspace, TEAM)
        assert workspace is not None
        workspace.skills_field = "Ask me about"
    downgrade(db, "0016")
    with db.engine.connect() as conn:
        sources = {row[0] for row in conn.exec_driver_sql("SELECT source FROM member_skill")}
        scored = conn.exec_driver_sql("SELECT count(*) FROM skill_score").scalar()
    assert sources == {DECLARED}
    assert scored == 1  # Ana's own word is what is left
    upgrade(db)
    with db.read() as s:
        assert s.scalars(select(Member.profile_skills)).all() == [None, None]
