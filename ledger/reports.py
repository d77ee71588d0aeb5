"""Balances, trial balance and GL statement, read from the kept daily balances.

Amounts are paise, signed debit-positive (a credit balance is negative); the
presentation layer decides how to show Dr/Cr.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger.errors import NotFound, ValidationError
from ledger.journal import SEGMENTS
from ledger.models import GlAccount, LedgerBalance, Tenant, Voucher, VoucherLine


class TrialBalanceRow(NamedTuple):
    glcode: str
    name: str
    type: str
    opening: int   #: balance before ``date_from`` (debit-positive paise)
    debit: int     #: debits within the period
    credit: int    #: credits within the period
    closing: int   #: balance at the end of ``date_to``


class TrialBalance(NamedTuple):
    tenant_id: str
    date_from: dt.date
    date_to: dt.date
    rows: list[TrialBalanceRow]
    opening_debit: int
    opening_credit: int
    debit: int
    credit: int
    closing_debit: int
    closing_credit: int

    @property
    def balanced(self) -> bool:
        return (self.debit == self.credit and self.closing_debit == self.closing_credit
                and self.opening_debit == self.opening_credit)


class StatementEntry(NamedTuple):
    voucher_date: dt.date
    voucher_number: str
    voucher_type: str
    narration: str | None
    debit: int
    credit: int
    balance: int  #: running balance after this entry


class Statement(NamedTuple):
    tenant_id: str
    glcode: str
    name: str
    date_from: dt.date
    date_to: dt.date
    opening: int
    entries: list[StatementEntry]
    closing: int


def _segment_filters(session: Session, tenant_id: str, segments: Mapping[str, str] | None, table):
    """``{"fund": "01"}`` → SQL conditions on the table's segment id columns."""
    conditions = []
    for name, code in (segments or {}).items():
        model = dict(SEGMENTS).get(name)
        if model is None:
            raise ValidationError(f"unknown segment {name!r}; one of {[n for n, _ in SEGMENTS]}",
                                  code="SEGMENT_UNKNOWN", field=name)
        seg_id = session.scalar(select(model.id).where(model.tenant_id == tenant_id, model.code == code))
        if seg_id is None:
            raise NotFound(f"no {name.replace('_', ' ')} {code!r} in {tenant_id}",
                           code=f"LEDGER_UNKNOWN_{name.upper()}", field=name)
        conditions.append(getattr(table, f"{name}_id") == seg_id)
    return conditions


def require_tenant(session: Session, tenant_id: str) -> None:
    """Refuse an unknown tenant: a report of its (empty) books would pass a typo off as clean books."""
    if session.get(Tenant, tenant_id) is None:
        raise NotFound(f"no tenant {tenant_id!r}", code="TENANT_NOT_FOUND", field="tenant")


def _account(session: Session, tenant_id: str, glcode: str) -> GlAccount:
    account = session.scalars(select(GlAccount).where(GlAccount.tenant_id == tenant_id,
                                                      GlAccount.glcode == glcode)).first()
    if account is None:
        require_tenant(session, tenant_id)  # asked only on the way to a refusal
        raise NotFound(f"no GL code {glcode!r} in {tenant_id}", code="LEDGER_UNKNOWN_GL",
                       field="glcode")
    return account


def balance(session: Session, tenant_id: str, glcode: str, as_of: dt.date,
            segments: Mapping[str, str] | None = None) -> int:
    """Debit-positive balance of an account at the end of ``as_of``, optionally by segment."""
    account = _account(session, tenant_id, glcode)
    value = session.scalar(
        select(func.coalesce(func.sum(LedgerBalance.debit - LedgerBalance.credit), 0))
        .where(LedgerBalance.tenant_id == tenant_id, LedgerBalance.gl_account_id == account.id,
               LedgerBalance.balance_date <= as_of,
               *_segment_filters(session, tenant_id, segments, LedgerBalance)))
    return int(value)


def trial_balance(session: Session, tenant_id: str, date_from: dt.date, date_to: dt.date,
                  segments: Mapping[str, str] | None = None) -> TrialBalance:
    """Per GL code: opening, period debit and credit, closing. Reads kept balances only."""
    if date_from > date_to:
        raise ValidationError("the period starts after it ends", code="DATE_RANGE_INVALID",
                              field="date_from")
    require_tenant(session, tenant_id)
    b = LedgerBalance
    before = b.balance_date < date_from
    opening = func.sum(case((before, b.debit - b.credit), else_=0))
    debit = func.sum(case((before, 0), else_=b.debit))
    credit = func.sum(case((before, 0), else_=b.credit))
    totals = (
        select(b.gl_account_id, opening.label("opening"), debit.label("debit"),
               credit.label("credit"))
        .where(b.tenant_id == tenant_id, b.balance_date <= date_to,
               *_segment_filters(session, tenant_id, segments, b))
        .group_by(b.gl_account_id)
        .subquery()
    )
    query = (select(GlAccount.glcode, GlAccount.name, GlAccount.type, totals.c.opening,
                    totals.c.debit, totals.c.credit)
             .join(totals, totals.c.gl_account_id == GlAccount.id)
             .order_by(GlAccount.glcode))
    rows = []
    for glcode, name, type_, op, dr, cr in session.execute(query):
        op, dr, cr = int(op), int(dr), int(cr)
        if op == 0 and dr == 0 and cr == 0:
            continue
        rows.append(TrialBalanceRow(glcode, name, type_, op, dr, cr, op + dr - cr))
    return TrialBalance(
        tenant_id, date_from, date_to, rows,
        opening_debit=sum(r.opening for r in rows if r.opening > 0),
        opening_credit=-sum(r.opening for r in rows if r.opening < 0),
        debit=sum(r.debit for r in rows), credit=sum(r.credit for r in rows),
        closing_debit=sum(r.closing for r in rows if r.closing > 0),
        closing_credit=-sum(r.closing for r in rows if r.closing < 0),
    )


def statement(session: Session, tenant_id: str, glcode: str, date_from: dt.date, date_to: dt.date,
              segments: Mapping[str, str] | None = None) -> Statement:
    """Every posting to an account in a date range, with the running balance."""
    if date_from > date_to:
        raise ValidationError("the period starts after it ends", code="DATE_RANGE_INVALID",
                              field="date_from")
    account = _account(session, tenant_id, glcode)
    opening = balance(session, tenant_id, glcode, date_from - dt.timedelta(days=1), segments)
    lines = session.execute(
        select(VoucherLine.voucher_date, Voucher.number, Voucher.voucher_type,
               func.coalesce(VoucherLine.narration, Voucher.narration), VoucherLine.debit,
               VoucherLine.credit)
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(VoucherLine.tenant_id == tenant_id, VoucherLine.gl_account_id == account.id,
               VoucherLine.voucher_date >= date_from, VoucherLine.voucher_date <= date_to,
               *_segment_filters(session, tenant_id, segments, VoucherLine))
        .order_by(VoucherLine.voucher_date, VoucherLine.voucher_id, VoucherLine.line_no))
    running = opening
    entries = []
    for day, number, vtype, narration, dr, cr in lines:
        running += dr - cr
        entries.append(StatementEntry(day, number, vtype, narration, dr, cr, running))
    return Statement(tenant_id, glcode, account.name, date_from, date_to, opening, entries, running)
