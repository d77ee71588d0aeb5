"""Collecting a payment: one instrument, one or more bills, one receipt per bill.

All or nothing, in the caller's transaction:

1. check the request on its own (amounts, instrument fields) – no database;
2. find the bills and lock them, in id order (``SELECT … FOR UPDATE`` on
   PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so two
   payments for one bill queue and the second sees what the first collected;
3. replay an earlier payment with the same idempotency key (checked *after* the
   locks, so a retry racing its original finds it instead of paying twice);
4. check each bill's rules (state, outstanding, part payment, minimum, modes);
5. number the receipts from the tenant's gapless receipt series, apportion
   each amount over the bill's heads, post each receipt voucher through
   ``vouchers.post`` and advance the heads' paid amounts.

Lock order everywhere in rasid: bills by id, then the receipt series, then the
voucher series (taken by the ledger), so writers queue instead of deadlocking.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from collection import audit, calendar
from collection.audit import Actor, utcnow
from collection.bills.models import Bill, BillAccount
from collection.models import BankAccount
from collection.receipts.apportion import Apportionment, Head, apportion, outstanding
from collection.receipts.instruments import InstrumentIn, check_instrument
from collection.receipts.models import (
    APPROVED, COLLECTION_TYPES, TO_BE_SUBMITTED, Instrument, Receipt, ReceiptHead,
    ReceiptSeries,
)
from collection.service_master import INSTRUMENT_TYPES, Service, ServiceHoldingAccount
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.journal import LineDraft, PostedVoucher
from ledger.models import Department, Function, Functionary, Fund, FundSource, GlAccount
from ledger.periods import fy_code
from vouchers import posting
from vouchers.types import RECEIPT

#: Bill XML's ``collectionModeNotAllowed`` words that refuse each instrument type.
MODES_REFUSING = {
    "cash": {"cash"}, "cheque": {"cheque"}, "dd": {"dd"}, "card": {"card"},
    "online": {"online"}, "neft": {"online", "bank"}, "rtgs": {"online", "bank"},
    "bankchallan": {"bankchallan", "bank"}, "postal_order": set(),
}


@dataclass(frozen=True)
class BillPayment:
    """One bill of a payment and the amount paid on it (paise).

    Name the bill by ``bill_id``, or by its reference number (with the consumer
    code and service when a reference alone is ambiguous). ``version``, when
    given, must be the bill's active version: a payer holding an old demand
    is told it was superseded instead of paying a different amount.
    """

    amount: int
    bill_id: int | None = None
    ref_no: str | None = None
    consumer_code: str | None = None
    service: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class PaymentIn:
    instrument: InstrumentIn
    bills: Sequence[BillPayment]
    collection_type: str = "C"            #: C counter, F field, O online
    payer_name: str | None = None         #: defaults to the bill's payee
    payer_address: str | None = None
    receipt_date: dt.date | None = None   #: defaults to today
    narration: str | None = None
    manual_receipt_number: str | None = None  #: field collection from a manual receipt book
    manual_receipt_date: dt.date | None = None
    idempotency_key: str | None = None


class Payment(NamedTuple):
    instrument: Instrument
    receipts: list[Receipt]
    replayed: bool = False  #: True when an idempotency key returned an earlier payment


class PaymentRefused(ValidationError):
    """A payment that breaks a collection rule; nothing was written."""


def collect(session: Session, tenant_id: str, payment: PaymentIn, actor: Actor, *,
            today: dt.date | None = None) -> Payment:
    """Collect ``payment`` for ``tenant_id`` and return its instrument and receipts."""
    today = today or calendar.today()
    receipt_date = payment.receipt_date or today
    _check_request(payment, receipt_date, today)

    bills = _lock_bills(session, tenant_id, payment.bills)

    digest = request_digest(tenant_id, payment)
    if payment.idempotency_key:
        earlier = replay(session, tenant_id, actor.name, payment.idempotency_key, digest)
        if earlier is not None:
            return earlier

    heads = _heads(session, [bill.id for bill, _ in bills])
    plans = [_plan(n, bill, service, heads[bill.id], item, payment.instrument.type, receipt_date)
             for n, ((bill, service), item) in enumerate(zip(bills, payment.bills))]

    instrument = _store_instrument(session, tenant_id, payment, actor, digest)
    receipts = [_make_receipt(session, plan, payment, instrument, actor, receipt_date) for plan in plans]
    audit.record(session, actor, "payment.collect", tenant_id=tenant_id, entity_type="instrument",
                 entity_id=str(instrument.id), after={
                     "type": instrument.instrument_type, "amount_paise": instrument.amount_paise,
                     "receipts": [r.number for r in receipts]})
    session.flush()  # the bills' live-receipt counts and the audit row
    return Payment(instrument, receipts)


def request_digest(tenant_id: str, payment: PaymentIn) -> str:
    """Fingerprint of a payment request as sent, to tell a retry from a different payment
    (the date as given, so a retry after midnight of an undated payment still replays)."""
    content = [tenant_id, asdict(payment.instrument), [asdict(b) for b in payment.bills],
               payment.collection_type, payment.payer_name, payment.payer_address,
               payment.receipt_date, payment.narration, payment.manual_receipt_number,
               payment.manual_receipt_date]
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode()).hexdigest()


def replay(session: Session, tenant_id: str, collector: str, key: str, digest: str) -> Payment | None:
    """The payment ``collector`` made earlier under ``key``, if any; a different request under it
    is refused. Keys belong to their collector: nobody replays another cashier's payment."""
    instrument = session.scalars(select(Instrument).where(
        Instrument.tenant_id == tenant_id, Instrument.collected_by == collector,
        Instrument.idempotency_key == key)).first()
    if instrument is None:
        return None
    if instrument.request_digest != digest:
        raise Conflict(f"idempotency key {key!r} was already used for a different payment",
                       code="IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    receipts = session.scalars(select(Receipt).where(Receipt.instrument_id == instrument.id)
                               .order_by(Receipt.id)).all()
    return Payment(instrument, list(receipts), replayed=True)


