"""Remitting receipts to a bank account: one pay-in slip, one balanced contra voucher.

One transaction, in memory bounded by the batch size whatever the number of receipts:

1. check the request, the bank account and the selection; refuse a slip number in use;
2. batch by batch, in receipt id order, lock the selected receipts (``FOR UPDATE``), copy
   them into ``remittance_items`` with one ``INSERT … SELECT`` and mark them REMITTED with
   one ``UPDATE`` of the ids it returned: only the batch's ids come to Python;
3. sum what the receipt vouchers debited per holding account and segments (one GROUP BY),
   refuse receipts of another fund than the bank account's, and post Dr bank / Cr cash- and
   cheques-in-hand as one CONTRA voucher through ``vouchers.post``;
4. mark the instruments whose money has all gone RECONCILED (cash: counted at the counter)
   or DEPOSITED (cheques and DDs wait for clearing), and refuse a cheque deposited without
   all of its receipts.

What makes it cheap is the schema (migrations 0004 and 0005): the receipts' status is only
in the predicate of the approved receipts' partial index, which finds the batches; the
instruments' status is in no index and their pages keep room, so on PostgreSQL their status
changes are HOT updates; and the immutability triggers only fire for the columns they guard.

Lock order, as everywhere in rasid: receipts by id, then the voucher series (the ledger's).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import BigInteger, and_, case, exists, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.models import BankAccount
from collection.receipts.models import (
    APPROVED,
    DEPOSITED,
    NEW,
    RECONCILED,
    REJECTED,
    SUBMITTED,
    TO_BE_SUBMITTED,
    Instrument,
    Receipt,
)
from collection.receipts.models import (
    REMITTED as RECEIPT_REMITTED,
)
from collection.remittance import selection as chosen
from collection.remittance.models import CASH_TYPES, REMITTED, REVERSED, Remittance, RemittanceItem
from collection.remittance.selection import ReceiptSelection
from ledger.db import expire_loaded
from ledger.errors import Conflict, NotFound, RasidError, ValidationError
from ledger.journal import SEGMENTS, LineDraft
from ledger.models import GlAccount, VoucherLine
from vouchers import posting
from vouchers.types import CONTRA

BATCH_SIZE = 5000
#: Receipt states that still hold part of an instrument's money at the counter.
UNREMITTED = (TO_BE_SUBMITTED, SUBMITTED, APPROVED, REJECTED)
Progress = Callable[[int], None]


class RemittanceIn(NamedTuple):
    bank_account: str        #: the bank account's code (SBI-MAIN)
    pay_in_slip: str         #: the slip's number, as the bank will quote it
    pay_in_date: dt.date     #: the day the money was paid in; the contra voucher's date
    selection: ReceiptSelection = ReceiptSelection()


class Remitted(NamedTuple):
    remittance: Remittance
    voucher_number: str


def remit(session: Session, tenant_id: str, request: RemittanceIn, actor: Actor, *,
          today: dt.date | None = None, batch_size: int = BATCH_SIZE,
          progress: Progress | None = None) -> Remitted:
    """Remit the receipts ``request`` selects; ``progress(n)`` hears of each batch of n receipts."""
    today = today or dt.date.today()
    slip = _slip(request.pay_in_slip)
    if request.pay_in_date > today:
        raise ValidationError(f"the pay-in slip is dated {request.pay_in_date}, after today ({today})",
                              code="REMITTANCE_DATE_FUTURE", field="pay_in_date")
    bank = find_bank_account(session, tenant_id, request.bank_account)
    conditions = chosen.check(session, tenant_id, request.selection)
    if request.selection.fund is not None and chosen.fund_id(session, tenant_id,
                                                             request.selection.fund) != bank.fund_id:
        raise ValidationError(f"bank account {bank.code} belongs to another fund than "
                              f"{request.selection.fund}", code="REMITTANCE_FUND_MISMATCH", field="fund")
    conditions.append(Receipt.receipt_date <= request.pay_in_date)
    if session.scalar(select(Remittance.id).where(
            Remittance.tenant_id == tenant_id, Remittance.bank_account_id == bank.id,
            Remittance.pay_in_slip == slip, Remittance.status != REVERSED)) is not None:
        raise Conflict(f"pay-in slip {slip} was already used for {bank.code}", code="PAY_IN_SLIP_USED",
                       field="pay_in_slip")

    remittance = Remittance(tenant_id=tenant_id, bank_account_id=bank.id, fund_id=bank.fund_id,
                            pay_in_slip=slip, pay_in_date=request.pay_in_date, status=REMITTED,
                            receipt_count=0, cash_paise=0, cheque_paise=0, amount_paise=0,
                            remitted_by=actor.name)
    session.add(remittance)
    try:
        session.flush()
    except IntegrityError:  # a concurrent remittance took the slip first
        raise Conflict(f"pay-in slip {slip} was already used for {bank.code}", code="PAY_IN_SLIP_USED",
                       field="pay_in_slip") from None

    count = _remit_receipts(session, remittance.id, conditions, batch_size, progress)
    expire_loaded(session, Receipt)
    wanted = set(request.selection.receipts)
    if wanted and count != len(wanted):
        chosen.explain_missing(session, tenant_id, sorted(wanted - _numbers(session, remittance.id, wanted)),
                               request.pay_in_date)
        raise ValidationError("some of the receipts named do not match the other filters",
                              code="RECEIPT_NOT_SELECTED", field="receipts")
    if count == 0:
        raise ValidationError("no approved cash, cheque or DD receipts match the selection",
                              code="NOTHING_TO_REMIT", field="selection")
    cash, cheque, instruments = _totals(session, remittance.id)
    lines = _contra_lines(session, remittance.id, bank, count, cash + cheque)
    voucher = posting.post(session, tenant_id, CONTRA.code, request.pay_in_date, lines,
                           narration=f"Remittance to {bank.code} ({bank.bank_name}), pay-in slip {slip}: "
                                     f"{count} receipt(s)",
                           source_ref=f"remittance:{remittance.id}", created_by=actor.name[:100])
    _mark_instruments(session, remittance.id, instruments)
    remittance.receipt_count, remittance.cash_paise, remittance.cheque_paise = count, cash, cheque
    remittance.amount_paise, remittance.voucher_id = cash + cheque, voucher.id
    audit.record(session, actor, "remittance.create", tenant_id=tenant_id, entity_type="remittance",
                 entity_id=str(remittance.id),
                 after={"bank_account": bank.code, "pay_in_slip": slip, "date": request.pay_in_date.isoformat(),
                        "receipts": count, "amount_paise": cash + cheque, "voucher": voucher.number})
    session.flush()
    return Remitted(remittance, voucher.number)


def find_bank_account(session: Session, tenant_id: str, code: str, *, active: bool = True) -> BankAccount:
    account = session.scalars(select(BankAccount).where(BankAccount.tenant_id == tenant_id,
                                                        BankAccount.code == code)).first()
    if account is None:
        raise NotFound(f"no bank account {code!r} in {tenant_id}", code="BANK_ACCOUNT_NOT_FOUND",
                       field="bank_account")
    if active and not account.active:
        raise Conflict(f"bank account {code} is inactive", code="BANK_ACCOUNT_INACTIVE", field="bank_account")
    return account


def instruments_of(remittance_id: int):
    """``SELECT instrument_id FROM remittance_items WHERE remittance_id = …`` as a subquery."""
    return select(RemittanceItem.instrument_id).where(RemittanceItem.remittance_id == remittance_id)


def _slip(value: str) -> str:
    slip = (value or "").strip()
    if not slip or len(slip) > 32 or not slip.isprintable():
        raise ValidationError("give the pay-in slip number (1–32 characters)", code="PAY_IN_SLIP_INVALID",
                              field="pay_in_slip")
    return slip


_ITEM_COLUMNS = ["remittance_id", "receipt_id", "tenant_id", "instrument_id", "instrument_type", "amount_paise"]


def _remit_receipts(session: Session, remittance_id: int, conditions: list, batch_size: int,
                    progress: Progress | None) -> int:
    """Lock, copy and mark REMITTED the selected receipts, batch by batch (keyset on id)."""
    connection = session.connection()
    items = RemittanceItem.__table__.c
    receipts = Receipt.__table__
    after, count = 0, 0
    while True:
        batch = (chosen.joined([literal(remittance_id, BigInteger), Receipt.id, Receipt.tenant_id,
                                Receipt.instrument_id, Instrument.instrument_type, Receipt.amount_paise],
                               [*conditions, Receipt.id > after])
                 .order_by(Receipt.id).limit(batch_size).with_for_update(of=Receipt))
        ids = connection.execute(insert(RemittanceItem.__table__).from_select(_ITEM_COLUMNS, batch)
                                 .returning(items.receipt_id)).scalars().all()
        if not ids:
            return count
        # By the ids themselves: the planner knows nothing yet of the items just inserted.
        marked = connection.execute(update(receipts).where(receipts.c.id.in_(ids), receipts.c.status == APPROVED)
                                    .values(status=RECEIPT_REMITTED)).rowcount
        if marked != len(ids):  # cannot happen under the row locks; refuse rather than guess
            raise Conflict("receipts changed while they were remitted; try again", code="RECEIPT_STATE")
        count += len(ids)
        after = max(ids)
        if progress is not None:
            progress(len(ids))
        if len(ids) < batch_size:
            return count


def _numbers(session: Session, remittance_id: int, numbers: set[str]) -> set[str]:
    """Which of the receipt ``numbers`` the remittance carries."""
    return set(session.scalars(select(Receipt.number).join(RemittanceItem, RemittanceItem.receipt_id == Receipt.id)
                               .where(RemittanceItem.remittance_id == remittance_id,
                                      Receipt.number.in_(sorted(numbers)))))


def _totals(session: Session, remittance_id: int) -> tuple[int, int, int]:
    """Cash paise, cheque paise and the number of instruments the remittance carries."""
    is_cash = RemittanceItem.instrument_type.in_(CASH_TYPES)
    cash, cheque, instruments = session.execute(
        select(func.coalesce(func.sum(case((is_cash, RemittanceItem.amount_paise), else_=0)), 0),
               func.coalesce(func.sum(case((is_cash, 0), else_=RemittanceItem.amount_paise)), 0),
               func.count(func.distinct(RemittanceItem.instrument_id)))
        .where(RemittanceItem.remittance_id == remittance_id)).one()
    return int(cash), int(cheque), int(instruments)


_SEGMENT_IDS = [VoucherLine.fund_id, VoucherLine.function_id, VoucherLine.functionary_id,
                VoucherLine.department_id, VoucherLine.fund_source_id]


def _contra_lines(session: Session, remittance_id: int, bank: BankAccount, count: int,
                  amount: int) -> list[LineDraft]:
    """Dr the bank, Cr exactly what the receipt vouchers debited, per account and segments.

    Each receipt voucher's first line debits its holding account (cash-in-hand for cash,
    cheques-in-hand for cheques and DDs) with the receipt's amount; those lines, summed per
    account and segment combination, are what the remittance credits, and the bank is
    debited with the same segments, so every segment combination stays balanced.
    """
    groups = session.execute(
        select(VoucherLine.gl_account_id, *_SEGMENT_IDS, func.sum(VoucherLine.debit), func.count())
        .select_from(RemittanceItem)
        .join(Receipt, Receipt.id == RemittanceItem.receipt_id)
        .join(VoucherLine, and_(VoucherLine.voucher_id == Receipt.voucher_id, VoucherLine.line_no == 1))
        .where(RemittanceItem.remittance_id == remittance_id)
        .group_by(VoucherLine.gl_account_id, *_SEGMENT_IDS)).all()
    if sum(g[-1] for g in groups) != count or sum(int(g[-2]) for g in groups) != amount:
        raise RasidError("the receipt vouchers do not add up to the receipts selected; run rasid ledger check",
                         code="REMITTANCE_BOOKS_DISAGREE", status=409)
    codes = _codes(session, groups)
    other_funds = {codes["fund"][g[1]]: 0 for g in groups if g[1] != bank.fund_id}
    if other_funds:
        for g in groups:
            if g[1] != bank.fund_id:
                other_funds[codes["fund"][g[1]]] += int(g[-2])
        funds = ", ".join(f"fund {code} ({paise} paise)" for code, paise in sorted(other_funds.items()))
        raise ValidationError(f"receipts of {funds} cannot go to {bank.code}, an account of fund "
                              f"{codes['fund'].get(bank.fund_id) or bank.fund_id}; remit each fund to its own "
                              "bank account (select by fund)", code="REMITTANCE_FUND_MISMATCH", field="fund")
    bank_gl = session.scalar(select(GlAccount.glcode).where(GlAccount.id == bank.gl_account_id))
    debits: dict[tuple, int] = defaultdict(int)
    credits = []
    for gl_id, *segment_ids, paise, _n in groups:
        segments = tuple(codes[name][seg] for (name, _), seg in zip(SEGMENTS, segment_ids))
        debits[segments] += int(paise)
        credits.append(LineDraft(codes["gl"][gl_id], *segments, credit=int(paise), narration="remitted"))
    lines = [LineDraft(bank_gl, *segments, debit=paise, narration=f"pay-in to {bank.code}")
             for segments, paise in sorted(debits.items())]
    return lines + sorted(credits)


def _codes(session: Session, groups) -> dict[str, dict[int, str]]:
    """Codes of the ids in ``groups`` (the ledger posts codes), one query per kind."""
    out = {"gl": dict(session.execute(select(GlAccount.id, GlAccount.glcode).where(
        GlAccount.id.in_({g[0] for g in groups}))).all())}
    for n, (name, model) in enumerate(SEGMENTS, start=1):
        out[name] = dict(session.execute(select(model.id, model.code).where(
            model.id.in_({g[n] for g in groups}))).all())
    return out


def _mark_instruments(session: Session, remittance_id: int, instruments: int) -> None:
    """Instruments whose money has all gone: RECONCILED (cash) or DEPOSITED (cheques, DDs).

    An instrument's receipts add up to its amount, so one whose whole amount this remittance
    carries has nothing left at the counter: that is nearly every instrument, found by one
    join. The rest (a payment whose other receipts were cancelled, or wait for approval or
    another slip) are checked receipt by receipt. A cheque or DD is deposited whole: one of
    them still in hand afterwards means a receipt it paid was left out, which is refused.
    """
    connection = session.connection()
    i = Instrument.__table__.c
    r = Receipt.__table__.c
    here = (select(RemittanceItem.instrument_id, func.sum(RemittanceItem.amount_paise).label("paise"))
            .where(RemittanceItem.remittance_id == remittance_id)
            .group_by(RemittanceItem.instrument_id).subquery("here"))
    gone = case((i.instrument_type.in_(CASH_TYPES), RECONCILED), else_=DEPOSITED)
    marked = connection.execute(update(Instrument.__table__)
                                .where(i.id == here.c.instrument_id, i.status == NEW, i.amount_paise == here.c.paise)
                                .values(status=gone)).rowcount
    if marked < instruments:
        in_hand = exists().where(r.instrument_id == i.id, r.status.in_(UNREMITTED))
        marked += connection.execute(update(Instrument.__table__)
                                     .where(i.id == here.c.instrument_id, i.status == NEW,
                                            i.amount_paise != here.c.paise, ~in_hand)
                                     .values(status=gone)).rowcount
    if marked < instruments:
        _refuse_split_cheques(session, remittance_id)
    expire_loaded(session, Instrument)


def _refuse_split_cheques(session: Session, remittance_id: int) -> None:
    """A cheque is deposited whole: every live receipt it paid must travel with it."""
    r = Receipt.__table__.c
    left_behind = session.execute(
        select(r.number, r.status)
        .select_from(RemittanceItem.__table__.join(Instrument.__table__,
                                                   Instrument.id == RemittanceItem.instrument_id)
                     .join(Receipt.__table__, r.instrument_id == Instrument.id))
        .where(RemittanceItem.remittance_id == remittance_id, Instrument.instrument_type.not_in(CASH_TYPES),
               Instrument.status == NEW, r.status.in_(UNREMITTED))
        .order_by(r.id).limit(1)).first()
    if left_behind is not None:
        number, status = left_behind
        raise Conflict(f"the cheque or DD also paid receipt {number} ({status}), which is not selected; a "
                       "cheque is deposited whole: approve and select all its receipts",
                       code="INSTRUMENT_PARTLY_SELECTED", field="selection")
