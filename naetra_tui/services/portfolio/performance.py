"""How a portfolio has done: its value day by day from the lots and the collectors' daily
history (FX converted day by day), the money put in and taken out, a benchmark rebased to the
same start, and the returns and risk figures of ``core/performance.py`` for a period.

A day without a price (a holiday, a missing FX day) carries the last one forward and is
counted; a holding with no price at all yet (its history starts after the lot) leaves the
figures INCOMPLETE with the reason, never silently lower. Dividends are not in the collectors'
histories yet: the report says so rather than show nothing as zero.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from ...core.clock import today as clock_today
from ...core.currency import fx_symbol, main_unit
from ...core.errors import NaetraError
from ...core.performance import (
    Drawdown,
    daily_returns,
    max_drawdown,
    money_weighted,
    risk_figures,
    time_weighted,
)

if TYPE_CHECKING:
    from ...core.models import PriceHistory
    from ...core.portfolio import ClosedLot, Lot
    from ..market import MarketService
    from .service import PortfolioService

log = logging.getLogger(__name__)

PERIODS = ("1M", "3M", "YTD", "1Y", "ALL")
_PERIOD_DAYS = {"1M": 31, "3M": 92, "1Y": 366}
DIVIDENDS_UNAVAILABLE = "unavailable: the collectors give no dividend history yet"


@dataclass
class PerformanceReport:
    portfolio: str
    base: str
    period: str
    days: list[date] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    invested: list[float] = field(default_factory=list)
    benchmark_symbol: str = ""
    benchmark: list[float | None] = field(default_factory=list)  # rebased to the start value
    twr: float | None = None
    xirr: float | None = None
    benchmark_return: float | None = None
    volatility: float | None = None
    sharpe: float | None = None
    beta: float | None = None
    drawdown: Drawdown | None = None
    realised_by_year: dict[int, float] = field(default_factory=dict)
    dividends: str = DIVIDENDS_UNAVAILABLE
    carried_forward: int = 0  # holding-days valued on an earlier day's price or rate
    incomplete: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    simulated: bool = False

    @property
    def start(self) -> date | None:
        return self.days[0] if self.days else None

    @property
    def end(self) -> date | None:
        return self.days[-1] if self.days else None

    def to_json(self, series: bool = True) -> dict[str, Any]:
        dd = self.drawdown
        out: dict[str, Any] = {
            "portfolio": self.portfolio, "base_currency": self.base, "period": self.period,
            "from": str(self.start) if self.start else None, "to": str(self.end) if self.end else None,
            "value": self.value[-1] if self.value else None, "twr": self.twr, "xirr": self.xirr,
            "benchmark": self.benchmark_symbol, "benchmark_return": self.benchmark_return,
            "volatility": self.volatility, "sharpe": self.sharpe, "beta": self.beta,
            "max_drawdown": None if dd is None else {"depth": dd.depth, "peak": str(dd.peak), "trough": str(dd.trough),
                                                      "recovered": str(dd.recovered) if dd.recovered else None},
            "realised_by_year": {str(y): v for y, v in sorted(self.realised_by_year.items())},
            "dividends": self.dividends, "carried_forward_days": self.carried_forward,
            "complete": not self.incomplete, "incomplete": self.incomplete, "sources": self.sources,
            "simulated": self.simulated,
        }  # fmt: skip
        if series:
            out["series"] = [{"date": str(d), "value": v, "invested": i, "benchmark": b}
                             for d, v, i, b in zip(self.days, self.value, self.invested, self.benchmark, strict=True)]  # fmt: skip
        return out


@dataclass
class _Inputs:
    """What a report is computed from, read once (async) and then used in a thread."""

    lots: list[Lot]
    closed: list[ClosedLot]
    histories: dict[str, PriceHistory | None]
    units: dict[str, tuple[str, float]]
    fx: dict[str, tuple[PriceHistory, bool] | None]
    bench: PriceHistory | None
    today: date
    first: date
    #: Filled in the thread: the days of the series, and each currency's rate on them.
    calendar: np.ndarray = field(default_factory=lambda: np.array([], dtype="datetime64[D]"))
    rates: dict[str, np.ndarray] = field(default_factory=dict)


def _day(stamp: np.datetime64) -> date:
    return date.fromisoformat(str(stamp.astype("datetime64[D]")))


def _aligned(history: PriceHistory, calendar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(closes on each calendar day, carried forward; whether the day had its own bar)."""
    stamps = history.timestamps.astype("datetime64[D]")
    closes = np.asarray(history.close, dtype=float)
    at = np.searchsorted(stamps, calendar, side="right") - 1
    values = np.where(at >= 0, closes[np.clip(at, 0, None)], np.nan)
    own = np.zeros(len(calendar), dtype=bool)
    found = at >= 0
    own[found] = stamps[at[found]] == calendar[found]
    return values, own