# -- checks -------------------------------------------------------------------------------------

def _check_request(payment: PaymentIn, receipt_date: dt.date, today: dt.date) -> None:
    instrument = payment.instrument
    if instrument.type not in INSTRUMENT_TYPES:
        raise PaymentRefused(f"unknown instrument type {instrument.type!r}; one of {', '.join(INSTRUMENT_TYPES)}",
                             code="INSTRUMENT_TYPE_UNKNOWN", field="instrument.type")
    if payment.collection_type not in COLLECTION_TYPES:
        raise PaymentRefused("collection type must be C (counter), F (field) or O (online)",
                             code="COLLECTION_TYPE_INVALID", field="collection_type")
    if not payment.bills:
        raise PaymentRefused("a payment pays at least one bill", code="NO_BILLS", field="bills")
    for n, item in enumerate(payment.bills):
        if isinstance(item.amount, bool) or not isinstance(item.amount, int):
            raise PaymentRefused(f"bills[{n}].amount must be whole paise", code="AMOUNT_NOT_PAISE",
                                 field=f"bills[{n}].amount")
        if item.amount < 0:
            raise PaymentRefused(f"bills[{n}].amount is negative", code="AMOUNT_NEGATIVE",
                                 field=f"bills[{n}].amount")
    paid = sum(item.amount for item in payment.bills)
    if paid != instrument.amount:
        raise PaymentRefused(f"the bills add up to {paid} paise but the instrument is for "
                             f"{instrument.amount} paise", code="AMOUNT_MISMATCH", field="instrument.amount")
    if receipt_date > today:
        raise PaymentRefused(f"a receipt cannot be dated after today ({today})", code="RECEIPT_DATE_FUTURE",
                             field="receipt_date")
    check_instrument(instrument, today)


