"""Reversing a remittance the bank has not confirmed: the money is back in hand.

The exact mirror of the contra voucher is posted (``vouchers.reverse``), the receipts go
back to APPROVED and their instruments to NEW, so they can be remitted again (to the right
account, with the right slip). Once a statement line confirms any of the remittance, or a
cheque of it has bounced, the books and the bank agree on it and it cannot be undone.

Batch by batch, in receipt id order, the receipts are locked, checked and set back to
APPROVED; then the reversal is posted and the instruments go back to NEW in one UPDATE.

Lock order: the remittance, then its receipts by id (in batches), then the voucher series.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.bank.models import BankStatementLine
from collection.receipts.models import (
    APPROVED,
    DEPOSITED,
    NEW,
    Instrument,
    Receipt,
)
from collection.receipts.models import (
    RECONCILED as INSTRUMENT_RECONCILED,
)
from collection.receipts.models import (
    REMITTED as RECEIPT_REMITTED,
)
from collection.remittance.models import RECONCILED, REVERSED, Dishonour, Remittance, RemittanceItem
from collection.remittance.remit import (
    BATCH_SIZE,
    Progress,
    instruments_of,
)
from ledger.db import expire_loaded, tenant_row
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.models import Voucher
from vouchers import posting


def get_remittance(session: Session, tenant_id: str, remittance_id: int, *, lock: bool = False) -> Remittance:
    remittance = tenant_row(session, Remittance, tenant_id, remittance_id, lock=lock)
    if remittance is None:
        raise NotFound(f"no remittance {remittance_id} in {tenant_id}", code="REMITTANCE_NOT_FOUND")
    return remittance


def reverse_remittance(session: Session, tenant_id: str, remittance_id: int, reason: str, actor: Actor, *,
                       on: dt.date | None = None, today: dt.date | None = None,
                       batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> Remittance:
    """Undo remittance ``remittance_id`` dated ``on`` (default today, or its own date if later)."""
    why = (reason or "").strip()
    if not why:
        raise ValidationError("say why the remittance is reversed", code="REASON_REQUIRED", field="reason")
    remittance = get_remittance(session, tenant_id, remittance_id, lock=True)
    if remittance.status == REVERSED:
        raise Conflict(f"remittance {remittance_id} is already reversed", code="REMITTANCE_ALREADY_REVERSED")
    confirmed = session.scalar(select(func.count()).select_from(BankStatementLine)
                               .where(BankStatementLine.remittance_id == remittance.id))
    if remittance.status == RECONCILED or confirmed:
        raise Conflict(f"the bank has confirmed remittance {remittance_id} (slip {remittance.pay_in_slip}); "
                       "it cannot be reversed", code="REMITTANCE_RECONCILED")
    if session.scalar(select(Dishonour.id).where(Dishonour.remittance_id == remittance.id).limit(1)):
        raise Conflict(f"a cheque of remittance {remittance_id} has been dishonoured; it cannot be reversed",
                       code="REMITTANCE_HAS_DISHONOUR")
    day = on or max(today or dt.date.today(), remittance.pay_in_date)
    back = _give_back_receipts(session, remittance, batch_size, progress)
    if back != remittance.receipt_count:
        raise Conflict(f"some receipts of remittance {remittance_id} are no longer REMITTED",
                       code="RECEIPT_STATE")

    voucher = session.get(Voucher, remittance.voucher_id)
    reversal = posting.reverse(session, voucher, day, f"remittance slip {remittance.pay_in_slip} reversed: {why}",
                               created_by=actor.name[:100], source_ref=f"remittance:{remittance.id}")
    i = Instrument.__table__.c
    session.connection().execute(update(Instrument.__table__)
                                 .where(i.id.in_(instruments_of(remittance.id)),
                                        i.status.in_((DEPOSITED, INSTRUMENT_RECONCILED)))
                                 .values(status=NEW))
    expire_loaded(session, Receipt, Instrument)
    remittance.status, remittance.reversal_voucher_id, remittance.reversal_date = REVERSED, reversal.id, day
    remittance.reversal_reason, remittance.reversed_by, remittance.reversed_at = why, actor.name, actor.clock()
    audit.record(session, actor, "remittance.reverse", tenant_id=tenant_id, entity_type="remittance",
                 entity_id=str(remittance.id), before={"status": "REMITTED"},
                 after={"status": REVERSED, "reason": why, "reversal": reversal.number})
    session.flush()
    return remittance


def _give_back_receipts(session: Session, remittance: Remittance, batch_size: int,
                        progress: Progress | None) -> int:
    """Lock the remittance's receipts in id order a batch at a time, check they are still
    REMITTED, and set them back to APPROVED; return how many."""
    connection = session.connection()
    r = Receipt.__table__.c
    items = RemittanceItem.__table__.c
    after, count = 0, 0
    while True:
        rows = connection.execute(select(r.id, r.status)
                                  .select_from(RemittanceItem.__table__.join(Receipt.__table__,
                                                                             r.id == items.receipt_id))
                                  .where(items.remittance_id == remittance.id, items.receipt_id > after,
                                         r.id > after)  # both sides, whichever the join starts from
                                  .order_by(items.receipt_id).limit(batch_size)
                                  .with_for_update(of=Receipt.__table__)).all()
        if not rows:
            return count
        moved = next((status for _, status in rows if status != RECEIPT_REMITTED), None)
        if moved is not None:
            raise Conflict(f"a receipt of remittance {remittance.id} is now {moved}; it cannot be reversed",
                           code="RECEIPT_STATE")
        ids = [id_ for id_, _ in rows]
        count += connection.execute(update(Receipt.__table__).where(r.id.in_(ids))
                                    .values(status=APPROVED)).rowcount
        after = ids[-1]
        if progress is not None:
            progress(len(rows))
        if len(rows) < batch_size:
            return count
