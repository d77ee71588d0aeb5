"""Builders for payment tests: the example bills, actors and payment requests."""
from __future__ import annotations

import datetime as dt

from collection.audit import Actor
from collection.bills.intake import submit_bill_xml
from collection.receipts.instruments import InstrumentIn
from collection.receipts.payments import BillPayment, PaymentIn
from tests.conftest import ROOT

DAY = dt.date(2026, 11, 23)
CASHIER = Actor("pb.amritsar/cashier1")
APPROVER = Actor("pb.amritsar/approver1")
PT_1 = "PT/2026-27/088812"   # 14,185.75: heads 2,400 + 185.75 + 12,200, rebate 600; minimum 2,000
PT_2 = "PT/2026-27/088813"


def submit_examples(session, tenant: str) -> dict[str, object]:
    """Store the example bills; return them by reference number."""
    bills = {}
    for name in ("property-tax-ward-7.xml", "bpa-permit-fees.xml"):
        for stored in submit_bill_xml(session, tenant, (ROOT / "examples" / "bills" / name).read_bytes()).bills:
            bills[stored.bill.ref_no] = stored.bill
    session.commit()
    return bills


def cash(*bills: tuple[str, int], key: str | None = None, **extra) -> PaymentIn:
    return PaymentIn(InstrumentIn("cash", sum(a for _, a in bills)),
                     [BillPayment(amount, ref_no=ref) for ref, amount in bills], idempotency_key=key, **extra)


def cheque(*bills: tuple[str, int], date: dt.date = DAY - dt.timedelta(days=2), number: str = "004512",
           **extra) -> PaymentIn:
    return PaymentIn(InstrumentIn("cheque", sum(a for _, a in bills), number=number, date=date,
                                  bank="State Bank of India", branch="Hall Bazar, Amritsar"),
                     [BillPayment(amount, ref_no=ref) for ref, amount in bills], **extra)
