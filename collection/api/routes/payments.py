"""Payments: a cashier or an integrator pays one or more bills with one instrument.

Amounts arrive as rupee strings and become paise here, at the edge; everything else is
``collection.receipts.payments.collect``, which writes all of it or nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from collection import calendar
from collections.abc import Iterator
from contextlib import contextmanager

from flask import request
from pydantic.alias_generators import to_camel

from collection.api import context
from collection.api.context import Call
from collection.api.registry import Reply, Routes
from collection.api.schemas.common import money
from collection.api.schemas.receipts import PaymentIn, PaymentOut
from collection.auth.roles import CASHIER, INTEGRATOR
from collection.receipts import instruments, payments, reads
from ledger.errors import RasidError, ValidationError
from ledger.money import parse_rupees

routes = Routes("payments")
PAYMENTS = "/api/v1/tenants/<tenant_id>/payments"
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


def today() -> dt.date:
    """Business dates are India's calendar whatever the server's zone (the app's clock)."""
    return calendar.today(context.now())


@contextmanager
def camel_fields() -> Iterator[None]:
    """The service names fields in Python (``instrument.card_last4``); callers sent camelCase."""
    try:
        yield
    except RasidError as exc:
        def camel(name):
            return _SNAKE.sub(lambda m: to_camel(m.group(0)), name) if name else name
        exc.field = camel(exc.field)
        exc.details = [{**d, "field": camel(d.get("field"))} for d in exc.details]
        raise


def receipt_out(view: dict) -> dict:
    """A receipt view (paise) as the API sends it (paise and rupees)."""
    out = {**view, **money("amount", view["amount"]), **money("advance", view["advance"])}
    if "heads" in view:
        out["heads"] = [{**h, **money("credit", h["credit"]), **money("debit", h["debit"])}
                        for h in view["heads"]]
        out["instrument"] = instrument_out(view["instrument"])
    return out


def instrument_out(view: dict) -> dict:
    return {**view, **money("amount", view["amount"])}


def _idempotency_key(in_body: str | None) -> str | None:
    header = request.headers.get("Idempotency-Key")
    if header is None:
        return in_body
    header = header.strip()
    if not 1 <= len(header) <= 100 or "\x00" in header:
        raise ValidationError("the Idempotency-Key header holds 1 to 100 characters",
                              code="IDEMPOTENCY_KEY_INVALID", field="Idempotency-Key")
    if in_body is not None and in_body != header:
        raise ValidationError("the Idempotency-Key header and idempotencyKey in the body differ",
                              code="IDEMPOTENCY_KEY_CONFLICT", field="Idempotency-Key")
    return header


def _payment(body: PaymentIn) -> payments.PaymentIn:
    given = body.instrument
    instrument = instruments.InstrumentIn(
        type=given.type, amount=parse_rupees(given.amount, field="instrument.amount"),
        number=given.number, date=given.date, bank=given.bank, branch=given.branch,
        card_last4=given.card_last4, transaction_reference=given.transaction_reference,
        gateway=given.gateway, bank_account=given.bank_account)
    bills = [payments.BillPayment(amount=parse_rupees(b.amount, field=f"bills[{n}].amount"),
                                  bill_id=b.bill_id, ref_no=b.ref_no, consumer_code=b.consumer_code,
                                  service=b.service, version=b.version)
             for n, b in enumerate(body.bills)]
    return payments.PaymentIn(
        instrument=instrument, bills=bills, collection_type=body.collection_type,
        payer_name=body.payer_name, payer_address=body.payer_address,
        receipt_date=body.receipt_date, narration=body.narration,
        manual_receipt_number=body.manual_receipt_number,
        manual_receipt_date=body.manual_receipt_date,
        idempotency_key=_idempotency_key(body.idempotency_key))


@routes.endpoint("POST", PAYMENTS, roles={CASHIER, INTEGRATOR}, body=PaymentIn,
                 response=PaymentOut, status=201,
                 also={200: "A retry: this idempotency key already paid these bills; the "
                            "original receipts, nothing collected again"})
def collect_payment(call: Call, tenant_id: str):
    """Collect a payment: one instrument paying one or more bills, one receipt per bill.

    All or nothing. 201 with the new receipts; 200 with the original ones when the
    idempotency key (``idempotencyKey`` or the ``Idempotency-Key`` header) was already used
    for the same payment, and 409 IDEMPOTENCY_KEY_REUSED when it was used for another.
    Refusals carry the rule's code: BILL_NOT_FOUND (404); BILL_SUPERSEDED, BILL_CANCELLED,
    BILL_ALREADY_PAID (409); PART_PAYMENT_NOT_ALLOWED, BELOW_MINIMUM,
    AMOUNT_EXCEEDS_OUTSTANDING, AMOUNT_MISMATCH, AMOUNT_ZERO, AMOUNT_SUB_PAISA, BILL_REPEATED,
    INSTRUMENT_NOT_ALLOWED, INSTRUMENT_INVALID (every field at once), RECEIPT_DATE_FUTURE (422).
    """
    with camel_fields():
        result = payments.collect(call.session, tenant_id, _payment(call.body), call.actor,
                                  today=today())
    body = {"replayed": result.replayed,
            "instrument": instrument_out(reads.instrument_view(call.session, result.instrument)),
            "receipts": [receipt_out(reads.receipt_detail(call.session, r)) for r in result.receipts]}
    return Reply(200 if result.replayed else 201, body)
