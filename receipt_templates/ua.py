"""WeasyPrint's HTML user-agent stylesheet, less the rules that style every element for nothing.

The stock stylesheet gives ``::marker``, ``::footnote-call``, ``::footnote-marker`` and the
``::note-*`` pseudo-elements to every element, so the cascade works out up to five extra styles
per element of a receipt: 7-10 % of the time to print one. Receipts have no footnotes, and
markers only on list items, so those rules are narrowed to where they can apply; nothing a
receipt shows changes.

It also aligns the sixteen page-margin boxes (``@top-left`` ... ``@bottom-right-corner``), so
every page computes sixteen styles for boxes that only exist when a stylesheet gives them
content: another ~3 % of a receipt. A template whose own CSS uses margin boxes keeps those
rules (``uses_margin_boxes``); the others go without.

The stylesheet is derived from the installed WeasyPrint's own, so the rest follows its
upgrades. WeasyPrint has no public way to replace it: ``ReceiptHTML`` overrides the one private
hook, and if that or the stylesheet changes shape, WeasyPrint's own stylesheet is used,
unchanged (slower, never wrong).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import Any

import weasyprint.css
from weasyprint import CSS, HTML

__all__ = ["ReceiptHTML", "receipt_ua_stylesheet", "uses_margin_boxes"]

_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z-]+\s*\{[^}]*\}[ \t]*\n", re.MULTILINE)
_ANY_MARKER = re.compile(r"^::marker\s*\{", re.MULTILINE)
_MARGIN_BOX = r"@(?:top|bottom)-(?:left|center|right)(?:-corner)?|@(?:left|right)-(?:top|middle|bottom)"
_MARGIN_RULES = re.compile(rf"^[ \t]*(?:{_MARGIN_BOX})\s*\{{[^}}]*\}}[ \t]*\n", re.MULTILINE)
_MARGIN_AT_RULE = re.compile(rf"(?:{_MARGIN_BOX})\s*\{{")


def uses_margin_boxes(css: str) -> bool:
    """Whether stylesheet text has a page-margin box rule (``@bottom-center { ... }``)."""
    return _MARGIN_AT_RULE.search(css) is not None


@lru_cache(maxsize=2)
def receipt_ua_stylesheet(margin_boxes: bool = True) -> CSS | None:
    """The narrowed stylesheet, or None when WeasyPrint's no longer has the expected rules.

    ``margin_boxes=False`` also leaves out the page-margin box rules (falling back to the
    stylesheet with them if WeasyPrint's has changed shape).
    """
    try:
        stock = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    except OSError:
        return None
    lean, notes = _NOTE_RULES.subn("", stock)
    lean, markers = _ANY_MARKER.subn("li::marker, summary::marker {", lean)
    if not notes or not markers:
        return None
    if not margin_boxes:
        without, margins = _MARGIN_RULES.subn("", lean)
        if margins != 16:
            return receipt_ua_stylesheet(True)
        lean = without
    return CSS(string=lean)


class ReceiptHTML(HTML):
    """``weasyprint.HTML`` with the narrowed user-agent stylesheet (forms keep the stock one).

    ``margin_boxes=False`` when no stylesheet of the document gives page-margin boxes content.
    """

    def __init__(self, *args: Any, margin_boxes: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._margin_boxes = margin_boxes

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        lean = receipt_ua_stylesheet(self._margin_boxes)
        if lean is None or forms:
            return super()._ua_stylesheets(forms)
        return [lean]
