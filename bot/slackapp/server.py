"""Serving Bolt: HTTP behind waitress (a production WSGI server) with `/healthz`, `/readyz` and
`/metrics`, or Socket Mode.

Either way, a request's lazy listeners (`AfterAnswer`) start once its answer has been sent.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers, send_response
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from waitress.server import create_server

from bot.platform.health import Readiness
from bot.platform.inputs import cleaned
from bot.platform.metrics import CONTENT_TYPE, Metrics

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from waitress.server import BaseWSGIServer, MultiSocketServer

log = logging.getLogger(__name__)

# The largest request Rapport reads: Slack's payloads (a 100-block view, a long message event)
# stay far below it. waitress refuses bigger bodies with a 413 before buffering them.
MAX_BODY = 2 * 1024 * 1024

Health = Callable[[], bool]
Task = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class AfterAnswer(Executor):
    """Bolt's listener executor: runs lazy listeners, but only once the answer they follow is sent.

    With `process_before_response`, Bolt starts a request's lazy listeners before its response is
    written, and in one interpreter they would compete with it (a Home tab drawn while the /log
    answer is still on its way). While a request is answered (`holding`), what its thread submits
    waits; the server releases it once the answer has left. Outside a request, work starts at once.
    """

    def __init__(self, workers: int = 5) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rapport-lazy")
        self._held = threading.local()
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        held: list[Task] | None = getattr(self._held, "tasks", None)
        if held is None:
            return self._track(self._pool.submit(fn, *args, **kwargs))
        future: Future[Any] = Future()
        held.append((future, fn, args, kwargs))
        return self._track(future)

    def _track(self, future: Future[Any]) -> Future[Any]:
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far (and what it submitted) has run; False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            wait(pending, timeout=left)

    @contextmanager
    def holding(self) -> Iterator[Callable[[], None]]:
        """Hold what this thread submits; yields the function that starts it (call it once)."""
        tasks: list[Task] = []
        self._held.tasks = tasks
        try:
            yield lambda: self._release(tasks)
        finally:
            self._held.tasks = None

    def _release(self, tasks: list[Task]) -> None:
        while tasks:
            future, fn, args, kwargs = tasks.pop(0)
            if future.set_running_or_notify_cancel():
                self._pool.submit(_run_into, future, fn, args, kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _run_into(
    future: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    try:
        future.set_result(fn(*args, **kwargs))
    except BaseException as e:
        future.set_exception(e)


def _after_answer(app: App) -> AfterAnswer | None:
    executor = app.listener_runner.listener_executor
    return executor if isinstance(executor, AfterAnswer) else None


class _ThenRelease:
    """A response body that starts the request's held work when the server is done sending it."""

    def __init__(self, body: Iterable[bytes], release: Callable[[], None]) -> None:
        self._body = body
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._release()


class FormRequest(BoltRequest):
    """A Bolt request whose form body is read by its fields, and whose text is `printable`.

    Bolt takes any form body containing the word "payload" for an interactive payload, so
    `/whoknows payload api` would reach no listener (and get a 404): read such a body by its
    fields unless it really has a `payload` field. Copies (for lazy listeners) stay this kind.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        raw = self.raw_body
        if self.mode == "http" and "payload" in raw and not raw.startswith("{"):
            fields = dict(parse_qsl(raw, keep_blank_values=True))
            if "payload" not in fields:
                self.body = fields
                self.context = build_context(BoltContext(kwargs.get("context") or {}), fields)
        # Listeners (and the copies lazy ones get) read only text both databases can store.
        self.body = cleaned(self.body)

    def to_copyable(self) -> BoltRequest:
        copy = super().to_copyable()
        return FormRequest(
            body=copy.raw_body if self.mode == "http" else copy.body,
            query=copy.query,
            headers=copy.headers,
            context=copy.context,
            mode=copy.mode,
        )


class _Handler(SlackRequestHandler):
    """Bolt's WSGI adapter, checking the signature before anything reads the body: a request
    that is not Slack's is a 401 and nothing else (no parsing, no listener, no log line)."""

    def __init__(self, app: App, signing_secret: str | None) -> None:
        super().__init__(app)
        # Without a secret nothing can be verified, so nothing is let through.
        self._verifier = (
            SignatureVerifier(signing_secret) if signing_secret and signing_secret.strip() else None
        )

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        raw = _raw_body(request.environ)
        if raw is None or not self._signed(raw, headers):
            return BoltResponse(status=401, body="")
        try:
            bolt_request = FormRequest(body=raw.decode(), query=request.query_string, headers=headers)
        except Exception as e:  # reading it is all this does: bad UTF-8, bad JSON, a JSON list…
            log.warning("refused a signed request that is not a Slack payload (%s)", type(e).__name__)
            return BoltResponse(status=400, body="")
        return self.app.dispatch(bolt_request)

    def _signed(self, body: bytes, headers: dict[str, Any]) -> bool:
        timestamp, signature = (
            _header(headers, "x-slack-request-timestamp"),
            _header(headers, "x-slack-signature"),
        )
        # slack_sdk's verifier raises on a timestamp that is not a number: check it first.
        if self._verifier is None or not (timestamp.isascii() and timestamp.isdigit() and signature):
            return False
        try:
            return self._verifier.is_valid(body, timestamp, signature)
        except Exception:  # anything odd in a request that is not verified is simply not Slack's
            return False


