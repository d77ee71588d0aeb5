"""A deposited cheque or DD came back unpaid: undo its receipts in the books and on the bills.

One journal voucher reverses every receipt the instrument paid: each income head is debited
exactly as the receipt credited it (rebates and advances mirrored too), and the bank the
cheque was paid into is credited where the receipt had debited cheques-in-hand (the
remittance already moved it to the bank). The receipts become INSTR_BOUNCED, the
instrument DISHONOURED, and each bill gets back, head by head, what those receipts had paid,
so it can be paid again. Optionally the payer is billed the service's cheque-bounce penalty.

A cheque still in hand never reached the bank: cancel its receipts instead.
Lock order: bills by id, then receipts by id, then the instrument, then the voucher series.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.bills.models import Bill
from collection.models import BankAccount
from collection.receipts.models import (
    CANCELLED,
    DEPOSITED,
    DISHONOURED,
    INSTR_BOUNCED,
    NEW,
    RECONCILED,
    Instrument,
    Receipt,
)
from collection.receipts.models import (
    REMITTED as RECEIPT_REMITTED,
)
from collection.remittance.models import (
    CHEQUE_TYPES,
    REVERSED,
    Dishonour,
    Remittance,
    RemittanceItem,
)
from collection.receipts import payments
from collection.remittance.penalty import raise_penalty_bill
from ledger.db import tenant_row
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.journal import LineDraft
from ledger.models import GlAccount
from vouchers import posting
from vouchers.types import JOURNAL


class Dishonoured(NamedTuple):
    dishonour: Dishonour
    receipts: list[Receipt]
    voucher_number: str
    penalty_bill: Bill | None


def dishonour(session: Session, tenant_id: str, instrument_id: int, reason: str, actor: Actor, *,
              on: dt.date | None = None, today: dt.date | None = None, penalty: bool = True) -> Dishonoured:
    """Book the return of deposited cheque/DD ``instrument_id`` on ``on`` (default today)."""
    why = (reason or "").strip()
    if not why:
        raise ValidationError("say why the bank returned it (e.g. funds insufficient)", code="REASON_REQUIRED",
                              field="reason")
    today = today or dt.date.today()
    day = on or today
    if day > today:
        raise ValidationError(f"a dishonour cannot be dated after today ({today})", code="DISHONOUR_DATE_FUTURE",
                              field="date")
    instrument = _instrument(session, tenant_id, instrument_id)
    _check_dishonourable(instrument)
    receipt_ids, bill_ids = _receipts_and_bills(session, instrument)
    bills = {bill.id: bill for bill in _lock(session, Bill, bill_ids)}
    receipts = _lock(session, Receipt, receipt_ids)
    instrument = _instrument(session, tenant_id, instrument_id, lock=True)
    _check_dishonourable(instrument)  # again, under the locks
    if not receipts or any(r.status != RECEIPT_REMITTED for r in receipts):
        raise Conflict(f"the receipts of {_label(instrument)} are not all remitted", code="INSTRUMENT_NOT_DEPOSITED")
    remittance, bank = _remittance(session, instrument)
    if day < remittance.pay_in_date:
        raise ValidationError(f"{_label(instrument)} was deposited on {remittance.pay_in_date}; it cannot have "
                              f"bounced on {day}", code="DISHONOUR_BEFORE_DEPOSIT", field="date")

    bank_gl = session.scalar(select(GlAccount.glcode).where(GlAccount.id == bank.gl_account_id))
    lines = [line for receipt in receipts for line in _undo_lines(session, receipt, bank_gl)]
    voucher = posting.post(session, tenant_id, JOURNAL.code, day, lines,
                           narration=f"Dishonour of {_label(instrument)} ({instrument.bank_name}), deposited "
                                     f"with slip {remittance.pay_in_slip}: {why}",
                           source_ref=f"dishonour:{instrument.id}", created_by=actor.name[:100])
    for receipt in receipts:
        receipt.status, receipt.reversal_voucher_id = INSTR_BOUNCED, voucher.id
        payments.give_back(session, bills[receipt.bill_id], receipt)
    instrument.status = DISHONOURED
    penalty_bill = raise_penalty_bill(session, receipts[0], instrument, day, actor) if penalty else None
    record = Dishonour(tenant_id=tenant_id, instrument_id=instrument.id, remittance_id=remittance.id,
                       bank_account_id=bank.id, dishonour_date=day, reason=why,
                       amount_paise=sum(r.amount_paise for r in receipts), voucher_id=voucher.id,
                       penalty_bill_id=penalty_bill.id if penalty_bill else None, created_by=actor.name)
    session.add(record)
    audit.record(session, actor, "instrument.dishonour", tenant_id=tenant_id, entity_type="instrument",
                 entity_id=str(instrument.id), before={"status": DEPOSITED},
                 after={"status": DISHONOURED, "reason": why, "journal": voucher.number,
                        "receipts": [r.number for r in receipts],
                        "penalty_bill": penalty_bill.ref_no if penalty_bill else None})
    session.flush()
    return Dishonoured(record, list(receipts), voucher.number, penalty_bill)


def _label(instrument: Instrument) -> str:
    kind = {"dd": "DD", "postal_order": "postal order"}.get(instrument.instrument_type, instrument.instrument_type)
    return f"{kind} {instrument.number}" if instrument.number else f"{kind} #{instrument.id}"


def _instrument(session: Session, tenant_id: str, instrument_id: int, *, lock: bool = False) -> Instrument:
    instrument = tenant_row(session, Instrument, tenant_id, instrument_id, lock=lock)
    if instrument is None:
        raise NotFound(f"no instrument {instrument_id} in {tenant_id}", code="INSTRUMENT_NOT_FOUND")
    return instrument


def _check_dishonourable(instrument: Instrument) -> None:
    if instrument.instrument_type not in CHEQUE_TYPES:
        raise Conflict(f"a {instrument.instrument_type} payment cannot bounce; only cheques, DDs and postal "
                       "orders are dishonoured (cancel the receipt instead)", code="INSTRUMENT_NOT_DISHONOURABLE")
    if instrument.status == NEW:
        raise Conflict(f"{_label(instrument)} has not been deposited; cancel its receipts instead of "
                       "dishonouring it", code="INSTRUMENT_NOT_DEPOSITED")
    if instrument.status == DISHONOURED:
        raise Conflict(f"{_label(instrument)} is already dishonoured", code="INSTRUMENT_ALREADY_DISHONOURED")
    if instrument.status == CANCELLED:
        raise Conflict(f"{_label(instrument)} is cancelled", code="INSTRUMENT_CANCELLED")
    if instrument.status not in (DEPOSITED, RECONCILED):  # pragma: no cover - every state is named above
        raise Conflict(f"{_label(instrument)} is {instrument.status}", code="INSTRUMENT_STATE")


def _receipts_and_bills(session: Session, instrument: Instrument) -> tuple[list[int], list[int]]:
    rows = session.execute(select(Receipt.id, Receipt.bill_id).where(
        Receipt.instrument_id == instrument.id, Receipt.status != CANCELLED)).all()
    return sorted(r[0] for r in rows), sorted({r[1] for r in rows})


def _lock(session: Session, model, ids: list[int]) -> list:
    """Rows of ``model`` by id, locked in id order, read afresh under the lock."""
    return list(session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id).with_for_update()
                                .execution_options(populate_existing=True)))


def _remittance(session: Session, instrument: Instrument) -> tuple[Remittance, BankAccount]:
    """The live remittance that carried the instrument, and its bank account."""
    remittance = session.scalars(
        select(Remittance).join(RemittanceItem, RemittanceItem.remittance_id == Remittance.id)
        .where(RemittanceItem.instrument_id == instrument.id, Remittance.status != REVERSED).limit(1)).first()
    if remittance is None:
        raise Conflict(f"{_label(instrument)} is in no live remittance", code="INSTRUMENT_NOT_DEPOSITED")
    return remittance, session.get(BankAccount, remittance.bank_account_id)


def _undo_lines(session: Session, receipt: Receipt, bank_gl: str) -> list[LineDraft]:
    """The receipt voucher mirrored, its holding line (line 1) moved to the bank's own head."""
    lines = []
    for n, line in enumerate(posting.voucher_lines(session, receipt.voucher_id), start=1):
        mirror = line._replace(debit=line.credit, credit=line.debit,
                               narration=f"{receipt.number}: {line.narration or 'reversed'}")
        lines.append(mirror._replace(glcode=bank_gl, narration=f"{receipt.number}: returned unpaid")
                     if n == 1 else mirror)
    return lines
