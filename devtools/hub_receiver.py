"""A stand-in for the hub's webhook endpoint, on 127.0.0.1: for development and for the tests.

It verifies every delivery with the off-the-shelf `standardwebhooks` library, exactly as a hub
would, records it, and answers with the status codes it is told to (or hangs, to test timeouts).

    python -m devtools.hub_receiver --port 8001      # prints each verified delivery
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

HANG = "hang"


@dataclass
class Delivery:
    webhook_id: str
    payload: dict | None
    verified: bool
    status: int | str
    client_port: int = 0  # which connection it came on: a kept-alive one carries many


@dataclass
class HubReceiver:
    secret: str
    host: str = "127.0.0.1"
    port: int = 0
    hang_seconds: float = 30.0
    verbose: bool = False
    deliveries: list[Delivery] = field(default_factory=list)
    # Answers for the next deliveries, in order (an int status or HANG); then `default_status`.
    script: list[int | str] = field(default_factory=list)
    default_status: int = 204

    def __post_init__(self):
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/webhooks"

    def start(self) -> HubReceiver:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def restart(self) -> HubReceiver:
        """Listen again on the same port after `stop()`: a hub back from an outage."""
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler())
        self._server.daemon_threads = True
        return self.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        # Kept-alive connections outlive the listening socket: close them, so a client never sends
        # to a stopped receiver (nor to its successor, should the port be handed out again).
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def verified(self) -> list[Delivery]:
        with self._lock:
            return [d for d in self.deliveries if d.verified]

    def wait_for(self, predicate, timeout: float = 30.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [d for d in self.verified() if predicate(d)]
            if found:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"No matching delivery in {timeout} s; got {self.deliveries!r}")

    def _next_answer(self) -> int | str:
        with self._lock:
            return self.script.pop(0) if self.script else self.default_status

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self.deliveries.append(delivery)
        if self.verbose:
            print(f"hub: {delivery.status} {delivery.webhook_id} {json.dumps(delivery.payload)}", flush=True)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # As a real hub does: keep the connection open between deliveries. Under HTTP/1.0 every
            # delivery paid for a new TCP connection and a new server thread.
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with receiver._lock:
                    receiver._connections.add(self.connection)

            def finish(self):
                with receiver._lock:
                    receiver._connections.discard(self.connection)
                super().finish()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    receiver._record(Delivery(headers.get("webhook-id", ""), None, False, 401, self.client_address[1]))
                    self._answer(401)
                    return
                answer = receiver._next_answer()
                receiver._record(Delivery(headers["webhook-id"], payload, True, answer, self.client_address[1]))
                if answer == HANG:
                    time.sleep(receiver.hang_seconds)
                    answer = 204
                self._answer(answer)

            def _answer(self, status: int) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--secret", default=os.environ.get("HUB_WEBHOOK_SECRET", "").split(" ")[0])
    args = parser.parse_args()
    if not args.secret:
        parser.error("give --secret or set HUB_WEBHOOK_SECRET")
    receiver = HubReceiver(secret=args.secret, port=args.port, verbose=True).start()
    print(f"hub receiver listening on {receiver.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        receiver.stop()


if __name__ == "__main__":
    main()
