"""News, events and option chains are checked where they enter (core/research.py, #34): hostile
text is cleaned and cut, only http(s) links without credentials are kept, unknown and future
times are said as unknown, and a chain's impossible values are dropped and counted."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from naetra_tui.core.clock import utcnow
from naetra_tui.core.research import (
    MAX_STRIKES,
    MAX_TITLE,
    corporate_events,
    expirations,
    news_items,
    option_chain,
    safe_link,
)

HOSTILE = "\x1b]8;;http://evil\x07[b]Crash[/b]\x1b[2J \u202eevil\u202c \x07done"


def test_hostile_headlines_and_publishers_are_cleaned_and_cut() -> None:
    now = utcnow()
    items = news_items(
        [
            {"title": HOSTILE, "publisher": HOSTILE * 20, "published_at": now},
            {"title": "x" * 10_000, "publisher": "P", "published_at": now - timedelta(hours=1)},
            {"title": "\x1b[31m\x07", "publisher": "only escapes: dropped"},
            {"publisher": "no title: dropped"},
        ],
        "AAPL",
        "feed",
        False,
    )
    assert len(items) == 2
    first, second = items
    for text in (first.title, first.publisher):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert first.title == "[b]Crash[/b] evil done"  # markup stays text: the sinks never parse it
    assert len(first.publisher) <= 80 and first.publisher.endswith("…")
    assert len(second.title) == MAX_TITLE and second.title.endswith("…")


def test_only_http_links_without_credentials_are_kept() -> None:
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("file:///etc/passwd") is None
    assert safe_link("JaVaScRiPt:alert(1)") is None
    assert safe_link("data:text/html,hi") is None
    assert safe_link("https://") is None
    assert safe_link("https://example.com:99999/x") is None  # a malformed port
    assert safe_link("https://user:secret@news.example.com/a?b=1#c") == "https://news.example.com/a?b=1#c"
    assert safe_link("HTTPS://news.example.com/\x1b[2Jpath") == "https://news.example.com/path"
    assert safe_link("https://x.example/" + "a" * 3000) is None
    assert safe_link(42) is None


def test_a_missing_or_future_time_is_unknown_and_sorts_last() -> None:
    now = utcnow()
    items = news_items(
        [
            {"title": "future", "published_at": now + timedelta(days=2)},
            {"title": "none"},
            {"title": "epoch", "published_at": (now - timedelta(hours=3)).timestamp()},
            {"title": "iso", "published_at": (now - timedelta(hours=1)).isoformat()},
            {"title": "naive", "published_at": (now - timedelta(hours=2)).replace(tzinfo=None)},
            {"title": "nonsense", "published_at": "yesterday-ish"},
            {"title": "nan", "published_at": math.nan},
        ],
        "MSFT",
        "feed",
        True,
    )
    assert [i.title for i in items[:3]] == ["iso", "naive", "epoch"]
    assert {i.title for i in items[3:]} == {"future", "none", "nonsense", "nan"}
    assert all(i.published_at is None for i in items[3:])
    assert all(i.simulated and i.source == "feed" for i in items)
    assert len(news_items([{"title": f"t{i}"} for i in range(500)], "X", "f", False, limit=1000)) == 100


def contract(strike: object, **fields: object) -> dict[str, object]:
    return {"strike": strike, **fields}


def test_impossible_contract_values_are_dropped_and_counted() -> None:
    raw = {
        "calls": [
            contract(100, bid=1.0, ask=1.2, last=1.1, implied_vol=0.3, volume=5, open_interest=10),
            contract(105, bid=0, ask=-1, last=math.nan),  # zero, negative and NaN prices
            contract(110, bid=2.0, ask=1.0),  # bid above ask
            contract(115, bid=1.0, ask=1.1, implied_vol=50),  # 5,000 %
            contract(0, bid=1.0),
            contract(-5, bid=1.0),
            contract(math.inf, bid=1.0),
            contract("120", bid=1.0),  # text is not a number here
            contract(125, volume=-3, open_interest=math.nan, implied_vol=True),
        ],
        "puts": "not a list",
    }
    chain = option_chain(raw, "AAPL", date(2026, 12, 18), "feed", False, 101.0)
    by_strike = {c.strike: c for c in chain.calls}
    assert sorted(by_strike) == [100, 105, 110, 115, 125]
    assert (by_strike[100].bid, by_strike[100].ask, by_strike[100].implied_vol) == (1.0, 1.2, 0.3)
    assert (by_strike[105].bid, by_strike[105].ask, by_strike[105].last) == (None, None, None)
    assert (by_strike[110].bid, by_strike[110].ask) == (None, None)
    assert by_strike[115].implied_vol is None
    assert (by_strike[125].volume, by_strike[125].open_interest, by_strike[125].implied_vol) == (
        None,
        None,
        None,
    )
    assert chain.puts == []
    said = " | ".join(chain.problems)
    assert "4 contracts with a strike that is not a positive number" in said
    assert "1 contract with bid above ask (both dropped)" in said
    assert "1 contract with an implied volatility outside 0–500% (dropped)" in said


def test_five_thousand_strikes_keep_those_nearest_the_money() -> None:
    raw = {"calls": [contract(float(k), bid=1.0, ask=1.1) for k in range(1, 5001)], "puts": []}
    chain = option_chain(raw, "AAPL", date(2026, 12, 18), "feed", False, 2500.0)
    strikes = [c.strike for c in chain.calls]
    assert len(strikes) == MAX_STRIKES and strikes == sorted(strikes)
    assert min(strikes) > 2000 and max(strikes) < 3000 and 2500.0 in strikes
    assert f"5,000 call strikes: the {MAX_STRIKES} nearest the money are shown" in chain.problems


def test_expiries_in_the_past_or_not_dates_are_not_listed() -> None:
    today = date(2026, 12, 7)
    raw = ["2026-12-04", "2026-12-07", date(2026, 12, 18), datetime(2027, 1, 15, tzinfo=UTC), "soon", None, 7]
    assert expirations(raw, today) == [date(2026, 12, 7), date(2026, 12, 18), date(2027, 1, 15)]


def test_events_keep_real_dates_and_positive_amounts_and_say_why_there_are_none() -> None:
    events = corporate_events(
        {
            "next_earnings": "2027-01-28",
            "earnings_eps_estimate": math.nan,
            "dividends": [
                {"ex_date": "2026-11-10", "amount": 0.26, "pay_date": "2026-11-14"},
                {"ex_date": "not a date", "amount": 1.0},
                {"ex_date": "2026-08-10", "amount": -1.0},
                {"ex_date": "2026-05-10", "amount": math.inf},
            ],
            "splits": [{"on": "2020-08-31", "ratio": 4}, {"on": "2020-08-31", "ratio": 0}],
            "currency": "USD\x1b[2J",
        },
        "AAPL",
        "feed",
        False,
    )
    assert events.next_earnings == date(2027, 1, 28) and events.earnings_eps_estimate is None
    assert [(d.ex_date, d.amount, d.pay_date) for d in events.dividends] == [
        (date(2026, 11, 10), 0.26, date(2026, 11, 14))
    ]
    assert [(s.on, s.ratio) for s in events.splits] == [(date(2020, 8, 31), 4.0)]
    assert events.currency == "USD"
    index = corporate_events({"note": "^GSPC is an index: no earnings or dividends"}, "^GSPC", "feed", True)
    assert index.next_earnings is None and index.dividends == () and "an index" in index.note


def test_the_open_interest_chart_draws_bars_to_scale_and_marks_the_money() -> None:
    from naetra_tui.ui.widgets.open_interest_chart import open_interest_text

    rows = [
        {"strike": 90.0, "bid": 1.0, "ask": 1.1, "open_interest": 800},
        {"strike": 100.0, "bid": 1.0, "ask": 1.1, "open_interest": 400},
        {"strike": 110.0, "bid": 1.0, "ask": 1.1, "open_interest": 0},
    ]
    puts = [r | {"open_interest": oi} for r, oi in zip(rows, (0, 400, 800), strict=True)]
    chain = option_chain({"calls": rows, "puts": puts}, "T", date(2027, 1, 15), "t", False, 104.0)
    text = open_interest_text(chain, [90.0, 100.0, 110.0], width=40, height=4).plain.split("\n")
    bars = [line[8:] for line in text[:4]]
    columns = ["".join(line[i] for line in bars) for i in (0, 1, 10, 11, 20, 21)]
    # slot = (40 - 8) // 3 = 10 columns a strike: call 90 full, put 90 empty, call 100 half
    assert columns[0] == "████" and columns[1].strip() == "" and columns[2] == "  ██"
    assert columns[3] == "  ██" and columns[4].strip() == "" and columns[5] == "████"
    assert text[0].lstrip().startswith("800│") and "90" in text[4] and "110" in text[4]
    assert "▲ 104.00" in text[5] and text[5].index("▲") == 8 + 2 * 10 - 1
    no_interest = {"calls": [{"strike": 90.0, "bid": 1.0, "ask": 1.1}], "puts": []}
    empty = option_chain(no_interest, "T", date(2027, 1, 15), "t", False, None)
    assert "gives no open interest" in open_interest_text(empty, [90.0], width=40).plain
