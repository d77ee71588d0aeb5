"""What a template sees: each ReceiptView plus the values derived from it for printing.

Templates stay declarative: everything that needs a decision (which instrument fields to show
for a mode, which watermark, the QR code, the logo's URI) is worked out here, in Python, once,
and is testable without rendering a PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import InstrumentMode, InstrumentView, ReceiptStatus, ReceiptView
from .money import format_inr, format_inr_plain
from .qr import qr_png_data_uri, verification_url
from .words import amount_in_words, amount_in_words_hi

__all__ = ["Fact", "PrintedReceipt", "build_context", "format_date", "template_filters"]

PACKAGE_DIR = Path(__file__).resolve().parent
PLACEHOLDER_LOGO = PACKAGE_DIR / "assets" / "logo-placeholder.svg"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: Mode name in English and Hindi, as printed.
MODE_NAMES: dict[InstrumentMode, tuple[str, str]] = {
    InstrumentMode.CASH: ("Cash", "नकद"),
    InstrumentMode.CHEQUE: ("Cheque", "चेक"),
    InstrumentMode.DD: ("Demand Draft", "डिमांड ड्राफ़्ट"),
    InstrumentMode.CARD: ("Card", "कार्ड"),
    InstrumentMode.ONLINE: ("Online", "ऑनलाइन"),
    InstrumentMode.BANK_CHALLAN: ("Bank Challan", "बैंक चालान"),
    InstrumentMode.NEFT: ("NEFT", "एनईएफ़टी"),
    InstrumentMode.RTGS: ("RTGS", "आरटीजीएस"),
    InstrumentMode.POSTAL_ORDER: ("Postal Order", "पोस्टल ऑर्डर"),
}

#: Watermark words (English, Hindi) for states in which the receipt is not good for payment.
_STATUS_WATERMARKS: dict[ReceiptStatus, tuple[str, str]] = {
    ReceiptStatus.CANCELLED: ("CANCELLED", "रद्द"),
    ReceiptStatus.DISHONOURED: ("DISHONOURED", "अनादरित"),
    ReceiptStatus.REJECTED: ("REJECTED", "अस्वीकृत"),
    ReceiptStatus.CREATED: ("PROVISIONAL", "अनंतिम"),
    ReceiptStatus.SUBMITTED: ("PROVISIONAL", "अनंतिम"),
}
_DUPLICATE = ("DUPLICATE", "प्रतिलिपि")

#: Modes paid by an instrument that may still bounce.
_SUBJECT_TO_REALISATION = frozenset({InstrumentMode.CHEQUE, InstrumentMode.DD})


def format_date(value: dt.date | None) -> str:
    """05 Apr 2024: unambiguous for every reader, and independent of the process locale."""
    if value is None:
        return ""
    return f"{value.day:02d} {_MONTHS[value.month - 1]} {value.year}"


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled value as printed, e.g. ("Cheque No.", "चेक संख्या", "004512")."""

    label: str
    label_hi: str
    value: str
    #: The value in Hindi, when it differs (e.g. the payment mode's name).
    value_hi: str = ""


def _bank_text(instrument: InstrumentView) -> str:
    return ", ".join(part for part in (instrument.bank, instrument.branch) if part)


def instrument_facts(instrument: InstrumentView) -> tuple[Fact, ...]:
    """The mode, then the facts worth printing for that mode, in reading order."""
    mode = instrument.mode
    mode_name, mode_name_hi = MODE_NAMES[mode]
    lines: list[Fact] = [Fact("Payment Mode", "भुगतान का माध्यम", mode_name, mode_name_hi)]

    def add(label: str, label_hi: str, value: str | None) -> None:
        if value:
            lines.append(Fact(label, label_hi, value))

    date_text = format_date(instrument.date)
    if mode in (InstrumentMode.CHEQUE, InstrumentMode.DD):
        noun = "Cheque" if mode is InstrumentMode.CHEQUE else "DD"
        noun_hi = "चेक" if mode is InstrumentMode.CHEQUE else "डीडी"
        add(f"{noun} No.", f"{noun_hi} संख्या", instrument.number)
        add(f"{noun} Date", f"{noun_hi} दिनांक", date_text)
        add("Drawee Bank", "बैंक", _bank_text(instrument))
    elif mode is InstrumentMode.POSTAL_ORDER:
        add("Postal Order No.", "पोस्टल ऑर्डर संख्या", instrument.number)
        add("Date", "दिनांक", date_text)
        add("Post Office", "डाकघर", _bank_text(instrument))
    elif mode is InstrumentMode.BANK_CHALLAN:
        add("Challan No.", "चालान संख्या", instrument.number)
        add("Challan Date", "चालान दिनांक", date_text)
        add("Bank", "बैंक", _bank_text(instrument))
    elif mode in (InstrumentMode.NEFT, InstrumentMode.RTGS):
        add("UTR No.", "यूटीआर संख्या", instrument.transaction_ref or instrument.number)
        add("Date", "दिनांक", date_text)
        add("Remitting Bank", "बैंक", _bank_text(instrument))
    elif mode is InstrumentMode.CARD:
        if instrument.card_last4:
            add("Card No.", "कार्ड संख्या", f"XXXX XXXX XXXX {instrument.card_last4}")
        add("Approval Code", "अनुमोदन कोड", instrument.transaction_ref)
        add("Date", "दिनांक", date_text)
    elif mode is InstrumentMode.ONLINE:
        add("Transaction ID", "लेन-देन आईडी", instrument.transaction_ref)
        add("Date", "दिनांक", date_text)
        add("Bank / Gateway", "बैंक / गेटवे", _bank_text(instrument))
    add("BBPS Ref.", "बीबीपीएस संदर्भ", instrument.bbps_ref)
    return tuple(lines)


