"""The alert rule language (#36): what people write parses to one canonical spelling; what
cannot be understood is one clear error pointing at the token; size is bounded."""

from __future__ import annotations

import pytest

from naetra_tui.core.alert_rules import (
    MAX_CONDITIONS,
    AllOf,
    AnyOf,
    Compare,
    Cross,
    RuleError,
    conditions,
    parse_rule,
)


@pytest.mark.parametrize(
    ("rule", "canonical"),
    [
        ("price > 250", "price > 250"),
        ("PRICE>250", "price > 250"),
        ("close >= 180.5", "price >= 180.5"),
        ("rsi < 30 and price > sma200", "rsi < 30 and price > sma200"),
        ("rsi(14) < 30", "rsi < 30"),
        ("rsi 7 < 30", "rsi7 < 30"),
        ("price > sma 50", "price > sma50"),
        ("change% 5d < -10", "change% 5d < -10"),
        ("change% > 3", "change% > 3"),
        ("volume > 3x avg20", "volume > 3x avg20"),
        ("price > 1.05x sma50", "price > 1.05x sma50"),
        ("sma50 cross above sma200", "sma50 cross above sma200"),
        ("sma50 crosses under sma200", "sma50 cross below sma200"),
        ("macd cross up", "macd cross above macd_signal"),
        ("macd cross down", "macd cross below macd_signal"),
        ("price cross above 250", "price cross above 250"),
        (
            "(change% 5d < -10 or volume > 3x avg20) and rsi < 40",
            "(change% 5d < -10 or volume > 3x avg20) and rsi < 40",
        ),
        ("price < 10 or price > 20", "price < 10 or price > 20"),
    ],
)
def test_rules_people_write_parse_to_one_spelling(rule: str, canonical: str) -> None:
    tree = parse_rule(rule)
    assert tree.text == canonical
    assert parse_rule(tree.text).text == canonical  # the printed form reads back the same


def test_and_binds_tighter_than_or() -> None:
    tree = parse_rule("price > 1 or price < 2 and rsi < 30")
    assert isinstance(tree, AnyOf) and isinstance(tree.parts[1], AllOf)
    cross = parse_rule("macd cross up")
    assert (
        isinstance(cross, Cross)
        and cross.right.series is not None
        and cross.right.series.name == "macd_signal"
    )
    compare = parse_rule("volume > 3x avg20")
    assert isinstance(compare, Compare) and compare.right.factor == 3.0
    assert compare.right.series is not None and compare.right.series.unit == "volume"


@pytest.mark.parametrize(
    ("rule", "said", "column"),
    [
        ("(price > 1", "this '(' is never closed", 1),
        ("price > 1)", "')' without its '('", 10),
        ("rsx < 30", "unknown indicator 'rsx'", 1),
        ("rsi > price", "cannot compare rsi (an oscillator (0-100)) with price (a price)", 7),
        ("volume > sma50", "cannot compare volume (a volume) with sma50 (a price)", 10),
        ("rsi > 150", "rsi runs from 0 to 100", 7),
        ("price > -5", "price is never below 0", 9),
        ("change% < -150", "never below -100", 11),
        ("price >", "'price' is compared with nothing", 8),
        ("price", "'price' needs a comparison", 6),
        ("price > 250 rsi < 3", "'rsi' after a complete condition", 13),
        ("price ! 3", "'!' is not part of a rule", 7),
        ("price == 3", "'==' is not a comparison here", 7),
        ("avg20 < volume", "put it on the right", 1),
        ("price cross above", "cross above what?", 18),
        ("price cross sideways 3", "say 'above' or 'below'", 13),
        ("sma > 3", "'sma' needs a period", 1),
        ("sma5000 > 3", "a period runs from 1 to 400", 1),
        ("price > 3 and", "expected an indicator", 14),
        ("price > 0x sma20", "a multiple must be above 0", 9),
    ],
)
def test_what_cannot_be_understood_points_at_the_token(rule: str, said: str, column: int) -> None:
    with pytest.raises(RuleError) as refused:
        parse_rule(rule)
    message = str(refused.value)
    assert said in message and f"(at column {column})" in message
    _first, shown, caret = message.split("\n")
    assert shown.strip() == rule.strip() and caret.index("^") == shown.index(rule[0]) + column - 1


def test_size_is_bounded_with_one_clear_error() -> None:
    with pytest.raises(RuleError, match=r"at most 500 characters \(this one has 102,400\)"):
        parse_rule("x" * 102_400)
    thousand = " and ".join(["price > 1"] * 1000)
    with pytest.raises(RuleError, match="at most 500 characters"):
        parse_rule(thousand)
    many = " and ".join(["rsi<1"] * (MAX_CONDITIONS + 1))
    assert len(many) <= 500
    with pytest.raises(RuleError, match=f"at most {MAX_CONDITIONS} conditions"):
        parse_rule(many)
    nested = "(" * 30 + "price > 1" + ")" * 30
    with pytest.raises(RuleError, match="nest more than 8 deep"):
        parse_rule(nested)
    assert len(conditions(parse_rule(" and ".join(["rsi<1"] * MAX_CONDITIONS)))) == MAX_CONDITIONS
    for empty in ("", "   "):
        with pytest.raises(RuleError, match="a rule is empty"):
            parse_rule(empty)


def test_hostile_text_in_a_rule_is_refused_and_shown_inert() -> None:
    with pytest.raises(RuleError) as refused:
        parse_rule("price > 1 \x1b[31m[red]x[/red]")
    message = str(refused.value)
    assert "\x1b" not in message and "is not part of a rule" in message
    with pytest.raises(RuleError) as shell:
        parse_rule("price > 1; rm -rf /")
    assert "';' is not part of a rule" in str(shell.value)
