"""What the user owns: lots of a symbol (quantity, price, date, fees, currency), checked where
they enter — the add dialog, ``portfolio add``, a CSV import — so nothing absurd is stored."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from .clock import today as clock_today
from .clock import utcnow
from .currency import InvalidCurrency, check_currency
from .errors import InvalidSymbol, NaetraError
from .symbols import normalize_symbol

#: Above these a value is a typo or an attack, not a position (1e30 shares, a 1e15 price).
T = TypeVar("T")
MAX_QUANTITY = 1e12
MAX_PRICE = 1e9
EARLIEST = date(1900, 1, 1)
#: The portfolio lots belong to unless the user names another (and every lot stored before
#: there were several: they read as Main, with no rewrite).
DEFAULT_PORTFOLIO = "Main"
_PORTFOLIO_NAME = re.compile(r"^[\w .()&+-]{1,40}$")


class InvalidLot(NaetraError, ValueError):
    """A lot that cannot be kept; ``field`` names the (first) value at fault, ``problems`` every
    one of them (a row with a bad quantity and a bad date says both)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message
        self.problems: list[InvalidLot] = [self]

    @classmethod
    def of(cls, problems: list[InvalidLot]) -> InvalidLot:
        """One error for several fields: its text names each."""
        first = problems[0]
        combined = cls(first.field, first.reason)
        combined.args = ("; ".join(str(p) for p in problems),)
        combined.problems = list(problems)
        return combined


def check_portfolio_name(name: object) -> str:
    """Raises: InvalidLot (empty, over 40 characters, or with '/' or control characters)."""
    text = str(name if name is not None else "").strip()
    if not _PORTFOLIO_NAME.match(text) or text.lower() == "all":
        raise InvalidLot(
            "portfolio",
            f"'{text[:40]}' cannot name a portfolio: letters, digits, spaces and . - ( ) & + (max 40; not 'all')",
        )
    return text


@dataclass(frozen=True)
class Lot:
    """One purchase (or, with a negative quantity, one short sale) of a symbol."""

    symbol: str
    quantity: float
    price: float
    opened: date
    fees: float = 0.0
    #: The currency of ``price``; None: the symbol's quote currency.
    currency: str | None = None
    id: str = field(default_factory=lambda: secrets.token_hex(6))
    created_at: datetime = field(default_factory=utcnow)
    portfolio: str = DEFAULT_PORTFOLIO

    @property
    def cost(self) -> float:
        """What the lot cost, fees included (negative for a short: what it brought in)."""
        return self.quantity * self.price + self.fees

    def to_record(self) -> dict[str, Any]:
        data = asdict(self)
        data["opened"] = self.opened.isoformat()
        data["created_at"] = self.created_at.isoformat()
        return data

    @classmethod
    def from_record(cls, data: object) -> Lot:
        """Raises: InvalidLot (a record this version cannot use)."""
        if not isinstance(data, dict):
            raise InvalidLot("record", "is not a lot")
        missing = [k for k in ("symbol", "quantity", "price") if k not in data]
        if missing:
            raise InvalidLot("record", f"has no {', '.join(missing)}")
        try:
            lot = check_lot(
                data["symbol"],
                data["quantity"],
                data["price"],
                data.get("opened"),
                data.get("fees", 0.0),
                data.get("currency"),
                allow_future=True,  # a lot opened "tomorrow" in another time zone is still the user's
            )
            created = datetime.fromisoformat(str(data.get("created_at") or utcnow().isoformat()))
            if created.tzinfo is None:  # an older or hand-written record: its times were UTC
                created = created.replace(tzinfo=UTC)
            portfolio = check_portfolio_name(data.get("portfolio") or DEFAULT_PORTFOLIO)
        except InvalidLot:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidLot("record", str(exc)) from None
        return cls(**{**asdict(lot), "id": str(data.get("id") or lot.id), "created_at": created,
                      "portfolio": portfolio})  # fmt: skip


@dataclass(frozen=True)
class ClosedLot:
    """A lot that was sold (or a short bought back): its realised P&L, fees of both sides in."""

    lot: Lot
    price: float
    closed: date
    fees: float = 0.0

    @property
    def realised(self) -> float:
        """In the lot's currency: against the lot's own price (not the average of the others)."""
        return self.lot.quantity * (self.price - self.lot.price) - self.lot.fees - self.fees

    def to_record(self) -> dict[str, Any]:
        return {"lot": self.lot.to_record(), "price": self.price, "closed": self.closed.isoformat(),
                "fees": self.fees}  # fmt: skip

    @classmethod
    def from_record(cls, data: object) -> ClosedLot:
        """Raises: InvalidLot (a record this version cannot use)."""
        if not isinstance(data, dict) or not {"lot", "price", "closed"} <= data.keys():
            raise InvalidLot("record", "is not a closed lot")
        try:
            return cls(
                Lot.from_record(data["lot"]),
                number("price", data["price"], low=0.0, high=MAX_PRICE),
                date.fromisoformat(str(data["closed"])),
                number("fees", data.get("fees", 0.0), low=0.0, high=MAX_PRICE),
            )
        except InvalidLot:
            raise
        except (TypeError, ValueError) as exc:
            raise InvalidLot("record", str(exc)) from None