@lru_cache(maxsize=64)
def _bytes_data_uri(data: bytes) -> str:
    head = data[:512].lstrip()
    if data.startswith(b"\x89PNG"):
        mime = "image/png"
    elif data.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    elif head.startswith(b"<") and b"<svg" in data[:4096]:
        mime = "image/svg+xml"
    else:
        raise ValueError("logo bytes must be an SVG, PNG or JPEG image")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def logo_uri(logo: str | Path | bytes | None) -> str:
    """A URI WeasyPrint can load for the ULB's logo (the shipped placeholder when None)."""
    if logo is None:
        return PLACEHOLDER_LOGO.as_uri()
    if isinstance(logo, bytes):
        return _bytes_data_uri(logo)
    path = Path(logo).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(f"ULB logo not found: {path}")
    return path.as_uri()


@dataclass(frozen=True, slots=True)
class PrintedReceipt:
    """A ReceiptView with what printing derives from it.

    Attribute lookups it does not answer itself fall through to the view, so templates write
    ``r.receipt_number`` and ``r.qr_uri`` alike.
    """

    view: ReceiptView
    index: int
    verify_url: str
    qr_uri: str
    logo_uri: str
    words: str
    words_hi: str
    #: Receipt number, date, consumer code, bill reference, period and the view's extras.
    facts: tuple[Fact, ...]
    #: Payment mode first, then the instrument's details for that mode.
    payment_facts: tuple[Fact, ...]
    #: The details after the mode as one line: "Cheque No. 004512 · Cheque Date 12 Jun 2024 · ...".
    payment_details: str
    mode_name: str
    #: Big diagonal word, or "" on a good original.
    watermark: str
    watermark_hi: str
    #: True when the status itself (not a duplicate print) voids or qualifies the receipt.
    status_notice: bool
    #: "ORIGINAL" or "DUPLICATE"; a duplicate also says which print it is.
    copy_label: str
    subject_to_realisation: bool

    def __getattr__(self, name: str) -> Any:
        if name == "view":  # not set yet (copy/pickle): do not recurse
            raise AttributeError(name)
        return getattr(self.view, name)

    @property
    def end_anchor(self) -> str:
        """Id of the element that marks where a continuous-height page ends."""
        return f"rasid-end-{self.index}"


def printed_receipt(view: ReceiptView, index: int = 1) -> PrintedReceipt:
    """Derive everything a template prints for ``view``."""
    url = verification_url(
        view.verification_url_base, view.receipt_number, view.total, view.content_hash
    )
    watermark, watermark_hi = _STATUS_WATERMARKS.get(view.status, ("", ""))
    status_notice = bool(watermark)
    if not watermark and view.is_duplicate:
        watermark, watermark_hi = _DUPLICATE
    facts = [
        Fact("Receipt No.", "रसीद संख्या", view.receipt_number),
        Fact("Date", "दिनांक", format_date(view.receipt_date)),
        Fact("Consumer Code", "उपभोक्ता कोड", view.consumer_code),
        Fact("Bill Ref.", "बिल संदर्भ", view.bill_reference),
    ]
    if view.bill_period:
        facts.append(Fact("Period", "अवधि", view.bill_period))
    facts.extend(Fact(label, "", value) for label, value in view.extra)
    payment_facts = instrument_facts(view.instrument)
    copy_label = f"DUPLICATE (print {view.print_count + 1})" if view.is_duplicate else "ORIGINAL"
    return PrintedReceipt(
        view=view,
        index=index,
        verify_url=url,
        qr_uri=qr_png_data_uri(url),
        logo_uri=logo_uri(view.ulb.logo),
        words=amount_in_words(view.total),
        words_hi=amount_in_words_hi(view.total),
        facts=tuple(facts),
        payment_facts=payment_facts,
        payment_details=" · ".join(f"{fact.label} {fact.value}" for fact in payment_facts[1:]),
        mode_name=MODE_NAMES[view.instrument.mode][0],
        watermark=watermark,
        watermark_hi=watermark_hi,
        status_notice=status_notice,
        copy_label=copy_label,
        subject_to_realisation=view.instrument.mode in _SUBJECT_TO_REALISATION,
    )


def build_context(views: Sequence[ReceiptView]) -> dict[str, Any]:
    """The whole template context for a document of one or more receipts (one per page)."""
    receipts = [printed_receipt(view, index) for index, view in enumerate(views, start=1)]
    if len(receipts) == 1:
        title = f"Receipt {receipts[0].receipt_number}"
    else:
        title = f"Receipts {receipts[0].receipt_number} to {receipts[-1].receipt_number}"
    return {"receipts": receipts, "document_title": title}


def template_filters() -> dict[str, Any]:
    """Jinja filters for templates that format values themselves (e.g. a tenant's own)."""
    return {
        "inr": format_inr,
        "inr_plain": format_inr_plain,
        "words": amount_in_words,
        "words_hi": amount_in_words_hi,
        "date": format_date,
    }
