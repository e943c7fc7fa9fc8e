"""Real loopback servers that get stuck the ways issue #12 found: one accepts connections and never answers,
one answers a byte at a time for ever. Real sockets, because the point is what httpx's own timeouts do (its
read timeout restarts with every chunk). No tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

Mode = Literal["hang", "trickle"]

TRICKLE_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"
                b"Connection: close\r\n\r\n")


class StuckServer:
    def __init__(self, mode: Mode, interval: float) -> None:
        self.mode = mode
        self.interval = interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.stop = threading.Event()
        self.accepted = 0
        self.threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            worker = threading.Thread(target=self.handle, args=(connection,), daemon=True)
            worker.start()
            self.threads.append(worker)

    def handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(0.05)
            if self.mode == "trickle":
                try:
                    connection.sendall(TRICKLE_HEAD)
                except OSError:
                    return
            while not self.stop.is_set():
                try:
                    if self.mode == "hang":
                        if connection.recv(65536) == b"":
                            return  # the client hung up
                    else:
                        connection.sendall(b" ")  # whitespace: still valid JSON once it ends (it never does)
                        time.sleep(self.interval)
                except TimeoutError:
                    continue
                except OSError:
                    return


@contextmanager
def stuck_upstream(mode: Mode, interval: float = 0.05) -> Iterator[StuckServer]:
    """A stuck server on a free loopback port, stopped (and its connections closed) on the way out."""
    server = StuckServer(mode, interval)
    acceptor = threading.Thread(target=server.serve, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        server.stop.set()
        acceptor.join(timeout=5)
        server.listener.close()
        for worker in server.threads:
            worker.join(timeout=5)
