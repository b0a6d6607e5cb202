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
        "2026",
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