class PerformanceService:
    def __init__(
        self,
        portfolio: PortfolioService,
        market: MarketService,
        benchmark: str = "^GSPC",
        risk_free: float = 0.04,
    ) -> None:
        self.portfolio = portfolio
        self.market = market
        self.benchmark = benchmark
        self.risk_free = risk_free

    async def _history(self, symbol: str, report: PerformanceReport) -> PriceHistory | None:
        try:
            history = await self.market.history(symbol, "1D")
        except NaetraError as exc:
            report.incomplete.append(f"{symbol}: no daily history ({exc})")
            return None
        report.sources[symbol] = "SIMULATED" if history.simulated else history.source
        report.simulated = report.simulated or history.simulated
        return history

    async def _fx(
        self, currency: str, base: str, report: PerformanceReport
    ) -> tuple[PriceHistory, bool] | None:
        """The history of ``currency`` in ``base`` units (and whether it must be inverted:
        USDEUR=X when the source has no EURUSD=X); None for the base itself or when there is none."""
        if currency == base:
            return None
        for symbol, invert in ((fx_symbol(currency, base), False), (fx_symbol(base, currency), True)):
            try:
                history = await self.market.history(symbol, "1D")
            except NaetraError:
                continue
            report.sources[symbol] = "SIMULATED" if history.simulated else history.source
            return history, invert
        report.incomplete.append(f"no {currency}/{base} rate history: positions in {currency} are left out")
        return None

    async def report(self, period: str = "1Y") -> PerformanceReport:
        """Raises: ValueError (an unknown period)."""
        return (await self.reports([period]))[period.upper()]

    async def reports(self, periods: list[str] | tuple[str, ...] = PERIODS) -> dict[str, PerformanceReport]:
        """One report per period from one read of the histories; the arithmetic runs in a
        thread, so the app's loop stays free. Raises: ValueError (an unknown period)."""
        wanted = [p.upper() for p in periods]
        for period in wanted:
            if period not in PERIODS:
                raise ValueError(f"unknown period '{period[:10]}' (use one of {', '.join(PERIODS)})")
        service = self.portfolio
        base = PerformanceReport(service.current or "all", service.base, "", benchmark_symbol=self.benchmark)
        lots, closed = service.lots, service.closed
        everything = [*lots, *(c.lot for c in closed)]
        if not everything:
            return {p: dataclasses.replace(base, period=p) for p in wanted}
        today = clock_today()
        first = min(lot.opened for lot in everything)
        histories = {s: await self._history(s, base) for s in sorted({lot.symbol for lot in everything})}
        bench = await self._history(self.benchmark, base)
        units = {s: self._unit(s, everything) for s in histories}
        fx = {c: await self._fx(c, service.base, base) for c in {u[0] for u in units.values()}}
        data = _Inputs(lots, closed, histories, units, fx, bench, today, first)
        # the calendar, the alignment and the arithmetic: tens of ms for a large portfolio, off the loop
        return await asyncio.to_thread(self._compute, base, data, wanted)

    def _unit(self, symbol: str, lots: list[Lot]) -> tuple[str, float]:
        """The symbol's currency in main units and the factor to them (pence: 0.01)."""
        pinned = next((lot.currency for lot in lots if lot.symbol == symbol and lot.currency), None)
        quoted = self.market.rows.get(symbol)
        quote_unit = quoted.quote.currency if quoted is not None and quoted.quote is not None else None
        return main_unit(pinned or quote_unit or self.portfolio.base)

    def _compute(
        self, base: PerformanceReport, data: _Inputs, periods: list[str]
    ) -> dict[str, PerformanceReport]:
        # numpy throughout (no Python dates): its sort lets go of the GIL, so the app's loop runs
        first, last = np.datetime64(data.first, "D"), np.datetime64(data.today, "D")
        parts = [np.array([first, last], dtype="datetime64[D]")]
        for history in [*data.histories.values(), data.bench]:
            if history is not None and len(history):
                days = history.timestamps.astype("datetime64[D]")
                parts.append(days[(days >= first) & (days <= last)])
        data.calendar = np.unique(np.concatenate(parts))
        n = len(data.calendar)
        for currency, found in data.fx.items():
            if found is None:
                data.rates[currency] = np.ones(n) if currency == base.base else np.full(n, np.nan)
            else:
                aligned, _ = _aligned(found[0], data.calendar)
                data.rates[currency] = 1.0 / aligned if found[1] else aligned
        value, flows = np.zeros(n), np.zeros(n)
        missing = np.zeros(n, dtype=bool)
        for symbol, history in data.histories.items():
            currency, factor = data.units[symbol]
            fx = data.rates[currency]
            held, lot_flows = np.zeros(n), np.zeros(n)
            for lot in [*data.lots, *(c.lot for c in data.closed)]:
                if lot.symbol == symbol:
                    opened = int(np.searchsorted(data.calendar, np.datetime64(lot.opened, "D")))
                    held[opened:] += lot.quantity
                    lot_flows[opened] += lot.cost * factor
            for c in data.closed:
                if c.lot.symbol == symbol:
                    shut = int(np.searchsorted(data.calendar, np.datetime64(c.closed, "D")))
                    held[shut:] -= c.lot.quantity
                    lot_flows[shut] -= (c.lot.quantity * c.price - c.fees) * factor
            flows += np.nan_to_num(lot_flows * fx)
            if history is None:
                missing |= held != 0
                continue
            prices, own = _aligned(history, data.calendar)
            holding = held != 0
            base.carried_forward += int((holding & ~own & np.isfinite(prices)).sum())
            unpriced = holding & ~(np.isfinite(prices) & np.isfinite(fx))
            if unpriced.any():
                first_gap = _day(data.calendar[int(np.argmax(unpriced))])
                base.incomplete.append(
                    f"{symbol}: no price or rate on {int(unpriced.sum())} day(s) it was held, from {first_gap}"
                )
                missing |= unpriced
            value += np.where(holding & ~unpriced, held * prices * factor * fx, 0.0)
        for c in data.closed:
            currency, factor = data.units.get(c.lot.symbol, main_unit(c.lot.currency or base.base))
            at = max(0, int(np.searchsorted(data.calendar, np.datetime64(c.closed, "D"), side="right")) - 1)
            realised = (
                c.realised * factor * float(data.rates.get(currency, np.array([np.nan]))[min(at, n - 1)])
            )
            if math.isfinite(realised):
                base.realised_by_year[c.closed.year] = (
                    base.realised_by_year.get(c.closed.year, 0.0) + realised
                )
        out = {}
        for period in periods:
            report = dataclasses.replace(base, period=period, incomplete=list(base.incomplete),
                                         realised_by_year=dict(base.realised_by_year), sources=dict(base.sources))  # fmt: skip
            self._window(report, data.calendar, value, flows, missing, data.bench, data.today, data.first)
            report.incomplete = list(dict.fromkeys(report.incomplete))
            out[period] = report
        return out

    def _window(self, report: PerformanceReport, calendar: np.ndarray, value: np.ndarray, flows: np.ndarray,
                missing: np.ndarray, bench: PriceHistory | None, today: date, first: date) -> None:  # fmt: skip
        """The period's series and figures."""
        if report.period == "ALL":
            start_day = first
        elif report.period == "YTD":
            start_day = date(today.year, 1, 1)
        else:
            start_day = today - timedelta(days=_PERIOD_DAYS[report.period] - 1)
        begin = max(0, int(np.searchsorted(calendar, np.datetime64(max(start_day, first), "D"))) - 1)
        window = slice(begin, len(calendar))
        days = [_day(d) for d in calendar[window]]
        v, f = value[window], flows[window].copy()
        f[0] = 0.0  # money in before the period is in its starting value
        invested = np.cumsum(flows)[window]
        report.days, report.value, report.invested = days, v.tolist(), invested.tolist()
        returns = daily_returns(v, f)
        returns[missing[window][1:]] = np.nan  # a day valued without a holding's price has no return
        report.twr = time_weighted(returns)
        report.drawdown = max_drawdown(returns, days)
        amounts = [-float(v[0])] if v[0] > 0 else []
        dates = [days[0]] if v[0] > 0 else []
        for i in range(1, len(days)):
            if f[i]:
                dates.append(days[i])
                amounts.append(-float(f[i]))
        dates.append(days[-1])
        amounts.append(float(v[-1]))
        report.xirr = money_weighted(dates, amounts)
        bench_returns = None
        if bench is not None and len(bench):
            closes, _ = _aligned(bench, calendar[window])
            start = next((x for x in closes if np.isfinite(x) and x > 0), None)
            base_value = next((x for x in v if x > 0), 0.0)
            if start is not None:
                rebased = closes / start * (base_value or 100.0)
                report.benchmark = [float(x) if np.isfinite(x) else None for x in rebased]
                finite = closes[np.isfinite(closes)]
                report.benchmark_return = float(finite[-1] / finite[0] - 1) if finite.size >= 2 else None
                with np.errstate(divide="ignore", invalid="ignore"):
                    bench_returns = closes[1:] / closes[:-1] - 1.0
        if not report.benchmark:
            report.benchmark = [None] * len(days)
        report.__dict__.update(risk_figures(returns, bench_returns, self.risk_free))
        if missing[window].any():
            report.incomplete.append("the value leaves out holdings on the days named above")


