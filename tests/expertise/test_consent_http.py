"""Issue 11, item 6, end to end: an endorsement of a skill Rapport doesn't know waits for its
endorsee, who alone sees it (in `/skills` and the digest, with Accept and Hide) and decides what
their profile shows. The real app over signed HTTP, the fake Slack behind it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models.expertise import Endorsement
from jobs.nudges import run_nudges
from tests.support.factories import add_members, slack_user
from tests.support.fakeslack import block_errors
from tests.support.fixtures import Served
from tests.support.slackreq import Response, block_actions

TEAM, OTHER = "T0001", "T0002"
ANN, BOB, CAROL, DAN = "U0ANN", "U0BOB", "U0CAROL", "U0DAN"
MONDAY_9_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # the fixture's clock starts that morning


@pytest.fixture
def app(rapport: Served) -> Served:
    """Ann, Bob, Carol and Dan, in the directory and in the fake Slack (so DMs to them work)."""
    users = [slack_user(uid) for uid in (ANN, BOB, CAROL, DAN)]
    add_members(rapport.core.db, TEAM, *users)
    for user in users:
        rapport.slack.add_user(user["id"])
    return rapport


def reply(response: Response) -> dict[str, Any]:
    assert response.status == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["response_type"] == "ephemeral"
    if "blocks" in body:
        assert block_errors(body["blocks"]) == []
    return body


def shown(body: dict[str, Any]) -> str:
    return body["text"] + json.dumps(body.get("blocks", []), ensure_ascii=False)


def say(app: Served, name: str, text: str, user: str, team: str = TEAM) -> str:
    """What `user` sees in answer to a command: its text and blocks."""
    return shown(reply(app.http.command(name, text, user_id=user, team_id=team)))


def nothing_to_see(app: Served, user: str = CAROL) -> None:
    """Someone other than Bob finds nothing of the held skills, not even that someone typed them:
    /whoknows answers as for a topic nobody ever named (no skill in bold, nothing suggested or
    corrected to), and Bob's profile lists none of them."""
    for topic in ("tax fraud", "sleeping at work", "tax frud"):
        answer = say(app, "/whoknows", topic, user)
        assert answer.startswith(f"I couldn't find anyone who knows “{topic}”."), answer
        assert f"<@{BOB}>" not in answer
        assert "People do know" not in answer
    # "fraud" is the first word of a curated skill's name (Fraud prevention), read as that one:
    # the held "tax fraud" is neither named, nor suggested, nor found.
    answer = say(app, "/whoknows", "fraud", user)
    if not answer.startswith("I couldn't find anyone who knows “fraud”."):
        assert answer.startswith("Nobody here has *Fraud prevention* among their skills yet."), answer
        assert "tax" not in answer.lower()
    assert f"<@{BOB}>" not in answer
    assert "People do know" not in answer
    profile = say(app, "/skills", f"<@{BOB}|bob>", user)
    assert "tax fraud" not in profile
    assert "sleeping" not in profile


def digests(app: Served, user: str) -> list[dict[str, Any]]:
    """Run the nudges job as the fixture's clock says (it plans), then at Monday 9:00 in New York
    (it sends): every DM `user` got so far."""
    run_nudges(app.core, app.core.clock())
    if app.core.clock() < MONDAY_9_NY:
        app.core.clock.set(MONDAY_9_NY)  # type: ignore[attr-defined]
    run_nudges(app.core, app.core.clock())
    return app.slack.messages_in("D" + user)


def text_of(message: dict[str, Any]) -> str:
    return message["text"] + json.dumps(message.get("blocks") or [], ensure_ascii=False)


