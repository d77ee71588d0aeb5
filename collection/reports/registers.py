"""Registers of remittance and dishonour, and what is still waiting to be remitted."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from collection.audit import utcnow
from collection.bank.models import BankStatementLine
from collection.bills.models import Bill
from collection.models import BankAccount
from collection.receipts.models import (
    APPROVED,
    REJECTED,
    SUBMITTED,
    TO_BE_SUBMITTED,
    Instrument,
    Receipt,
)
from collection.remittance.models import (
    CASH_TYPES,
    REMITTABLE_TYPES,
    REVERSED,
    Dishonour,
    Remittance,
)
from collection.reports.model import Column, Report, Total
from ledger.models import Voucher


def remittance_register(session: Session, tenant_id: str, date_from: dt.date, date_to: dt.date,
                        bank_account: str | None = None) -> Report:
    """Every remittance in the period with its slip, bank, contra voucher, amounts and state."""
    reversal = aliased(Voucher)
    query = (select(Remittance, BankAccount.code, Voucher.number, reversal.number)
             .join(BankAccount, BankAccount.id == Remittance.bank_account_id)
             .join(Voucher, Voucher.id == Remittance.voucher_id)
             .outerjoin(reversal, reversal.id == Remittance.reversal_voucher_id)
             .where(Remittance.tenant_id == tenant_id, Remittance.pay_in_date >= date_from,
                    Remittance.pay_in_date <= date_to)
             .order_by(Remittance.pay_in_date, Remittance.id))
    if bank_account:
        query = query.where(BankAccount.code == bank_account)
    rows, totals = [], defaultdict(int)
    for r, bank, voucher, reversed_by in session.execute(query):
        rows.append({"date": r.pay_in_date, "slip": r.pay_in_slip, "bank_account": bank, "voucher": voucher,
                     "receipts": r.receipt_count, "cash": r.cash_paise, "cheques": r.cheque_paise,
                     "amount": r.amount_paise, "status": r.status, "reversal": reversed_by or ""})
        if r.status != REVERSED:
            for key in ("cash", "cheques", "amount"):
                totals[key] += rows[-1][key]
    return Report("remittance-register", "Remittance register", tenant_id,
                  _params(date_from=date_from, date_to=date_to, bank_account=bank_account),
                  [Column("date", "Date", "date"), Column("slip", "Pay-in slip"), Column("bank_account", "Bank account"),
                   Column("voucher", "Contra voucher"), Column("receipts", "Receipts", "int"),
                   Column("cash", "Cash", "money"), Column("cheques", "Cheques/DD", "money"),
                   Column("amount", "Amount", "money"), Column("status", "Status"),
                   Column("reversal", "Reversed by")],
                  rows, [Total("Cash remitted (not reversed)", totals["cash"]),
                         Total("Cheques/DD remitted (not reversed)", totals["cheques"]),
                         Total("Total remitted (not reversed)", totals["amount"]),
                         Total("Remittances", len(rows), "int")], utcnow())


def pending_remittances(session: Session, tenant_id: str, as_of: dt.date) -> Report:
    """Money still at the counters on ``as_of``, by collector and day: approved and remittable,
    and collected but still awaiting approval."""
    is_cash = Instrument.instrument_type.in_(CASH_TYPES)
    ready = Receipt.status == APPROVED
    rows_sql = (select(Receipt.collected_by, Receipt.receipt_date,
                       func.sum(case((ready, 1), else_=0)),
                       func.sum(case((ready & is_cash, Receipt.amount_paise), else_=0)),
                       func.sum(case((ready & ~is_cash, Receipt.amount_paise), else_=0)),
                       func.sum(case((ready, 0), else_=Receipt.amount_paise)))
                .join(Instrument, Instrument.id == Receipt.instrument_id)
                .where(Receipt.tenant_id == tenant_id, Receipt.receipt_date <= as_of, Receipt.amount_paise > 0,
                       Receipt.status.in_((TO_BE_SUBMITTED, SUBMITTED, APPROVED, REJECTED)),
                       Instrument.instrument_type.in_(REMITTABLE_TYPES))
                .group_by(Receipt.collected_by, Receipt.receipt_date)
                .order_by(Receipt.collected_by, Receipt.receipt_date))
    rows, totals = [], defaultdict(int)
    for collector, day, count, cash, cheques, waiting in session.execute(rows_sql):
        row = {"collector": collector, "date": day, "receipts": int(count), "cash": int(cash),
               "cheques": int(cheques), "amount": int(cash) + int(cheques), "awaiting_approval": int(waiting)}
        rows.append(row)
        for key in ("cash", "cheques", "amount", "awaiting_approval"):
            totals[key] += row[key]
    return Report("pending-remittances", "Collections pending remittance, by collector and day", tenant_id,
                  _params(as_of=as_of),
                  [Column("collector", "Collector"), Column("date", "Date", "date"),
                   Column("receipts", "Approved receipts", "int"), Column("cash", "Cash", "money"),
                   Column("cheques", "Cheques/DD", "money"), Column("amount", "Ready to remit", "money"),
                   Column("awaiting_approval", "Awaiting approval", "money")],
                  rows, [Total("Cash ready to remit", totals["cash"]),
                         Total("Cheques/DD ready to remit", totals["cheques"]),
                         Total("Total ready to remit", totals["amount"]),
                         Total("Collected, awaiting approval", totals["awaiting_approval"])], utcnow())


def dishonoured_register(session: Session, tenant_id: str, date_from: dt.date, date_to: dt.date) -> Report:
    """Every dishonoured cheque and DD of the period: what it paid, where, and what followed."""
    penalty = aliased(Bill)
    debited = (select(BankStatementLine.dishonour_id, func.min(BankStatementLine.txn_date).label("day"))
               .where(BankStatementLine.dishonour_id.is_not(None))
               .group_by(BankStatementLine.dishonour_id).subquery())
    query = (select(Dishonour, Instrument, Remittance.pay_in_slip, BankAccount.code, Voucher.number,
                    penalty.ref_no, debited.c.day)
             .join(Instrument, Instrument.id == Dishonour.instrument_id)
             .join(Remittance, Remittance.id == Dishonour.remittance_id)
             .join(BankAccount, BankAccount.id == Dishonour.bank_account_id)
             .join(Voucher, Voucher.id == Dishonour.voucher_id)
             .outerjoin(penalty, penalty.id == Dishonour.penalty_bill_id)
             .outerjoin(debited, debited.c.dishonour_id == Dishonour.id)
             .where(Dishonour.tenant_id == tenant_id, Dishonour.dishonour_date >= date_from,
                    Dishonour.dishonour_date <= date_to)
             .order_by(Dishonour.dishonour_date, Dishonour.id))
    found = session.execute(query).all()
    receipts = defaultdict(list)
    for instrument_id, number in session.execute(select(Receipt.instrument_id, Receipt.number).where(
            Receipt.instrument_id.in_([row[1].id for row in found])).order_by(Receipt.id)):
        receipts[instrument_id].append(number)
    rows = [{"date": d.dishonour_date, "type": i.instrument_type, "number": i.number or "",
             "instrument_date": i.instrument_date, "drawee_bank": i.bank_name or "", "amount": d.amount_paise,
             "receipts": ", ".join(receipts[i.id]), "slip": slip, "bank_account": bank, "journal": journal,
             "penalty_bill": penalty_ref or "", "bank_debit": debit_day, "reason": d.reason}
            for d, i, slip, bank, journal, penalty_ref, debit_day in found]
    return Report("dishonoured-instruments", "Dishonoured instruments register", tenant_id,
                  _params(date_from=date_from, date_to=date_to),
                  [Column("date", "Date", "date"), Column("type", "Type"), Column("number", "Number"),
                   Column("instrument_date", "Dated", "date"), Column("drawee_bank", "Drawn on"),
                   Column("amount", "Amount", "money"), Column("receipts", "Receipts"),
                   Column("slip", "Pay-in slip"), Column("bank_account", "Bank account"),
                   Column("journal", "Journal"), Column("penalty_bill", "Penalty bill"),
                   Column("bank_debit", "Bank debit", "date"), Column("reason", "Reason")],
                  rows, [Total("Total dishonoured", sum(r["amount"] for r in rows)),
                         Total("Instruments", len(rows), "int")], utcnow())


def _params(**values) -> dict[str, str]:
    return {key: value.isoformat() if isinstance(value, dt.date) else str(value)
            for key, value in values.items() if value is not None}
