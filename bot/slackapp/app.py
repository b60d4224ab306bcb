"""Builds the Bolt App: the one place where Slack, the core and the handlers meet."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse, Respond
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.lazy_listener.thread_runner import ThreadLazyListenerRunner
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.util.utils import get_arg_names_of_callable
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

import handlers
from bot.core import Core
from bot.help.render import apology, apology_modal
from bot.models import installs
from bot.platform.slack import make_client
from bot.platform.tokens import Installations
from bot.platform.webhooks import Hooks, post_json
from bot.slackapp.server import AfterAnswer

log = logging.getLogger(__name__)

# Bolt reads these from the environment behind our back (and turns OAuth on when the
# client id and secret merely exist). Settings decide; Bolt gets explicit values only.
_BOLT_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")

BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:read",
    "channels:join",
    "groups:read",
    "im:write",
    "users:read",
    "users:read.email",
    "users.profile:read",
    "team:read",
)


@contextmanager
def bolt_env_hidden() -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in _BOLT_ENV if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class HooksOnly(Respond):
    """`respond()` that posts only to Slack's hooks hosts and follows no redirect (a request
    chooses its own response_url: trusting it would let anyone make Rapport call any URL)."""

    def __init__(self, response_url: str | None, hooks: Hooks) -> None:
        super().__init__(response_url=response_url)
        self.hooks = hooks

    def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> Any:  # type: ignore[override]
        message = dict(text) if isinstance(text, dict) else {"text": text, **fields}
        return post_json(self.hooks, self.response_url, {k: v for k, v in message.items() if v is not None})


class RapportApp(App):
    """Bolt's App, with `respond` bound to the request's response_url only if Slack hosts it."""

    def __init__(self, *, hooks: Hooks, **options: Any) -> None:
        super().__init__(**options)
        self.hooks = hooks

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        # Before any middleware: Bolt's own authorization answers through `respond` too.
        req.context["respond"] = HooksOnly(req.context.response_url, self.hooks)
        return super().dispatch(req)


def build_app(core: Core) -> App:
    """A Bolt App serving Rapport; answers within Slack's 3 s by acking before slow work.

    Serve it through `RapportWSGI` (which checks Slack's signature before anything reads a
    request) or Socket Mode: the App itself does not check signatures again."""
    s = core.settings
    options: dict[str, Any] = {
        # The signature is checked once, at the edge (`bot.slackapp.server`), over the raw bytes.
        "request_verification_enabled": False,
        # Handlers answer inside ack() from indexed queries and push slow work to lazy
        # listeners, so the answer leaves with the HTTP response instead of 10 ms later.
        "process_before_response": True,
        "logger": logging.getLogger("rapport.bolt"),
        "user_facing_authorize_error_message": (
            "Rapport is not installed in this workspace (or lost its access). "
            "Ask a Slack admin to install it again."
        ),
        # Work after the answer starts once the answer is sent (see `AfterAnswer`).
        "listener_executor": AfterAnswer(),
    }
    if isinstance(core.tokens, Installations) and s.oauth_credentials:
        client_id, client_secret = s.oauth_credentials
        options["client"] = make_client(None, s.api_url)
        options["oauth_settings"] = OAuthSettings(
            client_id=client_id,
            client_secret=client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=core.tokens.store,
            state_store=SQLAlchemyOAuthStateStore(
                expiration_seconds=600, engine=core.db.engine, table_name=installs.STATES
            ),
            token_rotation_expiration_minutes=120,
        )
    else:
        options["client"] = make_client(s.bot_token, s.api_url)
    with bolt_env_hidden():
        app = RapportApp(hooks=Hooks(s.api_url), **options)
    app.error(_answer_errors_kindly)
    runner = app.listener_runner
    runner.lazy_listener_runner = ApologisingLazyRunner(runner.logger, runner.listener_executor)
    handlers.register(app, core)
    return app


class ApologisingLazyRunner(ThreadLazyListenerRunner):
    """Bolt's runner of the work after an answer, whose failures Bolt only logs in a line: the
    person clicked and saw nothing. Here a failure is logged with its traceback and apologised
    for on the request's response_url, as a failure inside the ack is."""

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        names = get_arg_names_of_callable(function)

        def run() -> None:
            try:
                function(
                    **build_required_kwargs(
                        logger=self.logger,
                        required_arg_names=names,
                        request=request,
                        response=None,
                        this_func=function,
                    )
                )
            except Exception as error:
                body = request.body
                self.logger.error(
                    "after answering %s %s, failed", _kind(body), body.get("command") or "", exc_info=error
                )
                _apologise(body, self.logger, request.context.respond)

        self.executor.submit(run)


def _answer_errors_kindly(
    error: Exception, body: dict[str, Any], logger: logging.Logger, respond: Respond
) -> BoltResponse:
    """Log the failure and apologise, instead of Bolt's bare 500 (which Slack shows as a failure)."""
    kind = _kind(body)
    logger.error("handling %s %s failed", kind, body.get("command") or "", exc_info=error)
    if kind == "slash_command":
        return _json(apology())
    if kind == "view_submission":
        return _json({"response_action": "update", "view": apology_modal()})
    _apologise(body, logger, respond)
    return BoltResponse(status=200, body="")


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("type") or ("slash_command" if "command" in body else "unknown"))


def _apologise(body: dict[str, Any], logger: logging.Logger, respond: Respond | None) -> None:
    """The apology, ephemeral, where the request came from (only Slack's hooks: `HooksOnly`)."""
    if not body.get("response_url") or respond is None:
        return
    try:
        respond(**apology())
    except Exception:  # the apology is best effort; the error is logged already
        logger.warning("could not send the apology", exc_info=True)


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