def click(
    app: Served, user: str, action_id: str, message: dict[str, Any], skill: str, *, org_wide: bool = False
) -> dict[str, Any]:
    """Click `action_id` under the item about `skill`; returns the message after Slack applied
    the response. `org_wide`: as Slack sends it from an org-wide (Enterprise Grid) install,
    whose clicks name no `team` (the workspace is the user's)."""
    blocks = message["blocks"]
    at = next(i for i, b in enumerate(blocks) if f"*{skill}*" in json.dumps(b.get("text") or {}))
    buttons = blocks[at + 1]
    value = next(e["value"] for e in buttons["elements"] if e["action_id"] == action_id)
    url = app.slack.response_url(channel=message["channel"], ts=message["ts"])
    payload = block_actions(
        user, action_id, value, message=message, block_id=buttons["block_id"], response_url=url
    )
    if org_wide:
        payload.update(team=None, is_enterprise_install=True, enterprise={"id": "E0001", "name": "Org"})
    assert app.http.interact(payload).status == 200
    answer = app.slack.wait_for_response_to(url)
    assert answer["status"] == 200, answer
    found = app.slack.message(message["channel"], message["ts"])
    assert found is not None
    return found


# --------------------------------------------------------------------------------------------
# The issue's own example
# --------------------------------------------------------------------------------------------


def test_anyone_can_no_longer_attach_any_label_to_a_colleague(app: Served) -> None:
    ann = say(app, "/endorse", f"<@{BOB}|bob> tax fraud, sleeping at work", ANN)
    assert f"Thanks — you endorsed <@{BOB}> for *tax fraud*, *sleeping at work*." in ann
    assert "skills they haven't shown yet wait for their OK" in ann

    # Nobody else sees it: not Carol, and not Ann beyond her own confirmation.
    for asker in (CAROL, ANN):
        assert f"<@{BOB}> has no skills listed yet" in say(app, "/skills", f"<@{BOB}|bob>", asker)
        nothing_to_see(app, asker)

    # Bob sees it, waiting for him.
    mine = say(app, "/skills", "", BOB)
    assert "*Waiting for you*" in mine
    assert f"• *tax fraud* (from <@{ANN}>) — `/skills accept tax fraud`" in mine
    assert f"• *sleeping at work* (from <@{ANN}>)" in mine

    # Bob's /skills remove takes it away.
    removed = say(app, "/skills", "remove tax fraud", BOB)
    assert "Removed: *tax fraud*." in removed
    assert "Colleagues' endorsements for *tax fraud* are hidden too" in removed
    mine = say(app, "/skills", "", BOB)
    assert "tax fraud" not in mine
    assert "*sleeping at work*" in mine

    # Ann cannot add it again, and is not told what Bob chose.
    again = say(app, "/endorse", f"<@{BOB}|bob> tax fraud", ANN)
    assert f"You had already endorsed <@{BOB}> for *tax fraud*." in again
    assert "tax fraud" not in say(app, "/skills", "", BOB)
    nothing_to_see(app)

    # Bob may still say so himself: his own word, not Ann's.
    say(app, "/skills", "add tax fraud", BOB)
    theirs = say(app, "/skills", f"<@{BOB}|bob>", CAROL)
    assert "• *tax fraud* — declared" in theirs
    assert f"<@{ANN}>" not in theirs


def test_a_known_skill_counts_at_once_while_an_unknown_one_waits(app: Served) -> None:
    ann = say(app, "/endorse", f"<@{BOB}|bob> k8s, tax fraud", ANN)
    assert f"Thanks — you endorsed <@{BOB}> for *Kubernetes*, *tax fraud*." in ann
    found = say(app, "/whoknows", "kubernetes", CAROL)
    assert f"<@{BOB}>" in found
    assert f"endorsed by 1 (<@{ANN}>)" in found
    theirs = say(app, "/skills", f"<@{BOB}|bob>", CAROL)
    assert f"• *Kubernetes* — endorsed by 1 (<@{ANN}>)" in theirs
    assert "tax fraud" not in theirs
    # A skill Bob declared himself counts at once too, though the curated table lacks it.
    say(app, "/skills", "add acme billing", BOB)
    say(app, "/endorse", f"<@{BOB}|bob> acme billing", DAN)
    assert f"endorsed by 1 (<@{DAN}>)" in say(app, "/whoknows", "acme billing", CAROL)
    # …but not for Carol, who never declared it.
    say(app, "/endorse", f"<@{CAROL}|carol> acme billing", DAN)
    assert f"<@{CAROL}>" not in say(app, "/whoknows", "acme billing", ANN)


