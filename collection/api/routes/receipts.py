"""Receipts: search, read, print, and move through the workflow.

A receipt number holds slashes (``11/2026-27/000042``), so it takes the rest of the path:
``…/receipts/11/2026-27/000042``, or with the slashes encoded (``11%2F2026-27%2F000042``),
which arrives decoded and means the same. Suffixes select the rest: ``….pdf`` prints it,
``…/submit|approve|reject|cancel`` moves it on.

Who may read: cashiers, approvers, accountants and auditors see the tenant's receipts; an
integrator without one of those roles sees only the payments it made itself (another's
receipt is simply not found).
"""
from __future__ import annotations

import re

from flask import request

from collection.api.context import Call
from collection.api.registry import FileReply, FileResponse, Routes
from collection.api.routes.payments import camel_fields, receipt_out, today
from collection.api.schemas.common import Page, money, page
from collection.api.schemas.receipts import (
    CancellationOut,
    ReasonIn,
    ReceiptCorrection,
    ReceiptDetail,
    ReceiptOut,
    ReceiptQuery,
    SubmitDayIn,
    SubmittedOut,
)
from collection.auth.roles import ACCOUNTANT, APPROVER, AUDITOR, CASHIER, INTEGRATOR
from collection.receipts import printing, reads, search, workflow
from ledger.errors import ValidationError

routes = Routes("receipts")
RECEIPTS = "/api/v1/tenants/<tenant_id>/receipts"
ONE = f"{RECEIPTS}/<path:number>"
#: Roles that see every receipt of the tenant; an integrator alone sees its own.
ALL_RECEIPTS = frozenset({CASHIER, APPROVER, ACCOUNTANT, AUDITOR})
READERS = ALL_RECEIPTS | {INTEGRATOR}
EXAMPLE = {"number": "11/2026-27/000001"}


def _own_only(call: Call) -> str | None:
    return None if call.principal.roles & ALL_RECEIPTS else call.principal.qualified_name


def _detail(call: Call, receipt) -> dict:
    return receipt_out(reads.receipt_detail(call.session, receipt))


@routes.endpoint("GET", RECEIPTS, roles=READERS, query=ReceiptQuery, response=Page[ReceiptOut])
def list_receipts(call: Call, tenant_id: str):
    """Receipts by number, consumer code, bill, service, status, instrument, collector or
    receipt date range, newest first."""
    q = call.query
    where = search.ReceiptFilter(q.number, q.consumer_code, q.bill_ref_no, q.service, q.status,
                                 q.instrument_type, q.collected_by, q.date_from, q.date_to)
    found = reads.search_receipts(call.session, tenant_id, where, q.limit, q.offset,
                                  only_collected_by=_own_only(call))
    return page(found._replace(items=[receipt_out(v) for v in found.items]), q)


@routes.endpoint("GET", ONE, roles=READERS, response=ReceiptDetail, examples=EXAMPLE)
def get_receipt(call: Call, tenant_id: str, number: str):
    """One receipt with its heads, instrument, vouchers and workflow trail."""
    receipt = reads.find_receipt(call.session, tenant_id, number, only_collected_by=_own_only(call))
    return _detail(call, receipt)


@routes.endpoint("GET", f"{ONE}.pdf", roles=READERS, examples=EXAMPLE,
                 response=FileResponse("application/pdf", "The printed receipt; every print "
                                       "after the first is watermarked DUPLICATE"))
def receipt_pdf(call: Call, tenant_id: str, number: str):
    """The receipt as a PDF, in its service's template.

    The first print is the original; every later one is marked DUPLICATE, and the print is
    counted (``printCount``) in the same transaction. Cancelled and dishonoured receipts are
    watermarked so.
    """
    if request.method == "HEAD":  # asking about the PDF must not count as printing it
        reads.find_receipt(call.session, tenant_id, number, only_collected_by=_own_only(call))
        return FileReply(b"", _file_name(number))
    printed = printing.print_receipt(call.session, tenant_id, number, call.actor,
                                     only_collected_by=_own_only(call))
    return FileReply(printed.pdf, _file_name(number))