_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}([.,])\d{3}")  # one separator, then exactly three digits


def _decimal_text(name: str, value: str, decimal_comma: bool) -> float:
    """A number written as text, never guessing between a thousands separator and a decimal
    one. In a file whose decimal separator is a comma, ``1.500`` alone could be 1.5 or 1500
    (and ``1,500`` in one whose decimal is a dot): refused with both readings. With both
    separators the last one is the decimal (``1.500,25``, ``1,500.25``).

    Raises: InvalidLot.
    """
    text = value.strip().replace("_", "").replace(" ", "")
    if not text:
        raise InvalidLot(name, "is empty")
    grouped = _GROUPED.fullmatch(text)
    if grouped and grouped.group(1) == ("." if decimal_comma else ","):
        small = float(text.replace(grouped.group(1), "."))
        large = float(text.replace(grouped.group(1), ""))
        as_decimal = f"{small:g}".replace(".", "," if decimal_comma else ".")
        raise InvalidLot(
            name,
            f"'{text}' could be {small:g} or {large:g}; write {large:g} or {as_decimal} (no thousands separator)",
        )
    if "," in text and "." in text:  # both: the last one is the decimal separator
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif decimal_comma and "," in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise InvalidLot(name, f"'{text[:20]}' is not a number") from None


def number(name: str, value: Any, *, low: float, high: float, decimal_comma: bool = False) -> float:
    """A finite number in ``[low, high]`` from a number or text (``1,5`` with ``decimal_comma``).

    Raises: InvalidLot.
    """
    if isinstance(value, bool):
        raise InvalidLot(name, "is not a number")
    if isinstance(value, str):
        value = _decimal_text(name, value, decimal_comma)
    if not isinstance(value, int | float):
        raise InvalidLot(name, "is not a number")
    result = float(value)
    if not math.isfinite(result):
        raise InvalidLot(name, "must be a finite number")
    if result < low:
        raise InvalidLot(name, f"must be at least {low:g}" if low else "cannot be negative")
    if result > high:
        raise InvalidLot(name, f"{result:g} is beyond any real position (at most {high:g})")
    return result


def parse_day(value: Any, today: date | None) -> date:
    """Raises: InvalidLot (not YYYY-MM-DD, before 1900, or after ``today``)."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidLot("date", f"'{str(value)[:20]}' is not a date like 2026-03-31") from None
    if day < EARLIEST:
        raise InvalidLot("date", f"{day} is before 1900")
    if today is not None and day > today:
        raise InvalidLot("date", f"{day} is in the future")
    return day


def check_lot(
    symbol: Any,
    quantity: Any,
    price: Any,
    opened: Any = None,
    fees: Any = 0.0,
    currency: Any = None,
    *,
    today: date | None = None,
    allow_future: bool = False,
    decimal_comma: bool = False,
) -> Lot:
    """A checked lot from user input; ``opened`` empty means ``today`` (default: today's date).

    Raises: InvalidLot (naming the value at fault).
    """
    today = today or clock_today()
    problems: list[InvalidLot] = []

    def checked(check: Callable[[], T], fallback: T) -> T:
        try:
            return check()
        except InvalidLot as exc:
            problems.append(exc)
            return fallback

    def symbol_checked() -> str:
        try:
            return normalize_symbol(str(symbol))
        except InvalidSymbol as exc:
            raise InvalidLot("symbol", str(exc)) from None

    def quantity_checked() -> float:
        qty = number("quantity", quantity, low=-MAX_QUANTITY, high=MAX_QUANTITY, decimal_comma=decimal_comma)
        if qty == 0:
            raise InvalidLot("quantity", "cannot be 0 (negative for a short)")
        return qty

    def currency_checked() -> str | None:
        if currency in (None, ""):
            return None
        try:
            return check_currency(str(currency))
        except InvalidCurrency as exc:
            raise InvalidLot("currency", str(exc)) from None

    clean_symbol = checked(symbol_checked, "")
    qty = checked(quantity_checked, 0.0)
    unit_price = checked(
        lambda: number("price", price, low=0.0, high=MAX_PRICE, decimal_comma=decimal_comma), 0.0
    )
    day = checked(
        lambda: parse_day(opened, None if allow_future else today) if opened not in (None, "") else today,
        today,
    )
    paid = checked(
        lambda: number(
            "fees",
            fees if fees not in (None, "") else 0.0,
            low=0.0,
            high=MAX_PRICE,
            decimal_comma=decimal_comma,
        ),
        0.0,
    )
    code = checked(currency_checked, None)
    if problems:
        raise problems[0] if len(problems) == 1 else InvalidLot.of(problems)
    return Lot(clean_symbol, qty, unit_price, day, paid, code)
