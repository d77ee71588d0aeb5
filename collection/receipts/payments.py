"""Collecting a payment: one instrument, one or more bills, one receipt per bill.

All or nothing, in the caller's transaction:

1. check the request on its own (amounts, instrument fields) – no database;
2. find the bills and lock them, in id order (``SELECT … FOR UPDATE`` on
   PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so two
   payments for one bill queue and the second sees what the first collected;
   read their heads after the lock;
3. replay an earlier payment with the same idempotency key (looked up *after*
   the locks, so a retry racing its original finds it instead of paying twice);
4. check each bill's rules (state, outstanding, part payment, minimum, modes) and
   apportion each amount over the bill's heads;
5. write the instrument, advance the heads' paid amounts and the bills' receipt
   counts, then number the receipts from the tenant's gapless receipt series and
   post each receipt voucher through ``vouchers.post``, its receipt and heads
   written with it (the series rows stay locked from the first number to
   commit, so only what needs a number follows).

The hot path reads rows, not ORM objects, and runs Core statements built and
compiled once (``ledger.driver.Prepared``), grouped so that a single-bill
payment is four round trips and the commit (``ledger.driver.execute_together``):
the locks with the heads and the key (2–3), the writes with the numbers (5),
the voucher's slot query, and its lines and header with the receipt, its heads
and the audit row. The instrument and receipts are still returned as ORM
objects (``ledger.db.attach_inserted``).

Lock order everywhere in rasid: bills by id, then the receipt series, then the
voucher series (taken by the ledger), so writers queue instead of deadlocking.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from collection import audit, calendar
from collection.audit import Actor, utcnow
from collection.bills.models import Bill, BillAccount
from collection.models import BankAccount
from collection.receipts.apportion import Apportionment, Head, apportion, outstanding
from collection.receipts.instruments import InstrumentIn, check_instrument
from collection.receipts.models import (
    APPROVED, COLLECTION_TYPES, NEW, TO_BE_SUBMITTED, Instrument, Receipt, ReceiptHead,
    ReceiptSeries,
)
from collection.service_master import (
    INSTRUMENT_TYPES, Service, ServiceGatewayAccount, ServiceHoldingAccount, gateway_key, instrument_types,
)
from ledger.db import attach_inserted, expire_loaded, row_insert
from ledger.driver import Prepared, execute_together
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.journal import Along, LineDraft, PostedVoucher
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
    digest = request_digest(tenant_id, payment)

    bills, heads, earlier = _lock_bills(session, tenant_id, payment, actor.name)
    if earlier:
        return _replay(session, payment.idempotency_key, digest, earlier)
    plans = [_plan(n, bill, heads[bill.id], item, payment.instrument.type, receipt_date)
             for n, (bill, item) in enumerate(zip(bills, payment.bills))]

    instrument, bank_glcode, seqs = _hold_and_number(session, tenant_id, payment, actor, digest, plans,
                                                     fy_code(receipt_date))
    numbers = [receipt_number(plan.bill, seq, receipt_date) for plan, seq in zip(plans, seqs)]
    record = audit.entry(session, actor, "payment.collect", tenant_id=tenant_id, entity_type="instrument",
                         entity_id=str(instrument.id), after={
                             "type": instrument.instrument_type, "amount_paise": instrument.amount_paise,
                             "receipts": numbers})
    receipts = [_make_receipt(session, plan, payment, instrument, bank_glcode, actor, receipt_date, seq, number,
                              with_it=[record] if n == len(plans) - 1 else [])
                for n, (plan, seq, number) in enumerate(zip(plans, seqs, numbers))]
    return Payment(instrument, receipts)


def request_digest(tenant_id: str, payment: PaymentIn) -> str:
    """Fingerprint of a payment request as sent, to tell a retry from a different payment
    (the date as given, so a retry after midnight of an undated payment still replays)."""
    # vars(): the fields as asdict() gives them, without its deep copy (they are flat)
    content = [tenant_id, vars(payment.instrument), [vars(b) for b in payment.bills],
               payment.collection_type, payment.payer_name, payment.payer_address,
               payment.receipt_date, payment.narration, payment.manual_receipt_number,
               payment.manual_receipt_date]
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode()).hexdigest()


def replay(session: Session, tenant_id: str, collector: str, key: str, digest: str) -> Payment | None:
    """The payment ``collector`` made earlier under ``key``, if any; a different request under it
    is refused. Keys belong to their collector: nobody replays another cashier's payment."""
    found = _BY_KEY.rows(session.connection(), {"tenant": tenant_id, "collector": collector, "key": key})
    return _replay(session, key, digest, found) if found else None


