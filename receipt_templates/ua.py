"""WeasyPrint's HTML user-agent stylesheet, less the rules that style every element for nothing.

The stock stylesheet gives ``::marker``, ``::footnote-call``, ``::footnote-marker`` and the
``::note-*`` pseudo-elements to every element, so the cascade works out up to five extra styles
per element of a receipt: 7-10 % of the time to print one. Receipts have no footnotes, and
markers only on list items, so those rules are narrowed to where they can apply; nothing a
receipt shows changes. The stylesheet is derived from the installed WeasyPrint's own, so the
rest follows its upgrades. WeasyPrint has no public way to replace it: ``ReceiptHTML``
overrides the one private hook, and if that or the stylesheet changes shape, WeasyPrint's
own stylesheet is used, unchanged (slower, never wrong).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import weasyprint.css
from weasyprint import CSS, HTML

__all__ = ["ReceiptHTML", "receipt_ua_stylesheet"]

_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z-]+\s*\{[^}]*\}[ \t]*\n", re.MULTILINE)
_ANY_MARKER = re.compile(r"^::marker\s*\{", re.MULTILINE)


@lru_cache(maxsize=1)
def receipt_ua_stylesheet() -> CSS | None:
    """The narrowed stylesheet, or None when WeasyPrint's no longer has the expected rules."""
    try:
        stock = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    except OSError:
        return None
    lean, notes = _NOTE_RULES.subn("", stock)
    lean, markers = _ANY_MARKER.subn("li::marker, summary::marker {", lean)
    if not notes or not markers:
        return None
    return CSS(string=lean)


class ReceiptHTML(HTML):
    """``weasyprint.HTML`` with the narrowed user-agent stylesheet (forms keep the stock one)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        lean = receipt_ua_stylesheet()
        if lean is None or forms:
            return super()._ua_stylesheets(forms)
        return [lean]