def _bill_query(tenant_id: str, where: str, item: BillPayment):
    """The bill versions an item names (all of them: the caller tells stale from missing)."""
    query = select(Bill, Service).join(Service, Service.id == Bill.service_id).where(Bill.tenant_id == tenant_id)
    if item.bill_id is not None:
        return query.where(Bill.id == item.bill_id), f"bill {item.bill_id}"
    if not item.ref_no:
        raise PaymentRefused(f"{where}: name the bill by id or by reference number", code="BILL_REFERENCE_MISSING",
                             field=where)
    query = query.where(Bill.ref_no == item.ref_no)
    if item.consumer_code:
        query = query.where(Bill.consumer_code == item.consumer_code)
    if item.service:
        query = query.where(Service.code == item.service)
    return query, f"bill {item.ref_no!r}" + (f" of {item.consumer_code!r}" if item.consumer_code else "")


def _pick_bill(rows: Sequence, where: str, label: str, item: BillPayment, tenant_id: str):
    """The one active version among ``rows``, refusing missing, ambiguous and stale references."""
    if not rows:
        raise NotFound(f"{where}: no {label} in {tenant_id}", code="BILL_NOT_FOUND", field=where)
    active = [row for row in rows if row[0].status == "active"]
    if len(active) > 1:
        raise PaymentRefused(f"{where}: {label} names {len(active)} bills; give the consumer code and "
                             "service too", code="BILL_AMBIGUOUS", field=where)
    if not active:
        if any(row[0].status == "superseded" for row in rows):
            raise Conflict(f"{where}: {label} was superseded by a newer version; fetch the bill again",
                           code="BILL_SUPERSEDED", field=where)
        raise Conflict(f"{where}: {label} is cancelled", code="BILL_CANCELLED", field=where)
    bill, service = active[0]
    if item.version is not None and item.version != bill.version:
        raise Conflict(f"{where}: {label} version {item.version} was superseded by version "
                       f"{bill.version}", code="BILL_SUPERSEDED", field=where)
    return bill, service


def _lock_bills(session: Session, tenant_id: str, items: Sequence[BillPayment]) -> list[tuple[Bill, Service]]:
    """Find the bills of a payment and lock them (``FOR UPDATE OF bills``) in id order.

    A single bill is found and locked in one statement. Several are first found
    without locks, then locked together ordered by id, so two payments sharing
    bills queue instead of deadlocking; they are checked again under the lock.
    """
    if len(items) == 1:
        query, label = _bill_query(tenant_id, "bills[0]", items[0])
        rows = session.execute(query.order_by(Bill.id).with_for_update(of=Bill)).all()
        return [_pick_bill(rows, "bills[0]", label, items[0], tenant_id)]
    found = []
    for n, item in enumerate(items):
        query, label = _bill_query(tenant_id, f"bills[{n}]", item)
        found.append(_pick_bill(session.execute(query).all(), f"bills[{n}]", label, item, tenant_id)[0].id)
    seen: dict[int, int] = {}
    for n, bill_id in enumerate(found):
        if bill_id in seen:
            raise PaymentRefused(f"bills[{n}] is the same bill as bills[{seen[bill_id]}]; pay it once",
                                 code="BILL_REPEATED", field=f"bills[{n}]")
        seen[bill_id] = n
    locked = {bill.id: (bill, service) for bill, service in session.execute(
        select(Bill, Service).join(Service, Service.id == Bill.service_id).where(Bill.id.in_(found))
        .order_by(Bill.id).with_for_update(of=Bill)).all()}
    return [locked[bill_id] for bill_id in found]


class BillHead(NamedTuple):
    """A bill head as collecting reads it (a row, not an ORM object: its paid amount is then
    advanced with one set-based UPDATE)."""

    id: int
    line_no: int
    order: int
    gl_account_id: int
    glcode: str
    function_code: str
    description: str | None
    purpose: str | None
    cr_paise: int
    dr_paise: int
    paid_paise: int