def _file_name(number: str) -> str:
    return "receipt-" + re.sub(r"[^A-Za-z0-9.-]+", "-", number) + ".pdf"


@routes.endpoint("POST", f"{RECEIPTS}/submit", roles={CASHIER}, body=SubmitDayIn,
                 response=SubmittedOut)
def submit_day(call: Call, tenant_id: str):
    """Counter close: submit everything the caller collected on a day that still waits for
    submission (TO_BE_SUBMITTED or REJECTED); nothing waiting is not an error."""
    done = workflow.submit_day(call.session, tenant_id, call.principal.qualified_name,
                               call.body.date or today(), call.actor)
    return {"count": len(done),
            "receipts": [receipt_out(v) for v in reads.summaries(call.session, done)]}


@routes.endpoint("POST", f"{ONE}/submit", roles={CASHIER}, response=ReceiptDetail, examples=EXAMPLE)
def submit_receipt(call: Call, tenant_id: str, number: str):
    """Submit a receipt for approval (TO_BE_SUBMITTED or REJECTED → SUBMITTED)."""
    [receipt] = workflow.submit(call.session, tenant_id, [number], call.actor)
    return _detail(call, receipt)


@routes.endpoint("POST", f"{ONE}/approve", roles={APPROVER}, response=ReceiptDetail,
                 examples=EXAMPLE)
def approve_receipt(call: Call, tenant_id: str, number: str):
    """Approve a submitted receipt; its collector cannot (409 SELF_APPROVAL)."""
    [receipt] = workflow.approve(call.session, tenant_id, [number], call.actor)
    return _detail(call, receipt)


@routes.endpoint("POST", f"{ONE}/reject", roles={APPROVER}, body=ReasonIn, response=ReceiptDetail,
                 examples=EXAMPLE)
def reject_receipt(call: Call, tenant_id: str, number: str):
    """Send a submitted receipt back to its cashier, with the reason (REASON_REQUIRED)."""
    [receipt] = workflow.reject(call.session, tenant_id, [number], call.body.reason, call.actor)
    return _detail(call, receipt)


@routes.endpoint("POST", f"{ONE}/cancel", roles={APPROVER}, body=ReasonIn,
                 response=CancellationOut, examples=EXAMPLE)
def cancel_receipt(call: Call, tenant_id: str, number: str):
    """Cancel a receipt before remittance, with the reason: its voucher is reversed and the
    bill owes again what it paid. The number stays, never reused. Cancelling one receipt of a
    multi-bill payment reports what of the instrument no live receipt covers any more."""
    done = workflow.cancel(call.session, tenant_id, number, call.body.reason, call.actor,
                           today=today())
    return {"receipt": _detail(call, done.receipt), "reversal_voucher_number": done.reversal_number,
            **money("instrument_shortfall", done.instrument_shortfall)}


@routes.endpoint("PATCH", ONE, roles={CASHIER, APPROVER}, body=ReceiptCorrection,
                 response=ReceiptDetail, examples=EXAMPLE)
def correct_receipt(call: Call, tenant_id: str, number: str):
    """Correct what does not touch money: payerName, payerAddress, narration,
    manualReceiptNumber, manualReceiptDate. Each change is audited with before and after;
    any other field is refused (422 RECEIPT_FIELD_IMMUTABLE) and nothing changes."""
    body = call.body
    if body.model_extra:
        names = sorted(body.model_extra)
        raise ValidationError(f"{', '.join(names)} cannot be changed on a receipt; only payerName, "
                              "payerAddress, narration, manualReceiptNumber and manualReceiptDate "
                              "can be corrected", code="RECEIPT_FIELD_IMMUTABLE", field=names[0])
    changes = {name: getattr(body, name) for name in body.model_fields_set
               if name in type(body).model_fields}
    with camel_fields():
        receipt = workflow.correct(call.session, tenant_id, number, changes, call.actor)
    return _detail(call, receipt)