def _header(headers: dict[str, Any], name: str) -> str:
    value = headers.get(name)
    return str(value[0] if isinstance(value, list | tuple) and value else value or "")


def _raw_body(environ: WSGIEnvironment) -> bytes | None:
    """The request's bytes as Slack signed them; None when its length is not a number, or more
    than Slack sends (so an unsigned request cannot make the server hold much)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > MAX_BODY:
        return None
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length > 0 else b""


class RapportWSGI:
    """`/slack/events` (and the OAuth paths) go to Bolt, signed; `/healthz` (liveness), `/readyz`
    (database, migrations, scheduler) and `/metrics` (Prometheus) answer GETs, unsigned."""

    def __init__(
        self,
        app: App,
        signing_secret: str | None,
        healthy: Health = lambda: True,
        *,
        readiness: Readiness | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._bolt = _Handler(app, signing_secret)
        self._healthy = healthy
        # A RapportApp carries its own (`bot.slackapp.app.build_app`); a bare Bolt app has none.
        self._readiness = readiness or getattr(app, "readiness", None)
        self._metrics = metrics or getattr(app, "metrics", None)
        self._after = _after_answer(app)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path in _PLAIN:
            return self._plain(path, environ, start_response)
        if self._after is None:
            return self._bolt(environ, start_response)
        with self._after.holding() as release:
            try:
                answer = self._bolt(environ, start_response)
            except BaseException:
                release()
                raise
        return _ThenRelease(answer, release)

    def _plain(self, path: str, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _reply(start_response, "405 Method Not Allowed", b"", "text/plain", [("Allow", "GET")])
        if path == "/healthz":  # liveness: this process answers
            return _json_reply(start_response, True, {"ok": True})
        if path == "/readyz":
            if self._readiness is None:
                ok = self._healthy()
                return _json_reply(start_response, ok, {"ok": ok})
            ok, body = self._readiness.report()
            return _json_reply(start_response, ok, body)
        if self._metrics is None:
            return _reply(start_response, "404 Not Found", b"", "text/plain")
        return _reply(start_response, "200 OK", self._metrics.exposition(), CONTENT_TYPE)


_PLAIN = frozenset({"/healthz", "/readyz", "/metrics"})


def _json_reply(start_response: StartResponse, ok: bool, body: dict[str, Any]) -> list[bytes]:
    status = "200 OK" if ok else "503 Service Unavailable"
    return _reply(start_response, status, json.dumps(body).encode(), "application/json")


def _reply(
    start_response: StartResponse,
    status: str,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *(extra or [])]
    start_response(status, headers)
    return [body]


class _SocketModeHandler(SocketModeHandler):
    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        after = _after_answer(self.app)
        if after is None:
            self._answer(client, req)
            return
        with after.holding() as release:
            try:
                self._answer(client, req)  # answers Slack before it returns
            finally:
                release()

    def _answer(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        """Bolt's `handle`, reading the payload as a `FormRequest` as HTTP does."""
        start = time.time()
        request = FormRequest(mode="socket_mode", body=req.payload, headers=build_headers(req))
        send_response(client, req, self.app.dispatch(request), start)


def socket_mode(app: App, app_token: str | None) -> SocketModeHandler:
    """Socket Mode for `app`: `.start()` connects and serves until interrupted."""
    return _SocketModeHandler(app, app_token)


def make_server(
    wsgi: Callable[..., Any], host: str = "0.0.0.0", port: int = 3000, threads: int = 8
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server (port 0 picks a free port: see `.effective_port`); call `.run()`."""
    # Trust X-Forwarded-* only from a proxy on this machine, the usual TLS-terminating setup.
    return create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        ident="rapport",
        max_request_body_size=MAX_BODY,
        trusted_proxy="127.0.0.1",
        trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
        clear_untrusted_proxy_headers=True,
    )


def stop_server(server: BaseWSGIServer | MultiSocketServer) -> None:
    """Stop a running server from another thread: close every connection inside its loop."""

    trigger: Any = server.trigger  # type: ignore[union-attr]

    def close_all() -> None:
        # The listening socket's close() closes the trigger too: closing it twice would close
        # whatever file descriptor reused its number in the meantime.
        for channel in list(getattr(server, "_map", {}).values()):
            if channel is not trigger:
                channel.close()

    # The loop only notices a closed socket on its next wake-up; the trigger wakes it now.
    # Holding the trigger's lock while queueing and waking: otherwise a wake-up already
    # pending from a response can run close_all (closing the pipe) before our own write.
    with trigger.lock:
        trigger.thunks.append(close_all)
        trigger._physical_pull()
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=5)


@contextmanager
def serving(wsgi: Callable[..., Any], host: str = "127.0.0.1", threads: int = 8) -> Iterator[str]:
    """Serve `wsgi` on a free port from a background thread until the block ends (tests, benchmarks).

    Yields the base URL, e.g. ``http://127.0.0.1:PORT``.
    """
    server = make_server(wsgi, host=host, port=0, threads=threads)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.effective_port}"  # type: ignore[union-attr]
    finally:
        stop_server(server)
        thread.join(timeout=5)
        if thread.is_alive():
            raise RuntimeError("the HTTP server did not stop")
