"""The start-up snapshot: written after a refresh, read back only for the same config."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.theme import Theme

from naetra_tui.core.enums import MarketState
from naetra_tui.core.models import Quote
from naetra_tui.ui.snapshot import last_watchlist, load_snapshot, save_snapshot, snapshot_file
from tests.conftest import write

FETCHED = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


def quote(symbol: str, price: float, name: str = "Apple Inc.") -> Quote:
    return Quote(
        symbol=symbol,
        price=price,
        source="yahoo_finance",
        name=name,
        previous_close=price - 1,
        day_high=price + 2,
        day_low=price - 3,
        volume=1.5e6,
        market_state=MarketState.REGULAR,
        as_of=FETCHED,
        fetched_at=FETCHED,
    )


def saved(tmp_path: Path) -> Path:
    config = write(tmp_path / "config.yaml", "app:\n  watchlist: [AAPL]\n")
    rows = {
        "AAPL": SimpleNamespace(quote=quote("AAPL", 230.5, "[bold]Apple[/] \x1b[31m"), error=None),
        "BAD": SimpleNamespace(quote=None, error="unknown symbol BAD"),
    }
    theme = Theme(name="mine", primary="#ff0000", dark=True)
    save_snapshot(config, "Tech", ["AAPL", "BAD"], rows, {"AAPL": [1.0, 2.5]}, theme)
    return config


def test_what_is_saved_comes_back_marked_stale(tmp_path: Path) -> None:
    config = saved(tmp_path)
    snapshot = load_snapshot(config)
    assert snapshot is not None
    assert (snapshot.watchlist, snapshot.symbols, snapshot.sparks) == (
        "Tech",
        ["AAPL", "BAD"],
        {"AAPL": [1.0, 2.5]},
    )
    row = snapshot.rows["AAPL"]
    assert row.stale and row.quote is not None
    original = quote("AAPL", 230.5, "[bold]Apple[/] \x1b[31m")
    for name in ("price", "previous_close", "day_high", "day_low", "volume", "source", "name", "fetched_at"):
        assert getattr(row.quote, name) == getattr(original, name), name
    assert row.quote.market_state is MarketState.REGULAR
    assert row.quote.change == pytest.approx(1.0)
    assert row.quote.age_seconds(datetime(2026, 11, 25, 17, 30, tzinfo=UTC)) == 7200  # its real age
    assert snapshot.rows["BAD"].quote is None and snapshot.rows["BAD"].error == "unknown symbol BAD"
    assert snapshot.theme is not None and Theme(**snapshot.theme).primary == "#ff0000"
    assert not list(snapshot_file(config).parent.glob("*.tmp"))  # written atomically


def test_a_changed_config_makes_the_snapshot_unusable(tmp_path: Path) -> None:
    config = saved(tmp_path)
    config.write_text("app:\n  watchlist: [MSFT, NVDA]\n", encoding="utf-8")
    assert load_snapshot(config) is None
    # its prices are not trusted; which list the user had open still is (rows then "loading…")
    assert last_watchlist(config) == ("Tech", ["AAPL", "BAD"])


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"watchlist": "Tech"}),
        json.dumps({"watchlist": "Tech", "symbols": "AAPL"}),
        None,
    ],
)
def test_no_last_watchlist_from_a_missing_or_damaged_snapshot(tmp_path: Path, text: str | None) -> None:
    config = saved(tmp_path)
    if text is None:
        snapshot_file(config).unlink()
    else:
        snapshot_file(config).write_text(text, encoding="utf-8")
    assert last_watchlist(config) is None


def test_a_touched_config_with_the_same_text_is_also_not_trusted(tmp_path: Path) -> None:
    config = saved(tmp_path)
    stat = config.stat()
    os.utime(config, (stat.st_atime, stat.st_mtime + 5))
    assert load_snapshot(config) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: "{not json",
        lambda data: json.dumps({**data, "version": 99}),
        lambda data: json.dumps(
            {**data, "rows": {"AAPL": {"quote": {**data["rows"]["AAPL"]["quote"], "price": "x"}}}}
        ),
        lambda data: json.dumps(
            {**data, "rows": {"AAPL": {"quote": {**data["rows"]["AAPL"]["quote"], "day_high": "high"}}}}
        ),
        lambda data: json.dumps({**data, "rows": {"AAPL": {"quote": {"price": 1}}}}),
        lambda data: json.dumps({k: v for k, v in data.items() if k != "symbols"}),
        lambda data: json.dumps([1, 2, 3]),
    ],
    ids=[
        "not json",
        "other version",
        "price not a number",
        "high not a number",
        "fields missing",
        "no symbols",
        "a list",
    ],
)
def test_a_damaged_snapshot_is_ignored(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    config = saved(tmp_path)
    path = snapshot_file(config)
    path.write_text(damage(json.loads(path.read_text())), encoding="utf-8")
    assert load_snapshot(config) is None


def test_no_snapshot_yet(tmp_path: Path) -> None:
    assert load_snapshot(write(tmp_path / "config.yaml", "app: {}\n")) is None


def test_the_cached_quote_mirrors_the_quote_model() -> None:
    """CachedQuote repeats Quote's fields so the first paint needs no pydantic: the two must
    not drift apart (same names, same defaults)."""
    import dataclasses

    from naetra_tui.ui.snapshot import CachedQuote

    cached = {f.name: f for f in dataclasses.fields(CachedQuote)}
    assert set(cached) == set(Quote.model_fields)
    for name, field in cached.items():
        model_field = Quote.model_fields[name]
        if field.default is not dataclasses.MISSING:
            assert field.default == model_field.default, name
        else:  # required, or a factory on both sides
            assert model_field.is_required() == (field.default_factory is dataclasses.MISSING), name


def test_the_cached_quote_is_the_quote_model_field_for_field() -> None:
    """One quote model: the snapshot's CachedQuote is its pydantic-free copy for the first frame
    (pydantic is not imported yet then), with exactly Quote's fields, types and defaults."""
    import dataclasses

    from naetra_tui.core.models import Quote
    from naetra_tui.ui.snapshot import CachedQuote

    cached = {f.name: f for f in dataclasses.fields(CachedQuote)}
    assert list(cached) == list(Quote.model_fields)
    for name, field in Quote.model_fields.items():
        if field.default_factory is None:
            assert cached[name].default == (dataclasses.MISSING if field.is_required() else field.default), (
                name
            )