class _Plan(NamedTuple):
    bill: Bill
    service: Service
    amount: int
    heads: list[BillHead]
    split: Apportionment


def _plan(n: int, bill: Bill, service: Service, heads: list[BillHead], item: BillPayment,
          instrument_type: str, receipt_date: dt.date) -> _Plan:
    """Check one bill's rules for this payment and apportion its amount."""
    where = f"bills[{n}]"
    label = f"bill {bill.ref_no!r} of {bill.consumer_code!r}"
    if bill.status != "active":  # changed while we waited for the lock
        raise Conflict(f"{where}: {label} is {bill.status}", field=where,
                       code="BILL_SUPERSEDED" if bill.status == "superseded" else "BILL_CANCELLED")
    if not service.active:
        raise PaymentRefused(f"{where}: service {service.code} is inactive", code="SERVICE_INACTIVE", field=where)
    if instrument_type not in service.instrument_types:
        raise PaymentRefused(f"{service.name} does not accept {instrument_type} payments "
                             f"(accepts {', '.join(service.instrument_types)})",
                             code="INSTRUMENT_NOT_ALLOWED", field="instrument.type")
    refused = set(filter(None, bill.modes_not_allowed.split(","))) & MODES_REFUSING[instrument_type]
    if refused:
        raise PaymentRefused(f"{where}: {label} does not accept {instrument_type} payments",
                             code="INSTRUMENT_NOT_ALLOWED", field="instrument.type")
    owed = outstanding([_head(h) for h in heads])
    amount = item.amount
    if bill.live_receipts > 0 and owed == 0:
        raise Conflict(f"{where}: {label} is already paid", code="BILL_ALREADY_PAID", field=where)
    if amount == 0 and bill.total_paise != 0:
        raise PaymentRefused(f"{where}: the amount is zero; only a zero bill is paid with nothing",
                             code="AMOUNT_ZERO", field=f"{where}.amount")
    if amount > owed and service.advance_gl_account_id is None:
        raise PaymentRefused(f"{where}: {amount} paise is more than the {owed} paise outstanding on {label}",
                             code="AMOUNT_EXCEEDS_OUTSTANDING", field=f"{where}.amount")
    if amount < owed:
        if not bill.part_payment_allowed:
            raise PaymentRefused(f"{where}: {label} must be paid in full ({owed} paise); it does not allow "
                                 "part payment", code="PART_PAYMENT_NOT_ALLOWED", field=f"{where}.amount")
        minimum = min(bill.minimum_paise, owed)
        if amount < minimum:
            raise PaymentRefused(f"{where}: {amount} paise is below the bill's minimum of {minimum} paise",
                                 code="BELOW_MINIMUM", field=f"{where}.amount")
    if receipt_date < bill.bill_date:
        raise PaymentRefused(f"{where}: a receipt cannot be dated {receipt_date}, before its bill ({bill.bill_date})",
                             code="RECEIPT_BEFORE_BILL", field="receipt_date")
    split = apportion([_head(h) for h in heads], amount)
    return _Plan(bill, service, amount, heads, split)


def _head(account: BillHead) -> Head:
    return Head(account.id, account.order, account.line_no, account.cr_paise, account.dr_paise,
                account.paid_paise)


_a = BillAccount.__table__.c
_HEADS = (select(_a.bill_id, _a.id, _a.line_no, _a.order, _a.gl_account_id, _a.glcode, Function.code,
                 _a.description, _a.purpose, _a.cr_paise, _a.dr_paise, _a.paid_paise)
          .join(Function, Function.id == _a.function_id)
          .where(_a.bill_id.in_(bindparam("bills", expanding=True)))
          .order_by(_a.bill_id, _a.line_no))


