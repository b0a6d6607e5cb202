"""A server speaking OpenAI's streaming wire format that never ends its answer, in the ways a
broken or hostile one can: tokens forever, one line that never ends, only keep-alive comments.
Each loop is bounded (a few MB or seconds) so a test that fails does not run away either."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.serve import serve

MODES = ("endless", "long_line", "keepalive")


@contextmanager
def hostile_sse(mode: str, seconds: float = 20.0) -> Iterator[str]:
    """Yields the base URL (ending in /v1)."""
    assert mode in MODES

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def do_GET(self) -> None:
            body = json.dumps({"object": "list", "data": [{"id": "m", "object": "model"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _write(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            until = time.monotonic() + seconds
            event = {"choices": [{"index": 0, "delta": {"content": "lorem ipsum "}, "finish_reason": None}]}
            try:
                if mode == "long_line":
                    self._write(b'data: {"choices": [{"index": 0, "delta": {"content": "')
                    for _ in range(200):  # 200 x 64 kB = 12.8 MB, never a newline
                        self._write(b"a" * 65536)
                elif mode == "endless":
                    line = f"data: {json.dumps(event)}\n\n".encode()
                    while time.monotonic() < until:
                        self._write(line * 50)
                else:
                    while time.monotonic() < until:
                        self._write(b": keep-alive\n\n")
                        time.sleep(0.2)
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what it should do

    with serve(Handler) as url:
        yield url + "/v1"
