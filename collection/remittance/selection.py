"""Which receipts a remittance carries: the accountant's filters, as SQL, and their preview.

Only approved receipts of money a cashier carries to the bank (cash, cheques, DDs, postal
orders) whose instrument is still in hand are remittable. Card, online, NEFT, RTGS and bank
challan receipts settle through their clearing accounts or the bank itself, so naming them
is an error, not an empty result. Filters are checked and resolved to ids once, so the
statements that stream the receipts join nothing they do not need.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from collection.bills.models import Bill
from collection.receipts.models import APPROVED, NEW, Instrument, Receipt
from collection.remittance.models import CASH_TYPES, REMITTABLE_TYPES
from collection.service_master import Service
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.models import Fund

MAX_RECEIPT_NUMBERS = 1000
#: The predicate of the partial index ``ix_receipts_approved``, with the status written out
#: rather than bound: SQLite uses a partial index only for a query that repeats its predicate,
#: and PostgreSQL only for a plan that knows the value.
APPROVED_ONLY = Receipt.status == literal(APPROVED, literal_execute=True)


class ReceiptSelection(NamedTuple):
    """The accountant's filters; every one given must hold. Empty means "any"."""

    services: Sequence[str] = ()          #: service codes
    fund: str | None = None               #: fund code (receipts take their bill's fund)
    instrument_types: Sequence[str] = ()  #: cash, cheque, dd, postal_order (default: all four)
    date_from: dt.date | None = None      #: receipt dates, inclusive
    date_to: dt.date | None = None
    collector: str | None = None          #: who collected (``pb.amritsar/cashier1``)
    receipts: Sequence[str] = ()          #: explicit receipt numbers


class Preview(NamedTuple):
    """What a selection would remit now, per fund (receipt count, cash paise, cheque paise)."""

    receipts: int
    cash: int
    cheque: int
    by_fund: dict[str, tuple[int, int]]  #: fund code → (receipts, paise)

    @property
    def total(self) -> int:
        return self.cash + self.cheque


def check(session: Session, tenant_id: str, selection: ReceiptSelection) -> list:
    """The SQL conditions of ``selection`` over receipts and instruments (checked first)."""
    types = tuple(selection.instrument_types) or REMITTABLE_TYPES
    refused = [t for t in types if t not in REMITTABLE_TYPES]
    if refused:
        raise ValidationError(
            f"{', '.join(refused)} receipts are not remitted by hand: they settle through their clearing "
            f"accounts (remittable: {', '.join(REMITTABLE_TYPES)})", code="INSTRUMENT_NOT_REMITTABLE",
            field="instrument_types")
    if selection.date_from and selection.date_to and selection.date_from > selection.date_to:
        raise ValidationError("the date range starts after it ends", code="DATE_RANGE_INVALID", field="date_from")
    if len(selection.receipts) > MAX_RECEIPT_NUMBERS:
        raise ValidationError(f"name at most {MAX_RECEIPT_NUMBERS} receipts; select more with filters",
                              code="TOO_MANY_RECEIPTS", field="receipts")
    conditions = [Receipt.tenant_id == tenant_id, APPROVED_ONLY, Receipt.amount_paise > 0,
                  Instrument.status == NEW, Instrument.instrument_type.in_(types)]
    if selection.services:
        ids = dict(session.execute(select(Service.code, Service.id).where(
            Service.tenant_id == tenant_id, Service.code.in_(set(selection.services)))).all())
        missing = sorted(set(selection.services) - set(ids))
        if missing:
            raise NotFound(f"no service {missing[0]!r} in {tenant_id}", code="SERVICE_NOT_FOUND", field="services")
        conditions.append(Receipt.service_id.in_(sorted(ids.values())))
    if selection.fund is not None:
        fund = fund_id(session, tenant_id, selection.fund)
        conditions.append(Receipt.bill_id.in_(select(Bill.id).where(Bill.fund_id == fund)))
    if selection.date_from is not None:
        conditions.append(Receipt.receipt_date >= selection.date_from)
    if selection.date_to is not None:
        conditions.append(Receipt.receipt_date <= selection.date_to)
    if selection.collector is not None:
        conditions.append(Receipt.collected_by == selection.collector)
    if selection.receipts:
        conditions.append(Receipt.number.in_(sorted(set(selection.receipts))))
    return conditions


