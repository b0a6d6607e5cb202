"""Currency codes and units: which codes exist (ISO 4217), Yahoo's minor-unit quotes (London
prices in pence as ``GBp``, Johannesburg in cents as ``ZAc``, Tel Aviv in agorot as ``ILA``)
and the ``EURUSD=X`` symbols FX rates are quoted under."""

from __future__ import annotations

from .errors import NaetraError

#: Active ISO 4217 codes (2024), plus the precious-metal and fund codes markets quote in.
ISO_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XAG XAU XCD XOF XPD XPF XPT YER ZAR ZMW ZWL CNH
    """.split()
)

#: Quote units that are a fraction of a currency: code -> (the currency, its share of one unit).
MINOR_UNITS: dict[str, tuple[str, float]] = {
    "GBp": ("GBP", 0.01),
    "GBX": ("GBP", 0.01),
    "ZAc": ("ZAR", 0.01),
    "ZAC": ("ZAR", 0.01),
    "ILA": ("ILS", 0.01),
    "ILa": ("ILS", 0.01),
}


class InvalidCurrency(NaetraError, ValueError):
    """A currency code that is neither ISO 4217 nor a known minor unit."""


def check_currency(text: str) -> str:
    """The code as markets write it (``eur`` -> ``EUR``; ``GBp`` kept, it means pence).

    Raises: InvalidCurrency.
    """
    code = text.strip()
    if code in MINOR_UNITS:
        return code
    if code.upper() in ISO_CODES:
        return code.upper()
    raise InvalidCurrency(
        f"'{code[:12]}' is not a currency code (ISO 4217, like USD, EUR, GBP; GBp for pence)"
    )


def main_unit(code: str) -> tuple[str, float]:
    """``(currency, factor)``: a price in ``code`` times ``factor`` is in ``currency``
    (``GBp`` -> ``("GBP", 0.01)``; ``USD`` -> ``("USD", 1.0)``)."""
    return MINOR_UNITS.get(code, (code.upper(), 1.0))


def fx_symbol(base: str, quote: str) -> str:
    """The symbol of the rate that turns one ``base`` into ``quote`` (``EUR``, ``USD`` ->
    ``EURUSD=X``), as Yahoo and the simulated feed name it."""
    return f"{base}{quote}=X"
