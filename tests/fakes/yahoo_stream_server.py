"""A local stand-in for Yahoo's websocket streamer, speaking its wire format.

Yahoo's streamer takes ``{"subscribe": [...]}`` and pushes ``{"type": "pricing", "message":
<base64 of a protobuf PricingData>}``; the protobuf is encoded with yfinance's own generated
``PricingData`` class, so yfinance's decoder and our parsing run for real.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.server import ServerConnection, serve


def pricing_frame(**fields: Any) -> str:
    from yfinance.pricing_pb2 import PricingData

    return json.dumps(
        {"type": "pricing", "message": base64.b64encode(PricingData(**fields).SerializeToString()).decode()}
    )


class FakeStreamer:
    def __init__(self, ticks: dict[str, dict[str, Any]] | None = None) -> None:
        #: sent once to each subscriber for each symbol it subscribes to
        self.ticks = ticks or {}
        self.subscriptions: list[list[str]] = []
        self.connections: list[ServerConnection] = []
        self.subscribed = asyncio.Event()

    async def handler(self, connection: ServerConnection) -> None:
        self.connections.append(connection)
        async for raw in connection:
            message = json.loads(raw)
            symbols = message.get("subscribe")
            if not symbols:
                continue
            self.subscriptions.append(list(symbols))
            self.subscribed.set()
            for symbol in symbols:
                if symbol in self.ticks:
                    await connection.send(pricing_frame(id=symbol, **self.ticks[symbol]))

    async def push(self, **fields: Any) -> None:
        for connection in list(self.connections):
            await connection.send(pricing_frame(**fields))

    async def send_raw(self, text: str) -> None:
        for connection in list(self.connections):
            await connection.send(text)

    def drop(self) -> None:
        """Cut every connection without a closing handshake (like a network failure)."""
        for connection in self.connections:
            connection.transport.abort()
        self.connections.clear()


@asynccontextmanager
async def fake_streamer(fake: FakeStreamer | None = None) -> AsyncIterator[tuple[str, FakeStreamer]]:
    fake = fake or FakeStreamer()
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/?version=2", fake
