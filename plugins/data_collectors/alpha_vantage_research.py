"""Alpha Vantage's news and earnings calendar, parsed into the shapes ``core/research.py``
checks: ``NEWS_SENTIMENT`` (JSON, a ``feed`` of articles) and ``EARNINGS_CALENDAR`` (CSV with
the header ``symbol,name,reportDate,fiscalDateEnding,estimate,currency``, a later
``timeOfTheDay`` column tolerated; its errors and quota notes still come back as JSON)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from naetra_tui.core.normalize import to_float

#: Rows read from an earnings CSV: one symbol has a handful; anything longer is not ours.
MAX_CSV_ROWS = 200


def published(value: Any) -> datetime | None:
    """``time_published`` (``20261207T133000``). Alpha Vantage does not state a time zone; it is
    read as UTC, the convention of its other timestamps (a wrong guess moves an age by hours,
    never a date by more than one)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip()[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def news(payload: dict[str, Any], symbol: str) -> list[dict[str, Any]]:
    """The ``feed`` of a ``NEWS_SENTIMENT`` answer; ``ticker_sentiment`` names the symbols."""
    feed = payload.get("feed")
    if not isinstance(feed, list):
        return []
    items = []
    for article in feed:
        if not isinstance(article, dict):
            continue
        tickers = article.get("ticker_sentiment")
        related = [
            t.get("ticker") for t in tickers if isinstance(t, dict) and isinstance(t.get("ticker"), str)
        ] if isinstance(tickers, list) else []  # fmt: skip
        items.append(
            {
                "title": article.get("title"),
                "publisher": article.get("source"),
                "published_at": published(article.get("time_published")),
                "link": article.get("url"),
                "related": [r for r in related if r != symbol][:10],
            }
        )
    return items


def earnings(text: str, symbol: str, today: date) -> dict[str, Any]:
    """The next report of ``symbol`` in an ``EARNINGS_CALENDAR`` CSV, with its EPS estimate.

    Raises:
        ValueError: the answer is not the documented CSV (the caller says so).
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "reportDate" not in header or "symbol" not in header:
        raise ValueError("not an earnings calendar")
    upcoming: list[tuple[date, dict[str, Any]]] = []
    for number, row in enumerate(reader):
        if number >= MAX_CSV_ROWS:
            break
        if (row.get("symbol") or "").strip().upper() != symbol:
            continue
        try:
            day = date.fromisoformat((row.get("reportDate") or "").strip())
        except ValueError:
            continue
        if day >= today:
            upcoming.append((day, row))
    if not upcoming:
        return {"note": f"Alpha Vantage lists no upcoming earnings for {symbol}"}
    day, row = min(upcoming, key=lambda pair: pair[0])
    return {
        "next_earnings": day,
        "earnings_eps_estimate": to_float(row.get("estimate")),
        "currency": (row.get("currency") or "").strip() or None,
    }
