"""A stand-in for the hub's file store: serves the bytes it is given, by path, over HTTP on
127.0.0.1, as the `url` of a synced file points at. Used by the tests and `make bench` where a real
scan fetches, and it can misbehave on purpose: redirect elsewhere, or hang mid-body.

It counts the requests for each path, so a test can say a file was not fetched again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = Callable[[BaseHTTPRequestHandler], None]


class HubFiles:
    def __init__(self, files: dict[str, bytes] | None = None, *, port: int = 0):
        self.requests: dict[str, int] = {}
        self._routes: dict[str, Answer] = {}
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.requests[self.path] = served.requests.get(self.path, 0) + 1
                route = served._routes.get(self.path)
                if route is None:
                    _body(self, 404, b"")
                    return
                route(self)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.netloc = f"127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        for path, body in (files or {}).items():
            self.serve(path, body)

    def url(self, path: str) -> str:
        return f"http://{self.netloc}{path}"

    def serve(self, path: str, body: bytes) -> str:
        self._routes[path] = lambda handler: _body(handler, 200, body)
        return self.url(path)

    def redirect(self, path: str, to: str) -> str:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self._routes[path] = answer
        return self.url(path)

    def hang(self, path: str, seconds: float, *, declared: int = 1000) -> str:
        """Headers and one byte of a `declared`-byte body, then silence: a server that hangs mid-body."""

        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Length", str(declared))
            handler.end_headers()
            handler.wfile.write(b"\x80")
            handler.wfile.flush()
            time.sleep(seconds)

        self._routes[path] = answer
        return self.url(path)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _body(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
