"""`/kudos @bob for …`: thank a colleague in the celebrations channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.core import Core
from bot.kudos import posts, render
from bot.platform.blocks import ephemeral
from bot.platform.refusals import Refusal

HANDED = "rapport_kudos"


def register(app: App, core: Core) -> None:
    def answer(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        """Check and store the kudos, and plan its post: database only, so the answer is quick."""
        context[HANDED] = None  # nothing to post, unless a kudos is stored below
        with core.db.write() as session:
            accepted = posts.accept(
                session,
                core.settings,
                command["team_id"],
                command["user_id"],
                command.get("text") or "",
                core.clock(),
                request_id=command.get("trigger_id"),
            )
        if isinstance(accepted, Refusal):
            ack(**render.kudos_refused(accepted))
            return
        given = accepted.given
        # The work after the answer gets a copy of the context: tell it which kudos to post.
        context[HANDED] = {"id": given.kudos.id, "planned_in": accepted.planned_in}
        ack(**render.kudos_answer(given, accepted.planned_in, core.clock()))

    def post(command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """Right after the answer: send the post (finding the channel first if need be)."""
        if HANDED in context and context[HANDED] is None:
            return  # refused: nothing to post
        sender = core.sender(workers=1)
        if HANDED in context:
            handed = context[HANDED]
            announced = posts.announce(
                core, sender, command["team_id"], handed["id"], planned_in=handed["planned_in"]
            )
        else:  # the answer did not get as far: find the kudos from the request itself
            announced = posts.announce_request(
                core,
                sender,
                command["team_id"],
                command["user_id"],
                command.get("text") or "",
                request_id=command.get("trigger_id"),
            )
        if announced.problem:
            respond(**ephemeral(announced.problem))

    app.command("/kudos")(ack=answer, lazy=[post])