def _pct(value: float | None, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value * 100:+.2f} %{suffix}"


def summary_lines(report: PerformanceReport) -> list[str]:
    """The report as text (the CLI; the chat's context)."""
    if not report.days:
        return [f"Portfolio {report.portfolio}: no lots, so no performance yet"]
    origin = "SIMULATED data" if report.simulated else ", ".join(sorted(set(report.sources.values())))
    lines = [
        f"Portfolio {report.portfolio} · {report.period} ({report.start} to {report.end}) · {report.base} · {origin}",
        f"value {report.value[-1]:,.2f} {report.base} · invested (net) {report.invested[-1]:,.2f} {report.base}",
        f"time-weighted return {_pct(report.twr)} · money-weighted (XIRR) {_pct(report.xirr, ' a year')} · "
        f"{report.benchmark_symbol} {_pct(report.benchmark_return)}",
    ]
    dd = report.drawdown
    fall = "none" if dd is None else (
        f"{dd.depth * 100:.2f} % ({dd.peak} to {dd.trough}, "
        + (f"recovered {dd.recovered})" if dd.recovered else "not recovered)")
    )  # fmt: skip
    vol = "n/a" if report.volatility is None else f"{report.volatility * 100:.2f} % a year"
    sharpe = "n/a" if report.sharpe is None else f"{report.sharpe:.2f}"
    beta = "n/a" if report.beta is None else f"{report.beta:.2f}"
    lines.append(
        f"volatility {vol} · max drawdown {fall} · Sharpe {sharpe} · beta to {report.benchmark_symbol} {beta}"
    )
    if report.realised_by_year:
        years = " · ".join(f"{y} {v:+,.2f} {report.base}" for y, v in sorted(report.realised_by_year.items()))
        lines.append(f"realised P&L by year: {years}")
    lines.append(f"dividends: {report.dividends}")
    if report.carried_forward:
        lines.append(
            f"{report.carried_forward} holding-day(s) valued on an earlier day's price or rate (holidays, gaps)"
        )
    lines.extend(f"INCOMPLETE: {why}" for why in report.incomplete)
    return lines


def performance_facts(report: PerformanceReport) -> list[Any]:
    """The report's figures as typed values for the chat's figure check (percent figures in
    percent, as they are written)."""
    from ..chat.attribution import Fact

    who = f"portfolio {report.portfolio}"
    origin = "SIMULATED" if report.simulated else ", ".join(sorted(set(report.sources.values()))) or "lots"
    when = datetime.combine(report.end, datetime.min.time(), UTC) if report.end else None
    facts = []
    for field_name, value, percent in (
        ("time-weighted return", report.twr, True),
        ("money-weighted return (XIRR)", report.xirr, True),
        (f"{report.benchmark_symbol} return", report.benchmark_return, True),
        ("volatility", report.volatility, True),
        ("max drawdown", report.drawdown.depth if report.drawdown else None, True),
        ("Sharpe ratio", report.sharpe, False),
        ("beta", report.beta, False),
        ("value", report.value[-1] if report.value else None, False),
    ):
        if value is not None and math.isfinite(value):
            shown = value * 100 if percent else value
            facts.append(Fact(who, field_name, shown, origin, when, report.simulated, percent))
    for year, realised in report.realised_by_year.items():
        facts.append(Fact(who, f"realised P&L {year}", realised, origin, when, report.simulated))
    return facts