def _replay(session: Session, key: str, digest: str, found: list[tuple]) -> Payment:
    """The earlier payment ``found`` under ``key`` (its instrument's id and request digest)."""
    [(instrument_id, earlier_digest)] = found
    if earlier_digest != digest:
        raise Conflict(f"idempotency key {key!r} was already used for a different payment",
                       code="IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    instrument = session.get(Instrument, instrument_id)
    receipts = session.scalars(select(Receipt).where(Receipt.instrument_id == instrument.id)
                               .order_by(Receipt.id)).all()
    return Payment(instrument, list(receipts), replayed=True)


_i = Instrument.__table__.c
_BY_KEY = Prepared(select(_i.id, _i.request_digest).where(
    _i.tenant_id == bindparam("tenant"), _i.collected_by == bindparam("collector"),
    _i.idempotency_key == bindparam("key")))


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
    check_instrument(instrument, today, receipt_date)


class LockedBill(NamedTuple):
    """A bill as collecting reads it under its lock: the bill's terms, its service's rules and
    the master codes its receipt voucher carries (one row, not ORM objects: a payment reads
    it once and writes what changes with set-based statements)."""

    id: int
    tenant_id: str
    version: int
    status: str
    ref_no: str
    consumer_code: str
    bill_date: dt.date
    payee_name: str
    payee_address: str | None
    paid_by: str | None
    total_paise: int
    minimum_paise: int
    part_payment: bool                  #: the rule in force: the bill's own, else its service's default
    modes_not_allowed: str
    live_receipts: int
    fund: str
    functionary: str
    department: str
    fund_source: str
    service_id: int
    service_code: str
    service_name: str
    service_active: bool
    instruments: str                    #: the service's instrument types, comma-separated
    workflow: str
    post_voucher_on: str
    receipt_number_format: str
    advance_gl_account_id: int | None
    advance_glcode: str | None
    holding_glcode: str | None          #: the service's holding account for this instrument type (or gateway)


def _code_of(model, column, key):
    return select(column).where(model.id == key).scalar_subquery()


_b = Bill.__table__.c
_s = Service.__table__.c
_advance = aliased(GlAccount)


def _holding_of(service_id):
    """The GL code of the service's holding account for the ``instrument`` type parameter: the
    clearing head of the ``gateway`` parameter (``_gateway``) if the service names one, else the
    instrument type's."""
    gateway = (select(GlAccount.glcode).join(ServiceGatewayAccount, ServiceGatewayAccount.gl_account_id == GlAccount.id)
               .where(ServiceGatewayAccount.service_id == service_id,
                      ServiceGatewayAccount.gateway == bindparam("gateway"))
               .scalar_subquery())
    instrument = (select(GlAccount.glcode)
                  .join(ServiceHoldingAccount, ServiceHoldingAccount.gl_account_id == GlAccount.id)
                  .where(ServiceHoldingAccount.service_id == service_id,
                         ServiceHoldingAccount.instrument_type == bindparam("instrument"))
                  .scalar_subquery())
    return func.coalesce(gateway, instrument)


def _gateway(instrument_type: str, gateway: str | None) -> str:
    """The ``gateway`` parameter of ``_holding_of``: only online payments go through a gateway."""
    return gateway_key(gateway) if instrument_type == "online" else ""


_LOCKED_BILL = (
    select(_b.id, _b.tenant_id, _b.version, _b.status, _b.ref_no, _b.consumer_code, _b.bill_date,
           _b.payee_name, _b.payee_address, _b.paid_by, _b.total_paise, _b.minimum_paise,
           func.coalesce(_b.part_payment_allowed, _s.part_payment_default), _b.modes_not_allowed,
           _b.live_receipts,
           _code_of(Fund, Fund.code, _b.fund_id), _code_of(Functionary, Functionary.code, _b.functionary_id),
           _code_of(Department, Department.code, _b.department_id),
           _code_of(FundSource, FundSource.code, _b.fund_source_id),
           _s.id, _s.code, _s.name, _s.active, _s.instruments, _s.workflow,
           _s.post_voucher_on, _s.receipt_number_format, _s.advance_gl_account_id, _advance.glcode,
           _holding_of(_s.id))
    .join(Service.__table__, _s.id == _b.service_id)
    .outerjoin(_advance, _advance.id == _s.advance_gl_account_id)
)


class _Reference(NamedTuple):
    """How an item names its bill: by id, or by reference number with or without the consumer
    code and the service (one query shape each, built and compiled once)."""

    by_id: bool
    by_consumer: bool = False
    by_service: bool = False

    def conditions(self) -> list:
        """The WHERE of the bill versions it names (services joined for ``by_service``)."""
        conditions = [_b.tenant_id == bindparam("tenant")]
        if self.by_id:
            return conditions + [_b.id == bindparam("bill")]
        conditions.append(_b.ref_no == bindparam("ref_no"))
        if self.by_consumer:
            conditions.append(_b.consumer_code == bindparam("consumer"))
        if self.by_service:
            conditions.append(_s.code == bindparam("service"))
        return conditions


def _bill_query(tenant_id: str, where: str, item: BillPayment) -> tuple[_Reference, dict, str]:
    """How an item names its bill, the parameters of that reference, and the bill's name for
    messages."""
    if item.bill_id is not None:
        return _Reference(True), {"tenant": tenant_id, "bill": item.bill_id}, f"bill {item.bill_id}"
    if not item.ref_no:
        raise PaymentRefused(f"{where}: name the bill by id or by reference number", code="BILL_REFERENCE_MISSING",
                             field=where)
    reference = _Reference(False, bool(item.consumer_code), bool(item.service))
    params = {"tenant": tenant_id, "ref_no": item.ref_no, "consumer": item.consumer_code, "service": item.service}
    return reference, params, f"bill {item.ref_no!r}" + (f" of {item.consumer_code!r}" if item.consumer_code else "")


@functools.cache
def _bills_named(reference: _Reference):
    """Every version of the bill ``reference`` names (the caller tells stale from missing)."""
    return _LOCKED_BILL.where(*reference.conditions())


@functools.cache
def _heads_named(reference: _Reference) -> Prepared:
    """The heads of the active bill ``reference`` names: read right after its lock, in the same
    round trip."""
    bills = select(_b.id).where(_b.status == "active", *reference.conditions())
    if reference.by_service:
        bills = bills.join(Service.__table__, _s.id == _b.service_id)
    return Prepared(_HEADS.where(_a.bill_id.in_(bills)).order_by(_a.bill_id, _a.line_no))


@functools.cache
def _locking(query):
    """``query`` ordered by bill and locking the bills it finds (``FOR UPDATE OF bills``)."""
    return query.order_by(_b.id).with_for_update(of=Bill.__table__)


def _bill_ids(n: int) -> list:
    """``n`` bill id parameters, for the statements built once per number of bills a payment pays
    (given by ``_bill_params``)."""
    return [bindparam(f"bill_{i}") for i in range(n)]


def _bill_params(bill_ids: Sequence[int]) -> dict[str, int]:
    return {f"bill_{i}": bill_id for i, bill_id in enumerate(bill_ids)}


@functools.lru_cache(maxsize=32)
def _lock_by_ids(n: int):
    return _locking(_LOCKED_BILL.where(_b.id.in_(_bill_ids(n))))


@functools.lru_cache(maxsize=64)
def _prepared(query) -> Prepared:
    return Prepared(query)


def _pick_bill(rows: Sequence[LockedBill], where: str, label: str, item: BillPayment,
               tenant_id: str) -> LockedBill:
    """The one active version among ``rows``, refusing missing, ambiguous and stale references."""
    if not rows:
        raise NotFound(f"{where}: no {label} in {tenant_id}", code="BILL_NOT_FOUND", field=where)
    active = [row for row in rows if row.status == "active"]
    if len(active) > 1:
        raise PaymentRefused(f"{where}: {label} names {len(active)} bills; give the consumer code and "
                             "service too", code="BILL_AMBIGUOUS", field=where)
    if not active:
        if any(row.status == "superseded" for row in rows):
            raise Conflict(f"{where}: {label} was superseded by a newer version; fetch the bill again",
                           code="BILL_SUPERSEDED", field=where)
        raise Conflict(f"{where}: {label} is cancelled", code="BILL_CANCELLED", field=where)
    bill = active[0]
    if item.version is not None and item.version != bill.version:
        raise Conflict(f"{where}: {label} version {item.version} was superseded by version "
                       f"{bill.version}", code="BILL_SUPERSEDED", field=where)
    return bill


def _holding_params(instrument: InstrumentIn) -> dict:
    """The parameters of ``_holding_of`` in the bill queries."""
    return {"instrument": instrument.type, "gateway": _gateway(instrument.type, instrument.gateway)}


def _lock_bills(session: Session, tenant_id: str, payment: PaymentIn,
                collector: str) -> tuple[list[LockedBill], dict[int, list[BillHead]], list[tuple]]:
    """Find the bills of a payment, lock them (``FOR UPDATE OF bills``) in id order and read their
    heads; with an idempotency key, also find the payment ``collector`` made under it (rows of
    ``_BY_KEY``, none if none).

    One round trip for a single bill. Its statements run in order, so the heads
    and the key are read after the lock is granted, and see what a payment that
    held it committed. Several bills are first found without locks, then locked
    together ordered by id, so two payments sharing bills queue instead of
    deadlocking; they are checked again under the lock.
    """
    connection = session.connection()
    items = payment.bills
    if len(items) == 1:
        reference, params, label = _bill_query(tenant_id, "bills[0]", items[0])
        lock, heads = _prepared(_locking(_bills_named(reference))), _heads_named(reference)
        params.update(_holding_params(payment.instrument))
    else:
        found = []
        for n, item in enumerate(items):
            reference, params, label = _bill_query(tenant_id, f"bills[{n}]", item)
            rows = _prepared(_bills_named(reference)).rows(connection, {**params, **_holding_params(payment.instrument)})
            found.append(_pick_bill([LockedBill(*row) for row in rows], f"bills[{n}]", label, item, tenant_id).id)
        seen: dict[int, int] = {}
        for n, bill_id in enumerate(found):
            if bill_id in seen:
                raise PaymentRefused(f"bills[{n}] is the same bill as bills[{seen[bill_id]}]; pay it once",
                                     code="BILL_REPEATED", field=f"bills[{n}]")
            seen[bill_id] = n
        lock, heads = _prepared(_lock_by_ids(len(found))), _heads_of(len(found))
        params = {**_bill_params(found), **_holding_params(payment.instrument)}
    statements = [lock.bound(connection, params), heads.bound(connection, params)]
    if payment.idempotency_key:
        statements.append(_BY_KEY.bound(connection, {"tenant": tenant_id, "collector": collector,
                                                     "key": payment.idempotency_key}))
    rows = execute_together(connection, statements)
    locked = [LockedBill(*row) for row in lock.loaded(connection, rows[0])]
    if len(items) == 1:
        bills = [_pick_bill(locked, "bills[0]", label, items[0], tenant_id)]
    else:
        by_id = {bill.id: bill for bill in locked}
        bills = [by_id[bill_id] for bill_id in found]
    heads_of: dict[int, list[BillHead]] = {bill.id: [] for bill in bills}
    for bill_id, *row in heads.loaded(connection, rows[1]):
        if bill_id in heads_of:
            heads_of[bill_id].append(BillHead(*row))
    return bills, heads_of, rows[2] if payment.idempotency_key else []


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
    bill: LockedBill
    amount: int
    heads: list[BillHead]
    split: Apportionment


def _plan(n: int, bill: LockedBill, heads: list[BillHead], item: BillPayment,
          instrument_type: str, receipt_date: dt.date) -> _Plan:
    """Check one bill's rules for this payment and apportion its amount."""
    where = f"bills[{n}]"
    label = f"bill {bill.ref_no!r} of {bill.consumer_code!r}"
    if bill.status != "active":  # changed while we waited for the lock
        raise Conflict(f"{where}: {label} is {bill.status}", field=where,
                       code="BILL_SUPERSEDED" if bill.status == "superseded" else "BILL_CANCELLED")
    if not bill.service_active:
        raise PaymentRefused(f"{where}: service {bill.service_code} is inactive", code="SERVICE_INACTIVE",
                             field=where)
    accepted = instrument_types(bill.instruments)
    if instrument_type not in accepted:
        raise PaymentRefused(f"{bill.service_name} does not accept {instrument_type} payments "
                             f"(accepts {', '.join(accepted)})",
                             code="INSTRUMENT_NOT_ALLOWED", field="instrument.type")
    refused = set(filter(None, bill.modes_not_allowed.split(","))) & MODES_REFUSING[instrument_type]
    if refused:
        raise PaymentRefused(f"{where}: {label} does not accept {instrument_type} payments",
                             code="INSTRUMENT_NOT_ALLOWED", field="instrument.type")
    if any(h.cr_paise and h.dr_paise for h in heads):  # stored before intake refused them
        raise Conflict(f"{where}: {label} has a head with both a due and a rebate, which cannot be "
                       "apportioned; the revenue system must send a new version with one-sided accounts",
                       code="BILL_HEAD_BOTH_SIDES", field=where)
    owed = outstanding([_head(h) for h in heads])
    amount = item.amount
    if bill.live_receipts > 0 and owed == 0:
        raise Conflict(f"{where}: {label} is already paid", code="BILL_ALREADY_PAID", field=where)
    if amount == 0 and bill.total_paise != 0:
        raise PaymentRefused(f"{where}: the amount is zero; only a zero bill is paid with nothing",
                             code="AMOUNT_ZERO", field=f"{where}.amount")
    if amount > owed and bill.advance_gl_account_id is None:
        raise PaymentRefused(f"{where}: {amount} paise is more than the {owed} paise outstanding on {label}",
                             code="AMOUNT_EXCEEDS_OUTSTANDING", field=f"{where}.amount")
    if amount < owed:
        if not bill.part_payment:
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
    return _Plan(bill, amount, heads, split)


def _head(account: BillHead) -> Head:
    return Head(account.id, account.order, account.line_no, account.cr_paise, account.dr_paise,
                account.paid_paise)


_a = BillAccount.__table__.c
#: A bill head as ``BillHead``, after its bill's id.
_HEADS = (select(_a.bill_id, _a.id, _a.line_no, _a.order, _a.gl_account_id, _a.glcode, Function.code,
                 _a.description, _a.purpose, _a.cr_paise, _a.dr_paise, _a.paid_paise)
          .join(Function, Function.id == _a.function_id))


@functools.lru_cache(maxsize=32)
def _heads_of(n: int) -> Prepared:
    return Prepared(_HEADS.where(_a.bill_id.in_(_bill_ids(n))).order_by(_a.bill_id, _a.line_no))


# -- writes -------------------------------------------------------------------------------------

def _hold_and_number(session: Session, tenant_id: str, payment: PaymentIn, actor: Actor, digest: str,
                     plans: Sequence[_Plan], fy: str) -> tuple[Instrument, str | None, list[int]]:
    """Write the instrument, advance the heads' paid amounts and the bills' live-receipt counts,
    and take the receipt numbers, one per bill: one round trip.

    The numbers come last: from the first number drawn until commit the
    tenant's receipt series row stays locked, and every payment of the tenant
    queues on it. Also returns a bank challan's bank account's GL code.
    """
    connection = session.connection()
    instrument, bank_glcode = _instrument(session, tenant_id, payment, actor, digest, [plan.bill for plan in plans])
    statements = [row_insert(connection, instrument)]
    paid = {share.key: share.cr_paise + share.dr_paise for plan in plans for share in plan.split.shares}
    if paid:
        statements.append(_add_paid(len(paid)).bound(connection, _paid_params(paid)))
    statements.append(_hold_bills(len(plans)).bound(connection, _bill_params([plan.bill.id for plan in plans])))
    statements.append(_TAKE_SEQS.bound(connection, _take(len(plans), tenant_id, fy)))
    try:
        rows = execute_together(connection, statements)
    except IntegrityError as exc:
        if exc.statement != statements[0][0] or "idempotency_key" not in str(exc.orig):
            raise
        # Only reachable when a concurrent payment with the same key but other bills committed
        # first (the same bills would have queued on their locks and replayed above).
        raise Conflict(f"a concurrent payment used the idempotency key {payment.idempotency_key!r}",
                       code="IDEMPOTENCY_KEY_REUSED", field="idempotency_key") from None
    [(key,)] = rows[0]
    attach_inserted(session, instrument, key)
    expire_loaded(session, Bill, BillAccount)
    if not rows[-1]:  # the first receipt of the year: start the series
        return instrument, bank_glcode, next_receipt_seqs(session, tenant_id, fy, len(plans))
    [(last,)] = rows[-1]
    return instrument, bank_glcode, _numbers(last, len(plans))


def _instrument(session: Session, tenant_id: str, payment: PaymentIn, actor: Actor,
                digest: str, bills: Sequence[LockedBill]) -> tuple[Instrument, str | None]:
    """The payment's instrument, to insert; for a bank challan also its bank account's GL code."""
    given = payment.instrument
    bank_account_id = bank_glcode = None
    if given.bank_account:
        row = session.execute(
            select(BankAccount.id, GlAccount.glcode, Fund.code)
            .join(GlAccount, GlAccount.id == BankAccount.gl_account_id)
            .join(Fund, Fund.id == BankAccount.fund_id)
            .where(BankAccount.tenant_id == tenant_id, BankAccount.code == given.bank_account,
                   BankAccount.active)).first()
        if row is None:
            raise PaymentRefused(f"no active bank account {given.bank_account!r}", code="BANK_ACCOUNT_NOT_FOUND",
                                 field="instrument.bank_account")
        bank_account_id, bank_glcode, fund = row
        # the receipt voucher debits this bank's GL with the bill's fund: it must be that fund's account
        for n, bill in enumerate(bills):
            if bill.fund != fund:
                raise PaymentRefused(f"bills[{n}] belongs to fund {bill.fund}, but bank account "
                                     f"{given.bank_account} holds fund {fund}'s money",
                                     code="BANK_ACCOUNT_FUND_MISMATCH", field="instrument.bank_account")
    instrument = Instrument(
        tenant_id=tenant_id, instrument_type=given.type, amount_paise=given.amount, status=NEW,
        number=given.card_last4 if given.type == "card" else given.number,
        instrument_date=given.date, bank_name=given.bank, branch_name=given.branch,
        transaction_reference=given.transaction_reference, gateway=given.gateway,
        bank_account_id=bank_account_id, idempotency_key=payment.idempotency_key,
        request_digest=digest, collected_by=actor.name, created_at=utcnow())
    return instrument, bank_glcode


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


@functools.lru_cache(maxsize=32)
def _hold_bills(n: int) -> Prepared:
    """One more live receipt on each of ``n`` bills."""
    return Prepared(update(Bill.__table__).where(_b.id.in_(_bill_ids(n)))
                    .values(live_receipts=_b.live_receipts + 1))


def receipt_number(bill: LockedBill, seq: int, receipt_date: dt.date) -> str:
    """The receipt number ``seq`` of the tenant's series, in the format of the bill's service."""
    return bill.receipt_number_format.format(fy=fy_code(receipt_date), seq=seq, mm=f"{receipt_date.month:02d}",
                                             yyyy=f"{receipt_date.year:04d}", prefix=bill.service_code)


def _make_receipt(session: Session, plan: _Plan, payment: PaymentIn, instrument: Instrument,
                  bank_glcode: str | None, actor: Actor, receipt_date: dt.date, seq: int, number: str,
                  with_it: Sequence[tuple[str, list]]) -> Receipt:
    """Write the receipt, its heads and (per service) its voucher, and the statements ``with_it``
    after them: one round trip with the voucher's lines and header, after its slot query."""
    bill = plan.bill
    codes = BillCodes(bill.fund, bill.functionary, bill.department, bill.fund_source,
                      _holding(instrument.instrument_type, bill.holding_glcode, bank_glcode), bill.advance_glcode)
    by_id = {h.id: h for h in plan.heads}
    shares: list[HeadShare] = []
    for share in plan.split.shares:
        head = by_id[share.key]
        shares.append(HeadShare(len(shares) + 1, head.id, head.gl_account_id, head.glcode, head.function_code,
                                head.description, head.purpose, share.cr_paise, share.dr_paise))
    if plan.split.excess:
        first_function = shares[0].function_code if shares else min(
            plan.heads, key=lambda h: (h.order, h.line_no)).function_code
        shares.append(HeadShare(len(shares) + 1, None, bill.advance_gl_account_id, codes.advance_glcode,
                                first_function, "Advance", "ADVANCE_AMOUNT", plan.split.excess, 0))
    workflow = bill.workflow == "submit-approve"
    now = utcnow()
    receipt = Receipt(
        tenant_id=bill.tenant_id, number=number, financial_year=fy_code(receipt_date), seq=seq,
        receipt_date=receipt_date,
        service_id=bill.service_id, bill_id=bill.id, bill_version=bill.version, bill_ref_no=bill.ref_no,
        consumer_code=bill.consumer_code, payer_name=payment.payer_name or bill.paid_by or bill.payee_name,
        payer_address=payment.payer_address or (None if payment.payer_name else bill.payee_address),
        collection_type=payment.collection_type, collected_by=actor.name, amount_paise=plan.amount,
        advance_paise=plan.split.excess, instrument_id=instrument.id,
        status=TO_BE_SUBMITTED if workflow else APPROVED,
        approved_by=None if workflow else actor.name, approved_at=None if workflow else now,
        narration=payment.narration, manual_receipt_number=payment.manual_receipt_number,
        manual_receipt_date=payment.manual_receipt_date, print_count=0, created_at=now,
        hash=receipt_hash(bill.tenant_id, number, receipt_date, plan.amount, bill.id, bill.version, shares))
    connection = session.connection()

    def written(voucher: PostedVoucher | None) -> list[tuple[str, list]]:
        receipt.voucher_id = voucher.id if voucher else None
        statements = [row_insert(connection, receipt)]
        if shares:
            params = {"tenant_id": bill.tenant_id, "number": number}
            for i, share in enumerate(shares):
                for name, value in zip(HeadShare._fields, share):
                    params[f"{name}_{i}"] = value
            statements.append(_insert_heads(len(shares)).bound(connection, params))
        return statements + list(with_it)

    along = Along(written)
    if (not workflow or bill.post_voucher_on == "creation") and post_receipt_voucher(
            session, receipt, codes, shares, instrument.instrument_type, actor, along):
        rows = along.rows
    else:  # no voucher now (at approval, or nothing to post): the receipt goes on its own
        rows = execute_together(connection, written(None))
    [(key,)] = rows[0]
    attach_inserted(session, receipt, key)
    return receipt


def _paid_params(paid: dict[int, int]) -> dict:
    params = {}
    for i, (head, amount) in enumerate(paid.items()):
        params[f"head_{i}"], params[f"add_{i}"] = head, amount
    return params


@functools.lru_cache(maxsize=64)  # one per number of heads a receipt has
def _insert_heads(n: int) -> Prepared:
    """A receipt's ``n`` heads in one multi-row INSERT. The receipt is found by its number, so
    that its heads go in the same round trip as the receipt itself."""
    receipt = (select(Receipt.id)
               .where(Receipt.tenant_id == bindparam("tenant_id"), Receipt.number == bindparam("number"))
               .scalar_subquery())
    return Prepared(insert(ReceiptHead.__table__).values([
        {"receipt_id": receipt, "tenant_id": bindparam("tenant_id"),
         **{name: bindparam(f"{name}_{i}") for name in HeadShare._fields}} for i in range(n)]))


@functools.lru_cache(maxsize=128)  # one per number of heads a payment touches
def _add_paid(n: int) -> Prepared:
    """One UPDATE adding a share to the paid amount of each of ``n`` heads."""
    shares = {bindparam(f"head_{i}"): bindparam(f"add_{i}") for i in range(n)}
    return Prepared(update(BillAccount.__table__).where(_a.id.in_(list(shares)))
                    .values(paid_paise=_a.paid_paise + case(shares, value=_a.id)))


def _advance_paid(session: Session, paid: dict[int, int]) -> None:
    """Add each head's share to what it has been paid (+ for a collection, − to give it back)."""
    _add_paid(len(paid)).rows(session.connection(), _paid_params(paid))
    expire_loaded(session, BillAccount)


def give_back(session: Session, bill: Bill, receipt: Receipt) -> None:
    """Undo what ``receipt`` did to ``bill`` (cancellation, dishonour): each head owes again what
    the receipt paid on it, and the receipt no longer holds the bill. ``bill`` is locked."""
    heads = session.execute(select(ReceiptHead.bill_account_id, ReceiptHead.cr_paise + ReceiptHead.dr_paise)
                            .where(ReceiptHead.receipt_id == receipt.id,
                                   ReceiptHead.bill_account_id.is_not(None))).all()
    if heads:
        _advance_paid(session, {account: -amount for account, amount in heads})
    bill.live_receipts -= 1


_rs = ReceiptSeries.__table__.c
_TAKE_SEQS = Prepared(update(ReceiptSeries.__table__)
                      .where(_rs.tenant_id == bindparam("tenant"), _rs.financial_year == bindparam("fy"))
                      .values(last_seq=_rs.last_seq + bindparam("count")).returning(_rs.last_seq))
# Both databases take this form (SQLite since 3.24): a series started by a concurrent payment is
# left alone, without an error that would abort the transaction.
_START_SERIES = text("INSERT INTO receipt_series (tenant_id, financial_year, last_seq) "
                     "VALUES (:tenant, :fy, 0) ON CONFLICT DO NOTHING")


def _take(count: int, tenant_id: str, fy: str) -> dict:
    """The parameters of ``_TAKE_SEQS``: ``count`` numbers of the tenant's series for ``fy``."""
    return {"tenant": tenant_id, "fy": fy, "count": count}


def _numbers(last: int, count: int) -> list[int]:
    """The ``count`` numbers one ``_TAKE_SEQS`` took, up to ``last``."""
    return list(range(last - count + 1, last + 1))


def next_receipt_seqs(session: Session, tenant_id: str, fy: str, count: int = 1) -> list[int]:
    """Take the next ``count`` numbers of the tenant's receipt series for ``fy``.

    One ``UPDATE … RETURNING`` both locks the series row until commit and
    advances it: concurrent payments queue on it, and a rolled-back payment
    gives its numbers back, so the series stays gapless. The first receipt of
    the year starts the series.
    """
    connection = session.connection()
    taken = _TAKE_SEQS.rows(connection, _take(count, tenant_id, fy))
    if not taken:
        connection.execute(_START_SERIES, {"tenant": tenant_id, "fy": fy})
        taken = _TAKE_SEQS.rows(connection, _take(count, tenant_id, fy))
    [(last,)] = taken
    return _numbers(last, count)


class BillCodes(NamedTuple):
    """The master codes a receipt's voucher lines carry (the ledger takes codes, not ids)."""

    fund: str
    functionary: str
    department: str
    fund_source: str
    holding_glcode: str | None  #: where the instrument's money sits until remitted
    advance_glcode: str | None


_CODES = select(
    _code_of(Fund, Fund.code, bindparam("fund")),
    _code_of(Functionary, Functionary.code, bindparam("functionary")),
    _code_of(Department, Department.code, bindparam("department")),
    _code_of(FundSource, FundSource.code, bindparam("fund_source")),
    _holding_of(bindparam("service")),
    _code_of(GlAccount, GlAccount.glcode, bindparam("advance")),
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
        "gateway": _gateway(instrument.instrument_type, instrument.gateway),
        "advance": service.advance_gl_account_id, "bank_account": instrument.bank_account_id}).one()
    return BillCodes(fund, functionary, department, fund_source, _holding(instrument.instrument_type, holding, bank),
                     advance)


