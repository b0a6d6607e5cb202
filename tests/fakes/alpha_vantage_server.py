"""A stand-in for Alpha Vantage's ``/query`` endpoint: ``NEWS_SENTIMENT`` (JSON with a ``feed``)
and ``EARNINGS_CALENDAR`` (CSV), in the documented shapes; ``answers`` overrides a function's
body to serve quota notes, HTML or junk. Every request's query is kept in ``requests``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.serve import serve

EARNINGS_HEADER = "symbol,name,reportDate,fiscalDateEnding,estimate,currency,timeOfTheDay"


def article(
    title: str, when: str, url: str = "https://example.com/a", source: str = "Wire"
) -> dict[str, Any]:
    return {
        "title": title,
        "url": url,
        "time_published": when,
        "authors": ["A. Writer"],
        "summary": "…",
        "source": source,
        "topics": [],
        "overall_sentiment_score": 0.1,
        "overall_sentiment_label": "Neutral",
        "ticker_sentiment": [
            {"ticker": "IBM", "relevance_score": "0.9"},
            {"ticker": "MSFT", "relevance_score": "0.2"},
        ],
    }


@dataclass
class FakeAlphaVantage:
    feed: list[dict[str, Any]] = field(default_factory=list)
    earnings_rows: list[str] = field(default_factory=list)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # function -> (type, body)
    requests: list[dict[str, str]] = field(default_factory=list)

    def answer(self, query: dict[str, str]) -> tuple[str, str]:
        function = query.get("function", "")
        if function in self.answers:
            return self.answers[function]
        if function == "NEWS_SENTIMENT":
            body = {"items": str(len(self.feed)), "sentiment_score_definition": "…", "feed": self.feed}
            return "application/json", json.dumps(body)
        if function == "EARNINGS_CALENDAR":
            return "text/csv", "\r\n".join([EARNINGS_HEADER, *self.earnings_rows]) + "\r\n"
        return "application/json", json.dumps({"Error Message": "Invalid API call."})


@contextmanager
def fake_alpha_vantage(fake: FakeAlphaVantage) -> Iterator[str]:
    """Yields the ``base_url`` (``http://127.0.0.1:PORT/query``)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            fake.requests.append(query)
            kind, body = fake.answer(query)
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with serve(Handler) as url:
        yield f"{url}/query"
