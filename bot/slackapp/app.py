"""Builds the Bolt App: the one place where Slack, the core and the handlers meet."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
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
from bot.help.render import apology, apology_modal, upgrading, upgrading_modal
from bot.models import installs
from bot.platform.clock import Clock, system_clock
from bot.platform.health import Readiness
from bot.platform.metrics import Metrics
from bot.platform.migrate import UPGRADE_HINT
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
    "channels:history",
    "im:history",
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
    """Bolt's App, with `respond` bound to the request's response_url only if Slack hosts it;
    each request counted, timed and logged in one line, and answered "being upgraded" while the
    database waits for its migrations."""

    def __init__(
        self,
        *,
        hooks: Hooks,
        readiness: Readiness | None = None,
        metrics: Metrics | None = None,
        clock: Clock = system_clock,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.hooks = hooks
        self.readiness = readiness
        self.metrics = metrics
        self.clock = clock

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        # Before any middleware: Bolt's own authorization answers through `respond` too.
        req.context["respond"] = HooksOnly(req.context.response_url, self.hooks)
        started = self.clock.monotonic()
        kind, name = described(req.body)
        if self.readiness is not None and self.readiness.upgrading():
            response, outcome = _upgrading(req, kind), "upgrading"
        else:
            response = super().dispatch(req)
            outcome = _outcome(req, response)
        elapsed = max(0.0, self.clock.monotonic() - started)
        if self.metrics is not None:
            self.metrics.requests.labels(kind, name, outcome).inc()
            self.metrics.request_seconds.labels(kind, name).observe(elapsed)
        # One line per request: what kind, whose workspace, how it went. Never text or ids typed.
        ref = req.context.get(REF)
        log.log(
            logging.WARNING if outcome == "upgrading" else logging.INFO,
            "request %s %s team %s %s%s %d ms%s",
            kind,
            name or "-",
            req.context.team_id or "-",
            outcome,
            f" ref {ref}" if ref else "",
            round(elapsed * 1000),
            f": database migrations pending, {UPGRADE_HINT}" if outcome == "upgrading" else "",
        )
        return response


REF = "rapport_ref"  # the context key of a failed request's short id
_NAME = re.compile(r"[^A-Za-z0-9_./-]")


def new_ref() -> str:
    """A short id the apology shows and the error log line carries, so a report finds its line."""
    return secrets.token_hex(3)


def described(body: dict[str, Any]) -> tuple[str, str]:
    """A request's kind and name for metrics and logs: a command, an action id, a callback id or
    an event type, cut at the first ':' (what follows names a row) — never what someone typed."""
    kind = _kind(body)
    name: Any = ""
    if kind == "slash_command":
        kind, name = "command", body.get("command")
    elif kind in ("block_actions", "block_suggestion"):
        actions = body.get("actions") or [{}]
        first = actions[0] if isinstance(actions, list) and actions else {}
        name = first.get("action_id") if isinstance(first, dict) else body.get("action_id")
        name = name or body.get("action_id")
        kind = "action" if kind == "block_actions" else "options"
    elif kind in ("view_submission", "view_closed"):
        view = body.get("view")
        name = view.get("callback_id") if isinstance(view, dict) else ""
        kind = "view"
    elif kind in ("shortcut", "message_action"):
        kind, name = "shortcut", body.get("callback_id")
    elif kind == "event_callback":
        event = body.get("event")
        kind, name = "event", event.get("type") if isinstance(event, dict) else ""
    text = str(name or "").split(":", 1)[0]
    return kind[:24], _NAME.sub("_", text)[:48]


def _outcome(req: BoltRequest, response: BoltResponse) -> str:
    if req.context.get(REF):
        return "error"
    if response.status == 404:
        return "unhandled"
    return "ok" if response.status < 400 else "refused"


def _upgrading(req: BoltRequest, kind: str) -> BoltResponse:
    """The answer while migrations are pending: no listener runs against an old schema."""
    if kind == "command":
        return _json(upgrading())
    if kind == "view":
        return _json({"response_action": "update", "view": upgrading_modal()})
    if kind == "event":  # Slack retries it later, when the upgrade is done
        return BoltResponse(status=503, body="")
    if req.body.get("response_url"):
        _say(req.body, log, req.context.respond, upgrading())
    return BoltResponse(status=200, body="")


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
    core.db.metrics.clock = core.clock  # outbox and sync ages read the app's clock
    readiness = Readiness(core.db, core.clock)
    with bolt_env_hidden():
        app = RapportApp(
            hooks=Hooks(s.api_url), readiness=readiness, metrics=core.db.metrics, clock=core.clock, **options
        )
    app.error(_error_handler(readiness))
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
                ref = new_ref()
                self.logger.error(
                    "after answering %s %s, failed (ref %s)",
                    _kind(body),
                    body.get("command") or "",
                    ref,
                    exc_info=error,
                )
                _say(body, self.logger, request.context.respond, apology(ref))

        self.executor.submit(run)


def _error_handler(readiness: Readiness) -> Callable[..., BoltResponse]:
    def answer_errors_kindly(
        error: Exception, body: dict[str, Any], logger: logging.Logger, respond: Respond, request: BoltRequest
    ) -> BoltResponse:
        """Log the failure and apologise with a short ref the log line carries too, instead of
        Bolt's bare 500 (which Slack shows as a failure); while migrations are pending, say so."""
        kind = _kind(body)
        ref = new_ref()
        request.context[REF] = ref
        logger.error("handling %s %s failed (ref %s)", kind, body.get("command") or "", ref, exc_info=error)
        if readiness.upgrading():
            return _upgrading(request, described(body)[0])
        if kind == "slash_command":
            return _json(apology(ref))
        if kind == "view_submission":
            return _json({"response_action": "update", "view": apology_modal(ref)})
        _say(body, logger, respond, apology(ref))
        return BoltResponse(status=200, body="")

    return answer_errors_kindly


def _kind(body: dict[str, Any]) -> str:
    return str(body.get("type") or ("slash_command" if "command" in body else "unknown"))


def _say(
    body: dict[str, Any], logger: logging.Logger, respond: Respond | None, payload: dict[str, Any]
) -> None:
    """An apology (or the upgrade notice), ephemeral, where the request came from (only Slack's
    hooks: `HooksOnly`)."""
    if not body.get("response_url") or respond is None:
        return
    try:
        respond(**payload)
    except Exception:  # best effort; the error is logged already
        logger.warning("could not answer on the response_url", exc_info=True)


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
