"""`/whoknows` (and `/whoknows --unanswered`, for admins), `/skills`, `/endorse`, "Show more"
under a `/whoknows` answer, and Accept or Hide under an endorsement waiting for its endorsee (in
their digest).

Each command is answered inside the ack, from indexed queries and the cached vocabulary; a
click acks at once and answers through its response URL in a lazy listener.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import Core
from bot.expertise import channels, commands, endorsements, ranking, render, skills, unanswered
from bot.expertise.ids import HELD_BLOCK, Action, endorsement_of
from bot.help.render import refused
from handlers.acks import ack_now, clicked


def register(app: App, core: Core) -> None:
    wired = core.registry
    afterwards = app.listener_runner.listener_executor  # `AfterAnswer`: runs it once the answer is sent

    def ask(team_id: str, user_id: str, topic: str, offset: int = 0) -> dict[str, Any]:
        answer = ranking.ask(
            core.db,
            team_id,
            user_id,
            topic,
            core.clock(),
            evidence=wired.evidence,
            known=wired.known_people,
            offset=offset,
            later=afterwards.submit,  # (a count nobody waits for: after the answer has left)
        )
        return render.whoknows(answer)

    @app.command("/whoknows")
    def whoknows(ack: Ack, command: dict[str, Any]) -> None:
        request = commands.parse_topic(command.get("text") or "")
        if request.unanswered:
            with core.db.read() as session:
                found = unanswered.this_month(session, command["team_id"], command["user_id"], core.clock())
            ack(**render.unanswered_list(found))
            return
        if not request.topic:
            ack(**refused(request.refused, "/whoknows"))
            return
        ack(**ask(command["team_id"], command["user_id"], request.topic))

    def show_more(
        body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
    ) -> None:
        topic, offset = render.read_more_value(action.get("value") or "")
        if not topic:
            respond(**render.expired_more())
            return
        respond(replace_original=True, **ask(context.team_id or "", body["user"]["id"], topic, offset))

    app.action(Action.SHOW_MORE)(ack=ack_now, lazy=[show_more])

    @app.command("/skills")
    def on_skills(ack: Ack, command: dict[str, Any]) -> None:
        request = commands.parse_skills(command.get("text") or "")
        team_id, user_id, now = command["team_id"], command["user_id"], core.clock()
        if request.action == "help":
            ack(**refused(request.refused, "/skills"))
        elif request.writes:
            with core.db.write() as session:
                if request.action == "add":
                    name = command.get("user_name") or ""
                    changed = skills.add(
                        session, team_id, user_id, request.text, now, evidence=wired.evidence, name=name
                    )
                else:
                    change = skills.remove if request.action == "remove" else skills.accept
                    changed = change(session, team_id, user_id, request.text, now, evidence=wired.evidence)
            ack(**render.skills_changed(request.action, changed))
        else:
            whose = request.user_id or user_id
            with core.db.read() as session:
                found = skills.profile(session, team_id, whose, viewer=user_id)
            ack(**render.profile(found, whose, mine=whose == user_id))

    @app.command("/endorse")
    def endorse(ack: Ack, command: dict[str, Any]) -> None:
        request = commands.parse_endorse(command.get("text") or "")
        if request.refused:
            ack(**refused(request.refused, "/endorse"))
            return
        with core.db.write() as session:
            result = endorsements.endorse(
                session,
                command["team_id"],
                command["user_id"],
                request.people,
                request.text,
                core.clock(),
                evidence=wired.evidence,
                name=command.get("user_name") or "",
                free=request.free,
            )
        ack(**render.endorsed(result))

    def decide(accept: bool) -> Callable[[dict[str, Any], BoltContext, Respond], None]:
        def after(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
            action = clicked(body)
            endorsement_id = endorsement_of(str(action.get("value") or ""))
            with core.db.write() as session:
                outcome = endorsements.decide(
                    session,
                    context.team_id or "",  # (a click's `team` is null on org-wide installs)
                    body["user"]["id"],
                    endorsement_id or 0,
                    accept,
                    core.clock(),
                    evidence=wired.evidence,
                )
            block_id = str(action.get("block_id") or f"{HELD_BLOCK}{endorsement_id}")
            respond(**render.decided(outcome, body.get("message"), block_id))

        return after

    def hide_inferred(
        body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
    ) -> None:
        team_id, user_id = context.team_id or "", body["user"]["id"]
        with core.db.write() as session:
            skills.hide_inferred(
                session, team_id, user_id, str(action.get("value") or ""), evidence=wired.evidence
            )
            found = skills.profile(session, team_id, user_id, viewer=user_id)
        respond(replace_original=True, **render.profile(found, user_id, mine=True))

    app.action(Action.HIDE_INFERRED)(ack=ack_now, lazy=[hide_inferred])
    app.action(Action.ACCEPT)(ack=ack_now, lazy=[decide(True)])
    app.action(Action.HIDE)(ack=ack_now, lazy=[decide(False)])

    # -- public channels (issue 14): Rapport learns who knows what from where it was invited --

    settler = channels.Settler(core.db, core.clock, wired.evidence)

    def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        with core.db.write() as session:
            channels.apply_event(session, body["team_id"], body.get("event_id"), event, core.clock())
        settler.settle(body["team_id"])

    def on_joined(
        body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        if event.get("user") != context.bot_user_id or not event.get("inviter"):
            return  # (Rapport joining a channel by itself, as the celebrations channel, is no invitation)
        team_id, channel_id = body["team_id"], str(event.get("channel") or "")
        if event.get("channel_type") != "C":  # a private channel: never read, and say so
            client.chat_postMessage(channel=channel_id, **render.private_channel())
            return
        with core.db.write() as session:  # the `backfill-channels` job reads it, within a minute
            channels.joined(session, team_id, channel_id, core.clock())

    def on_left(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        if event.get("type") == "member_left_channel" and event.get("user") != context.bot_user_id:
            return
        with core.db.write() as session:
            channels.left(session, body["team_id"], str(event.get("channel") or ""))

    app.event("message")(ack=ack_now, lazy=[on_message])
    app.event("member_joined_channel")(ack=ack_now, lazy=[on_joined])
    app.event("member_left_channel")(ack=ack_now, lazy=[on_left])
    app.event("channel_left")(ack=ack_now, lazy=[on_left])
