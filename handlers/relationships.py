"""The relationship log: `/log` (a line, or the form), the "Log interaction" shortcut, the form,
Undo and the follow-up date under an answer, `/followups`, `/rapport keep-in-touch`,
`/rapport history` and its pages, and the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import Core
from bot.nudges import acting
from bot.platform.blocks import picked_date
from bot.relationships import agenda, cadences, home, interactions
from bot.relationships.ids import Action, View, read_follow_up_block
from bot.relationships.render import due as due_render
from bot.relationships.render import home as home_render
from bot.relationships.render import interactions as render
from handlers.acks import ack_now, clicked, update_message


def publish_home(core: Core, client: WebClient, team_id: str | None, user_id: str) -> None:
    """Draw and publish one person's Home tab (a Slack call: after the answer, never on its path)."""
    if not team_id:
        return
    with core.db.read() as session:
        data = home.home_for(session, team_id, user_id, core.clock())
    client.views_publish(user_id=user_id, view=home_render.home_view(data))


def open_log_form(
    core: Core,
    client: WebClient,
    team_id: str | None,
    user_id: str,
    trigger_id: str,
    *,
    with_user_ids: list[str] | None = None,
    link: str | None = None,
    closes: str | None = None,
) -> None:
    """Open the form (a Slack call with a 3-second trigger: right after the ack)."""
    with core.db.read() as session:
        today = interactions.today_of(session, team_id or "", user_id, core.clock())
    view = render.log_modal(today, user_ids=with_user_ids, link=link, closes=closes)
    client.views_open(trigger_id=trigger_id, view=view)


def followups_reply(
    core: Core, team_id: str, user_id: str, *, note: str | None = None, offset: int = 0
) -> dict[str, Any]:
    """The /followups answer (a page from `offset`), also redrawn after a button changes it
    (with what it did)."""
    with core.db.read() as session:
        todo = agenda.for_author(session, team_id, user_id, core.clock())
    tz = todo.author.tz if todo.author else "UTC"
    return due_render.followups_message(todo.items, todo.today, tz, note=note, offset=offset)


def message_link(body: dict[str, Any]) -> str | None:
    """A shortcut's message permalink, built the way Slack builds them (no API call before the form)."""
    domain = (body.get("team") or {}).get("domain")
    channel = (body.get("channel") or {}).get("id")
    message = body.get("message") or {}
    ts = str(message.get("ts") or body.get("message_ts") or "")
    if not (domain and channel and ts.replace(".", "").isdigit()):
        return None
    link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
    thread = message.get("thread_ts")
    if thread and thread != ts:
        link += f"?thread_ts={thread}&cid={channel}"
    return link


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _redraw(
    body: dict[str, Any], client: WebClient, respond: Respond, logged: interactions.Logged | None, text: str
) -> None:
    """Show the log's new state where the click came from: the /log answer or the form."""
    container = body.get("container") or {}
    if container.get("type") == "view" and container.get("view_id"):
        view = render.logged_modal(logged) if logged else render.undone_modal(text)
        client.views_update(view_id=container["view_id"], view=view)
    elif body.get("response_url"):
        reply = render.log_reply(logged) if logged else {"text": text}
        respond(replace_original=True, **reply)


# -- /rapport subcommands (routed by handlers/rapport.py) ------------------------------------------


