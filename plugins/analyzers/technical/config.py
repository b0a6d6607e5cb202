"""The technical analyzer's settings (``config:`` of its entry)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ALL_INDICATORS = ("MA", "EMA", "RSI", "MACD", "BBANDS", "ATR", "ADX", "STOCH", "OBV", "VWAP")
DEFAULT_PATTERNS = (
    "CDLENGULFING",
    "CDLHAMMER",
    "CDLINVERTEDHAMMER",
    "CDLHANGINGMAN",
    "CDLSHOOTINGSTAR",
    "CDLDOJI",
    "CDLMORNINGSTAR",
    "CDLEVENINGSTAR",
    "CDLHARAMI",
    "CDLPIERCING",
    "CDLDARKCLOUDCOVER",
    "CDL3WHITESOLDIERS",
    "CDL3BLACKCROWS",
    "CDLMARUBOZU",
)


class Periods(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ma: int = Field(20, ge=2)
    ema: int = Field(20, ge=2)
    rsi: int = Field(14, ge=2)
    macd_fast: int = Field(12, ge=2)
    macd_slow: int = Field(26, ge=3)
    macd_signal: int = Field(9, ge=1)
    bbands: int = Field(20, ge=2)
    bbands_dev: float = Field(2.0, gt=0)
    atr: int = Field(14, ge=1)
    adx: int = Field(14, ge=2)
    stoch_k: int = Field(14, ge=1)
    stoch_slow: int = Field(3, ge=1)
    regression: int = Field(20, ge=3)


class TechnicalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicators: list[str] = Field(default_factory=lambda: list(ALL_INDICATORS))
    """Any of MA (simple), EMA, RSI, MACD, BBANDS, ATR, ADX, STOCH, OBV, VWAP."""
    periods: Periods = Field(default_factory=Periods)
    patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_PATTERNS))
    """TA-Lib candlestick functions to scan (e.g. CDLENGULFING); ["ALL"] for all 61."""
    pattern_window: int = Field(10, ge=1)
    """Report patterns found in the last N bars."""
    rsi_oversold: float = 30
    rsi_overbought: float = 70
