"""Post and reverse vouchers: the entry point every other package uses to touch the ledger."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ledger import journal
from ledger.errors import Conflict, LedgerError, ValidationError
from ledger.journal import LineDraft, PostedVoucher, VoucherDraft
from ledger.models import (
    Department, Function, Functionary, Fund, FundSource, GlAccount, Voucher, VoucherLine,
)
from vouchers.numbering import numbering
from vouchers.types import REVERSAL, VOUCHER_TYPES

#: Idempotency keys of reversals (``reversal:<voucher id>``); clients may not use the prefix,
#: or a client's key could block reversing that voucher for good.
REVERSAL_KEY_PREFIX = "reversal:"


def post(session: Session | Connection, tenant_id: str, voucher_type: str, voucher_date: dt.date,
         lines: Sequence[LineDraft], *, narration: str | None = None, source_ref: str | None = None,
         idempotency_key: str | None = None, created_by: str | None = None,
         along: journal.Along | None = None) -> PostedVoucher:
    """Post a balanced voucher of a known type, numbered from its tenant's series.

    ``session`` is the caller's ORM session, or a Core connection for posting
    loops that need no ORM (cheaper per voucher: see ``ledger.journal.post``).
    ``along`` carries the caller's statements that name the voucher in its
    last round trip (``ledger.journal.Along``).
    """
    if voucher_type not in VOUCHER_TYPES:
        raise ValidationError(f"unknown voucher type {voucher_type!r}; one of {sorted(VOUCHER_TYPES)}",
                              code="VOUCHER_TYPE_UNKNOWN", field="voucher_type")
    if isinstance(idempotency_key, str) and idempotency_key.startswith(REVERSAL_KEY_PREFIX):
        raise ValidationError(f"idempotency keys starting with {REVERSAL_KEY_PREFIX!r} are reserved "
                              "for reversals", code="IDEMPOTENCY_KEY_INVALID", field="idempotency_key")
    draft = VoucherDraft(tenant_id, voucher_type, voucher_date, tuple(lines), narration, source_ref,
                         idempotency_key, created_by)
    return journal.post(session, draft, numbering(tenant_id, voucher_type), along)


def reverse(session: Session, voucher: Voucher, reversal_date: dt.date, reason: str, *,
            created_by: str | None = None, source_ref: str | None = None) -> PostedVoucher:
    """Post the exact mirror of ``voucher`` (every debit a credit and back), linked to it.

    A voucher is reversed at most once; the database refuses a second reversal
    and any "reversal" whose lines are not the mirror of the original.
    """
    if not reason or not reason.strip():
        raise ValidationError("a reversal needs a reason", code="REASON_REQUIRED", field="reason")
    if voucher.reversal_of_id is not None:
        raise LedgerError(f"{voucher.number} is itself a reversal; post a new voucher instead",
                          code="VOUCHER_IS_REVERSAL")
    if reversal_date < voucher.voucher_date:
        raise LedgerError(f"a reversal cannot be dated before the voucher it reverses "
                          f"({voucher.voucher_date})", code="REVERSAL_BEFORE_ORIGINAL",
                          field="reversal_date")
    if session.scalar(select(Voucher.number).where(Voucher.reversal_of_id == voucher.id)):
        raise Conflict(f"{voucher.number} has already been reversed", code="VOUCHER_ALREADY_REVERSED")
    mirror = [
        LineDraft(line.glcode, line.fund, line.function, line.functionary, line.department,
                  line.fund_source, debit=line.credit, credit=line.debit, narration=line.narration)
        for line in voucher_lines(session, voucher.id)
    ]
    draft = VoucherDraft(voucher.tenant_id, REVERSAL.code, reversal_date, tuple(mirror),
                         narration=f"Reversal of {voucher.number}: {reason.strip()}",
                         source_ref=source_ref or voucher.source_ref,
                         idempotency_key=f"{REVERSAL_KEY_PREFIX}{voucher.id}", created_by=created_by,
                         reversal_of_id=voucher.id)
    return journal.post(session, draft, numbering(voucher.tenant_id, REVERSAL.code))


def voucher_lines(session: Session, voucher_id: int) -> list[LineDraft]:
    """A posted voucher's lines, with codes, in line order."""
    rows = session.execute(
        select(GlAccount.glcode, Fund.code, Function.code, Functionary.code, Department.code,
               FundSource.code, VoucherLine.debit, VoucherLine.credit, VoucherLine.narration)
        .join(GlAccount, GlAccount.id == VoucherLine.gl_account_id)
        .join(Fund, Fund.id == VoucherLine.fund_id)
        .join(Function, Function.id == VoucherLine.function_id)
        .join(Functionary, Functionary.id == VoucherLine.functionary_id)
        .join(Department, Department.id == VoucherLine.department_id)
        .join(FundSource, FundSource.id == VoucherLine.fund_source_id)
        .where(VoucherLine.voucher_id == voucher_id)
        .order_by(VoucherLine.line_no))
    return [LineDraft(*row) for row in rows]