def test_accepting_makes_it_count_in_the_very_next_whoknows(app: Served) -> None:
    say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)
    assert f"<@{BOB}>" not in say(app, "/whoknows", "tax law", CAROL)  # (and cached so)
    accepted = say(app, "/skills", "accept tax law", BOB)
    assert f"Accepted: *tax law* (from <@{ANN}>)." in accepted
    found = say(app, "/whoknows", "tax law", CAROL)
    assert f"<@{BOB}>" in found
    assert f"endorsed by 1 (<@{ANN}>)" in found
    assert f"• *tax law* — endorsed by 1 (<@{ANN}>)" in say(app, "/skills", f"<@{BOB}|bob>", CAROL)
    assert "Waiting for you" not in say(app, "/skills", "", BOB)
    assert "You had already endorsed" in say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)
    assert "Nothing is waiting for you for *chess*." in say(app, "/skills", "accept chess", BOB)


def test_removing_a_known_skill_hides_its_endorsements_and_later_ones_wait(app: Served) -> None:
    say(app, "/skills", "add excel", BOB)
    say(app, "/endorse", f"<@{BOB}|bob> excel", ANN)
    assert f"<@{BOB}>" in say(app, "/whoknows", "excel", CAROL)
    say(app, "/skills", "remove excel", BOB)
    assert f"<@{BOB}>" not in say(app, "/whoknows", "excel", CAROL)
    assert "Excel" not in say(app, "/skills", f"<@{BOB}|bob>", CAROL)
    # Dan never endorsed him for it: a well-known skill, but Bob took it off, so Dan's waits.
    say(app, "/endorse", f"<@{BOB}|bob> excel", DAN)
    assert f"<@{BOB}>" not in say(app, "/whoknows", "excel", CAROL)
    assert f"• *Excel* (from <@{DAN}>)" in say(app, "/skills", "", BOB)
    assert "You had already endorsed" in say(app, "/endorse", f"<@{BOB}|bob> excel", ANN)
    # Accepting shows them all again, Ann's hidden one too.
    assert f"Accepted: *Excel* (from <@{ANN}>, <@{DAN}>)." in say(app, "/skills", "accept excel", BOB)
    assert f"endorsed by 2 (<@{DAN}>, <@{ANN}>)" in say(app, "/whoknows", "excel", CAROL)  # latest first


def test_the_endorser_hears_the_same_whatever_the_endorsee_chose(app: Served) -> None:
    """All Slack receives in answer to Ann's `/endorse` is the same whether her endorsement
    shows, waits for Bob or was hidden by him, for a skill Rapport knows or not: one answer to a
    first endorsement, one to a repeat. (Each case in a workspace of its own.)"""
    cases = {  # workspace → (what Ann endorses, what becomes of it)
        "T0100": ("Excel", "shown"),
        "T0101": ("Excel", "held"),  # Bob had taken it off before
        "T0102": ("Excel", "hidden"),  # Bob takes it off after
        "T0103": ("tax fraud", "held"),
        "T0104": ("tax fraud", "shown"),  # Bob had declared it
        "T0105": ("tax fraud", "hidden"),  # Bob takes it off after
    }
    for team in cases:
        add_members(app.core.db, team, *(slack_user(uid) for uid in (ANN, BOB, CAROL, DAN)))

    def ann_endorses(team: str) -> str:
        text = f"<@{BOB}|bob> {cases[team][0].lower()}"
        body = reply(app.http.command("/endorse", text, user_id=ANN, team_id=team))
        return json.dumps(body, sort_keys=True, ensure_ascii=False)

    say(app, "/skills", "add excel", BOB, team="T0101")
    say(app, "/skills", "remove excel", BOB, team="T0101")
    say(app, "/skills", "add tax fraud", BOB, team="T0104")
    first = {team: ann_endorses(team) for team in cases}
    say(app, "/skills", "remove excel", BOB, team="T0102")
    say(app, "/skills", "remove tax fraud", BOB, team="T0105")
    assert {team: status(app, team) for team in cases} == {team: st for team, (_, st) in cases.items()}
    again = {team: ann_endorses(team) for team in cases}

    for skill in ("Excel", "tax fraud"):
        teams = [team for team, (named, _) in cases.items() if named == skill]
        (thanks,) = {first[team] for team in teams}
        assert json.loads(thanks) == {
            "response_type": "ephemeral",
            "text": f"Thanks — you endorsed <@{BOB}> for *{skill}*.\n"
            "They'll see it in their next daily digest; skills they haven't shown yet wait for their OK.",
        }
        (repeat,) = {again[team] for team in teams}
        assert json.loads(repeat) == {
            "response_type": "ephemeral",
            "text": f"You had already endorsed <@{BOB}> for *{skill}*.",
        }


