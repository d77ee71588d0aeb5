"""Remittances and dishonours as plain dicts for the HTTP API (money in paise)."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from collection.master_reads import Page
from collection.models import BankAccount
from collection.remittance.models import Dishonour, Remittance
from ledger.models import Voucher


class RemittanceFilter(NamedTuple):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    bank_account: str | None = None
    status: str | None = None


def _query():
    reversal = aliased(Voucher)
    return (select(Remittance, BankAccount.code, Voucher.number, reversal.number)
            .join(BankAccount, BankAccount.id == Remittance.bank_account_id)
            .outerjoin(Voucher, Voucher.id == Remittance.voucher_id)
            .outerjoin(reversal, reversal.id == Remittance.reversal_voucher_id))


def _view(row) -> dict:
    r, bank, voucher, reversal = row
    return {"id": r.id, "bank_account": bank, "pay_in_slip": r.pay_in_slip, "pay_in_date": r.pay_in_date,
            "status": r.status, "receipt_count": r.receipt_count, "cash": r.cash_paise, "cheques": r.cheque_paise,
            "amount": r.amount_paise, "voucher_number": voucher, "reversal_voucher_number": reversal,
            "remitted_by": r.remitted_by, "created_at": r.created_at, "reversal_date": r.reversal_date,
            "reversal_reason": r.reversal_reason}


def remittance_view(session: Session, remittance: Remittance) -> dict:
    session.flush()
    return _view(session.execute(_query().where(Remittance.id == remittance.id)).one())


def search_remittances(session: Session, tenant_id: str, where: RemittanceFilter, limit: int,
                       offset: int) -> Page:
    conditions = [Remittance.tenant_id == tenant_id]
    if where.date_from:
        conditions.append(Remittance.pay_in_date >= where.date_from)
    if where.date_to:
        conditions.append(Remittance.pay_in_date <= where.date_to)
    if where.bank_account:
        conditions.append(BankAccount.code == where.bank_account)
    if where.status:
        conditions.append(Remittance.status == where.status)
    query = _query().where(*conditions)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Remittance.pay_in_date.desc(), Remittance.id.desc())
                           .limit(limit).offset(offset)).all()
    return Page(total, [_view(row) for row in rows])


def dishonour_view(session: Session, dishonour: Dishonour, receipts: list[str], voucher_number: str,
                   penalty_ref: str | None) -> dict:
    return {"id": dishonour.id, "instrument_id": dishonour.instrument_id, "remittance_id": dishonour.remittance_id,
            "date": dishonour.dishonour_date, "reason": dishonour.reason, "amount": dishonour.amount_paise,
            "receipts": receipts, "voucher_number": voucher_number, "penalty_bill_id": dishonour.penalty_bill_id,
            "penalty_bill_ref_no": penalty_ref}
