"""What was collected: the summary by day, service and instrument, and the receipt register."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collection.audit import utcnow
from collection.receipts.models import LIVE_STATUSES, Instrument, Receipt
from collection.reports.model import Column, Report, Total
from collection.reports.registers import _params
from collection.service_master import Service
from ledger.models import Voucher


def collection_summary(session: Session, tenant_id: str, date_from: dt.date, date_to: dt.date,
                       service: str | None = None) -> Report:
    """Receipts that stand (not cancelled, not bounced): count and amount per day × service ×
    instrument type, with totals per service, per instrument type, per day and overall."""
    query = (select(Receipt.receipt_date, Service.code, Instrument.instrument_type, func.count(),
                    func.sum(Receipt.amount_paise))
             .join(Service, Service.id == Receipt.service_id)
             .join(Instrument, Instrument.id == Receipt.instrument_id)
             .where(Receipt.tenant_id == tenant_id, Receipt.receipt_date >= date_from,
                    Receipt.receipt_date <= date_to, Receipt.status.in_(LIVE_STATUSES))
             .group_by(Receipt.receipt_date, Service.code, Instrument.instrument_type)
             .order_by(Receipt.receipt_date, Service.code, Instrument.instrument_type))
    if service:
        query = query.where(Service.code == service)
    rows = []
    by = {"service": defaultdict(int), "instrument": defaultdict(int), "day": defaultdict(int)}
    for day, code, kind, count, amount in session.execute(query):
        rows.append({"date": day, "service": code, "instrument": kind, "receipts": count, "amount": int(amount)})
        by["service"][code] += int(amount)
        by["instrument"][kind] += int(amount)
        by["day"][day] += int(amount)
    summary = ([Total(f"Service {code}", paise) for code, paise in sorted(by["service"].items())]
               + [Total(f"By {kind}", paise) for kind, paise in sorted(by["instrument"].items())]
               + [Total(f"On {day.isoformat()}", paise) for day, paise in sorted(by["day"].items())]
               + [Total("Total collected", sum(r["amount"] for r in rows)),
                  Total("Receipts", sum(r["receipts"] for r in rows), "int")])
    return Report("collection-summary", "Collection summary", tenant_id,
                  _params(date_from=date_from, date_to=date_to, service=service),
                  [Column("date", "Date", "date"), Column("service", "Service"), Column("instrument", "Instrument"),
                   Column("receipts", "Receipts", "int"), Column("amount", "Amount", "money")],
                  rows, summary, utcnow())


def receipt_register(session: Session, tenant_id: str, date_from: dt.date, date_to: dt.date, *,
                     service: str | None = None, status: str | None = None,
                     collector: str | None = None) -> Report:
    """Every receipt of the period, whatever its state, in number order."""
    query = (select(Receipt, Service.code, Instrument.instrument_type, Instrument.number, Voucher.number)
             .join(Service, Service.id == Receipt.service_id)
             .join(Instrument, Instrument.id == Receipt.instrument_id)
             .outerjoin(Voucher, Voucher.id == Receipt.voucher_id)
             .where(Receipt.tenant_id == tenant_id, Receipt.receipt_date >= date_from,
                    Receipt.receipt_date <= date_to)
             .order_by(Receipt.receipt_date, Receipt.id))
    for column, value in ((Service.code, service), (Receipt.status, status), (Receipt.collected_by, collector)):
        if value:
            query = query.where(column == value)
    rows = []
    for r, code, kind, instrument_number, voucher in session.execute(query.execution_options(yield_per=2000)):
        rows.append({"number": r.number, "date": r.receipt_date, "service": code, "consumer_code": r.consumer_code,
                     "bill": r.bill_ref_no, "payer": r.payer_name, "instrument": kind,
                     "instrument_number": "" if kind == "card" else (instrument_number or ""),
                     "amount": r.amount_paise, "status": r.status, "collector": r.collected_by,
                     "voucher": voucher or ""})
    standing = sum(r["amount"] for r in rows if r["status"] in LIVE_STATUSES)
    return Report("receipt-register", "Receipt register", tenant_id,
                  _params(date_from=date_from, date_to=date_to, service=service, status=status, collector=collector),
                  [Column("number", "Receipt"), Column("date", "Date", "date"), Column("service", "Service"),
                   Column("consumer_code", "Consumer"), Column("bill", "Bill"), Column("payer", "Payer"),
                   Column("instrument", "Instrument"), Column("instrument_number", "Instrument no."),
                   Column("amount", "Amount", "money"), Column("status", "Status"),
                   Column("collector", "Collector"), Column("voucher", "Voucher")],
                  rows, [Total("Receipts that stand (not cancelled or bounced)", standing),
                         Total("All receipts listed", sum(r["amount"] for r in rows)),
                         Total("Receipts", len(rows), "int")], utcnow())
