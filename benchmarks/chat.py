"""Chat streaming latency with a local Ollama-protocol server streaming 2,000 tokens at 200/s.

Prints: time from the server's first byte to the first chunk leaving ChatService, the latency per
chunk (server send -> ChatService yield; p50/p99) for the bare provider and for ChatService (the
difference is what ChatService adds), and the time to build a symbol's grounding context from
cached data.

Run: python benchmarks/chat.py [--tokens 2000] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.append(
    str(Path(__file__).resolve().parents[1])
)  # benchmarks/, tests/; naetra_tui is the installed one

from naetra_tui.config import load_config_text
from naetra_tui.core.chat import ChatTurn
from naetra_tui.services.session import chat_service, session_for
from tests.fakes.ollama_server import FakeOllama, Turn, fake_ollama


def percentiles(values: list[float]) -> str:
    ms = np.array(values) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms, p99 {np.percentile(ms, 99):6.2f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("-v", action="store_true", help="print the first latencies")
    args = parser.parse_args()
    answer = " ".join(f"t{i}" for i in range(args.tokens))
    fake = FakeOllama(default=Turn(content=answer), token_delay=1 / args.rate)
    with fake_ollama(fake) as (url, _), tempfile.TemporaryDirectory() as tmp:
        text = (
            "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n    - {name: simulated, plugin: simulated, config: {invent_unknown: true}}\n"
            "  analyzers:\n    - {name: technical, plugin: technical}\n    - {name: fundamental, plugin: fundamental}\n"
            f"  llm:\n    - {{name: ollama, plugin: ollama, config: {{api_url: '{url}'}}}}\n"
            f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp}/b.db'}}}}\n"
        )
        async with session_for(load_config_text(text)) as session:
            chat = chat_service(session)
            await chat.build_context("AAPL")  # warm the caches
            samples = []
            for _ in range(5):
                start = time.perf_counter()
                await chat.build_context("AAPL")
                samples.append(time.perf_counter() - start)
            print(
                f"grounding context for AAPL from cached data: median {np.median(samples) * 1000:.1f} ms (target <= 10 ms)"
            )

            provider = session.manager.get_plugin("llm", "ollama")
            fake.sent_at.clear()
            received = []
            async for _chunk in provider.stream_chat([ChatTurn("user", "go")]):
                received.append(time.perf_counter())
            bare = [r - s for r, s in zip(received, fake.sent_at, strict=False)]
            print(f"bare provider, first chunk: {bare[0] * 1000:.2f} ms")
            print(f"bare provider, per chunk : {percentiles(bare)}")

            fake.sent_at.clear()
            received = []
            async for event in chat.ask("go", "AAPL"):
                if event.kind == "token":
                    received.append(time.perf_counter())
            service = [r - s for r, s in zip(received, fake.sent_at, strict=False)]
            if "-v" in sys.argv:
                print([round(x * 1000, 2) for x in service[:5]])
            print(
                f"first byte -> first chunk out of ChatService: {service[0] * 1000:.2f} ms (target <= 20 ms)"
            )
            print(f"ChatService, per chunk   : {percentiles(service)}")
            added = np.percentile(service, 99) - np.percentile(bare, 99)
            print(
                f"added by ChatService     : p50 {(np.percentile(service, 50) - np.percentile(bare, 50)) * 1000:.2f} ms, "
                f"p99 {added * 1000:.2f} ms (target p99 <= 5 ms); {len(service)} chunks"
            )


if __name__ == "__main__":
    asyncio.run(main())
