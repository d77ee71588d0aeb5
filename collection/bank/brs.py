"""The bank reconciliation statement of one bank account on one day, and what is still open.

    balance per bank
  + deposits not yet credited       (remittances booked, not yet confirmed by a credit)
  − dishonours not yet debited      (returned cheques booked, the bank's debit not yet seen)
  − credits not in the books        (unmatched credits: interest, direct deposits …)
  + debits not in the books         (unmatched debits: charges, returns not yet booked …)
  = balance per books               (the bank's GL code in the ledger)

Everything is judged as of the day: a line dated after it, or a match to something booked
after it, does not count yet. ``difference`` is what none of the items explains (zero when
the account is reconciled); ``balance per bank`` is the last running balance the bank gave
on or before the day, else the opening balance of a statement plus its lines.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from collection.bank.matching import NET_PARTS
from collection.bank.models import CREDIT, DEBIT, BankStatement, BankStatementLine
from collection.models import BankAccount
from collection.receipts.models import Instrument
from collection.remittance.models import REVERSED, Dishonour, Remittance
from collection.remittance.remit import find_bank_account
from ledger import reports
from ledger.models import GlAccount, Voucher


class Item(NamedTuple):
    date: dt.date
    reference: str       #: slip, cheque or statement reference
    description: str
    amount: int          #: paise, > 0
    line_id: int | None = None          #: statement line, for manual matching
    remittance_id: int | None = None
    dishonour_id: int | None = None


class Reconciliation(NamedTuple):
    tenant_id: str
    bank_account: str
    glcode: str
    as_of: dt.date
    balance_per_books: int
    balance_per_bank: int | None
    deposits_not_credited: list[Item]
    dishonours_not_debited: list[Item]
    credits_not_in_books: list[Item]
    debits_not_in_books: list[Item]

    @property
    def adjusted_bank_balance(self) -> int | None:
        if self.balance_per_bank is None:
            return None
        return (self.balance_per_bank + _sum(self.deposits_not_credited) - _sum(self.dishonours_not_debited)
                - _sum(self.credits_not_in_books) + _sum(self.debits_not_in_books))

    @property
    def difference(self) -> int | None:
        adjusted = self.adjusted_bank_balance
        return None if adjusted is None else self.balance_per_books - adjusted


def _sum(items: list[Item]) -> int:
    return sum(item.amount for item in items)


def reconcile(session: Session, tenant_id: str, bank_account: str, as_of: dt.date) -> Reconciliation:
    """The bank reconciliation statement of ``bank_account`` at the end of ``as_of``."""
    bank = find_bank_account(session, tenant_id, bank_account, active=False)
    glcode = session.scalar(select(GlAccount.glcode).where(GlAccount.id == bank.gl_account_id))
    books = reports.balance(session, tenant_id, glcode, as_of)
    return Reconciliation(tenant_id, bank.code, glcode, as_of, books, bank_balance(session, bank, as_of),
                          _deposits(session, bank, as_of), _dishonours(session, bank, as_of),
                          _lines(session, bank, as_of, CREDIT), _lines(session, bank, as_of, DEBIT))


def bank_balance(session: Session, bank: BankAccount, as_of: dt.date) -> int | None:
    L = BankStatementLine
    last = session.execute(select(L.balance_paise).where(
        L.bank_account_id == bank.id, L.txn_date <= as_of, L.balance_paise.is_not(None))
        .order_by(L.txn_date.desc(), L.statement_id.desc(), L.line_no.desc()).limit(1)).first()
    if last is not None:
        return int(last[0])
    statement = session.scalars(select(BankStatement).where(
        BankStatement.bank_account_id == bank.id, BankStatement.opening_balance_paise.is_not(None),
        or_(BankStatement.date_from.is_(None), BankStatement.date_from <= as_of))
        .order_by(BankStatement.date_from.desc(), BankStatement.id.desc()).limit(1)).first()
    if statement is None:
        return None
    moved = session.execute(select(
        func.coalesce(func.sum(L.amount_paise).filter(L.direction == CREDIT), 0),
        func.coalesce(func.sum(L.amount_paise).filter(L.direction == DEBIT), 0))
        .where(L.statement_id == statement.id, L.txn_date <= as_of)).one()
    return statement.opening_balance_paise + int(moved[0]) - int(moved[1])


def _live_on(as_of: dt.date):
    return and_(Remittance.pay_in_date <= as_of,
                or_(Remittance.status != REVERSED, Remittance.reversal_date > as_of))


def _deposits(session: Session, bank: BankAccount, as_of: dt.date) -> list[Item]:
    """Remittances booked by ``as_of`` that the bank had not (all) credited by then."""
    L = BankStatementLine
    credited = (select(L.remittance_id, func.sum(L.amount_paise).label("paise"),
                       func.max(case((L.match_part.in_(NET_PARTS), 1), else_=0)).label("net"))
                .where(L.txn_date <= as_of, L.remittance_id.is_not(None)).group_by(L.remittance_id).subquery())
    netted = (select(Dishonour.remittance_id, func.sum(Dishonour.amount_paise).label("paise"))
              .where(Dishonour.dishonour_date <= as_of).group_by(Dishonour.remittance_id).subquery())
    rows = session.execute(
        select(Remittance, func.coalesce(credited.c.paise, 0), func.coalesce(credited.c.net, 0),
               func.coalesce(netted.c.paise, 0))
        .outerjoin(credited, credited.c.remittance_id == Remittance.id)
        .outerjoin(netted, netted.c.remittance_id == Remittance.id)
        .where(Remittance.bank_account_id == bank.id, _live_on(as_of))
        .order_by(Remittance.pay_in_date, Remittance.id)).all()
    items = []
    for remittance, paid, net, dishonoured in rows:
        waiting = remittance.amount_paise - int(paid) - (int(dishonoured) if net else 0)
        if waiting > 0:
            items.append(Item(remittance.pay_in_date, remittance.pay_in_slip,
                              f"pay-in slip {remittance.pay_in_slip}: {remittance.receipt_count} receipt(s)",
                              waiting, remittance_id=remittance.id))
    return items


def _dishonours(session: Session, bank: BankAccount, as_of: dt.date) -> list[Item]:
    """Returned cheques booked by ``as_of`` whose debit the bank had not shown by then."""
    L = BankStatementLine
    debited = select(L.dishonour_id).where(L.dishonour_id.is_not(None), L.txn_date <= as_of)
    netted = select(L.remittance_id).where(L.match_part.in_(NET_PARTS), L.txn_date <= as_of)
    rows = session.execute(
        select(Dishonour, Instrument.number, Instrument.instrument_type)
        .join(Instrument, Instrument.id == Dishonour.instrument_id)
        .where(Dishonour.bank_account_id == bank.id, Dishonour.dishonour_date <= as_of,
               Dishonour.id.not_in(debited), Dishonour.remittance_id.not_in(netted))
        .order_by(Dishonour.dishonour_date, Dishonour.id)).all()
    return [Item(d.dishonour_date, number or str(d.instrument_id), f"{kind} {number} returned: {d.reason}",
                 d.amount_paise, dishonour_id=d.id) for d, number, kind in rows]


def _lines(session: Session, bank: BankAccount, as_of: dt.date, direction: str) -> list[Item]:
    """The bank's lines by ``as_of`` that match nothing booked by then."""
    L = BankStatementLine
    booked_later = or_(
        L.remittance_id.in_(select(Remittance.id).where(Remittance.pay_in_date > as_of)),
        L.dishonour_id.in_(select(Dishonour.id).where(Dishonour.dishonour_date > as_of)),
        L.voucher_id.in_(select(Voucher.id).where(Voucher.voucher_date > as_of)))
    unmatched = and_(L.remittance_id.is_(None), L.dishonour_id.is_(None), L.voucher_id.is_(None))
    rows = session.scalars(select(L).where(L.bank_account_id == bank.id, L.direction == direction,
                                           L.txn_date <= as_of, or_(unmatched, booked_later))
                           .order_by(L.txn_date, L.id)).all()
    return [Item(line.txn_date, line.reference or "", line.description or "", line.amount_paise, line_id=line.id)
            for line in rows]


def unmatched_lines(session: Session, tenant_id: str, bank_account: str, date_from: dt.date | None = None,
                    date_to: dt.date | None = None) -> list[BankStatementLine]:
    """Statement lines waiting for a match (for manual matching), oldest first."""
    bank = find_bank_account(session, tenant_id, bank_account, active=False)
    L = BankStatementLine
    conditions = [L.bank_account_id == bank.id, L.remittance_id.is_(None), L.dishonour_id.is_(None),
                  L.voucher_id.is_(None)]
    if date_from:
        conditions.append(L.txn_date >= date_from)
    if date_to:
        conditions.append(L.txn_date <= date_to)
    return list(session.scalars(select(L).where(*conditions).order_by(L.txn_date, L.id)))
