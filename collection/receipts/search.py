"""Finding receipts: by number, consumer, bill, service, status, instrument, collector, dates."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collection.bills.models import Bill
from collection.receipts.models import Instrument, Receipt, ReceiptHead
from collection.service_master import Service


class ReceiptFilter(NamedTuple):
    number: str | None = None
    consumer_code: str | None = None
    bill_ref_no: str | None = None
    service: str | None = None
    status: str | None = None
    instrument_type: str | None = None
    collected_by: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class ReceiptRow(NamedTuple):
    receipt: Receipt
    service_code: str
    instrument: Instrument


def search(session: Session, tenant_id: str, where: ReceiptFilter, limit: int = 50,
           offset: int = 0) -> tuple[int, list[ReceiptRow]]:
    """Receipts of a tenant matching every given filter, newest first, with the total count."""
    conditions = [Receipt.tenant_id == tenant_id]
    for column, value in ((Receipt.number, where.number), (Receipt.consumer_code, where.consumer_code),
                          (Receipt.bill_ref_no, where.bill_ref_no), (Receipt.status, where.status),
                          (Receipt.collected_by, where.collected_by), (Service.code, where.service),
                          (Instrument.instrument_type, where.instrument_type)):
        if value is not None:
            conditions.append(column == value)
    if where.bill_ref_no is not None:
        # A bill's receipts carry its consumer code: the consumer index finds them, where an
        # index of their own on the reference would cost every receipt one more entry.
        conditions.append(Receipt.consumer_code.in_(
            select(Bill.consumer_code).where(Bill.tenant_id == tenant_id, Bill.ref_no == where.bill_ref_no)))
    if where.date_from is not None:
        conditions.append(Receipt.receipt_date >= where.date_from)
    if where.date_to is not None:
        conditions.append(Receipt.receipt_date <= where.date_to)
    joined = (select(Receipt, Service.code, Instrument)
              .join(Service, Service.id == Receipt.service_id)
              .join(Instrument, Instrument.id == Receipt.instrument_id)
              .where(*conditions))
    total = session.scalar(select(func.count()).select_from(joined.subquery())) or 0
    rows = session.execute(joined.order_by(Receipt.receipt_date.desc(), Receipt.id.desc())
                           .limit(limit).offset(offset)).all()
    return total, [ReceiptRow(*row) for row in rows]


def receipt_heads(session: Session, receipt_id: int) -> list[ReceiptHead]:
    return list(session.scalars(select(ReceiptHead).where(ReceiptHead.receipt_id == receipt_id)
                                .order_by(ReceiptHead.line_no)))