def keep_in_touch(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.write() as session:
        result = cadences.request(session, command["team_id"], command["user_id"], rest, core.clock())
    return due_render.keep_in_touch_reply(result)


def after_keep_in_touch(core: Core, command: dict[str, Any], client: WebClient) -> None:
    publish_home(core, client, command.get("team_id"), command["user_id"])


def history(core: Core, command: dict[str, Any], rest: str, client: WebClient) -> dict[str, Any]:
    with core.db.read() as session:
        reply = interactions.history_for(session, command["team_id"], command["user_id"], rest, core.clock())
    return render.history_reply(reply)


def register(app: App, core: Core) -> None:
    def log_line(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        if not text or not context.team_id:
            ack()  # the form opens right after, in `after_log`
            return
        with core.db.write() as session:
            logged = interactions.log_text(
                session,
                context.team_id,
                command["user_id"],
                text,
                core.clock(),
                request_id=command.get("trigger_id"),
            )
        ack(**render.log_reply(logged))

    def after_log(command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if not (command.get("text") or "").strip():
            open_log_form(core, client, context.team_id, command["user_id"], command["trigger_id"])
        else:
            publish_home(core, client, context.team_id, command["user_id"])

    app.command("/log")(ack=log_line, lazy=[after_log])

    def shortcut(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        user_id = body["user"]["id"]
        author = (body.get("message") or {}).get("user")
        with_user_ids = [author] if isinstance(author, str) and author != user_id else None
        link = message_link(body)
        open_log_form(
            core, client, context.team_id, user_id, body["trigger_id"], with_user_ids=with_user_ids, link=link
        )

    app.message_shortcut(View.LOG_MESSAGE)(ack=ack_now, lazy=[shortcut])

    def submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        with core.db.write() as session:
            logged = interactions.log_form(
                session,
                context.team_id or "",
                body["user"]["id"],
                render.read_form(view),
                core.clock(),
                request_id=body.get("trigger_id"),
            )
        ack(**render.form_answer(logged))

    def after_submit(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        closes = render.read_form(view).closes
        if closes:  # "Log it" on a due item: the digests showing it say it is done
            with core.db.write() as session:
                redrawn = acting.settle(
                    session,
                    core.registry.nudge_kinds,
                    context.team_id or "",
                    body["user"]["id"],
                    closes,
                    core.clock(),
                )
            for redraw in redrawn:
                update_message(client, redraw)
        publish_home(core, client, context.team_id, body["user"]["id"])

    app.view(View.LOG)(ack=submit, lazy=[after_submit])

    def undo(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
        interaction_id = _number(str(clicked(body).get("value") or ""))
        team_id, user_id = context.team_id or "", body["user"]["id"]
        with core.db.write() as session:
            gone = (
                None
                if interaction_id is None
                else interactions.undo(session, team_id, user_id, interaction_id)
            )
        _redraw(body, client, respond, None, render.NOT_UNDONE if gone is None else render.undone(gone))
        publish_home(core, client, team_id, user_id)

    app.action(Action.UNDO)(ack=ack_now, lazy=[undo])

    def follow_up_on(body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
        action = clicked(body)
        interaction_id, named = read_follow_up_block(str(action.get("block_id") or ""))
        team_id, user_id = context.team_id or "", body["user"]["id"]
        due = picked_date(action.get("selected_date"))
        if due is None:
            return
        shown = None
        if interaction_id is not None:
            with core.db.write() as session:
                shown = interactions.follow_up_on(
                    session, team_id, user_id, interaction_id, due, core.clock(), named=named
                )
        _redraw(body, client, respond, shown, render.NOT_UNDONE)
        publish_home(core, client, team_id, user_id)

    app.action(Action.FOLLOW_UP_ON)(ack=ack_now, lazy=[follow_up_on])

    def history_page(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        user, page = render.read_history_page(str(clicked(body).get("value") or ""))
        with core.db.read() as session:
            reply = interactions.history_with(
                session, context.team_id or "", body["user"]["id"], user, core.clock(), page=page
            )
        if reply.page is not None and reply.author is not None:
            respond(replace_original=True, **render.history_message(reply.page, reply.author, reply.today))

    for page_action in (Action.HISTORY_NEWER, Action.HISTORY_OLDER):
        app.action(page_action)(ack=ack_now, lazy=[history_page])

    @app.command("/followups")
    def followups(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        ack(**followups_reply(core, context.team_id or "", command["user_id"]))

    # /followups past its first page (issue 12): "Show more" redraws the answer from where it says.
    def followups_page(body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        offset = due_render.page_of(str(clicked(body).get("value") or ""))
        team_id, user_id = context.team_id or "", body["user"]["id"]
        respond(replace_original=True, **followups_reply(core, team_id, user_id, offset=offset))

    app.action(Action.FOLLOWUPS_PAGE)(ack=ack_now, lazy=[followups_page])

    def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") == "home":
            publish_home(core, client, context.team_id, event["user"])

    # Ack at once; views.publish is a network call and runs after the answer to Slack.
    app.event("app_home_opened")(ack=ack_now, lazy=[home_opened])