def _heads(session: Session, bill_ids: Sequence[int]) -> dict[int, list[BillHead]]:
    heads: dict[int, list[BillHead]] = {bill_id: [] for bill_id in bill_ids}
    for bill_id, *row in session.connection().execute(_HEADS, {"bills": list(bill_ids)}):
        heads[bill_id].append(BillHead(*row))
    return heads


# -- writes -------------------------------------------------------------------------------------

def _store_instrument(session: Session, tenant_id: str, payment: PaymentIn, actor: Actor,
                      digest: str) -> Instrument:
    given = payment.instrument
    bank_account_id = None
    if given.bank_account:
        bank_account_id = session.scalar(select(BankAccount.id).where(
            BankAccount.tenant_id == tenant_id, BankAccount.code == given.bank_account, BankAccount.active))
        if bank_account_id is None:
            raise PaymentRefused(f"no active bank account {given.bank_account!r}", code="BANK_ACCOUNT_NOT_FOUND",
                                 field="instrument.bank_account")
    instrument = Instrument(
        tenant_id=tenant_id, instrument_type=given.type, amount_paise=given.amount,
        number=given.card_last4 if given.type == "card" else given.number,
        instrument_date=given.date, bank_name=given.bank, branch_name=given.branch,
        transaction_reference=given.transaction_reference, gateway=given.gateway,
        bank_account_id=bank_account_id, idempotency_key=payment.idempotency_key,
        request_digest=digest, collected_by=actor.name)
    session.add(instrument)
    try:
        session.flush()
    except IntegrityError as exc:
        if "idempotency_key" not in str(exc.orig):
            raise
        # Only reachable when a concurrent payment with the same key but other bills committed
        # first (the same bills would have queued on their locks and replayed above).
        raise Conflict(f"a concurrent payment used the idempotency key {payment.idempotency_key!r}",
                       code="IDEMPOTENCY_KEY_REUSED", field="idempotency_key") from None
    return instrument


class HeadShare(NamedTuple):
    """What one receipt put on one head (or on the advance head, with no bill account)."""

    line_no: int
    bill_account_id: int | None
    gl_account_id: int
    glcode: str
    function_code: str
    description: str | None
    purpose: str | None
    cr_paise: int
    dr_paise: int


_INSERT_HEADS = insert(ReceiptHead.__table__)
_BUMP_PAID = (update(BillAccount.__table__).where(_a.id == bindparam("head"))
              .values(paid_paise=_a.paid_paise + bindparam("add")))


