"""Consent to learning from public channels, over real HTTP: `/skills` shows what was learned apart
(with Hide, for its owner); turning it off in `/rapport settings` deletes it at once and nothing is
collected again; a deactivated person's learned evidence goes; `/rapport privacy` says so."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.directory import members
from bot.expertise.ids import Action, Input
from bot.models.activity import ChannelActivity, ChannelSignal
from tests.celebrations.test_settings import consent_values, open_settings, ticked
from tests.expertise.test_channel_events import ANA, BO, CY, app, asked_and_answered, invited, said
from tests.expertise.test_http import command, shown
from tests.support.factories import slack_user
from tests.support.fixtures import Served
from tests.support.slackreq import block_actions, view_submission

__all__ = ["app"]  # (the fixture, shared with the events tests)


def learned(app: Served, user: str = ANA) -> int:
    with app.core.db.read() as session:
        member = members.find_member(session, "T0001", user)
        assert member is not None
        return int(
            session.scalar(
                select(func.count()).select_from(ChannelSignal).where(ChannelSignal.member_id == member.id)
            )
            or 0
        )


def save_learning(app: Served, user: str, *, on: bool) -> None:
    view = open_settings(app, user)
    values: dict[str, Any] = consent_values()
    values[Input.LEARN] = {
        "value": {"type": "checkboxes", "selected_options": [{"value": "learn"}] if on else []}
    }
    response = app.http.interact(view_submission(user, "rapport_settings", values, view=view))
    assert response.status == 200
    assert response.body in (b"", b"{}")


def test_skills_shows_what_channels_showed_apart_with_hide_for_its_owner(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    mine = command(app, "/skills", "", user=ANA)
    text = shown(mine)
    assert "Learned from public channels" in text
    assert "*Terraform* — answered 1 thread in 1 channel" in text
    assert Action.HIDE_INFERRED in text
    theirs = shown(command(app, "/skills", f"<@{ANA}|ana>", user=CY))
    assert "*Terraform* — answered 1 thread" in theirs
    assert Action.HIDE_INFERRED not in theirs  # only its owner may hide it


def test_hide_takes_a_skill_out_and_it_never_comes_back(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    mine = command(app, "/skills", "", user=ANA)
    (button,) = [
        b["accessory"]
        for b in mine["blocks"]
        if b.get("accessory", {}).get("action_id") == Action.HIDE_INFERRED
    ]
    where = app.slack.response_url("hide")
    payload = block_actions(ANA, Action.HIDE_INFERRED, button["value"], response_url=where, is_ephemeral=True)
    assert app.http.interact(payload).status == 200
    app.settle()
    redrawn = app.slack.wait_for_response_to(where)
    assert "Terraform" not in shown(redrawn["body"])
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))
    said(
        app,
        ANA,
        "use `terraform import` for the old bucket, it keeps the state",
        "1764000900.000100",
        thread="1764000000.000100",
    )
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))


def test_turning_it_off_deletes_at_once_and_nothing_is_collected_again(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    assert learned(app) == 1
    view = open_settings(app, ANA)
    assert ticked(view, Input.LEARN) == ["learn"]  # on until turned off
    save_learning(app, ANA, on=False)
    assert learned(app) == 0
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))
    said(
        app,
        ANA,
        "terraform plan first, always; it shows the drift",
        "1764000500.000100",
        thread="1764000000.000100",
    )
    assert learned(app) == 0
    assert ticked(open_settings(app, ANA), Input.LEARN) == []
    save_learning(app, ANA, on=True)  # and back on: what comes next counts again
    said(
        app,
        ANA,
        "terraform fmt before committing, it keeps the diffs small",
        "1764000600.000100",
        thread="1764000000.000100",
    )
    assert learned(app) == 1


def test_a_deactivated_persons_learned_evidence_is_deleted(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    with app.core.db.write() as session:
        members.upsert_members(
            session,
            "T0001",
            [slack_user(ANA, deleted=True)],
            app.core.clock(),
            stored=app.core.registry.on_members_stored,
        )
    assert learned(app) == 0
    with app.core.db.read() as session:
        assert session.scalars(select(ChannelActivity.member_id).distinct()).all() == []


@pytest.mark.parametrize(
    "words", ["Public channels Rapport was invited to", "never their text", "deleted at once"]
)
def test_privacy_says_so(app: Served, words: str) -> None:
    assert words in shown(command(app, "/rapport", "privacy", user=BO))


def test_skills_remove_takes_it_off_what_channels_showed_too(app: Served) -> None:
    invited(app)
    asked_and_answered(app)
    removed = shown(command(app, "/skills", "remove terraform", user=ANA))
    assert "Terraform" in removed
    assert f"<@{ANA}>" not in shown(command(app, "/whoknows", "terraform", user=CY))
    assert "Learned from public channels" not in shown(command(app, "/skills", "", user=ANA))
