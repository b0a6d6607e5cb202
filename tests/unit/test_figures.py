"""The figure check: each figure of an answer is found in the grounding, allowing for rounding
and units, or flagged; the user's own figures, list numbers and periods are not checked."""

from __future__ import annotations

import json

import pytest

from naetra_tui.services.chat.figures import check_figures, find_figures, mark_figures, mark_unverified

DATA = json.dumps(
    {
        "symbol": "AAPL",
        "price": 348.87,
        "change_pct": -2.13,
        "volume": 1234567,
        "rsi": 61.43,
        "dividend_yield": 0.035,
        "market_cap": 3.2e12,
        "as_of": "2026-11-25T15:30:00Z",
    }
)


@pytest.mark.parametrize(
    "figure",
    [
        "348.9",
        "$348.87",
        "349",
        "-2.13%",
        "2.1%",
        "1.2M",
        "1,234,567",
        "3.5%",
        "$3.2T",
        "61.4",
        "2026-11-25",
    ],
)
def test_a_figure_in_the_data_checks_allowing_for_rounding_units_and_sign(figure: str) -> None:
    check = check_figures(f"The value is {figure} today.", [DATA])
    assert check.verified == [figure] and check.unverified == []


@pytest.mark.parametrize("figure", ["412.50", "348.80", "$350", "7%", "1.5M", "2026-11-24", "2019", "0.9%"])
def test_a_figure_found_nowhere_is_unverified(figure: str) -> None:
    check = check_figures(f"The value is {figure} today.", [DATA])
    assert check.unverified == [figure] and check.verified == []


def test_tool_results_count_as_grounding() -> None:
    tool_result = json.dumps({"MSFT": {"price": 412.5}})
    assert check_figures("MSFT is at 412.50.", [DATA, tool_result]).verified == ["412.50"]


def test_the_users_own_figures_list_numbers_and_periods_are_not_checked() -> None:
    answer = (
        "1. Above 400? No.\n2) The 14-day RSI(14) and the 50-day average matter; top 5 names.\n"
        "At 15:30 the price was 348.87."
    )
    check = check_figures(answer, [DATA], question="Is AAPL above 400?")
    assert check.verified == ["348.87"] and check.unverified == []


def test_summary_and_marks() -> None:
    answer = "AAPL is at 348.87, not 512.00; volume 1.2M."
    check = check_figures(answer, [DATA])
    assert check.summary() == "1 of 3 figures not found in the data: 512.00"
    assert mark_unverified(answer, check) == "AAPL is at 348.87, not `512.00 ?`; volume 1.2M."
    assert mark_figures(answer, check.unverified) == mark_unverified(answer, check)
    assert (
        check_figures("All at 348.87 and 1.2M.", [DATA]).summary() == "all 2 figures check against the data"
    )
    assert check_figures("No numbers here.", [DATA]).summary() == ""


def test_hostile_and_odd_text_does_not_break_it() -> None:
    odd = "\x1b[2J 1e309 ,,, 1,2,3 ...5 $-.% 99999999999999999999999999 ١٢٣ " * 50
    check = check_figures(odd, [DATA, "nan inf -inf 1e999"])
    assert isinstance(check.unverified, list)
    assert all(f.value == f.value for f in find_figures(odd))  # no NaN figures


# --- the check cannot be fooled (#31): signs, years, indicator values, laundering through tools


@pytest.mark.parametrize(
    ("answer", "unverified"),
    [
        ("AAPL rose +2.13% today.", ["+2.13%"]),  # the data says -2.13: the sign is part of the figure
        ("AAPL trades at 2026 dollars.", ["2026"]),  # a price, not the year of a date
        ("The RSI 85 says overbought.", ["85"]),  # a value, not a period like RSI(14)
        ("The RSI is at 85.", ["85"]),
        ("Volume changed by -11 shares.", ["-11"]),  # the month of a date is no value
    ],
)
def test_figures_that_only_look_like_the_data_are_unverified(answer: str, unverified: list[str]) -> None:
    check = check_figures(answer, [DATA])
    assert check.unverified == unverified and check.verified == []


@pytest.mark.parametrize(
    "answer", ["AAPL fell -2.13% today.", "AAPL is down 2.13%.", "It was in 2026.", "RSI(14) is 61.4."]
)
def test_true_figures_still_verify(answer: str) -> None:
    check = check_figures(answer, [DATA])
    assert check.unverified == [] and check.verified


async def test_a_model_cannot_launder_a_figure_through_a_tool_call(tmp_path) -> None:
    """The model calls a tool with the figure it wants to "ground" as an argument; the error
    (or result) echoing it back is not grounding."""
    from naetra_tui.config import load_config
    from naetra_tui.services.session import chat_service, session_for
    from tests.fakes.openai_server import FakeOpenAI, Reply, fake_openai
    from tests.unit.test_openai_provider import config

    script = [
        Reply(
            tool_calls=[
                {"name": "get_history", "arguments": {"symbol": "AAPL", "timeframe": "1D", "range": "987.65"}}
            ]
        ),
        Reply(tool_calls=[{"name": "get_quote", "arguments": {"symbols": ["4321.5"]}}]),
        Reply(tool_calls=[{"name": "no_such_tool_777.25", "arguments": {}}]),
        Reply(content="AAPL is worth 987.65, or 4321.5, or 777.25."),
    ]
    with fake_openai(FakeOpenAI(script=script)) as (url, _fake):
        async with session_for(load_config(config(tmp_path, url))) as session:
            events = [e async for e in chat_service(session).ask("How is AAPL?", None)]
    done = events[-1].message
    assert done is not None
    assert set(done.unverified_figures) == {"987.65", "4321.5", "777.25"} and done.verified_figures == []