def _make_receipt(session: Session, plan: _Plan, payment: PaymentIn, instrument: Instrument,
                  actor: Actor, receipt_date: dt.date) -> Receipt:
    bill, service = plan.bill, plan.service
    fy = fy_code(receipt_date)
    seq = next_receipt_seq(session, bill.tenant_id, fy)
    number = service.receipt_number_format.format(
        fy=fy, seq=seq, mm=f"{receipt_date.month:02d}", yyyy=f"{receipt_date.year:04d}", prefix=service.code)
    codes = bill_codes(session, bill, service, instrument)
    by_id = {h.id: h for h in plan.heads}
    shares: list[HeadShare] = []
    for share in plan.split.shares:
        head = by_id[share.key]
        shares.append(HeadShare(len(shares) + 1, head.id, head.gl_account_id, head.glcode, head.function_code,
                                head.description, head.purpose, share.cr_paise, share.dr_paise))
    if plan.split.excess:
        first_function = shares[0].function_code if shares else min(
            plan.heads, key=lambda h: (h.order, h.line_no)).function_code
        shares.append(HeadShare(len(shares) + 1, None, service.advance_gl_account_id, codes.advance_glcode,
                                first_function, "Advance", "ADVANCE_AMOUNT", plan.split.excess, 0))
    workflow = service.workflow == "submit-approve"
    now = utcnow()
    receipt = Receipt(
        tenant_id=bill.tenant_id, number=number, financial_year=fy, seq=seq, receipt_date=receipt_date,
        service_id=service.id, bill_id=bill.id, bill_version=bill.version, bill_ref_no=bill.ref_no,
        consumer_code=bill.consumer_code, payer_name=payment.payer_name or bill.paid_by or bill.payee_name,
        payer_address=payment.payer_address or (None if payment.payer_name else bill.payee_address),
        collection_type=payment.collection_type, collected_by=actor.name, amount_paise=plan.amount,
        advance_paise=plan.split.excess, instrument_id=instrument.id,
        status=TO_BE_SUBMITTED if workflow else APPROVED,
        approved_by=None if workflow else actor.name, approved_at=None if workflow else now,
        narration=payment.narration, manual_receipt_number=payment.manual_receipt_number,
        manual_receipt_date=payment.manual_receipt_date, print_count=0,
        hash=receipt_hash(bill.tenant_id, number, receipt_date, plan.amount, bill.id, bill.version, shares))
    if not workflow or service.post_voucher_on == "creation":
        posted = post_receipt_voucher(session, receipt, codes, shares, instrument.instrument_type, actor)
        receipt.voucher_id = posted.id if posted else None
    session.add(receipt)
    session.flush()
    connection = session.connection()
    if shares:
        connection.execute(_INSERT_HEADS, [{**share._asdict(), "receipt_id": receipt.id,
                                            "tenant_id": bill.tenant_id} for share in shares])
        bumps = [{"head": s.bill_account_id, "add": s.cr_paise + s.dr_paise}
                 for s in shares if s.bill_account_id is not None]
        if bumps:
            connection.execute(_BUMP_PAID, bumps)
    bill.live_receipts += 1
    return receipt


def give_back(session: Session, bill: Bill, receipt: Receipt) -> None:
    """Undo what ``receipt`` did to ``bill`` (cancellation, dishonour): each head owes again what
    the receipt paid on it, and the receipt no longer holds the bill. ``bill`` is locked."""
    accounts = {a.id: a for a in session.scalars(select(BillAccount).where(BillAccount.bill_id == bill.id))}
    for head in session.scalars(select(ReceiptHead).where(ReceiptHead.receipt_id == receipt.id)):
        if head.bill_account_id is not None:
            accounts[head.bill_account_id].paid_paise -= head.cr_paise + head.dr_paise
    bill.live_receipts -= 1


_rs = ReceiptSeries.__table__.c
_NEXT_SEQ = (update(ReceiptSeries.__table__)
             .where(_rs.tenant_id == bindparam("tenant"), _rs.financial_year == bindparam("fy"))
             .values(last_seq=_rs.last_seq + 1).returning(_rs.last_seq))


def next_receipt_seq(session: Session, tenant_id: str, fy: str) -> int:
    """Take the next number of the tenant's receipt series for ``fy``.

    One ``UPDATE … RETURNING`` both locks the series row until commit and
    advances it: concurrent payments queue on it, and a rolled-back payment
    gives its number back, so the series stays gapless.
    """
    connection = session.connection()
    seq = connection.execute(_NEXT_SEQ, {"tenant": tenant_id, "fy": fy}).scalar()
    if seq is None:  # the first receipt of the year starts the series
        try:
            with session.begin_nested():
                connection.execute(insert(ReceiptSeries.__table__),
                                   {"tenant_id": tenant_id, "financial_year": fy, "last_seq": 0})
        except IntegrityError:  # another payment started it first; its lock decides who is next
            pass
        seq = connection.execute(_NEXT_SEQ, {"tenant": tenant_id, "fy": fy}).scalar_one()
    return seq


class BillCodes(NamedTuple):
    """The master codes a receipt's voucher lines carry (the ledger takes codes, not ids)."""

    fund: str
    functionary: str
    department: str
    fund_source: str
    holding_glcode: str | None  #: where the instrument's money sits until remitted
    advance_glcode: str | None


