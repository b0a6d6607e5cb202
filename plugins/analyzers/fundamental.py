"""Fundamental analysis: valuation, profitability, growth, balance sheet and dividends.

Ratios come from the collector's fundamentals; where a ratio is missing but its inputs are
there, it is computed. A negative or zero denominator gives "not meaningful" (never a huge
number); a missing input is shown as missing. ETFs, indices, crypto and currencies get only
what applies to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from naetra_tui.core.errors import DataUnavailable
from naetra_tui.core.interfaces import IAnalyzer
from naetra_tui.core.models import Analysis, AnalysisSection, AnalysisValue, Fundamentals, Signal
from naetra_tui.core.normalize import to_fundamentals

NOT_MEANINGFUL = "not meaningful"
EQUITY_ONLY = {"Valuation", "Profitability", "Growth", "Balance sheet"}


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pe_high: float = 35.0
    pe_low: float = 10.0
    peg_high: float = 2.0
    price_to_book_high: float = 10.0
    ev_to_ebitda_high: float = 25.0
    debt_to_equity_high: float = 200.0  # percent, as Yahoo reports it
    current_ratio_low: float = 1.0
    payout_high: float = 0.9
    margin_low: float = 0.05
    roe_high: float = 0.15


class FundamentalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thresholds: Thresholds = Thresholds()


def ratio(numerator: float | None, denominator: float | None) -> tuple[float | None, str]:
    """``numerator / denominator`` with the reason when it cannot be given."""
    if numerator is None or denominator is None:
        return None, "missing input"
    if denominator <= 0:
        return None, f"{NOT_MEANINGFUL} (denominator {denominator:g} ≤ 0)"
    return numerator / denominator, ""


class FundamentalAnalyzer(IAnalyzer):
    description: ClassVar[str] = "Valuation, profitability, growth, balance sheet and dividend flags"
    config_model: ClassVar[type[BaseModel]] = FundamentalConfig
    needs_fundamentals: ClassVar[bool] = True

    def __init__(self) -> None:
        self.settings = FundamentalConfig()

    async def initialize(self, config: dict[str, Any]) -> None:
        self.settings = FundamentalConfig.model_validate(config)

    async def analyze(self, data: Any) -> Analysis:
        """Raises: DataUnavailable when ``data`` has no fundamentals."""
        f = data.get("fundamentals") if isinstance(data, Mapping) else data
        if isinstance(f, Mapping):
            f = to_fundamentals(f, symbol=str(data.get("symbol", "?")), source="input")
        if not isinstance(f, Fundamentals):
            raise DataUnavailable("the fundamental analyzer needs fundamentals for the symbol")
        price = None
        if isinstance(data, Mapping):
            quote = data.get("quote")
            price = getattr(quote, "price", None)
            history = data.get("history")
            if price is None and history is not None and len(history):
                price = float(history.close[-1])
        return self.compute(f, price)

    def compute(self, f: Fundamentals, price: float | None) -> Analysis:
        t = self.settings.thresholds
        kind = (f.quote_type or "EQUITY").upper()
        sections: list[AnalysisSection] = []
        signals: list[Signal] = []
        notes: list[str] = []

        def val(name: str, value: float | None, unit: str = "", note: str = "") -> AnalysisValue:
            return AnalysisValue(
                name=name,
                value=None if value is None else round(value, 4),
                unit=unit,
                note=note or ("" if value is not None else "missing"),
            )

        # valuation: given ratio if sane, else computed from inputs
        pe, pe_note = (
            (f.pe_trailing, "")
            if f.pe_trailing is not None and f.pe_trailing > 0
            else ratio(price, f.eps_trailing)
        )
        if f.eps_trailing is not None and f.eps_trailing <= 0:
            pe, pe_note = None, f"{NOT_MEANINGFUL} (negative earnings: EPS {f.eps_trailing:g})"
        fpe, fpe_note = (
            (f.pe_forward, "")
            if f.pe_forward is not None and f.pe_forward > 0
            else ratio(price, f.eps_forward)
        )
        ev_ebitda, eve_note = (
            (f.ev_to_ebitda, "")
            if f.ev_to_ebitda is not None and f.ev_to_ebitda > 0
            else ratio(f.enterprise_value, f.ebitda)
        )
        ps, ps_note = (
            (f.price_to_sales, "") if f.price_to_sales is not None else ratio(f.market_cap, f.revenue)
        )
        pb, pb_note = (
            (f.price_to_book, "") if f.price_to_book is not None else ratio(price, f.book_value_per_share)
        )
        peg_note = "" if f.peg is None or f.peg > 0 else f"{NOT_MEANINGFUL} (negative growth or earnings)"
        peg = f.peg if f.peg is not None and f.peg > 0 else None
        sections.append(
            AnalysisSection(
                title="Valuation",
                values=[
                    val("P/E (trailing)", pe, "x", pe_note),
                    val("P/E (forward)", fpe, "x", fpe_note),
                    val("PEG", peg, "x", peg_note),
                    val("P/B", pb, "x", pb_note),
                    val("P/S", ps, "x", ps_note),
                    val("EV/EBITDA", ev_ebitda, "x", eve_note),
                    val("Market cap", f.market_cap, f.currency or ""),
                ],
            )
        )
        sections.append(
            AnalysisSection(
                title="Profitability",
                values=[
                    val("Gross margin", _pct(f.gross_margin), "%"),
                    val("Operating margin", _pct(f.operating_margin), "%"),
                    val("Profit margin", _pct(f.profit_margin), "%"),
                    val("ROE", _pct(f.return_on_equity), "%"),
                    val("ROA", _pct(f.return_on_assets), "%"),
                ],
            )
        )
        sections.append(
            AnalysisSection(
                title="Growth",
                values=[
                    val("Revenue growth (YoY)", _pct(f.revenue_growth), "%"),
                    val("Earnings growth (YoY)", _pct(f.earnings_growth), "%"),
                ],
            )
        )
        sections.append(
            AnalysisSection(
                title="Balance sheet",
                values=[
                    val("Debt/equity", f.debt_to_equity, "%"),
                    val("Current ratio", f.current_ratio, "x"),
                ],
            )
        )
        sections.append(
            AnalysisSection(
                title="Dividends",
                values=[
                    val("Dividend yield", _pct(f.dividend_yield), "%"),
                    val("Payout ratio", _pct(f.payout_ratio), "%"),
                ],
            )
        )
        if kind != "EQUITY":
            sections = [
                s
                for s in sections
                if s.title not in EQUITY_ONLY or (kind == "ETF" and s.title == "Valuation")
            ]
            if kind in ("INDEX", "CRYPTOCURRENCY", "CURRENCY"):
                sections = [s for s in sections if s.title != "Dividends"]
            notes.append(f"{kind.lower()}: company ratios do not apply")
            if kind == "ETF":
                sections = [
                    AnalysisSection(
                        title="Valuation", values=[v for v in s.values if v.name in ("P/E (trailing)",)]
                    )
                    if s.title == "Valuation"
                    else s
                    for s in sections
                ]
        else:
            if pe is not None:
                if pe > t.pe_high:
                    signals.append(
                        Signal(
                            name="P/E",
                            direction="bearish",
                            reason=f"P/E {pe:.1f} above {t.pe_high:g} (expensive)",
                            values={"pe": pe},
                        )
                    )
                elif pe < t.pe_low:
                    signals.append(
                        Signal(
                            name="P/E",
                            direction="bullish",
                            reason=f"P/E {pe:.1f} below {t.pe_low:g} (cheap)",
                            values={"pe": pe},
                        )
                    )
                else:
                    signals.append(
                        Signal(
                            name="P/E",
                            direction="neutral",
                            reason=f"P/E {pe:.1f} between {t.pe_low:g} and {t.pe_high:g}",
                            values={"pe": pe},
                        )
                    )
            signals.extend(_threshold_signals(f, peg, t))
        bull = sum(s.direction == "bullish" for s in signals)
        bear = sum(s.direction == "bearish" for s in signals)
        summary = (
            f"{len(signals)} flags: {bull} favourable, {bear} unfavourable."
            if signals
            else "No flags raised."
        )
        return Analysis(
            analyzer="fundamental",
            symbol=f.symbol,
            source=f.source,
            simulated=f.simulated,
            data_fetched_at=f.fetched_at,
            sections=sections,
            signals=signals,
            summary=summary,
            notes=notes,
            indicators={v.name: {"value": v.value, "needs": 0} for s in sections for v in s.values},
        )

    async def validate(self, analysis: Analysis) -> bool:
        return all(
            v.value is None or not isinstance(v.value, float) or v.value == v.value  # NaN check
            for s in analysis.sections
            for v in s.values
        )


def _threshold_signals(f: Fundamentals, peg: float | None, t: Thresholds) -> list[Signal]:
    """One flag per ratio past its configured threshold, with the numbers in the reason."""
    checks: list[tuple[str, float | None, bool, str, str, str]] = [
        # name, value, fired?, direction, reason, values key
        (
            "PEG",
            peg,
            peg is not None and peg > t.peg_high,
            "bearish",
            f"PEG {peg or 0:.2f} above {t.peg_high:g}",
            "peg",
        ),
        (
            "Debt/equity",
            f.debt_to_equity,
            (f.debt_to_equity or 0) > t.debt_to_equity_high,
            "bearish",
            f"debt/equity {f.debt_to_equity or 0:.0f}% above {t.debt_to_equity_high:g}%",
            "de",
        ),
        (
            "Current ratio",
            f.current_ratio,
            f.current_ratio is not None and f.current_ratio < t.current_ratio_low,
            "bearish",
            f"current ratio {f.current_ratio or 0:.2f} below {t.current_ratio_low:g}",
            "cr",
        ),
        (
            "ROE",
            f.return_on_equity,
            (f.return_on_equity or 0) > t.roe_high,
            "bullish",
            f"ROE {(f.return_on_equity or 0) * 100:.1f}% above {t.roe_high * 100:g}%",
            "roe",
        ),
        (
            "Margin",
            f.profit_margin,
            f.profit_margin is not None and f.profit_margin < t.margin_low,
            "bearish",
            f"profit margin {(f.profit_margin or 0) * 100:.1f}% below {t.margin_low * 100:g}%",
            "margin",
        ),
        (
            "Payout",
            f.payout_ratio,
            (f.payout_ratio or 0) > t.payout_high,
            "bearish",
            f"payout ratio {(f.payout_ratio or 0) * 100:.0f}% above {t.payout_high * 100:g}% (dividend at risk)",
            "payout",
        ),
    ]
    return [
        Signal(name=name, direction=direction, reason=reason, values={key: value})
        for name, value, fired, direction, reason, key in checks
        if value is not None and fired
    ]


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100.0
