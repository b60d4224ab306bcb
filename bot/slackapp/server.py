"""HTTP mode: Bolt behind waitress (a production WSGI server), plus `/healthz`."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from waitress.server import create_server

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from waitress.server import BaseWSGIServer, MultiSocketServer

Health = Callable[[], bool]


class FormRequest(BoltRequest):
    """A Bolt request whose form body is read by its fields.

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
    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        return self.app.dispatch(
            FormRequest(body=request.get_body(), query=request.query_string, headers=request.get_headers())
        )


class RapportWSGI:
    """`/slack/events` (and the OAuth paths) go to Bolt; `/healthz` answers load balancers."""

    def __init__(self, app: App, healthy: Health = lambda: True) -> None:
        self._bolt = _Handler(app)
        self._healthy = healthy

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            ok = self._healthy()
            body = json.dumps({"ok": ok}).encode()
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self._bolt(environ, start_response)


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
