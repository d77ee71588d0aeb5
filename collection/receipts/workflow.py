"""What happens to a receipt after it is made: submission, approval, rejection, cancellation,
and the few corrections that do not touch money.

With a service's ``submit-approve`` workflow a receipt starts TO_BE_SUBMITTED;
the cashier submits it (one, many, or the whole day at counter close), an
approver other than the collector approves or rejects it with a reason, and a
rejected receipt goes back to the cashier to resubmit or to be cancelled.
Cancellation, by an approver, with a reason and only before remittance, posts
the exact reversal of the receipt voucher and gives the bill its outstanding
back head by head; the number is never reused.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collection import audit, calendar
from collection.audit import Actor
from collection.bills.models import Bill
from collection.receipts.models import (
    APPROVED, CANCELLED, REJECTED, SUBMITTED, TO_BE_SUBMITTED, Instrument, Receipt, ReceiptHead,
)
from collection.receipts import payments
from collection.service_master import Service
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.models import Voucher
from vouchers import posting

CANCELLABLE = (TO_BE_SUBMITTED, SUBMITTED, APPROVED, REJECTED)
CORRECTABLE = ("payer_name", "payer_address", "narration", "manual_receipt_number", "manual_receipt_date")


def get_receipt(session: Session, tenant_id: str, number: str, *, lock: bool = False) -> Receipt:
    query = select(Receipt).where(Receipt.tenant_id == tenant_id, Receipt.number == number)
    receipt = session.scalars(query.with_for_update() if lock else query).first()
    if receipt is None:
        raise NotFound(f"no receipt {number!r} in {tenant_id}", code="RECEIPT_NOT_FOUND")
    return receipt


def _need(receipt: Receipt, allowed: Sequence[str], action: str) -> None:
    if receipt.status not in allowed:
        raise Conflict(f"receipt {receipt.number} is {receipt.status}; only {' or '.join(allowed)} receipts "
                       f"can be {action}", code="RECEIPT_STATE", field="status")


def _reason(reason: str | None, action: str) -> str:
    if not reason or not reason.strip():
        raise ValidationError(f"say why the receipt is {action}", code="REASON_REQUIRED", field="reason")
    return reason.strip()


def submit(session: Session, tenant_id: str, numbers: Sequence[str], actor: Actor) -> list[Receipt]:
    """Hand receipts to the approver (TO_BE_SUBMITTED or REJECTED → SUBMITTED)."""
    receipts = _locked(session, tenant_id, numbers)
    for receipt in receipts:
        _need(receipt, (TO_BE_SUBMITTED, REJECTED), "submitted")
        before = receipt.status
        receipt.status, receipt.submitted_by, receipt.submitted_at = SUBMITTED, actor.name, actor.clock()
        receipt.rejection_reason = None
        audit.record(session, actor, "receipt.submit", tenant_id=tenant_id, entity_type="receipt",
                     entity_id=receipt.number, before={"status": before}, after={"status": SUBMITTED})
    session.flush()
    return receipts


def submit_day(session: Session, tenant_id: str, collector: str, day: dt.date, actor: Actor) -> list[Receipt]:
    """Counter close: submit everything ``collector`` collected on ``day`` that still waits."""
    numbers = session.scalars(select(Receipt.number).where(
        Receipt.tenant_id == tenant_id, Receipt.collected_by == collector, Receipt.receipt_date == day,
        Receipt.status.in_((TO_BE_SUBMITTED, REJECTED))).order_by(Receipt.id)).all()
    return submit(session, tenant_id, numbers, actor) if numbers else []


def approve(session: Session, tenant_id: str, numbers: Sequence[str], actor: Actor) -> list[Receipt]:
    """SUBMITTED → APPROVED, by someone other than the collector; posts deferred vouchers."""
    receipts = _locked(session, tenant_id, numbers)
    for receipt in receipts:
        _need(receipt, (SUBMITTED,), "approved")
        _not_own(receipt, actor, "approve")
        if receipt.voucher_id is None and receipt.amount_paise:
            receipt.voucher_id = _post_deferred(session, receipt, actor)
        receipt.status, receipt.approved_by, receipt.approved_at = APPROVED, actor.name, actor.clock()
        audit.record(session, actor, "receipt.approve", tenant_id=tenant_id, entity_type="receipt",
                     entity_id=receipt.number, before={"status": SUBMITTED}, after={"status": APPROVED})
    session.flush()
    return receipts


def reject(session: Session, tenant_id: str, numbers: Sequence[str], reason: str, actor: Actor) -> list[Receipt]:
    """SUBMITTED → REJECTED: back to the cashier with the approver's reason."""
    why = _reason(reason, "rejected")
    receipts = _locked(session, tenant_id, numbers)
    for receipt in receipts:
        _need(receipt, (SUBMITTED,), "rejected")
        _not_own(receipt, actor, "reject")
        receipt.status, receipt.rejection_reason = REJECTED, why
        audit.record(session, actor, "receipt.reject", tenant_id=tenant_id, entity_type="receipt",
                     entity_id=receipt.number, before={"status": SUBMITTED},
                     after={"status": REJECTED, "reason": why})
    session.flush()
    return receipts


