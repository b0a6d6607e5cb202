"""One analyzer's pane: its window, source and age, values (with why one is missing), signals."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from ...services.analysis import AnalysisResult
from ..formatting import clean, fmt_age

DIRECTION_STYLE = {"bullish": "green", "bearish": "red", "neutral": "dim"}


def render_result(name: str, result: AnalysisResult | None, loading: bool = False) -> Text:
    out = Text()
    out.append(f"{name}\n", style="bold underline")
    if loading or result is None:
        out.append("computing…\n", style="dim italic")
        return out
    if result.analysis is None:
        out.append("unavailable: ", style="bold red")
        out.append(clean(result.error or "unknown reason"))
        return out
    a = result.analysis
    label = "SIMULATED" if a.simulated else a.source
    age = ""
    if a.data_fetched_at is not None:
        from ...core.models import utcnow

        age = f" · {fmt_age((utcnow() - a.data_fetched_at).total_seconds())} old"
    window = (
        f"{a.bars} bars {a.data_start:%Y-%m-%d}→{a.data_end:%Y-%m-%d} · "
        if a.data_start and a.data_end
        else ""
    )
    out.append(f"{window}{label}{age}\n", style="reverse" if a.simulated else "dim")
    if a.summary:
        out.append(clean(a.summary) + "\n", style="italic")
    for section in a.sections:
        out.append(f"{section.title}\n", style="bold")
        for item in section.values:
            out.append(f"  {clean(item.name)}: ")
            if item.value is None:
                out.append("n/a", style="dim")
                if item.note:
                    out.append(f" ({clean(item.note)})", style="dim italic")
            elif isinstance(item.value, float):
                out.append(f"{item.value:,.4g}{item.unit if item.unit in ('%', 'x') else ''}")
            else:
                out.append(clean(item.value), style=DIRECTION_STYLE.get(str(item.value), ""))
            out.append("\n")
    if a.signals:
        out.append("Signals\n", style="bold")
        for signal in a.signals:
            out.append(f"  {signal.direction:8s}", style=DIRECTION_STYLE[signal.direction])
            out.append(f"{clean(signal.name)}: {clean(signal.reason)}\n")
    return out


class AnalysisPane(Static):
    DEFAULT_CSS = """
    AnalysisPane { padding: 0 1; margin-bottom: 1; }
    """

    def __init__(self, analyzer: str, **kwargs: Any) -> None:
        super().__init__(render_result(analyzer, None, loading=True), **kwargs)
        self.analyzer = analyzer
        self.result: AnalysisResult | None = None

    def show(self, result: AnalysisResult | None, loading: bool = False) -> None:
        self.result = result
        self.update(render_result(self.analyzer, result, loading))