def _holding(instrument_type: str, service_holding: str | None, bank_glcode: str | None) -> str | None:
    """Where a receipt's money sits until remitted: the service's holding account for the
    instrument type, except that a bank challan's is already in the ULB's bank account."""
    if instrument_type == "bankchallan" and bank_glcode is not None:
        return bank_glcode
    return service_holding


def post_receipt_voucher(session: Session, receipt: Receipt, codes: BillCodes, shares: Sequence,
                         instrument_type: str, actor: Actor, along: Along | None = None) -> PostedVoucher | None:
    """Dr the holding account (net), Dr rebates, Cr income heads and any advance: one voucher.

    ``shares`` are the receipt's heads (``HeadShare`` or stored ``ReceiptHead``
    rows) in line order; the holding line takes the first head's function.
    ``along`` travels with the voucher (``ledger.journal.Along``); with nothing
    to post it is not sent.
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
                        source_ref=f"receipt:{receipt.number}", created_by=actor.name[:100], along=along)


def receipt_hash(tenant_id: str, number: str, receipt_date: dt.date, amount: int, bill_id: int,
                 bill_version: int, rows: Sequence[HeadShare]) -> str:
    """What the printed QR code vouches for: number, date, amount, bill and heads."""
    content = [tenant_id, number, receipt_date.isoformat(), amount, bill_id, bill_version,
               [[r.glcode, r.cr_paise, r.dr_paise] for r in rows]]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()
