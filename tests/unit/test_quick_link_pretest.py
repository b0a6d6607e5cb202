"""The cheap look for links never hides a link linkify-it would find, and skips the rest."""

from __future__ import annotations

import random

import pytest
from markdown_it import MarkdownIt

from naetra_tui.ui.perf import quick_link_pretest
from naetra_tui.ui.perf.quick_link_pretest import install, may_hold_link
from naetra_tui.ui.perf.streamed_markdown import shared_parser

LINKS = [
    "see https://example.com/a?b=1 now",
    "HTTP://EXAMPLE.COM",
    "ftp://files.example.org",
    "mail me: someone@example.com",
    "mailto:someone@example.com",
    "protocol-relative //cdn.example.net/x.js",
    "www.example.com",
    "WWW.EXAMPLE",
    "http://localhost:8000/docs",
    "visit example.com today",
    "the site is пример.рф",
    "an address 192.168.0.1 here",
    "xn--80ak6aa92e.com",
    "Ticker pages on finance.yahoo.com.",
    "httpſ://example.com",  # re.IGNORECASE folds 'ſ' to 's': linkify-it's pretest matches it too
]
PROSE = [
    "Apple closed at 189.50, up 1.2% on the day. The RSI is 61.",
    "Summary: the trend is up; volume is 20% above average.",
    " ".join(f"w{i}" for i in range(2000)),
    "MACD crossed above its signal line (12/26/9) on 3 March.",
]


def original_pretest():
    return MarkdownIt("gfm-like").linkify.pretest


@pytest.mark.parametrize("text", LINKS)
def test_text_with_a_link_goes_on_to_linkify_its_own_pretest(text: str) -> None:
    assert original_pretest()(text), text  # (the examples are links to linkify-it)
    assert may_hold_link(text)
    assert shared_parser().linkify.pretest(text)


@pytest.mark.parametrize("text", PROSE)
def test_prose_with_prices_and_sentence_ends_is_skipped(text: str) -> None:
    assert not may_hold_link(text)
    assert not original_pretest()(text)  # nothing lost: linkify-it would not have linked it either


def test_never_false_where_linkify_its_pretest_is_true_on_random_text() -> None:
    # an alphabet dense in what the patterns look for, so both answers occur often
    pieces = list("abcdefghijklmnopqrstuvwxyzWXS0123456789.:/@-_ ")
    pieces += [
        "www",
        "http",
        "https",
        "ftp",
        "mailto",
        "localhost",
        "com",
        "рф",
        "ſ",
        "K",
        "ı",
        "\u3000",
        "<",
    ]
    rng = random.Random(7)
    original = original_pretest()
    seen_true = seen_false = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        expected = original(text)
        if expected:
            seen_true += 1
            assert may_hold_link(text), repr(text)
        else:
            seen_false += 1
    assert seen_true > 1000 and seen_false > 1000  # both cases were exercised


def test_the_parse_is_the_same_token_for_token() -> None:
    plain = MarkdownIt("gfm-like")
    for text in (
        LINKS + PROSE + ["**bold** [a link](https://x.org) and `code` example.com\n\n- item www.a.io"]
    ):
        assert [t.as_dict() for t in shared_parser().parse(text)] == [t.as_dict() for t in plain.parse(text)]


def test_not_installed_for_other_domain_lists_or_schemas() -> None:
    custom = MarkdownIt("gfm-like")
    custom.linkify.tlds(["onion"], keep_old=True)
    assert not install(custom.linkify)
    with_schema = MarkdownIt("gfm-like")
    with_schema.linkify.add("git:", "http:")
    assert not install(with_schema.linkify)
    default = MarkdownIt("gfm-like")
    assert install(default.linkify)
    assert quick_link_pretest.may_hold_link("x") is False
