"""The one cleaning policy for text from outside (company names, server metadata, provider
errors, tool names, LLM output): it can neither drive the terminal nor disguise itself.

Removed: every escape family (CSI, OSC, DCS, SOS, PM, APC, in their 7-bit ``ESC x`` and 8-bit
C1 forms, terminated or not; other ``ESC`` sequences; a lone ``ESC``), C0 and C1 control
characters but newline and tab (BEL, backspace and carriage return included), and Unicode format
characters (category Cf: bidirectional overrides and isolates, zero-width spaces and joiners,
the BOM, soft hyphens, tag characters), plus line and paragraph separators. What remains is
shown as ``Text``/``Content`` objects, never parsed as markup (that is the sinks' part).
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI (a cut-off one too)
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"  # OSC DCS SOS PM APC
    r"|\x1b[ -/]*[0-~]"  # other escape sequences: charset, reset, keypad ...
    r"|\x1b"  # a lone ESC
)
# C0 but tab and newline, DEL, C1; Unicode's format characters (Cf) and separators (Zl, Zp).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def clean(text: object) -> str:
    """``text`` as a string without escape sequences, control or format characters.

    Newlines and tabs stay; everything else invisible or terminal-driving goes.
    """
    value = str(text)
    if value.isprintable():  # the common case: nothing to remove (newline is not printable)
        return value
    return _INVISIBLE.sub("", _ESCAPES.sub("", value))


def clean_line(text: object) -> str:
    """``clean`` for one line (titles, table cells, notifications): newlines and tabs become spaces."""
    return " ".join(clean(text).replace("\t", " ").splitlines())


#: What a spreadsheet takes as the start of a formula (OWASP's CSV injection rule).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: strings are cleaned, and one that would start a
    formula (``=HYPERLINK(...)``, ``@SUM``, ``+cmd``) gets a leading ``'``. Numbers stay
    numbers, a negative one written as text (``-12.5``) included."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        try:
            float(value)
            return value
        except ValueError:
            return "'" + clean(value)
    text = clean(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
