"""Yahoo Finance's live price stream, through yfinance's websocket client.

Yahoo's streamer (``wss://streamer.finance.yahoo.com/?version=2``) takes
``{"subscribe": [symbols]}`` (re-sent every 15 s as a heartbeat, which yfinance does) and pushes
``{"type": "pricing", "message": <base64 protobuf PricingData>}``; yfinance decodes the protobuf.
We read the frames ourselves instead of calling yfinance's ``listen()``: with yfinance's default
settings that loop swallows a dropped connection and never reconnects, so the stream would go
silent. Here a drop ends the stream with ``DataUnavailable`` and the MarketService goes back to
polling until a reconnect succeeds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.models import MarketState, Quote, utcnow
from naetra_tui.core.normalize import to_float

log = logging.getLogger(__name__)

SOURCE = "yahoo_finance"
DEFAULT_STREAM_URL = "wss://streamer.finance.yahoo.com/?version=2"
#: PricingData.market_hours (Yahoo's MarketHoursType); proto3 omits 0 (pre-market) on the wire.
MARKET_HOURS = {0: MarketState.PRE, 1: MarketState.REGULAR, 2: MarketState.POST, 3: MarketState.POST}


def parse_pricing(message: dict[str, Any], received_at: datetime) -> Quote | None:
    """One decoded PricingData message (yfinance's dict) into a Quote; None when it has no price.

    proto3 leaves out fields at their default (0, ""), so an absent field means "not sent", and
    the service keeps what it knew (see ``merge_tick``).
    """
    symbol = str(message.get("id") or "").strip().upper()
    price = to_float(message.get("price"))
    if not symbol or price is None or price <= 0:
        return None
    millis = to_float(message.get("time"))
    as_of = datetime.fromtimestamp(millis / 1000, UTC) if millis else received_at
    change = to_float(message.get("change"))
    previous = to_float(message.get("previous_close"))
    if previous is None and change is not None:
        previous = price - change
    hours = message.get("market_hours")
    return Quote(
        symbol=symbol,
        price=price,
        source=SOURCE,
        name=str(message["short_name"]) if message.get("short_name") else None,
        previous_close=previous,
        open=to_float(message.get("open_price")),
        day_high=to_float(message.get("day_high")),
        day_low=to_float(message.get("day_low")),
        volume=to_float(message.get("day_volume")),
        currency=str(message["currency"]) if message.get("currency") else None,
        market_state=MARKET_HOURS.get(int(hours), MarketState.UNKNOWN)
        if hours is not None
        else MarketState.UNKNOWN,
        as_of=min(as_of, received_at),
        fetched_at=received_at,
    )


def _quiet_yfinance_live(record: logging.LogRecord) -> bool:
    """yfinance's websocket module logs every failed connect with a full traceback; the stream's
    state and reason are reported by the MarketService instead (status bar, our log)."""
    return not record.pathname.endswith(("yfinance/live.py", "yfinance\\live.py"))


def _client(url: str) -> Any:
    from yfinance.live import AsyncWebSocket

    yf_log = logging.getLogger("yfinance")
    if _quiet_yfinance_live not in yf_log.filters:
        yf_log.addFilter(_quiet_yfinance_live)

    class Client(AsyncWebSocket):
        async def frames(self) -> AsyncIterator[dict[str, Any]]:
            """Decoded messages; a dropped connection raises (yfinance's listen() would hide it)."""
            async for raw in self._ws:
                try:
                    payload = json.loads(raw)
                except ValueError:
                    log.debug("Yahoo stream: a frame that is not JSON was skipped")
                    continue
                if isinstance(payload, dict) and payload.get("message"):
                    yield self._decode_message(str(payload["message"]))

    return Client(url, verbose=False)


async def stream(url: str, symbols: list[str], connect_timeout: float) -> AsyncIterator[Quote]:
    """Quotes from Yahoo's streamer for ``symbols`` until cancelled.

    Raises:
        DataUnavailable: cannot connect, or the connection dropped (the reason in words).
    """
    client = _client(url)
    try:
        try:
            await asyncio.wait_for(client.subscribe(list(symbols)), connect_timeout)
        except TimeoutError:
            raise DataUnavailable(
                f"Yahoo's live stream did not answer within {connect_timeout:g} s", source=SOURCE
            ) from None
        except Exception as exc:  # DNS, refused, TLS, HTTP upgrade refused
            raise DataUnavailable(
                f"cannot open Yahoo's live stream: {_describe(exc)}", source=SOURCE
            ) from None
        try:
            async for message in client.frames():
                if "error" in message:
                    log.debug("Yahoo stream: undecodable message skipped (%s)", message["error"])
                    continue
                quote = parse_pricing(message, utcnow())
                if quote is not None:
                    yield quote
        except Exception as exc:  # websockets.ConnectionClosed and friends
            raise DataUnavailable(f"Yahoo's live stream dropped: {_describe(exc)}", source=SOURCE) from None
        raise DataUnavailable("Yahoo's live stream closed the connection", source=SOURCE)
    finally:
        await _close(client)


async def _close(client: Any) -> None:
    try:
        await asyncio.wait_for(client.close(), 2)
    except Exception:  # already closed / never opened
        log.debug("Yahoo stream: close failed", exc_info=True)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
