"""Read vouchers for the HTTP API: search a tenant's vouchers, one voucher with its lines."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from collection.master_reads import Page, paginate
from ledger.errors import NotFound
from ledger.journal import LineDraft
from ledger.models import Voucher
from vouchers import voucher_lines


class VoucherFilter(NamedTuple):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    voucher_type: str | None = None
    number: str | None = None
    source_ref: str | None = None


def voucher_view(v: Voucher) -> dict:
    return {"id": v.id, "number": v.number, "type": v.voucher_type, "date": v.voucher_date,
            "narration": v.narration, "source_ref": v.source_ref, "total": v.total,
            "line_count": v.line_count, "reversal_of_id": v.reversal_of_id,
            "created_by": v.created_by, "created_at": v.created_at, "hash": v.hash}


def search_vouchers(session: Session, tenant_id: str, where: VoucherFilter, limit: int,
                    offset: int) -> Page:
    """A tenant's vouchers by date range, type, number or source reference, in posting order."""
    query = select(Voucher).where(Voucher.tenant_id == tenant_id)
    if where.date_from is not None:
        query = query.where(Voucher.voucher_date >= where.date_from)
    if where.date_to is not None:
        query = query.where(Voucher.voucher_date <= where.date_to)
    for column, value in ((Voucher.voucher_type, where.voucher_type), (Voucher.number, where.number),
                          (Voucher.source_ref, where.source_ref)):
        if value is not None:
            query = query.where(column == value)
    total, rows = paginate(session, query.order_by(Voucher.voucher_date, Voucher.id), limit, offset)
    return Page(total, [voucher_view(v) for (v,) in rows])


class VoucherWithLines(NamedTuple):
    voucher: dict
    lines: list[LineDraft]


def get_voucher(session: Session, tenant_id: str, voucher_id: int) -> VoucherWithLines:
    """One voucher of the tenant and its lines; another tenant's voucher is simply not found."""
    voucher = session.scalars(select(Voucher).where(Voucher.tenant_id == tenant_id,
                                                    Voucher.id == voucher_id)).first()
    if voucher is None:
        raise NotFound(f"no voucher {voucher_id} in {tenant_id}", code="VOUCHER_NOT_FOUND")
    return VoucherWithLines(voucher_view(voucher), voucher_lines(session, voucher.id))
