"""A local server speaking Ollama's HTTP API over a real socket, for the real ``ollama`` client.

Endpoints: ``GET /api/version``, ``GET /api/tags``, ``POST /api/show`` (with capabilities),
``POST /api/chat`` (NDJSON streaming or one JSON object; ``message.tool_calls`` with arguments as
a JSON object; the final line with ``done_reason`` and counts). Scripted answers and faults:
404 "model not found, try pulling it first", 400 "does not support tools", an ``{"error": ...}``
line mid-stream, a connection dropped mid-stream, slow tokens.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.serve import serve


@dataclass
class Turn:
    """One scripted answer of /api/chat."""

    content: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name": ..., "arguments": {...}}]
    error_after: int | None = None  # send an {"error": ...} line after this many tokens
    error: str = "an error was encountered while running the model"
    drop_after: int | None = None  # close the socket after this many tokens


@dataclass
class FakeOllama:
    models: dict[str, list[str]] = field(default_factory=lambda: {"llama3.2:3b": ["completion", "tools"]})
    script: list[Turn] = field(default_factory=list)
    default: Turn = field(default_factory=lambda: Turn(content="Hello from the fake model."))
    token_delay: float = 0.0
    tokens_per_chunk: int = 1
    requests: list[dict[str, Any]] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)  # perf_counter() of each streamed chunk
    announce: bool = False  # print "last-token <perf_counter>" after each answer (run as a process)
    version: str = "0.12.3"  # what /api/version says (hostile-text tests put escapes in it)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_turn(self) -> Turn:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def tokens_of(text: str) -> list[str]:
    """Split text into word-ish tokens that concatenate back to it."""
    out, word = [], ""
    for ch in text:
        word += ch
        if ch == " ":
            out.append(word)
            word = ""
    if word:
        out.append(word)
    return out


@contextmanager
def fake_ollama(state: FakeOllama | None = None) -> Iterator[tuple[str, FakeOllama]]:
    fake = state or FakeOllama()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # like Ollama's Go server: no Nagle delay on small streamed writes
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args: Any) -> None:
            return None

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with fake.lock:
                fake.requests.append({"path": self.path, **body})
            return body

        def do_GET(self) -> None:
            if self.path == "/api/version":
                return self._json(200, {"version": fake.version})
            if self.path == "/api/tags":
                models = [
                    {
                        "name": m,
                        "model": m,
                        "modified_at": "2026-11-01T00:00:00Z",
                        "size": 2_000_000_000,
                        "digest": "sha256:" + "0" * 64,
                        "details": {
                            "format": "gguf",
                            "family": "llama",
                            "parameter_size": "3B",
                            "quantization_level": "Q4_K_M",
                        },
                    }
                    for m in fake.models
                ]
                return self._json(200, {"models": models})
            return self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self._body()
            model = body.get("model") or body.get("name") or ""
            if self.path == "/api/show":
                if model not in fake.models:
                    return self._json(404, {"error": f"model '{model}' not found"})
                return self._json(
                    200,
                    {
                        "modelfile": "",
                        "parameters": "",
                        "template": "",
                        "details": {"family": "llama", "parameter_size": "3B"},
                        "model_info": {"llama.context_length": 131072},
                        "capabilities": fake.models[model],
                    },
                )
            if self.path != "/api/chat":
                return self._json(404, {"error": "not found"})
            if model not in fake.models:
                return self._json(404, {"error": f'model "{model}" not found, try pulling it first'})
            if body.get("tools") and "tools" not in fake.models[model]:
                return self._json(
                    400, {"error": f"registry.ollama.ai/library/{model} does not support tools"}
                )
            turn = fake.next_turn()
            if not body.get("stream", True):
                message: dict[str, Any] = {"role": "assistant", "content": turn.content}
                if turn.tool_calls:
                    message["tool_calls"] = [{"function": c} for c in turn.tool_calls]
                return self._json(
                    200,
                    {
                        "model": model,
                        "created_at": "2026-11-26T00:00:00Z",
                        "message": message,
                        "done": True,
                        "done_reason": "stop",
                        "prompt_eval_count": 10,
                        "eval_count": 5,
                    },
                )
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def send(obj: dict[str, Any]) -> None:
                data = (json.dumps(obj) + "\n").encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
                fake.sent_at.append(time.perf_counter())

            tokens = tokens_of(turn.content)
            step = max(1, fake.tokens_per_chunk)
            for index in range(0, len(tokens), step):
                if turn.drop_after is not None and index >= turn.drop_after:
                    self.wfile.flush()
                    self.connection.shutdown(2)  # drop the connection mid-stream
                    self.close_connection = True
                    return
                if turn.error_after is not None and index >= turn.error_after:
                    send({"error": turn.error})
                    self.wfile.write(b"0\r\n\r\n")
                    return
                if fake.token_delay:
                    time.sleep(fake.token_delay)
                send(
                    {
                        "model": model,
                        "created_at": "2026-11-26T00:00:00Z",
                        "message": {"role": "assistant", "content": "".join(tokens[index : index + step])},
                        "done": False,
                    }
                )
            if turn.tool_calls:
                send(
                    {
                        "model": model,
                        "created_at": "2026-11-26T00:00:00Z",
                        "message": {
                            "role": "assistant",
                            "content": "",
                            "tool_calls": [{"function": c} for c in turn.tool_calls],
                        },
                        "done": False,
                    }
                )
            send(
                {
                    "model": model,
                    "created_at": "2026-11-26T00:00:00Z",
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                    "total_duration": 1000,
                    "prompt_eval_count": 42,
                    "eval_count": len(tokens),
                }
            )
            self.wfile.write(b"0\r\n\r\n")
            if fake.announce:  # perf_counter is CLOCK_MONOTONIC: comparable across processes here
                print(f"last-token {fake.sent_at[-2]}", flush=True)

    with serve(Handler) as url:
        yield url, fake


def main() -> None:
    """``python -m tests.fakes.ollama_server [--tokens-per-second 200] [--answer-tokens 2000]``:
    print the URL and serve until killed (e2e tests and benchmarks)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens-per-second", type=float, default=0.0)
    parser.add_argument("--answer-tokens", type=int, default=0)
    parser.add_argument(
        "--answer", default="AAPL is trading at the price shown in your watchlist (simulated data)."
    )
    parser.add_argument("--script", help="JSON list of answers, given in turn (then --answer)")
    args = parser.parse_args()
    answer = " ".join(f"tok{i}" for i in range(args.answer_tokens)) if args.answer_tokens else args.answer
    state = FakeOllama(
        default=Turn(content=answer),
        token_delay=1 / args.tokens_per_second if args.tokens_per_second else 0,
        script=[Turn(content=text) for text in json.loads(args.script)] if args.script else [],
        announce=bool(args.script),
    )
    with fake_ollama(state) as (url, _):
        print(url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
