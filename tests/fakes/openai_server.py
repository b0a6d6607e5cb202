"""A local server speaking OpenAI's Chat Completions API over a real socket, for the faults a
real model server cannot be made to do on demand: tool calls (streamed in fragments), 401,
429 with ``Retry-After``, unknown models, ``context_length_exceeded``, an error event and a
cut-off stream mid-answer, tools refused, a crash. The real server (llama-cpp-python) covers the rest.

Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` (SSE when ``stream`` is true).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.ollama_server import tokens_of
from tests.fakes.serve import serve


@dataclass
class Reply:
    """One scripted answer of /v1/chat/completions."""

    content: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name":..., "arguments": {...}}]
    status: int = 200  # an HTTP error instead of an answer
    error: dict[str, Any] | None = None  # its body's "error"
    headers: dict[str, str] = field(default_factory=dict)
    error_event_after: int | None = None  # send a `data: {"error": ...}` event after N tokens
    cut_after: int | None = None  # end the stream (no finish_reason, no [DONE]) after N tokens
    crash: bool = False  # die as a crashing server does: drop the connection, stop listening


@dataclass
class FakeOpenAI:
    models: list[dict[str, Any]] = field(default_factory=lambda: [{"id": "local-model", "object": "model"}])
    script: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply(content="Hello from the fake server."))
    api_key: str | None = None  # when set, requests without "Bearer <key>" get a 401
    refuse_tools: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    token_delay: float = 0.0  # seconds between streamed tokens (a real server's pace)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_reply(self) -> Reply:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


@contextmanager
def fake_openai(state: FakeOpenAI | None = None) -> Iterator[tuple[str, FakeOpenAI]]:
    """Yields ``(base_url ending in /v1, state)``."""
    fake = state or FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            if fake.api_key is None or self.headers.get("Authorization") == f"Bearer {fake.api_key}":
                return True
            self._json(
                401,
                {
                    "error": {
                        "message": "Incorrect API key provided.",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
            )
            return False

        def do_GET(self) -> None:
            if not self._authorized():
                return
            if self.path == "/v1/models":
                return self._json(200, {"object": "list", "data": fake.models})
            return self._json(404, {"error": {"message": "not found"}})

        def _die(self) -> None:
            # stop listening first (so a retry is refused, not left waiting), then hang up
            # without a word: what a model server that segfaults mid-request looks like
            stopper = threading.Thread(target=self.server.shutdown)
            stopper.start()
            stopper.join()
            self.server.socket.close()
            self.close_connection = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake.lock:
                fake.requests.append(body)
            if not self._authorized():
                return
            if self.path != "/v1/chat/completions":
                return self._json(404, {"error": {"message": "not found"}})
            model = body.get("model")
            if model not in {m["id"] for m in fake.models}:
                return self._json(
                    404,
                    {"error": {"message": f"The model `{model}` does not exist.", "code": "model_not_found"}},
                )
            if body.get("tools") and fake.refuse_tools:
                return self._json(400, {"error": {"message": "tools are not supported by this server"}})
            reply = fake.next_reply()
            if reply.crash:
                return self._die()
            if reply.status != 200:
                return self._json(reply.status, {"error": reply.error or {"message": "error"}}, reply.headers)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def send(payload: Any) -> None:
                data = f"data: {payload if isinstance(payload, str) else json.dumps(payload)}\n\n".encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
                return {
                    "id": "chatcmpl-1",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }

            send(chunk({"role": "assistant"}))
            for index, token in enumerate(tokens_of(reply.content)):
                if reply.error_event_after is not None and index >= reply.error_event_after:
                    send({"error": {"message": "the model crashed mid-answer", "type": "server_error"}})
                    self.wfile.write(b"0\r\n\r\n")
                    return
                if reply.cut_after is not None and index >= reply.cut_after:
                    self.wfile.write(b"0\r\n\r\n")  # a clean end of the body, but no [DONE]
                    return
                send(chunk({"content": token}))
                if fake.token_delay:
                    time.sleep(fake.token_delay)
            for n, call in enumerate(reply.tool_calls):
                arguments = json.dumps(call["arguments"])
                half = len(arguments) // 2
                send(
                    chunk(
                        {
                            "tool_calls": [
                                {
                                    "index": n,
                                    "id": f"call_{n}",
                                    "type": "function",
                                    "function": {"name": call["name"], "arguments": arguments[:half]},
                                }
                            ]
                        }
                    )
                )
                send(chunk({"tool_calls": [{"index": n, "function": {"arguments": arguments[half:]}}]}))
            send(chunk({}, "tool_calls" if reply.tool_calls else "stop"))
            send(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion.chunk",
                    "choices": [],
                    "usage": {"prompt_tokens": 12, "completion_tokens": 5},
                }
            )
            send("[DONE]")
            self.wfile.write(b"0\r\n\r\n")

    with serve(Handler) as url:
        yield url + "/v1", fake
