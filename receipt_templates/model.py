"""The plain, frozen view-model a receipt is rendered from.

The renderer knows nothing of the database: the collection service copies what a receipt
shows into these values. They check themselves on construction (money is int paise, the heads
add up to the total), so a template can never print a receipt whose figures disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

__all__ = [
    "HeadView",
    "InstrumentMode",
    "InstrumentView",
    "PayerView",
    "ReceiptStatus",
    "ReceiptView",
    "ServiceView",
    "UlbView",
]


class ReceiptStatus(StrEnum):
    """Workflow states of a receipt (see DESIGN.md, "Collection rules")."""

    CREATED = "CREATED"
    SUBMITTED = "SUBMITTED"  # approval pending
    APPROVED = "APPROVED"
    REMITTED = "REMITTED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    DISHONOURED = "DISHONOURED"


class InstrumentMode(StrEnum):
    """How the money came in; the values are the codes used in Bill XML and the API."""

    CASH = "cash"
    CHEQUE = "cheque"
    DD = "dd"
    CARD = "card"
    ONLINE = "online"
    BANK_CHALLAN = "bankchallan"
    NEFT = "neft"
    RTGS = "rtgs"
    POSTAL_ORDER = "postal_order"


def _require_paise(name: str, value: object, *, allow_negative: bool = False) -> None:
    # bool is an int subclass; True paise is a bug, not one paisa.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be int paise, got {type(value).__name__}")
    if value < 0 and not allow_negative:
        raise ValueError(f"{name} must not be negative, got {value}")


def _require_text(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or (not optional and not value.strip()):
        raise ValueError(f"{name} must be a non-empty string")


@dataclass(frozen=True, slots=True)
class UlbView:
    """The urban local body issuing the receipt."""

    name: str
    address: str
    #: A file path, or the image's bytes (SVG, PNG or JPEG); None shows the shipped placeholder.
    logo: str | Path | bytes | None = None
    #: The name in Hindi (Devanagari), shown by the bilingual template.
    name_hi: str | None = None
    #: A help-line, e-mail or web address printed under the address.
    contact: str | None = None

    def __post_init__(self) -> None:
        _require_text("ulb.name", self.name)
        _require_text("ulb.address", self.address, optional=True)
        _require_text("ulb.name_hi", self.name_hi, optional=True)
        _require_text("ulb.contact", self.contact, optional=True)
        if not isinstance(self.logo, (str, Path, bytes, type(None))):
            raise TypeError("ulb.logo must be a path, bytes or None")


@dataclass(frozen=True, slots=True)
class ServiceView:
    """The business service the payment is for (property tax, water charges, trade licence)."""

    code: str
    name: str
    name_hi: str | None = None

    def __post_init__(self) -> None:
        _require_text("service.code", self.code)
        _require_text("service.name", self.name)
        _require_text("service.name_hi", self.name_hi, optional=True)


@dataclass(frozen=True, slots=True)
class PayerView:
    """Who paid."""

    name: str
    address: str = ""
    mobile: str | None = None

    def __post_init__(self) -> None:
        _require_text("payer.name", self.name)
        _require_text("payer.address", self.address, optional=True)
        _require_text("payer.mobile", self.mobile, optional=True)


@dataclass(frozen=True, slots=True)
class HeadView:
    """One line of the head-wise breakup.

    ``amount`` is the magnitude in paise; a rebate (a debit line on the bill) has
    ``is_rebate=True`` and is subtracted from the total and printed as a negative.
    """

    description: str
    gl_code: str
    amount: int
    is_rebate: bool = False
    description_hi: str | None = None

    def __post_init__(self) -> None:
        _require_text("head.description", self.description)
        _require_text("head.gl_code", self.gl_code)
        _require_paise(f"head {self.gl_code!r} amount", self.amount)
        _require_text("head.description_hi", self.description_hi, optional=True)

    @property
    def signed_amount(self) -> int:
        """Paise as they count towards the total: negative for a rebate."""
        return -self.amount if self.is_rebate else self.amount


_LAST4 = re.compile(r"\d{4}")


@dataclass(frozen=True, slots=True)
class InstrumentView:
    """The payment instrument; which fields matter depends on ``mode``."""

    mode: InstrumentMode
    #: Cheque, DD or postal order number, or the bank challan number.
    number: str | None = None
    #: Instrument date (cheque/DD date, or the date of an online transaction).
    date: dt.date | None = None
    #: Drawee bank and branch (cheque/DD), or the receiving bank (challan/NEFT/RTGS).
    bank: str | None = None
    branch: str | None = None
    #: Gateway transaction id, UTR (NEFT/RTGS) or card approval code.
    transaction_ref: str | None = None
    #: Bharat Bill Payment System reference, when paid through BBPS.
    bbps_ref: str | None = None
    #: Last four digits of the card; never more is stored on a receipt.
    card_last4: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.mode, InstrumentMode):
            object.__setattr__(self, "mode", InstrumentMode(self.mode))
        for name in ("number", "bank", "branch", "transaction_ref", "bbps_ref"):
            _require_text(f"instrument.{name}", getattr(self, name), optional=True)
        if self.card_last4 is not None and not _LAST4.fullmatch(self.card_last4):
            raise ValueError("instrument.card_last4 must be exactly four digits")
        if self.date is not None and not isinstance(self.date, dt.date):
            raise TypeError("instrument.date must be a datetime.date")


@dataclass(frozen=True, slots=True)
class ReceiptView:
    """Everything one printed receipt shows. Money is int paise; nothing here is a float."""

    ulb: UlbView
    receipt_number: str
    receipt_date: dt.date
    status: ReceiptStatus
    service: ServiceView
    consumer_code: str
    bill_reference: str
    payer: PayerView
    heads: tuple[HeadView, ...]
    #: Amount received, in paise; must equal the sum of the heads (rebates subtracted).
    total: int
    instrument: InstrumentView
    collected_by: str
    #: Where the QR code points, e.g. "https://pay.amritsar.gov.in/verify".
    verification_url_base: str
    #: The receipt's content hash (hex), printed and put in the QR code for tamper evidence.
    content_hash: str
    #: 0 for the original; n >= 1 for the n-th duplicate, which is watermarked DUPLICATE.
    print_count: int = 0
    narration: str | None = None
    #: Period the payment covers, e.g. "2024-25" or "Apr 2024 - Sep 2024".
    bill_period: str | None = None
    #: Why the receipt was cancelled or the instrument dishonoured, printed under the status.
    status_reason: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())
    """Further label/value pairs a service wants printed (e.g. ("Ward", "12"))."""

    def __post_init__(self) -> None:
        if not isinstance(self.status, ReceiptStatus):
            object.__setattr__(self, "status", ReceiptStatus(self.status))
        if not isinstance(self.heads, tuple):
            object.__setattr__(self, "heads", tuple(self.heads))
        if not isinstance(self.extra, tuple):
            object.__setattr__(self, "extra", tuple(tuple(pair) for pair in self.extra))
        for name in ("receipt_number", "consumer_code", "bill_reference", "collected_by",
                     "verification_url_base", "content_hash"):
            _require_text(name, getattr(self, name))
        _require_text("narration", self.narration, optional=True)
        _require_text("bill_period", self.bill_period, optional=True)
        _require_text("status_reason", self.status_reason, optional=True)
        if not isinstance(self.receipt_date, dt.date):
            raise TypeError("receipt_date must be a datetime.date")
        _require_paise("total", self.total)
        if not isinstance(self.print_count, int) or self.print_count < 0:
            raise ValueError("print_count must be an int >= 0")
        if not self.heads:
            raise ValueError("a receipt needs at least one head")
        if not all(isinstance(head, HeadView) for head in self.heads):
            raise TypeError("heads must be HeadView values")
        summed = sum(head.signed_amount for head in self.heads)
        if summed != self.total:
            raise ValueError(f"heads add up to {summed} paise but total is {self.total} paise")

    @property
    def is_duplicate(self) -> bool:
        """True when this print is a copy of an already printed receipt."""
        return self.print_count >= 1

    @property
    def gross(self) -> int:
        """Paise before rebates."""
        return sum(head.amount for head in self.heads if not head.is_rebate)

    @property
    def rebate(self) -> int:
        """Total rebate in paise (a magnitude)."""
        return sum(head.amount for head in self.heads if head.is_rebate)
