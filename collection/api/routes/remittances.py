"""Remittances and dishonoured instruments: ACCOUNTANT remits, reverses and dishonours;
AUDITOR reads too."""
from __future__ import annotations

import datetime as dt

from collection import calendar
from collection.api import context
from collection.api.context import Call
from collection.api.registry import Routes
from collection.api.schemas.common import Page, money, page
from collection.api.schemas.remittances import (
    DishonourIn,
    DishonourOut,
    RemittanceIn,
    RemittanceOut,
    RemittanceQuery,
    ReversalIn,
)
from collection.auth.roles import ACCOUNTANT, AUDITOR
from collection.remittance import reads
from collection.remittance.dishonour import dishonour
from collection.remittance.remit import RemittanceIn as Request
from collection.remittance.remit import remit
from collection.remittance.reversal import get_remittance, reverse_remittance
from collection.remittance.selection import ReceiptSelection

routes = Routes("remittances")
TENANT = "/api/v1/tenants/<tenant_id>"
REMITTANCES = f"{TENANT}/remittances"
BIGINT_MAX = 2**63 - 1


def today() -> dt.date:
    """Business dates are India's calendar whatever the server's zone (the app's clock)."""
    return calendar.today(context.now())


def _out(view: dict) -> dict:
    return {**view, **money("cash", view["cash"]), **money("cheques", view["cheques"]),
            **money("amount", view["amount"])}


@routes.endpoint("POST", REMITTANCES, roles={ACCOUNTANT}, body=RemittanceIn, response=RemittanceOut, status=201)
def create_remittance(call: Call, tenant_id: str):
    """Remit approved cash and cheque/DD receipts to a bank account of their fund, with a pay-in slip.

    One contra voucher: Dr the bank, Cr cash-in-hand and cheques-in-hand per segment. Receipts
    become REMITTED, cash RECONCILED, cheques and DDs DEPOSITED. Refused: other funds (422
    REMITTANCE_FUND_MISMATCH), card/online/NEFT/RTGS (422 INSTRUMENT_NOT_REMITTABLE), nothing
    to remit (422 NOTHING_TO_REMIT), a used slip (409 PAY_IN_SLIP_USED), a receipt already
    remitted (409 RECEIPT_ALREADY_REMITTED), part of a cheque (409 INSTRUMENT_PARTLY_SELECTED).
    """
    body, s = call.body, call.body.selection
    selection = ReceiptSelection(s.services, s.fund, s.instrument_types, s.date_from, s.date_to, s.collector,
                                 s.receipts)
    done = remit(call.session, tenant_id, Request(body.bank_account, body.pay_in_slip,
                                                  body.pay_in_date or today(), selection),
                 call.actor, today=today())
    return _out(reads.remittance_view(call.session, done.remittance))


@routes.endpoint("GET", REMITTANCES, roles={ACCOUNTANT, AUDITOR}, query=RemittanceQuery,
                 response=Page[RemittanceOut])
def list_remittances(call: Call, tenant_id: str):
    """Remittances by pay-in date range, bank account or status, newest first."""
    q = call.query
    found = reads.search_remittances(call.session, tenant_id,
                                     reads.RemittanceFilter(q.date_from, q.date_to, q.bank_account, q.status),
                                     q.limit, q.offset)
    return page(found._replace(items=[_out(v) for v in found.items]), q)


@routes.endpoint("GET", f"{REMITTANCES}/<int(max={BIGINT_MAX}):remittance_id>", roles={ACCOUNTANT, AUDITOR},
                 response=RemittanceOut)
def get_remittance_view(call: Call, tenant_id: str, remittance_id: int):
    """One remittance."""
    return _out(reads.remittance_view(call.session, get_remittance(call.session, tenant_id, remittance_id)))


@routes.endpoint("POST", f"{REMITTANCES}/<int(max={BIGINT_MAX}):remittance_id>/reverse", roles={ACCOUNTANT},
                 body=ReversalIn, response=RemittanceOut)
def reverse(call: Call, tenant_id: str, remittance_id: int):
    """Reverse a remittance the bank has not confirmed: the exact mirror of its contra voucher;
    receipts back to APPROVED, instruments to NEW. Refused once confirmed (409
    REMITTANCE_RECONCILED) or with a dishonoured cheque (409 REMITTANCE_HAS_DISHONOUR)."""
    done = reverse_remittance(call.session, tenant_id, remittance_id, call.body.reason, call.actor,
                              on=call.body.date, today=today())
    return _out(reads.remittance_view(call.session, done))


@routes.endpoint("POST", f"{TENANT}/instruments/<int(max={BIGINT_MAX}):instrument_id>/dishonour",
                 roles={ACCOUNTANT}, body=DishonourIn, response=DishonourOut, status=201)
def dishonour_instrument(call: Call, tenant_id: str, instrument_id: int):
    """A deposited cheque or DD bounced: a journal debits the income heads exactly as the
    receipts credited them and credits the bank; receipts INSTR_BOUNCED, instrument
    DISHONOURED, bills outstanding again; optionally the service's cheque-bounce penalty bill.
    A cheque still in hand is refused (409 INSTRUMENT_NOT_DEPOSITED: cancel it instead), so is
    cash (409 INSTRUMENT_NOT_DISHONOURABLE)."""
    b = call.body
    done = dishonour(call.session, tenant_id, instrument_id, b.reason, call.actor, on=b.date, today=today(),
                     penalty=b.penalty)
    view = reads.dishonour_view(call.session, done.dishonour, [r.number for r in done.receipts], done.voucher_number,
                                done.penalty_bill.ref_no if done.penalty_bill else None)
    return {**view, **money("amount", view["amount"])}
