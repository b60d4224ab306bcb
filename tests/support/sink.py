"""A loopback HTTP server that records every request it gets: where Rapport must never call."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Sink:
    """What reached the sink; `/redirect` answers 302 to `/second`, everything else 200."""

    url: str
    seen: list[str] = field(default_factory=list)  # "METHOD /path"

    def at(self, path: str) -> str:
        return f"{self.url}{path}"


@contextmanager
def sink() -> Iterator[Sink]:
    found = Sink(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            found.seen.append(f"{self.command} {self.path}")
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", found.at("/second"))
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="sink", daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