def _code_of(model, column, param: str):
    return select(column).where(model.id == bindparam(param)).scalar_subquery()


_CODES = select(
    _code_of(Fund, Fund.code, "fund"), _code_of(Functionary, Functionary.code, "functionary"),
    _code_of(Department, Department.code, "department"), _code_of(FundSource, FundSource.code, "fund_source"),
    select(GlAccount.glcode).join(ServiceHoldingAccount, ServiceHoldingAccount.gl_account_id == GlAccount.id)
    .where(ServiceHoldingAccount.service_id == bindparam("service"),
           ServiceHoldingAccount.instrument_type == bindparam("instrument")).scalar_subquery(),
    _code_of(GlAccount, GlAccount.glcode, "advance"),
    select(GlAccount.glcode).join(BankAccount, BankAccount.gl_account_id == GlAccount.id)
    .where(BankAccount.id == bindparam("bank_account")).scalar_subquery(),
)


def bill_codes(session: Session, bill: Bill, service: Service, instrument: Instrument) -> BillCodes:
    """Every code a receipt voucher needs, in one query.

    The holding account is the service's for the instrument type; for a bank
    challan it is the ULB's bank account itself (the money is already there).
    """
    (fund, functionary, department, fund_source, holding, advance, bank) = session.connection().execute(_CODES, {
        "fund": bill.fund_id, "functionary": bill.functionary_id, "department": bill.department_id,
        "fund_source": bill.fund_source_id, "service": service.id, "instrument": instrument.instrument_type,
        "advance": service.advance_gl_account_id, "bank_account": instrument.bank_account_id}).one()
    if instrument.instrument_type == "bankchallan" and bank is not None:
        holding = bank
    return BillCodes(fund, functionary, department, fund_source, holding, advance)


def post_receipt_voucher(session: Session, receipt: Receipt, codes: BillCodes, shares: Sequence,
                         instrument_type: str, actor: Actor) -> PostedVoucher | None:
    """Dr the holding account (net), Dr rebates, Cr income heads and any advance: one voucher.

    ``shares`` are the receipt's heads (``HeadShare`` or stored ``ReceiptHead``
    rows) in line order; the holding line takes the first head's function.
    """
    def line(glcode: str, function: str, debit: int = 0, credit: int = 0, narration: str | None = None):
        return LineDraft(glcode, codes.fund, function, codes.functionary, codes.department, codes.fund_source,
                         debit, credit, narration)

    if not shares:  # a zero bill whose heads are all zero: nothing moved, nothing to post
        return None
    lines = []
    if receipt.amount_paise:
        if codes.holding_glcode is None:
            raise PaymentRefused(f"the service has no holding account for {instrument_type}",
                                 code="HOLDING_ACCOUNT_MISSING", field="instrument.type")
        lines.append(line(codes.holding_glcode, shares[0].function_code, debit=receipt.amount_paise,
                          narration=f"{instrument_type} {receipt.number}"))
    for share in shares:
        lines.append(line(share.glcode, share.function_code, debit=share.dr_paise, credit=share.cr_paise,
                          narration=share.description))
    return posting.post(session, receipt.tenant_id, RECEIPT.code, receipt.receipt_date, lines,
                        narration=f"Receipt {receipt.number}: {receipt.consumer_code} bill {receipt.bill_ref_no}",
                        source_ref=f"receipt:{receipt.number}", created_by=actor.name[:100])


def receipt_hash(tenant_id: str, number: str, receipt_date: dt.date, amount: int, bill_id: int,
                 bill_version: int, rows: Sequence[HeadShare]) -> str:
    """What the printed QR code vouches for: number, date, amount, bill and heads."""
    content = [tenant_id, number, receipt_date.isoformat(), amount, bill_id, bill_version,
               [[r.glcode, r.cr_paise, r.dr_paise] for r in rows]]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()