class Cancellation(NamedTuple):
    receipt: Receipt
    reversal_number: str | None
    #: paise of the instrument no longer covered by live receipts (multi-bill payments)
    instrument_shortfall: int


def cancel(session: Session, tenant_id: str, number: str, reason: str, actor: Actor, *,
           today: dt.date | None = None) -> Cancellation:
    """Cancel a receipt before remittance: reverse its voucher, restore the bill's outstanding."""
    why = _reason(reason, "cancelled")
    receipt = get_receipt(session, tenant_id, number, lock=True)
    _need(receipt, CANCELLABLE, "cancelled")
    _not_own(receipt, actor, "cancel", code="SELF_CANCELLATION", field="number")
    bill = session.scalars(select(Bill).where(Bill.id == receipt.bill_id).with_for_update()).one()
    reversal = None
    if receipt.voucher_id is not None:
        voucher = session.get(Voucher, receipt.voucher_id)
        day = max(today or calendar.today(), voucher.voucher_date)
        reversal = posting.reverse(session, voucher, day, f"receipt {number} cancelled: {why}",
                                   created_by=actor.name[:100], source_ref=f"receipt:{number}")
        receipt.reversal_voucher_id = reversal.id
    payments.give_back(session, bill, receipt)
    before = receipt.status
    receipt.status, receipt.cancel_reason = CANCELLED, why
    receipt.cancelled_by, receipt.cancelled_at = actor.name, actor.clock()
    session.flush()
    instrument = session.get(Instrument, receipt.instrument_id)
    live = session.scalar(select(func.coalesce(func.sum(Receipt.amount_paise), 0)).where(
        Receipt.instrument_id == instrument.id, Receipt.status != CANCELLED))
    if live == 0:
        instrument.status = CANCELLED
    audit.record(session, actor, "receipt.cancel", tenant_id=tenant_id, entity_type="receipt", entity_id=number,
                 before={"status": before}, after={"status": CANCELLED, "reason": why,
                                                   "reversal": reversal.number if reversal else None})
    session.flush()
    return Cancellation(receipt, reversal.number if reversal else None, instrument.amount_paise - live)


def correct(session: Session, tenant_id: str, number: str, changes: dict, actor: Actor) -> Receipt:
    """Correct what does not touch money (payer, narration, manual receipt number and date), audited."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(f"only {', '.join(CORRECTABLE)} can be corrected on a receipt; "
                              f"not {', '.join(sorted(unknown))}", code="RECEIPT_FIELD_IMMUTABLE",
                              field=sorted(unknown)[0])
    if "payer_name" in changes and not (changes["payer_name"] or "").strip():
        raise ValidationError("the payer's name cannot be blank", code="PAYER_NAME_REQUIRED", field="payer_name")
    receipt = get_receipt(session, tenant_id, number, lock=True)
    before = {k: _plain(getattr(receipt, k)) for k in changes if getattr(receipt, k) != changes[k]}
    if not before:
        return receipt
    for key in before:
        setattr(receipt, key, changes[key])
    audit.record(session, actor, "receipt.correct", tenant_id=tenant_id, entity_type="receipt", entity_id=number,
                 before=before, after={k: _plain(changes[k]) for k in before})
    session.flush()
    return receipt


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _locked(session: Session, tenant_id: str, numbers: Sequence[str]) -> list[Receipt]:
    if not numbers:
        raise ValidationError("name at least one receipt", code="NO_RECEIPTS", field="numbers")
    found = {r.number: r for r in session.scalars(
        select(Receipt).where(Receipt.tenant_id == tenant_id, Receipt.number.in_(set(numbers)))
        .order_by(Receipt.id).with_for_update())}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise NotFound(f"no receipt {missing[0]!r} in {tenant_id}", code="RECEIPT_NOT_FOUND")
    return [found[n] for n in dict.fromkeys(numbers)]


def _not_own(receipt: Receipt, actor: Actor, verb: str, *, code: str = "SELF_APPROVAL",
             field: str = "numbers") -> None:
    """Segregation of duties: whoever collected a receipt never approves, rejects or cancels it."""
    if receipt.collected_by == actor.name:
        raise Conflict(f"{actor.name} collected receipt {receipt.number} and cannot {verb} it; another "
                       "approver must", code=code, field=field)


def _post_deferred(session: Session, receipt: Receipt, actor: Actor) -> int | None:
    """The receipt voucher of a service that posts on approval."""
    bill = session.get(Bill, receipt.bill_id)
    service = session.get(Service, receipt.service_id)
    instrument = session.get(Instrument, receipt.instrument_id)
    shares = session.scalars(select(ReceiptHead).where(ReceiptHead.receipt_id == receipt.id)
                             .order_by(ReceiptHead.line_no)).all()
    codes = payments.bill_codes(session, bill, service, instrument)
    posted = payments.post_receipt_voucher(session, receipt, codes, shares, instrument.instrument_type, actor)
    return posted.id if posted else None
