"""Technical analysis on TA-Lib: indicators, candlestick patterns, trends and signals.

Every number comes from TA-Lib (VWAP, which TA-Lib lacks, from numpy). A value is only claimed
when the history is longer than the indicator's TA-Lib lookback; otherwise the result says
plainly what is missing ("RSI(14) needs 15 bars, 9 available") instead of inventing a number.

Modules: ``config`` (settings), ``indicators`` (the table of indicator specs), ``signals``
(verdicts), ``trends`` (trend measures, patterns), ``series`` (lookbacks, VWAP), ``analyzer``.
"""

from .analyzer import TechnicalAnalyzer
from .config import ALL_INDICATORS, DEFAULT_PATTERNS, Periods, TechnicalConfig
from .series import PATTERN_MARGIN, lookback, vwap

__all__ = [
    "ALL_INDICATORS",
    "DEFAULT_PATTERNS",
    "PATTERN_MARGIN",
    "Periods",
    "TechnicalAnalyzer",
    "TechnicalConfig",
    "lookback",
    "vwap",
]
