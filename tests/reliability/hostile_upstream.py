"""A PartnerBoost stand-in that fails and repeats back every credential it receives: in its error messages,
in 500 pages, in the connection error text. Used to prove the skill never passes those echoes on. No tests.

The same responder serves an httpx2.MockTransport (in process) and a loopback HTTP server (for subprocesses
and the CLI, which open their own connections).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

import httpx2

Mode = Literal["unauthorized", "error", "unreachable"]
MODES: tuple[Mode, ...] = ("unauthorized", "error", "unreachable")


@dataclass
class Seen:
    """Everything the stand-in received, to show the credentials did go out (and came back in its answers)."""

    requests: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.requests.append(text)

    def contains(self, value: str) -> bool:
        return any(value in text for text in self.requests)


def respond(mode: Mode, method: str, url: str, headers: dict[str, str], body: str) -> tuple[int, str, str]:
    """(status, content type, body) for one request; every answer quotes the whole request back."""
    echo = f"{method} {url} headers={json.dumps(headers)} body={body}"
    if mode == "error":
        return 500, "text/plain", f"Internal Server Error while handling {echo}"
    path = url.split("?", 1)[0]
    if "/api.php" in path or "/amazon_api/" in path:
        envelope = {"status": {"code": 1001, "msg": f"token invalid: {echo}"}, "data": None}
        return 200, "application/json", json.dumps(envelope)
    rejected = {"code": 1001, "message": f"key invalid: {echo}", "data": None}
    return 401, "application/json", json.dumps(rejected)


def mock_transport(mode: Mode, seen: Seen) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        body = request.read().decode(errors="replace")
        headers = dict(request.headers)
        seen.add(f"{request.url} {headers} {body}")
        if mode == "unreachable":
            raise httpx2.ConnectError(f"cannot connect to {request.url} ({headers})", request=request)
        status, content_type, text = respond(mode, request.method, str(request.url), headers, body)
        return httpx2.Response(status, text=text, headers={"content-type": content_type})

    return httpx2.MockTransport(handle)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        headers = dict(self.headers.items())
        url = f"http://{self.headers.get('host')}{self.path}"
        self.server.seen.add(f"{url} {headers} {body}")
        status, content_type, text = respond(self.server.mode, self.command, url, headers, body)
        payload = text.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mode: Mode
    seen: Seen

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (cancelled sibling requests) is not news; stay off the captured stderr."""


@contextmanager
def loopback_upstream(mode: Mode, seen: Seen) -> Iterator[str]:
    """The stand-in on a free loopback port; yields its base URL ('unreachable': a port nobody serves)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mode, server.seen = mode, seen
    base = f"http://127.0.0.1:{server.server_address[1]}"
    if mode == "unreachable":
        server.server_close()
        yield base
        return
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
