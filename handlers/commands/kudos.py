"""`/kudos @bob for …`: thank a colleague in the celebrations channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.celebrations import render
from bot.core import Core
from bot.kudos import giving as kudos
from bot.kudos import posts as kudos_posts
from bot.platform import blocks

HANDED = "rapport_kudos"


def register(app: App, core: Core) -> None:
    def answer(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        """Check and store the kudos, and plan its post: database only, so the answer is quick."""
        context[HANDED] = None  # nothing to post, unless a kudos is stored below
        try:
            with core.db.write() as session:
                accepted = kudos_posts.accept(
                    session,
                    core.settings,
                    command["team_id"],
                    command["user_id"],
                    command.get("text") or "",
                    core.clock(),
                    request_id=command.get("trigger_id"),
                )
        except kudos.Refused as refused:
            ack(**render.kudos_refused(refused.message, show_usage=refused.show_usage))
            return
        given = accepted.given
        # The work after the answer gets a copy of the context: tell it which kudos to post.
        context[HANDED] = {"id": given.kudos.id, "planned_in": accepted.planned_in}
        receivers = [m.user_id for m in given.receivers]
        if given.status == kudos.REPEAT:
            ack(**render.kudos_repeated(receivers, given.kudos.created_at, core.clock()))
            return
        channel = accepted.channel.channel_id if accepted.channel else None
        ack(**render.kudos_accepted(receivers, channel))

    def post(command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """Right after the answer: send the post (finding the channel first if need be)."""
        if HANDED in context:
            handed = context[HANDED]
            if handed is None:
                return  # refused
            announced = kudos_posts.announce(
                core, command["team_id"], handed["id"], planned_in=handed["planned_in"]
            )
        else:  # the answer did not get as far: find the kudos from the request itself
            announced = kudos_posts.announce_request(
                core,
                command["team_id"],
                command["user_id"],
                command.get("text") or "",
                request_id=command.get("trigger_id"),
            )
        if announced.problem:
            respond(**blocks.ephemeral(announced.problem))

    app.command("/kudos")(ack=answer, lazy=[post])
