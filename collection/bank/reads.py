"""Statement lines as plain dicts for the HTTP API, and pages of them."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collection.bank.models import BankStatementLine
from collection.master_reads import Page
from collection.remittance.remit import find_bank_account
from ledger.models import Voucher


class LineFilter(NamedTuple):
    bank_account: str
    matched: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def line_view(session: Session, line: BankStatementLine) -> dict:
    voucher = session.scalar(select(Voucher.number).where(Voucher.id == line.voucher_id)) if line.voucher_id else None
    return {"id": line.id, "statement_id": line.statement_id, "line_no": line.line_no, "date": line.txn_date,
            "value_date": line.value_date, "direction": line.direction, "amount": line.amount_paise,
            "reference": line.reference, "description": line.description, "balance": line.balance_paise,
            "remittance_id": line.remittance_id, "match_part": line.match_part, "instrument_id": line.instrument_id,
            "dishonour_id": line.dishonour_id,
            "voucher_number": voucher, "matched_by": line.matched_by}


def search_lines(session: Session, tenant_id: str, where: LineFilter, limit: int, offset: int) -> Page:
    bank = find_bank_account(session, tenant_id, where.bank_account, active=False)
    L = BankStatementLine
    conditions = [L.tenant_id == tenant_id, L.bank_account_id == bank.id]
    unmatched = L.remittance_id.is_(None) & L.dishonour_id.is_(None) & L.voucher_id.is_(None)
    if where.matched is not None:
        conditions.append(~unmatched if where.matched else unmatched)
    if where.date_from:
        conditions.append(L.txn_date >= where.date_from)
    if where.date_to:
        conditions.append(L.txn_date <= where.date_to)
    total = session.scalar(select(func.count()).select_from(L).where(*conditions)) or 0
    lines = session.scalars(select(L).where(*conditions).order_by(L.txn_date, L.id).limit(limit).offset(offset))
    return Page(total, [line_view(session, line) for line in lines])