def status(app: Served, team: str) -> str:
    """The status of Ann's one endorsement of Bob in `team`."""
    with app.core.db.read() as s:
        return s.scalars(select(Endorsement.status).where(Endorsement.team_id == team)).one()


# --------------------------------------------------------------------------------------------
# The digest: Bob hears of it, with Accept and Hide; nobody else does
# --------------------------------------------------------------------------------------------


def test_the_endorsee_s_digest_asks_and_nobody_else_s_mentions_it(app: Served) -> None:
    say(app, "/endorse", f"<@{BOB}|bob> tax fraud, kubernetes", ANN)
    say(app, "/endorse", f"<@{CAROL}|carol> go", ANN)  # Carol gets a digest of her own
    say(app, "/endorse", f"<@{ANN}|ann> go", BOB)  # and so does Ann
    (dm,) = digests(app, BOB)
    text = text_of(dm)
    assert f"<@{ANN}> endorsed you for *Kubernetes*." in text
    assert f"<@{ANN}> endorsed you for *tax fraud*. Show it on your profile?" in text
    assert "Only you can see it until you accept it." in text
    (buttons,) = [b for b in dm["blocks"] if b.get("block_id", "").startswith("endorsement_held:")]
    assert [e["text"]["text"] for e in buttons["elements"]] == ["Accept", "Hide"]
    assert block_errors(dm["blocks"]) == []
    for other in (CAROL, ANN, DAN):
        assert "tax fraud" not in "".join(text_of(m) for m in app.slack.messages_in("D" + other))
    assert digests(app, BOB) == [dm]  # told once


def test_accept_in_the_digest_makes_it_count(app: Served) -> None:
    say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)
    (dm,) = digests(app, BOB)
    assert f"<@{BOB}>" not in say(app, "/whoknows", "tax law", CAROL)
    after = click(app, BOB, "endorsement_accept", dm, "tax law")
    assert f"You accepted <@{ANN}>'s endorsement for *tax law*; it shows on your profile." in text_of(after)
    assert "endorsement_accept" not in text_of(after)  # the buttons are gone
    found = say(app, "/whoknows", "tax law", CAROL)
    assert f"<@{BOB}>" in found
    assert f"endorsed by 1 (<@{ANN}>)" in found


def test_accept_works_on_an_org_wide_install(app: Served) -> None:
    say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)
    (dm,) = digests(app, BOB)
    after = click(app, BOB, "endorsement_accept", dm, "tax law", org_wide=True)
    assert f"You accepted <@{ANN}>'s endorsement for *tax law*" in text_of(after)
    assert f"endorsed by 1 (<@{ANN}>)" in say(app, "/whoknows", "tax law", CAROL)


