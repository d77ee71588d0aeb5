"""Build the typed model from a tree that the XSD has accepted.

Relies on what the XSD guarantees (which children exist, in which order, with which lexical
forms), so it walks the children once, without XPath, and converts values directly. The one
thing the XSD cannot check, that a dd/MM/yyyy date exists, is reported as DATE_INVALID.

This is the hot path after libxml2 (500 accounts in a 100-bill document). Codes, flags,
amounts and dates repeat across the bills of a document, since every bill has the same heads,
so the small converters below are memoized; the caches are bounded because input is untrusted.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from lxml import etree

from billxml.errors import BillXmlError, ErrorCode
from billxml.model import Account, Bill, BillCollect, CollectionMode, CollectionType, Payee, Purpose
from billxml.money import to_paise
from billxml.paths import ROOT
from billxml.text import collapse

_PURPOSES = {purpose.value: purpose for purpose in Purpose}
_MODES = {mode.value: mode for mode in CollectionMode}
_TYPES = {kind.value: kind for kind in CollectionType}

_code = lru_cache(maxsize=4096)(collapse)
"""A code or token value, white space collapsed."""
_paise = lru_cache(maxsize=4096)(to_paise)
"""An amount in paise."""


@lru_cache(maxsize=1024)
def _optional(value: str | None) -> str | None:
    """An optional text: absent or empty (once collapsed) is None."""
    return collapse(value) or None if value else None


@lru_cache(maxsize=64)
def _flag(value: str | None) -> bool:
    """1 is yes; 0 or absent is no."""
    return value is not None and collapse(value) == "1"


@lru_cache(maxsize=64)
def _purpose(value: str | None) -> Purpose | None:
    return _PURPOSES[collapse(value)] if value is not None else None


@lru_cache(maxsize=1024)
def _day(value: str) -> date | None:
    """dd/MM/yyyy (the XSD fixed the shape) as a date; None if no such day."""
    day, month, year = collapse(value).split("/")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None


def _account(element: etree._Element) -> Account:
    get = element.get
    cr, dr, function = element  # the XSD fixes these three children, in this order
    return Account(
        _code(get("glCode", "")),
        int(get("order", "")),
        _paise(cr.text or ""),
        _paise(dr.text or ""),
        _code(function.text or ""),
        _optional(get("description")),
        _flag(get("isActualDemand")),
        _purpose(get("purpose")),
        _int(get("groupId")),
    )


class _Reader:
    """Reads one document; collects DATE_INVALID errors so all are reported at once."""

    def __init__(self) -> None:
        self.errors: list[BillXmlError] = []

    def bill_date(self, element: etree._Element, payee: int, bill: int) -> date:
        value = element.get("billDate", "")
        day = _day(value)
        if day is not None:
            return day
        self.errors.append(BillXmlError(
            ErrorCode.DATE_INVALID,
            f"billDate {collapse(value)} is not a day of the calendar (dd/MM/yyyy)",
            element.sourceline, f"/{ROOT}/payees/payee[{payee}]/bills/bill[{bill}]/@billDate",
            "billDate"))
        return date.min

    def bill(self, element: etree._Element, payee: int, number: int) -> Bill:
        texts: dict[str, str] = {}
        accounts: tuple[Account, ...] = ()
        for child in element:
            tag = child.tag
            if tag == "accounts":
                accounts = tuple(map(_account, child))
            else:
                texts[tag] = child.text or ""
        get = texts.get
        minimum = get("minimumAmount")
        consumer_type = get("consumerType")
        boundary_type = get("boundaryType")
        return Bill(
            _code(element.get("refNo", "")),
            self.bill_date(element, payee, number),
            _code(element.get("consumerCode", "")),
            _paise(texts["totalAmount"]),
            accounts,
            _paise(minimum) if minimum is not None else None,
            _code(consumer_type) if consumer_type is not None else None,
            _int(get("boundaryNum")),
            _code(boundary_type) if boundary_type is not None else None,
            _optional(get("description")),
        )

    def payee(self, element: etree._Element, number: int) -> Payee:
        texts: dict[str, str] = {}
        bills: tuple[Bill, ...] = ()
        for child in element:
            if child.tag == "bills":
                bills = tuple(self.bill(bill, number, position)
                              for position, bill in enumerate(child, start=1))
            else:
                texts[child.tag] = child.text or ""
        return Payee(
            name=collapse(texts["payeeName"]),
            bills=bills,
            address=_optional(texts.get("payeeAddress")),
            email=_optional(texts.get("payeeEmail")),
        )

    def document(self, root: etree._Element) -> BillCollect:
        header: dict[str, str] = {}
        modes: list[CollectionMode] = []
        payees: tuple[Payee, ...] = ()
        for child in root:
            tag = child.tag
            if tag == "payees":
                payees = tuple(self.payee(payee, number)
                               for number, payee in enumerate(child, start=1))
            elif tag == "collectionModeNotAllowed":
                modes.append(_MODES[collapse(child.text or "")])
            else:
                header[tag] = collapse(child.text or "")
        collection_type = header.get("collectionType")
        return BillCollect(
            service_code=header["serviceCode"],
            fund_code=header["fundCode"],
            department_code=header["departmentCode"],
            payees=payees,
            functionary_code=header.get("functionaryCode"),
            fund_source_code=header.get("fundSourceCode"),
            display_message=header.get("displayMessage") or None,
            paid_by=header.get("paidBy") or None,
            part_payment_allowed=_flag(header.get("partPaymentAllowed")),
            override_account_heads_allowed=_flag(header.get("overrideAccountHeadsAllowed")),
            callback_for_apportioning=_flag(header.get("callbackForApportioning")),
            collection_type=_TYPES[collection_type] if collection_type else None,
            collection_modes_not_allowed=tuple(modes),
            transaction_reference_number=header.get("transactionReferenceNumber"),
            source=header.get("source"),
        )


def read_model(root: etree._Element) -> tuple[BillCollect | None, list[BillXmlError]]:
    """The model of an XSD-valid document, or None and the DATE_INVALID errors."""
    reader = _Reader()
    model = reader.document(root)
    if reader.errors:
        return None, reader.errors
    return model, []
