"""Receipt templates: render rasid receipts to PDF with Jinja2 and WeasyPrint.

No database and no other rasid package: the collection service fills a ReceiptView and asks a
Renderer for bytes. Templates live in folders (``default``, ``thermal80``, ``bilingual``) and a
tenant may add its own ahead of them (``Renderer(extra_dirs=...)`` or
``$RASID_RECEIPT_TEMPLATES``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .batch import BatchRenderer, render_batch, write_batch
from .catalog import ENV_VAR, TemplateInfo, list_templates
from .doctor import Check, doctor
from .errors import TemplateError
from .model import (
    HeadView,
    InstrumentMode,
    InstrumentView,
    PayerView,
    ReceiptStatus,
    ReceiptView,
    ServiceView,
    UlbView,
)
from .money import format_inr, format_inr_plain
from .samples import sample_receipt, sample_views
from .words import amount_in_words, amount_in_words_hi

if TYPE_CHECKING:
    from .renderer import Renderer


def __getattr__(name: str) -> Any:
    # Renderer pulls in WeasyPrint and its system libraries; importing it lazily lets
    # doctor() run (and say what is missing) on a machine where they are absent.
    if name == "Renderer":
        from .renderer import Renderer

        return Renderer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ENV_VAR",
    "BatchRenderer",
    "Check",
    "HeadView",
    "InstrumentMode",
    "InstrumentView",
    "PayerView",
    "ReceiptStatus",
    "ReceiptView",
    "Renderer",
    "ServiceView",
    "TemplateError",
    "TemplateInfo",
    "UlbView",
    "amount_in_words",
    "amount_in_words_hi",
    "doctor",
    "format_inr",
    "format_inr_plain",
    "list_templates",
    "render_batch",
    "sample_receipt",
    "sample_views",
    "write_batch",
]
