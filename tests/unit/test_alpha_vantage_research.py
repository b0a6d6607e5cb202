"""Alpha Vantage's news (``NEWS_SENTIMENT``) and earnings calendar (``EARNINGS_CALENDAR``, a CSV)
through the Session against a stand-in server speaking those documented shapes (#34): parsed,
checked as every source's are, its quota notes and junk answers said plainly, the key never shown."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from naetra_tui.config import load_config
from naetra_tui.core.clock import utcnow
from naetra_tui.core.errors import DataUnavailable
from naetra_tui.services.session import Phase, session_for
from tests.conftest import write
from tests.fakes.alpha_vantage_server import FakeAlphaVantage, article, fake_alpha_vantage

KEY = "AVKEY-RESEARCH-98765"


def config(tmp_path: Path, url: str) -> Path:
    return write(
        tmp_path / "c.yaml",
        "app:\n  storage: sqlite\nplugins:\n  data_collectors:\n"
        f"    - {{name: alpha_vantage, plugin: alpha_vantage, config: {{api_key: {KEY}, base_url: '{url}', "
        "requests_per_minute: 10000, timeout: 5}}\n"
        f"  storage:\n    - {{name: sqlite, plugin: sqlite, config: {{path: '{tmp_path / 'db.sqlite'}'}}}}\n",
    )


def stamp(ago: timedelta) -> str:
    return (utcnow() - ago).strftime("%Y%m%dT%H%M%S")


async def test_news_sentiment_feed_is_parsed_cleaned_and_newest_first(tmp_path: Path) -> None:
    fake = FakeAlphaVantage(
        feed=[
            article("Older story", stamp(timedelta(hours=5))),
            article(
                "IBM \x1b[31mbeats\x1b[0m [bold]estimates[/bold]",
                stamp(timedelta(hours=1)),
                url="javascript:alert(1)",
                source="Wire\u202e",
            ),
            article("From the future", "29991231T000000"),
            article("No time at all", "soon"),
        ]
    )
    with fake_alpha_vantage(fake) as url:
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            items = await session.research.news("ibm")
    assert [i.title for i in items[:2]] == ["IBM beats [bold]estimates[/bold]", "Older story"]
    newest = items[0]
    assert newest.source == "alpha_vantage" and not newest.simulated
    assert newest.link is None and newest.publisher == "Wire" and newest.related == ("MSFT",)
    assert newest.published_at is not None and abs(
        utcnow() - timedelta(hours=1) - newest.published_at
    ) < timedelta(minutes=1)
    assert {i.title: i.published_at for i in items[2:]} == {"From the future": None, "No time at all": None}
    asked = fake.requests[0]
    assert (asked["function"], asked["tickers"], asked["sort"]) == ("NEWS_SENTIMENT", "IBM", "LATEST")


async def test_earnings_calendar_csv_gives_the_next_report_and_estimate(tmp_path: Path) -> None:
    today = utcnow().date()
    fake = FakeAlphaVantage(
        earnings_rows=[
            f"IBM,International Business Machines,{today - timedelta(days=30)},2026-09-30,2.10,USD,post-market",
            f"IBM,International Business Machines,{today + timedelta(days=40)},2026-12-31,,USD,post-market",
            f"IBM,International Business Machines,{today + timedelta(days=9)},2026-12-31,3.85,USD,post-market",
            f"MSFT,Microsoft,{today + timedelta(days=2)},2026-12-31,3.12,USD,pre-market",
        ]
    )
    with fake_alpha_vantage(fake) as url:
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            events = await session.research.events("IBM")
            fake.earnings_rows = []
            none = await session.research.events("MSFT")
    assert events.next_earnings == today + timedelta(days=9) and events.earnings_eps_estimate == 3.85
    assert events.source == "alpha_vantage" and events.currency == "USD" and not events.dividends
    assert none.next_earnings is None and "lists no upcoming earnings for MSFT" in none.note
    assert fake.requests[0]["function"] == "EARNINGS_CALENDAR" and fake.requests[0]["symbol"] == "IBM"


@pytest.mark.parametrize(
    ("kind", "body", "said"),
    [
        (
            "application/json",
            '{"Information": "Our standard API rate limit is 25 requests per day. AVKEY-RESEARCH-98765"}',
            "25 requests per day",
        ),
        ("text/html", "<html><body>Service Unavailable</body></html>", "an HTML page"),
        ("text/csv", "foo,bar\r\n1,2\r\n", "something other than its earnings calendar"),
        ("application/json", '{"feed": "nope"}', "sent no earnings calendar"),
    ],
)
async def test_calendar_faults_are_said_plainly_without_the_key(
    tmp_path: Path, kind: str, body: str, said: str
) -> None:
    fake = FakeAlphaVantage(answers={"EARNINGS_CALENDAR": (kind, body)})
    with fake_alpha_vantage(fake) as url:
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            with pytest.raises(DataUnavailable) as failed:
                await session.research.events("IBM")
    assert said in str(failed.value) and KEY not in str(failed.value)


async def test_a_quota_note_instead_of_news_is_a_rate_limit(tmp_path: Path) -> None:
    note = '{"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute."}'
    fake = FakeAlphaVantage(answers={"NEWS_SENTIMENT": ("application/json", note)})
    with fake_alpha_vantage(fake) as url:
        async with session_for(load_config(config(tmp_path, url)), Phase.MARKET) as session:
            with pytest.raises(DataUnavailable, match="5 calls per minute"):
                await session.research.news("IBM")