def test_hide_in_the_digest_keeps_it_from_everyone_for_good(app: Served) -> None:
    say(app, "/endorse", f"<@{BOB}|bob> tax fraud, tax law", ANN)
    (dm,) = digests(app, BOB)
    after = click(app, BOB, "endorsement_hide", dm, "tax fraud")
    assert f"Hidden: <@{ANN}>'s endorsement for *tax fraud*." in text_of(after)
    assert "`/skills accept tax fraud`" in text_of(after)
    assert "tax law" in text_of(after)  # the other item keeps its buttons
    mine = say(app, "/skills", "", BOB)
    assert "tax fraud" not in mine
    assert "*tax law*" in mine
    assert "You had already endorsed" in say(app, "/endorse", f"<@{BOB}|bob> tax fraud", ANN)
    nothing_to_see(app)
    # Someone else clicking (a forwarded payload) changes nothing.
    click(app, CAROL, "endorsement_accept", after, "tax law")
    assert f"<@{BOB}>" not in say(app, "/whoknows", "tax law", CAROL)
    assert "*tax law*" in say(app, "/skills", "", BOB)


def test_a_held_endorsement_is_no_tie_for_an_introduction(app: Served) -> None:
    """Carol logged with Ann; if Ann's held endorsement tied her to Bob, /whoknows would offer
    Ann as an introducer, telling Carol that Ann endorsed Bob for something."""
    say(app, "/skills", "add kubernetes", BOB)
    assert app.http.command("/log", f"<@{ANN}|ann> coffee", user_id=CAROL).status == 200
    say(app, "/endorse", f"<@{BOB}|bob> tax fraud", ANN)
    found = say(app, "/whoknows", "kubernetes", CAROL)
    assert f"<@{BOB}>" in found
    assert "could introduce you" not in found
    say(app, "/skills", "accept tax fraud", BOB)
    assert f"<@{ANN}> knows you both and could introduce you" in say(app, "/whoknows", "kubernetes", CAROL)


def test_another_workspace_is_unaffected(app: Served) -> None:
    add_members(app.core.db, OTHER, *(slack_user(uid) for uid in (ANN, BOB, CAROL)))  # the same ids
    say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)
    say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN, team=OTHER)
    say(app, "/skills", "accept tax law", BOB)
    assert f"<@{BOB}>" in say(app, "/whoknows", "tax law", CAROL)
    assert f"<@{BOB}>" not in say(app, "/whoknows", "tax law", CAROL, team=OTHER)
    assert "*Waiting for you*" in say(app, "/skills", "", BOB, team=OTHER)
    say(app, "/skills", "remove tax law", BOB, team=OTHER)
    assert "You had already endorsed" in say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN, team=OTHER)
    assert f"<@{BOB}>" in say(app, "/whoknows", "tax law", CAROL)  # still shown in the first
    assert "You had already endorsed" in say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)


def test_an_item_settled_elsewhere_is_not_sent_or_reads_as_settled(app: Served) -> None:
    """Accepted in /skills before the digest leaves: no item. Removed after it left: the digest,
    redrawn (here by Done on another item), says so instead of asking."""
    say(app, "/endorse", f"<@{BOB}|bob> tax law", ANN)
    app.core.clock.advance(minutes=1)  # type: ignore[attr-defined]
    say(app, "/skills", "accept tax law", BOB)
    app.core.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert digests(app, BOB) == []  # nothing left to ask (and Bob knows of it)

    app.core.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    say(app, "/endorse", f"<@{BOB}|bob> chess, go", DAN)
    run_nudges(app.core, app.core.clock())
    (dm,) = app.slack.messages_in("D" + BOB)
    assert f"<@{DAN}> endorsed you for *chess*. Show it on your profile?" in text_of(dm)
    say(app, "/skills", "remove chess", BOB)
    done = next(b for b in dm["blocks"] if b.get("block_id", "").startswith("rapport_item:"))
    url = app.slack.response_url(channel=dm["channel"], ts=dm["ts"])
    value = done["elements"][0]["value"]
    payload = block_actions(
        BOB, "rapport_done", value, message=dm, block_id=done["block_id"], response_url=url
    )
    assert app.http.interact(payload).status == 200
    app.slack.wait_for("chat.update")
    redrawn = app.slack.message(dm["channel"], dm["ts"])
    assert redrawn is not None
    assert f"Hidden: <@{DAN}>'s endorsement for *chess*." in text_of(redrawn)
    assert "endorsement_accept" not in text_of(redrawn)
