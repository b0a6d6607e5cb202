"""What the simulated feed knows: a fixed universe of real tickers (with their names, usual
price level and kind), the currencies they are quoted in, and the exchange each trades on.

It invents nothing: a ticker outside the universe (a typo such as ``ZZZZQ``) is unknown to it,
as it would be to a real source. FX pairs of the listed currencies are all known (their rates
agree with each other); ``invent_unknown: true`` in its config restores any-ticker answers for
demos and benchmarks that need made-up symbols.
"""

from __future__ import annotations

#: symbol: (name, price level on the anchor day in its own currency, kind)
KNOWN: dict[str, tuple[str, float, str]] = {
    # US equities (the S&P 100's best known, and a few more people type)
    "AAPL": ("Apple Inc.", 230.0, "EQUITY"),
    "MSFT": ("Microsoft Corporation", 420.0, "EQUITY"),
    "NVDA": ("NVIDIA Corporation", 135.0, "EQUITY"),
    "GOOGL": ("Alphabet Inc.", 175.0, "EQUITY"),
    "GOOG": ("Alphabet Inc.", 176.0, "EQUITY"),
    "AMZN": ("Amazon.com, Inc.", 200.0, "EQUITY"),
    "META": ("Meta Platforms, Inc.", 590.0, "EQUITY"),
    "TSLA": ("Tesla, Inc.", 400.0, "EQUITY"),
    "BRK.B": ("Berkshire Hathaway Inc.", 460.0, "EQUITY"),
    "BRK-B": ("Berkshire Hathaway Inc.", 460.0, "EQUITY"),
    "AVGO": ("Broadcom Inc.", 230.0, "EQUITY"),
    "AMD": ("Advanced Micro Devices, Inc.", 120.0, "EQUITY"),
    "INTC": ("Intel Corporation", 20.0, "EQUITY"),
    "QCOM": ("QUALCOMM Incorporated", 155.0, "EQUITY"),
    "TXN": ("Texas Instruments Incorporated", 190.0, "EQUITY"),
    "MU": ("Micron Technology, Inc.", 95.0, "EQUITY"),
    "ON": ("ON Semiconductor Corporation", 65.0, "EQUITY"),
    "ORCL": ("Oracle Corporation", 170.0, "EQUITY"),
    "CRM": ("Salesforce, Inc.", 335.0, "EQUITY"),
    "ADBE": ("Adobe Inc.", 445.0, "EQUITY"),
    "IBM": ("International Business Machines Corporation", 225.0, "EQUITY"),
    "CSCO": ("Cisco Systems, Inc.", 59.0, "EQUITY"),
    "NFLX": ("Netflix, Inc.", 890.0, "EQUITY"),
    "PLTR": ("Palantir Technologies Inc.", 75.0, "EQUITY"),
    "UBER": ("Uber Technologies, Inc.", 61.0, "EQUITY"),
    "SHOP": ("Shopify Inc.", 107.0, "EQUITY"),
    "PYPL": ("PayPal Holdings, Inc.", 87.0, "EQUITY"),
    "JPM": ("JPMorgan Chase & Co.", 240.0, "EQUITY"),
    "BAC": ("Bank of America Corporation", 44.0, "EQUITY"),
    "WFC": ("Wells Fargo & Company", 70.0, "EQUITY"),
    "GS": ("The Goldman Sachs Group, Inc.", 575.0, "EQUITY"),
    "MS": ("Morgan Stanley", 126.0, "EQUITY"),
    "C": ("Citigroup Inc.", 70.0, "EQUITY"),
    "V": ("Visa Inc.", 316.0, "EQUITY"),
    "MA": ("Mastercard Incorporated", 527.0, "EQUITY"),
    "AXP": ("American Express Company", 297.0, "EQUITY"),
    "BLK": ("BlackRock, Inc.", 1025.0, "EQUITY"),
    "UNH": ("UnitedHealth Group Incorporated", 505.0, "EQUITY"),
    "JNJ": ("Johnson & Johnson", 145.0, "EQUITY"),
    "LLY": ("Eli Lilly and Company", 775.0, "EQUITY"),
    "PFE": ("Pfizer Inc.", 26.5, "EQUITY"),
    "MRK": ("Merck & Co., Inc.", 100.0, "EQUITY"),
    "ABBV": ("AbbVie Inc.", 178.0, "EQUITY"),
    "TMO": ("Thermo Fisher Scientific Inc.", 520.0, "EQUITY"),
    "WMT": ("Walmart Inc.", 90.0, "EQUITY"),
    "COST": ("Costco Wholesale Corporation", 915.0, "EQUITY"),
    "HD": ("The Home Depot, Inc.", 390.0, "EQUITY"),
    "PG": ("The Procter & Gamble Company", 168.0, "EQUITY"),
    "KO": ("The Coca-Cola Company", 62.0, "EQUITY"),
    "PEP": ("PepsiCo, Inc.", 152.0, "EQUITY"),
    "MCD": ("McDonald's Corporation", 290.0, "EQUITY"),
    "NKE": ("NIKE, Inc.", 76.0, "EQUITY"),
    "SBUX": ("Starbucks Corporation", 91.0, "EQUITY"),
    "DIS": ("The Walt Disney Company", 111.0, "EQUITY"),
    "XOM": ("Exxon Mobil Corporation", 107.0, "EQUITY"),
    "CVX": ("Chevron Corporation", 145.0, "EQUITY"),
    "BA": ("The Boeing Company", 177.0, "EQUITY"),
    "CAT": ("Caterpillar Inc.", 363.0, "EQUITY"),
    "GE": ("GE Aerospace", 167.0, "EQUITY"),
    "F": ("Ford Motor Company", 10.0, "EQUITY"),
    "GM": ("General Motors Company", 53.0, "EQUITY"),
    "T": ("AT&T Inc.", 23.0, "EQUITY"),
    "VZ": ("Verizon Communications Inc.", 40.0, "EQUITY"),
    "COIN": ("Coinbase Global, Inc.", 250.0, "EQUITY"),
    "GME": ("GameStop Corp.", 31.0, "EQUITY"),
    # US funds and indices
    "SPY": ("SPDR S&P 500 ETF Trust", 590.0, "ETF"),
    "VOO": ("Vanguard S&P 500 ETF", 540.0, "ETF"),
    "IVV": ("iShares Core S&P 500 ETF", 593.0, "ETF"),
    "VTI": ("Vanguard Total Stock Market ETF", 290.0, "ETF"),
    "QQQ": ("Invesco QQQ Trust", 510.0, "ETF"),
    "IWM": ("iShares Russell 2000 ETF", 220.0, "ETF"),
    "DIA": ("SPDR Dow Jones Industrial Average ETF Trust", 425.0, "ETF"),
    "GLD": ("SPDR Gold Shares", 240.0, "ETF"),
    "TLT": ("iShares 20+ Year Treasury Bond ETF", 87.0, "ETF"),
    "^GSPC": ("S&P 500", 5900.0, "INDEX"),
    "^DJI": ("Dow Jones Industrial Average", 42500.0, "INDEX"),
    "^IXIC": ("NASDAQ Composite", 19300.0, "INDEX"),
    "^RUT": ("Russell 2000", 2200.0, "INDEX"),
    "^VIX": ("CBOE Volatility Index", 17.0, "INDEX"),
    "^FTSE": ("FTSE 100", 8200.0, "INDEX"),
    "^GDAXI": ("DAX", 20000.0, "INDEX"),
    "^FCHI": ("CAC 40", 7400.0, "INDEX"),
    "^N225": ("Nikkei 225", 39500.0, "INDEX"),
    "^HSI": ("Hang Seng Index", 19800.0, "INDEX"),
    # crypto (trades every day)
    "BTC-USD": ("Bitcoin USD", 95000.0, "CRYPTOCURRENCY"),
    "ETH-USD": ("Ethereum USD", 3400.0, "CRYPTOCURRENCY"),
    "SOL-USD": ("Solana USD", 190.0, "CRYPTOCURRENCY"),
    "XRP-USD": ("XRP USD", 2.2, "CRYPTOCURRENCY"),
    "DOGE-USD": ("Dogecoin USD", 0.32, "CRYPTOCURRENCY"),
    "ADA-USD": ("Cardano USD", 0.9, "CRYPTOCURRENCY"),
    # abroad, at their level in the exchange's currency (London in pence, Tokyo in yen)
    "SAP.DE": ("SAP SE", 240.0, "EQUITY"),
    "SIE.DE": ("Siemens AG", 190.0, "EQUITY"),
    "ALV.DE": ("Allianz SE", 300.0, "EQUITY"),
    "BMW.DE": ("Bayerische Motoren Werke AG", 79.0, "EQUITY"),
    "ASML.AS": ("ASML Holding N.V.", 700.0, "EQUITY"),
    "MC.PA": ("LVMH Moet Hennessy Louis Vuitton SE", 640.0, "EQUITY"),
    "OR.PA": ("L'Oreal S.A.", 340.0, "EQUITY"),
    "TTE.PA": ("TotalEnergies SE", 54.0, "EQUITY"),
    "NESN.SW": ("Nestle S.A.", 75.0, "EQUITY"),
    "NOVN.SW": ("Novartis AG", 89.0, "EQUITY"),
    "VOD.L": ("Vodafone Group Plc", 72.0, "EQUITY"),
    "SHEL.L": ("Shell plc", 2600.0, "EQUITY"),
    "HSBA.L": ("HSBC Holdings plc", 790.0, "EQUITY"),
    "BP.L": ("BP p.l.c.", 400.0, "EQUITY"),
    "AZN.L": ("AstraZeneca PLC", 10600.0, "EQUITY"),
    "BARC.L": ("Barclays PLC", 270.0, "EQUITY"),
    "7203.T": ("Toyota Motor Corporation", 2900.0, "EQUITY"),
    "6758.T": ("Sony Group Corporation", 3300.0, "EQUITY"),
    "9984.T": ("SoftBank Group Corp.", 9200.0, "EQUITY"),
    "RY.TO": ("Royal Bank of Canada", 170.0, "EQUITY"),
    "TD.TO": ("The Toronto-Dominion Bank", 77.0, "EQUITY"),
    "0700.HK": ("Tencent Holdings Limited", 420.0, "EQUITY"),
    "9988.HK": ("Alibaba Group Holding Limited", 82.0, "EQUITY"),
    "BHP.AX": ("BHP Group Limited", 40.0, "EQUITY"),
    "005930.KS": ("Samsung Electronics Co., Ltd.", 53000.0, "EQUITY"),
    # FX pairs with names of their own (every pair of the currencies below is known too)
    "EURUSD=X": ("EUR/USD", 1.035, "CURRENCY"),
    "GBPUSD=X": ("GBP/USD", 1.25, "CURRENCY"),
    "USDJPY=X": ("USD/JPY", 157.0, "CURRENCY"),
}
#: What one unit of each currency is worth in US dollars (late 2025 levels): the simulated FX
#: rates derive from it, so EURGBP=X and GBPEUR=X agree with EURUSD=X and GBPUSD=X.
USD_VALUE: dict[str, float] = {
    "USD": 1.0, "EUR": 1.035, "GBP": 1.25, "JPY": 1 / 157, "CAD": 1 / 1.43, "HKD": 1 / 7.78,
    "CHF": 1.10, "AUD": 0.62, "NZD": 0.56, "SEK": 0.091, "NOK": 0.088, "DKK": 0.139,
    "INR": 0.0116, "CNY": 0.137, "KRW": 0.00068, "SGD": 0.73, "ZAR": 0.053, "ILS": 0.27,
    "BRL": 0.165, "MXN": 0.049, "GBp": 0.0125, "ZAc": 0.00053, "ILA": 0.0027,
}  # fmt: skip
#: The exchange suffix of a symbol -> the currency its price is quoted in (Yahoo's codes).
SUFFIX_CURRENCY: dict[str, str] = {
    **dict.fromkeys((".DE", ".F", ".PA", ".AS", ".MI", ".MC", ".BR", ".LS", ".HE", ".VI", ".IR"), "EUR"),
    ".L": "GBp", ".T": "JPY", ".TO": "CAD", ".V": "CAD", ".HK": "HKD", ".SW": "CHF", ".AX": "AUD",
    ".NZ": "NZD", ".ST": "SEK", ".OL": "NOK", ".CO": "DKK", ".NS": "INR", ".BO": "INR", ".SS": "CNY",
    ".SZ": "CNY", ".KS": "KRW", ".SI": "SGD", ".JO": "ZAc", ".TA": "ILA", ".SA": "BRL", ".MX": "MXN",
}  # fmt: skip
#: The exchange suffix -> the exchange's ISO 10383 code (exchange-calendars' names).
SUFFIX_EXCHANGE: dict[str, str] = {
    ".DE": "XETR", ".F": "XFRA", ".PA": "XPAR", ".AS": "XAMS", ".MI": "XMIL", ".MC": "XMAD",
    ".BR": "XBRU", ".LS": "XLIS", ".HE": "XHEL", ".VI": "XWBO", ".IR": "XDUB", ".L": "XLON",
    ".T": "XTKS", ".TO": "XTSE", ".V": "XTSE", ".HK": "XHKG", ".SW": "XSWX", ".AX": "XASX",
    ".NZ": "XNZE", ".ST": "XSTO", ".OL": "XOSL", ".CO": "XCSE", ".NS": "XBOM", ".BO": "XBOM",
    ".SS": "XSHG", ".SZ": "XSHG", ".KS": "XKRX", ".SI": "XSES", ".JO": "XJSE", ".TA": "XTAE",
    ".SA": "BVMF", ".MX": "XMEX",
}  # fmt: skip
#: Indices of markets abroad trade on their exchange's days and hours.
INDEX_EXCHANGE = {"^FTSE": "XLON", "^GDAXI": "XETR", "^FCHI": "XPAR", "^N225": "XTKS", "^HSI": "XHKG"}
US_EXCHANGE = "XNYS"


def suffix_of(symbol: str) -> str:
    dot = symbol.rfind(".")
    return symbol[dot:] if dot > 0 else ""


def currency_of(symbol: str, kind: str) -> str:
    """The currency a simulated symbol is quoted in: an FX pair's second currency, else its
    exchange's by suffix (``SAP.DE`` EUR, ``VOD.L`` GBp), else US dollars."""
    if kind == "CURRENCY":
        return symbol[3:6]
    return SUFFIX_CURRENCY.get(suffix_of(symbol), "USD")


def exchange_of(symbol: str, kind: str) -> str | None:
    """The exchange whose days and hours a symbol keeps; None: FX (weekdays, around the clock)
    and crypto (every day)."""
    if kind in ("CURRENCY", "CRYPTOCURRENCY"):
        return None
    if kind == "INDEX":
        return INDEX_EXCHANGE.get(symbol, US_EXCHANGE)
    return SUFFIX_EXCHANGE.get(suffix_of(symbol), US_EXCHANGE)


def is_known_pair(symbol: str) -> bool:
    """An FX pair of two currencies with a level (``EURGBP=X``)."""
    return len(symbol) == 8 and symbol.endswith("=X") and symbol[:3] in USD_VALUE and symbol[3:6] in USD_VALUE
