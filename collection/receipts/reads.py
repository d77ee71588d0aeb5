"""Receipts as plain dicts for the HTTP API and the CLI: a search page, one receipt in full.

Money stays in paise here (``amount``, ``credit`` …); each interface renders it at its edge.
An integrator sees only what it collected itself: ``collected_by`` narrows both the search
and the lookup, and someone else's receipt is simply not found.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from collection.master_reads import Page
from collection.models import BankAccount
from collection.receipts import search
from collection.receipts.models import Instrument, Receipt
from collection.receipts.workflow import get_receipt
from collection.service_master import Service
from ledger.errors import NotFound
from ledger.models import Voucher


def receipt_view(receipt: Receipt, service_code: str, instrument_type: str) -> dict:
    return {"number": receipt.number, "date": receipt.receipt_date, "status": receipt.status,
            "service": service_code, "bill_id": receipt.bill_id, "bill_ref_no": receipt.bill_ref_no,
            "bill_version": receipt.bill_version, "consumer_code": receipt.consumer_code,
            "payer_name": receipt.payer_name, "payer_address": receipt.payer_address,
            "collection_type": receipt.collection_type, "collected_by": receipt.collected_by,
            "amount": receipt.amount_paise, "advance": receipt.advance_paise,
            "instrument_type": instrument_type, "narration": receipt.narration,
            "manual_receipt_number": receipt.manual_receipt_number,
            "manual_receipt_date": receipt.manual_receipt_date, "print_count": receipt.print_count,
            "created_at": receipt.created_at}


def summaries(session: Session, receipts: list[Receipt]) -> list[dict]:
    """Views of receipts already loaded (two queries, whatever their number)."""
    services = dict(session.execute(select(Service.id, Service.code).where(
        Service.id.in_({r.service_id for r in receipts}))).all()) if receipts else {}
    types = dict(session.execute(select(Instrument.id, Instrument.instrument_type).where(
        Instrument.id.in_({r.instrument_id for r in receipts}))).all()) if receipts else {}
    return [receipt_view(r, services[r.service_id], types[r.instrument_id]) for r in receipts]


def instrument_view(session: Session, instrument: Instrument) -> dict:
    card = instrument.instrument_type == "card"
    bank_account = None
    if instrument.bank_account_id is not None:
        bank_account = session.scalar(select(BankAccount.code).where(
            BankAccount.id == instrument.bank_account_id))
    return {"id": instrument.id, "type": instrument.instrument_type,
            "amount": instrument.amount_paise, "status": instrument.status,
            "number": None if card else instrument.number,
            "card_last4": instrument.number if card else None, "date": instrument.instrument_date,
            "bank": instrument.bank_name, "branch": instrument.branch_name,
            "transaction_reference": instrument.transaction_reference,
            "gateway": instrument.gateway, "bank_account": bank_account,
            "collected_by": instrument.collected_by}


def search_receipts(session: Session, tenant_id: str, where: search.ReceiptFilter, limit: int,
                    offset: int, *, only_collected_by: str | None = None) -> Page:
    """A page of receipt views; ``only_collected_by`` confines the search to one collector."""
    if only_collected_by is not None:
        if where.collected_by not in (None, only_collected_by):
            return Page(0, [])
        where = where._replace(collected_by=only_collected_by)
    total, rows = search.search(session, tenant_id, where, limit, offset)
    return Page(total, [receipt_view(r.receipt, r.service_code, r.instrument.instrument_type)
                        for r in rows])


def find_receipt(session: Session, tenant_id: str, number: str, *,
                 only_collected_by: str | None = None, lock: bool = False) -> Receipt:
    """The receipt, or RECEIPT_NOT_FOUND, also when it is not ``only_collected_by``'s."""
    receipt = get_receipt(session, tenant_id, number, lock=lock)
    if only_collected_by is not None and receipt.collected_by != only_collected_by:
        raise NotFound(f"no receipt {number!r} in {tenant_id}", code="RECEIPT_NOT_FOUND")
    return receipt


def receipt_detail(session: Session, receipt: Receipt) -> dict:
    """Everything about one receipt: heads, instrument, vouchers and its workflow trail."""
    service_code = session.scalar(select(Service.code).where(Service.id == receipt.service_id))
    instrument = session.get(Instrument, receipt.instrument_id)
    vouchers = dict(session.execute(select(Voucher.id, Voucher.number).where(
        Voucher.id.in_([v for v in (receipt.voucher_id, receipt.reversal_voucher_id) if v]))).all())
    heads = [{"line_no": h.line_no, "glcode": h.glcode, "function": h.function_code,
              "description": h.description, "purpose": h.purpose,
              "advance": h.bill_account_id is None, "credit": h.cr_paise, "debit": h.dr_paise}
             for h in search.receipt_heads(session, receipt.id)]
    return {**receipt_view(receipt, service_code, instrument.instrument_type),
            "financial_year": receipt.financial_year, "hash": receipt.hash, "heads": heads,
            "instrument": instrument_view(session, instrument),
            "voucher_number": vouchers.get(receipt.voucher_id),
            "reversal_voucher_number": vouchers.get(receipt.reversal_voucher_id),
            "submitted_by": receipt.submitted_by, "submitted_at": receipt.submitted_at,
            "approved_by": receipt.approved_by, "approved_at": receipt.approved_at,
            "rejection_reason": receipt.rejection_reason, "cancel_reason": receipt.cancel_reason,
            "cancelled_by": receipt.cancelled_by, "cancelled_at": receipt.cancelled_at}