def fund_id(session: Session, tenant_id: str, code: str) -> int:
    found = session.scalar(select(Fund.id).where(Fund.tenant_id == tenant_id, Fund.code == code))
    if found is None:
        raise NotFound(f"no fund {code!r} in {tenant_id}", code="FUND_NOT_FOUND", field="fund")
    return found


def joined(columns, conditions):
    """``SELECT columns FROM receipts JOIN instruments WHERE conditions``."""
    return (select(*columns).select_from(Receipt)
            .join(Instrument, Instrument.id == Receipt.instrument_id)
            .where(and_(*conditions)))


def preview(session: Session, tenant_id: str, selection: ReceiptSelection,
            until: dt.date | None = None) -> Preview:
    """Count and sum what ``selection`` would remit (receipts dated up to ``until``), per fund."""
    conditions = check(session, tenant_id, selection)
    if until is not None:
        conditions.append(Receipt.receipt_date <= until)
    is_cash = Instrument.instrument_type.in_(CASH_TYPES)
    rows = session.execute(
        joined([Fund.code, func.count(), func.sum(case((is_cash, Receipt.amount_paise), else_=0)),
                func.sum(case((is_cash, 0), else_=Receipt.amount_paise))], conditions)
        .join(Bill, Bill.id == Receipt.bill_id).join(Fund, Fund.id == Bill.fund_id)
        .group_by(Fund.code).order_by(Fund.code)).all()
    return Preview(sum(r[1] for r in rows), sum(int(r[2]) for r in rows), sum(int(r[3]) for r in rows),
                   {code: (count, int(cash) + int(cheque)) for code, count, cash, cheque in rows})


def explain_missing(session: Session, tenant_id: str, numbers: Sequence[str], pay_in_date: dt.date) -> None:
    """Raise the reason the first of ``numbers`` cannot be remitted (called when one cannot)."""
    found = {r.number: (r, i) for r, i in session.execute(
        select(Receipt, Instrument).join(Instrument, Instrument.id == Receipt.instrument_id)
        .where(Receipt.tenant_id == tenant_id, Receipt.number.in_(set(numbers))))}
    for number in numbers:
        if number not in found:
            raise NotFound(f"no receipt {number!r} in {tenant_id}", code="RECEIPT_NOT_FOUND", field="receipts")
        receipt, instrument = found[number]
        if receipt.status == "REMITTED":
            raise _conflict(f"receipt {number} is already remitted", "RECEIPT_ALREADY_REMITTED")
        if receipt.status != APPROVED:
            raise _conflict(f"receipt {number} is {receipt.status}; only APPROVED receipts are remitted",
                            "RECEIPT_NOT_APPROVED")
        if instrument.instrument_type not in REMITTABLE_TYPES:
            raise ValidationError(f"receipt {number} was paid by {instrument.instrument_type}, which settles "
                                  "through its clearing account, not by remittance",
                                  code="INSTRUMENT_NOT_REMITTABLE", field="receipts")
        if receipt.receipt_date > pay_in_date:
            raise ValidationError(f"receipt {number} is dated {receipt.receipt_date}, after the pay-in slip "
                                  f"({pay_in_date})", code="REMITTANCE_BEFORE_COLLECTION", field="receipts")
        if receipt.amount_paise == 0:
            raise ValidationError(f"receipt {number} is for nothing; there is no money to remit",
                                  code="RECEIPT_ZERO", field="receipts")
        if instrument.status != NEW:
            raise _conflict(f"the {instrument.instrument_type} of receipt {number} is {instrument.status}",
                            "INSTRUMENT_NOT_IN_HAND")


def _conflict(message: str, code: str) -> Conflict:
    return Conflict(message, code=code, field="receipts")
