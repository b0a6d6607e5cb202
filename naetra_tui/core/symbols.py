"""Symbol syntax: normalise what a person typed and refuse garbage with a clear message."""

from __future__ import annotations

import re

from .errors import InvalidSymbol

# Letters/digits plus the punctuation tickers really use: BRK.B, BRK-B, ^GSPC, EURUSD=X, BTC-USD.
_SYMBOL = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-=]{0,19}$")
MAX_SYMBOL_LENGTH = 21


def normalize_symbol(text: object) -> str:
    """``" aapl "`` -> ``"AAPL"``.

    Raises:
        InvalidSymbol: empty, too long, or characters no ticker uses (the message shows examples).
    """
    if not isinstance(text, str):
        raise InvalidSymbol(f"a symbol must be text, not {type(text).__name__} (quote it in YAML)")
    symbol = text.strip().upper()
    if not symbol:
        raise InvalidSymbol("the symbol is empty; type a ticker such as AAPL")
    if len(symbol) > MAX_SYMBOL_LENGTH:
        raise InvalidSymbol(f"a symbol is at most {MAX_SYMBOL_LENGTH} characters ({len(symbol)} given)")
    if not _SYMBOL.match(symbol):
        shown = "".join(ch if ch.isprintable() else "?" for ch in symbol)
        raise InvalidSymbol(
            f"'{shown}' is not a valid symbol: use letters, digits and . - = ^ "
            "(e.g. AAPL, BRK.B, ^GSPC, EURUSD=X, BTC-USD)"
        )
    return symbol


def is_valid_symbol(text: object) -> bool:
    try:
        normalize_symbol(text)
    except InvalidSymbol:
        return False
    return True
