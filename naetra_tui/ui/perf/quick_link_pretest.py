"""A cheaper first look for links before markdown-it's linkify runs its own.

Every streamed write re-parses the answer's last paragraph, and linkify-it's ``pretest`` (one
large Unicode regex) took 2.5 of the 2.7 ms that parse cost at 2,000 words. Its pattern can
only match text holding one of a few short strings: a schema (``http:``, ``https:``,
``ftp:``, ``mailto:``, ``//``), ``@``, ``www.``, ``localhost``, a dot before digits and a dot
(an IP address), or a dot before a letter (every default top-level domain starts with one).
Text with none of them skips the big regex; text with any of them still goes through it, so
what becomes a link is unchanged. Prose with prices ("189.50", "1.2%") and sentence ends
holds none of them.

Delete when: a linkify-it whose pretest is cheap on text with no link; or when ``NAETRA_SPEEDUPS=0 python benchmarks/ui.py --only chat``
meets the chat-stream stall within 20 ms at 2,000 words without it.
"""

from __future__ import annotations

import re
from typing import Any

from .guard import speedups_enabled

# Same engine and flags as linkify-it's pretest (re.IGNORECASE also folds 'ſ' to 's', 'K' to
# 'k'...), so anything it could match contains one of these.
_NECESSARY = re.compile(
    r"(?:https?|ftp|mailto):|//|@|www\.|localhost|\.\d{1,3}\.|\.[^\W\d_]",
    re.IGNORECASE,
)

DEFAULT_SCHEMAS = {"http:", "https:", "ftp:", "//", "mailto:"}


def may_hold_link(text: str) -> bool:
    """False only if linkify-it's default pretest would say False too."""
    return _NECESSARY.search(text) is not None


def install(linkify: Any) -> bool:
    """Put the cheap look in front of ``linkify.pretest``; True if installed.

    Only for linkify-it's default top-level domains and schemas: another domain list may hold
    one that does not start with a letter, another schema need not contain any of the above.
    """
    if not speedups_enabled():
        return False
    default_tlds = getattr(linkify, "_tlds", None) == getattr(linkify, "tlds_default", ())
    schemas = set(getattr(linkify, "_compiled", {"?": None})) - {""}
    if getattr(linkify, "_tlds_replaced", True) or not default_tlds or not schemas <= DEFAULT_SCHEMAS:
        return False
    original = linkify.pretest

    def pretest(text: str) -> bool:
        return may_hold_link(text) and original(text)

    linkify.pretest = pretest
    return True
