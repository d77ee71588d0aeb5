"""Build the typed model from a tree that the XSD has accepted.

Relies on what the XSD guarantees (which children exist, in which order, with which lexical
forms), so it walks the children once, without XPath, and converts values directly. The one
thing the XSD cannot check, that a dd/MM/yyyy date exists, is reported as DATE_INVALID.

This is the hot path after libxml2 (500 accounts in a 100-bill document), so:
- values that repeat from bill to bill and from document to document (codes, head
  descriptions, flags, dates, amounts: every drAmount of 0, flat fees, slab rates) go through
  small memoized converters, bounded because input is untrusted; values unique to a bill
  (refNo, consumerCode, its description) are converted directly, since a cache miss costs
  more than the conversion;
- the accounts of a bill are read in one loop, not a function call each.
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


def _stated(value: str | None) -> bool | None:
    """A flag whose absence means "not said" (partPaymentAllowed): None, or 1 / 0."""
    return None if value is None else _flag(value)


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


def _accounts(element: etree._Element) -> tuple[Account, ...]:
    """The accounts of an <accounts> element, in document order."""
    accounts = []
    for account in element:
        get = account.get
        cr, dr, function = account  # the XSD fixes these three children, in this order
        group = get("groupId")
        accounts.append(Account(
            _code(get("glCode")),
            int(get("order")),
            _paise(cr.text),
            _paise(dr.text),
            _code(function.text),
            _optional(get("description")),
            _flag(get("isActualDemand")),
            _purpose(get("purpose")),
            None if group is None else int(group),
        ))
    return tuple(accounts)


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
                accounts = _accounts(child)
            else:
                texts[tag] = child.text
        get = texts.get
        minimum = get("minimumAmount")
        consumer_type = get("consumerType")
        boundary_num = get("boundaryNum")
        boundary_type = get("boundaryType")
        description = get("description")
        return Bill(
            collapse(element.get("refNo")),
            self.bill_date(element, payee, number),
            collapse(element.get("consumerCode")),
            _paise(texts["totalAmount"]),
            accounts,
            None if minimum is None else _paise(minimum),
            None if consumer_type is None else _code(consumer_type),
            None if boundary_num is None else int(boundary_num),
            None if boundary_type is None else _code(boundary_type),
            collapse(description) or None if description else None,
        )

    def payee(self, element: etree._Element, number: int) -> Payee:
        texts: dict[str, str] = {}
        bills: tuple[Bill, ...] = ()
        for child in element:
            if child.tag == "bills":
                bills = tuple([self.bill(bill, number, position)
                               for position, bill in enumerate(child, start=1)])
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
            part_payment_allowed=_stated(header.get("partPaymentAllowed")),
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
