"""Printing receipts: a stored receipt becomes receipt_templates' ReceiptView, then a PDF.

The template is the service's ``receipt_template``. The watermark follows the receipt:
CANCELLED, DISHONOURED (``INSTR_BOUNCED``), PROVISIONAL before approval, and DUPLICATE for
every print after the first. Each print counts: ``print_receipt`` renders with the count so
far and adds one in the caller's transaction, so a failed render counts nothing and two
concurrent downloads cannot both be the original (the receipt row is locked).

The QR code links to ``$RASID_RECEIPT_VERIFY_URL`` (with ``ulb=<tenant>``) and carries the
receipt's number, amount and hash.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import receipt_templates
from collection import audit
from collection.audit import Actor
from collection.auth.models import User
from collection.bills.models import BillAccount
from collection.models import BankAccount
from collection.receipts.models import (
    APPROVED,
    CANCELLED,
    COLLECTION_TYPES,
    INSTR_BOUNCED,
    REJECTED,
    REMITTED,
    SUBMITTED,
    TO_BE_SUBMITTED,
    Instrument,
    Receipt,
    ReceiptHead,
)
from collection.receipts.reads import find_receipt
from collection.service_master import Service
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.models import GlAccount, Tenant
from receipt_templates import (
    HeadView,
    InstrumentView,
    PayerView,
    ReceiptStatus,
    ReceiptView,
    ServiceView,
    UlbView,
)

VERIFY_URL_ENV = "RASID_RECEIPT_VERIFY_URL"
#: A reserved, unresolvable host: receipts say plainly that no verification page is configured.
DEFAULT_VERIFY_URL = "https://rasid.invalid/verify"
BATCH_CHUNK = 500  #: receipts read (with their heads and instruments) per round trip
#: Up to this many receipts print in this process: starting worker processes costs seconds.
SMALL_BATCH = 40

STATUSES = {TO_BE_SUBMITTED: ReceiptStatus.CREATED, SUBMITTED: ReceiptStatus.SUBMITTED,
            APPROVED: ReceiptStatus.APPROVED, REJECTED: ReceiptStatus.REJECTED,
            REMITTED: ReceiptStatus.REMITTED, CANCELLED: ReceiptStatus.CANCELLED,
            INSTR_BOUNCED: ReceiptStatus.DISHONOURED}


def verification_base(tenant_id: str) -> str:
    """The verification page for ``tenant_id``'s receipts (the QR code adds number, paise, hash)."""
    parts = urlsplit(os.environ.get(VERIFY_URL_ENV) or DEFAULT_VERIFY_URL)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(key == "ulb" for key, _ in query):
        query.append(("ulb", tenant_id))
    return urlunsplit(parts._replace(query=urlencode(query)))


@functools.cache
def renderer():
    """One warm Renderer per process (fonts, stylesheets and templates are loaded once)."""
    return receipt_templates.Renderer()


class _Masters:
    """What receipts share (ULB, services, collectors, GL names), read once per print run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[tuple, object] = {}

    def _once(self, key: tuple, load: Callable[[], object]):
        if key not in self._seen:
            self._seen[key] = load()
        return self._seen[key]

    def ulb(self, tenant_id: str) -> UlbView:
        def load() -> UlbView:
            tenant = self.session.get(Tenant, tenant_id)
            return UlbView(name=tenant.name, address=tenant.address or "",
                           name_hi=tenant.name_local or None)
        return self._once(("ulb", tenant_id), load)

    def service(self, service_id: int) -> tuple[ServiceView, str]:
        def load() -> tuple[ServiceView, str]:
            service = self.session.get(Service, service_id)
            return ServiceView(code=service.code, name=service.name), service.receipt_template
        return self._once(("service", service_id), load)

    def collector(self, name: str) -> str:
        """``pb.amritsar/cashier1`` → ``Counter 1 (cashier1)``; other names as recorded."""
        def load() -> str:
            tenant_id, _, username = name.partition("/")
            person = self.session.scalar(select(User.name).where(User.tenant_id == tenant_id,
                                                                 User.username == username))
            return f"{person} ({username})" if person and username else name
        return self._once(("collector", name), load)

    def gl_name(self, tenant_id: str, glcode: str) -> str:
        return self._once(("gl", tenant_id, glcode), lambda: self.session.scalar(
            select(GlAccount.name).where(GlAccount.tenant_id == tenant_id,
                                         GlAccount.glcode == glcode)) or glcode)

    def bank(self, bank_account_id: int) -> tuple[str | None, str | None]:
        def load() -> tuple[str | None, str | None]:
            row = self.session.execute(select(BankAccount.bank_name, BankAccount.branch_name)
                                       .where(BankAccount.id == bank_account_id)).first()
            return (row.bank_name, row.branch_name) if row else (None, None)
        return self._once(("bank", bank_account_id), load)

    def first_head(self, bill_id: int) -> tuple[str, str]:
        """A zero receipt has no heads; it prints the bill's first head with nothing paid."""
        head = self.session.scalars(select(BillAccount).where(BillAccount.bill_id == bill_id)
                                    .order_by(BillAccount.order, BillAccount.line_no)).first()
        return (head.glcode, head.description or "") if head else ("-", "")


def _instrument(masters: _Masters, instrument: Instrument) -> InstrumentView:
    card = instrument.instrument_type == "card"
    bank, branch = instrument.bank_name, instrument.branch_name
    if instrument.bank_account_id is not None and not bank:
        bank, branch = masters.bank(instrument.bank_account_id)
    return InstrumentView(mode=instrument.instrument_type, number=None if card else instrument.number,
                          date=instrument.instrument_date, bank=bank or None, branch=branch or None,
                          transaction_ref=instrument.transaction_reference or None,
                          card_last4=instrument.number if card else None)


def _heads(masters: _Masters, receipt: Receipt, rows: Sequence[ReceiptHead]) -> list[HeadView]:
    heads = [HeadView(description=row.description or masters.gl_name(receipt.tenant_id, row.glcode),
                      gl_code=row.glcode, amount=row.dr_paise or row.cr_paise,
                      is_rebate=row.dr_paise > 0) for row in rows]
    if not heads:
        glcode, description = masters.first_head(receipt.bill_id)
        heads = [HeadView(description or masters.gl_name(receipt.tenant_id, glcode), glcode, 0)]
    return heads


def _view(masters: _Masters, receipt: Receipt, rows: Sequence[ReceiptHead],
          instrument: Instrument) -> ReceiptView:
    service, _ = masters.service(receipt.service_id)
    extra = []
    if receipt.collection_type != "C":
        extra.append(("Collection", COLLECTION_TYPES[receipt.collection_type].title()))
    if receipt.manual_receipt_number:
        manual = receipt.manual_receipt_number
        if receipt.manual_receipt_date:
            manual += f" of {receipt.manual_receipt_date:%d %b %Y}"
        extra.append(("Manual receipt", manual))
    reason = {CANCELLED: receipt.cancel_reason, REJECTED: receipt.rejection_reason}.get(receipt.status)
    return ReceiptView(
        ulb=masters.ulb(receipt.tenant_id), receipt_number=receipt.number,
        receipt_date=receipt.receipt_date, status=STATUSES[receipt.status], service=service,
        consumer_code=receipt.consumer_code, bill_reference=receipt.bill_ref_no,
        payer=PayerView(name=receipt.payer_name, address=receipt.payer_address or ""),
        heads=tuple(_heads(masters, receipt, rows)), total=receipt.amount_paise,
        instrument=_instrument(masters, instrument),
        collected_by=masters.collector(receipt.collected_by),
        verification_url_base=verification_base(receipt.tenant_id), content_hash=receipt.hash,
        print_count=receipt.print_count, narration=receipt.narration or None, status_reason=reason,
        extra=tuple(extra))


def receipt_view(session: Session, receipt: Receipt) -> ReceiptView:
    """What ``receipt`` prints as now (its next print: DUPLICATE once it has been printed)."""
    rows = session.scalars(select(ReceiptHead).where(ReceiptHead.receipt_id == receipt.id)
                           .order_by(ReceiptHead.line_no)).all()
    return _view(_Masters(session), receipt, rows, session.get(Instrument, receipt.instrument_id))


def template_of(session: Session, receipt: Receipt) -> str:
    return session.scalar(select(Service.receipt_template).where(Service.id == receipt.service_id))


class PrintedReceipt(NamedTuple):
    number: str
    pdf: bytes
    duplicate: bool
    print_count: int  #: prints so far, this one included


def print_receipt(session: Session, tenant_id: str, number: str, actor: Actor, *,
                  only_collected_by: str | None = None) -> PrintedReceipt:
    """The receipt's PDF; the print is counted (and a duplicate audited) in this transaction."""
    receipt = find_receipt(session, tenant_id, number, only_collected_by=only_collected_by, lock=True)
    view = receipt_view(session, receipt)
    template = template_of(session, receipt)
    try:
        pdf = renderer().render_pdf(view, template)
    except receipt_templates.TemplateError as exc:
        raise _unusable(template, exc) from exc
    receipt.print_count += 1
    if view.is_duplicate:
        audit.record(session, actor, "receipt.reprint", tenant_id=tenant_id, entity_type="receipt",
                     entity_id=number, before={"print_count": view.print_count},
                     after={"print_count": receipt.print_count})
    session.flush()
    return PrintedReceipt(number, pdf, view.is_duplicate, receipt.print_count)


# -- batch printing ----------------------------------------------------------------------------

class BatchFilter(NamedTuple):
    tenant_id: str
    date_from: dt.date
    date_to: dt.date
    service: str | None = None


def _batch_query(where: BatchFilter):
    if where.date_from > where.date_to:
        raise ValidationError("'from' must not be after 'to'", code="DATE_RANGE_INVALID", field="from")
    query = select(Receipt).where(Receipt.tenant_id == where.tenant_id,
                                  Receipt.receipt_date >= where.date_from,
                                  Receipt.receipt_date <= where.date_to)
    if where.service is not None:
        query = query.join(Service, Service.id == Receipt.service_id).where(Service.code == where.service)
    return query


def count_batch(session: Session, where: BatchFilter) -> int:
    return session.scalar(select(func.count()).select_from(_batch_query(where).subquery())) or 0


class BatchItem(NamedTuple):
    receipt_id: int
    template: str
    view: ReceiptView


def stream_batch(session: Session, where: BatchFilter) -> Iterator[BatchItem]:
    """The receipts of a date range (optionally one service) in date and number order,
    read ``BATCH_CHUNK`` at a time with their heads and instruments (three queries a chunk)."""
    masters = _Masters(session)
    query = _batch_query(where).order_by(Receipt.receipt_date, Receipt.id)
    rows = session.scalars(query.execution_options(yield_per=BATCH_CHUNK))
    for chunk in rows.partitions():
        ids = [r.id for r in chunk]
        heads: dict[int, list[ReceiptHead]] = {i: [] for i in ids}
        for head in session.scalars(select(ReceiptHead).where(ReceiptHead.receipt_id.in_(ids))
                                    .order_by(ReceiptHead.receipt_id, ReceiptHead.line_no)):
            heads[head.receipt_id].append(head)
        instruments = {i.id: i for i in session.scalars(select(Instrument).where(
            Instrument.id.in_({r.instrument_id for r in chunk})))}
        for receipt in chunk:
            _, template = masters.service(receipt.service_id)
            yield BatchItem(receipt.id, template,
                            _view(masters, receipt, heads[receipt.id], instruments[receipt.instrument_id]))


def print_batch(session: Session, where: BatchFilter, target: str | os.PathLike[str], *, workers: int = 2,
                progress: Callable[[int, int | None], None] | bool = False) -> list[int]:
    """Write every receipt of ``where`` into one PDF at ``target``, one per page; return their ids.

    Receipts stream from the database into ``receipt_templates.write_batch``, which
    lays them out in chunks and renames the file into place only once it is whole, so
    memory stays flat however long the batch. Reads only: count the prints with
    ``record_prints`` afterwards, in a short write transaction, so a long batch never
    holds the database's write lock.
    """
    total = count_batch(session, where)
    if total == 0:
        raise NotFound(f"no receipts of {where.tenant_id} from {where.date_from} to {where.date_to}"
                       + (f" for {where.service}" if where.service else ""), code="NO_RECEIPTS")
    ids: list[int] = []
    templates: dict[str, str] = {}

    def views() -> Iterable[ReceiptView]:
        for item in stream_batch(session, where):
            ids.append(item.receipt_id)
            templates[item.view.receipt_number] = item.template
            yield item.view

    try:
        receipt_templates.write_batch(views(), target, lambda v: templates[v.receipt_number],
                                      workers=1 if total <= SMALL_BATCH else workers, progress=progress,
                                      total=total)
    except receipt_templates.TemplateError as exc:
        raise _unusable(exc.template_name or "?", exc) from exc
    return ids


def _unusable(template: str, exc: Exception) -> Conflict:
    """A service's receipt template that cannot print (missing or broken): the receipt is fine,
    the service's configuration is not, so nothing is counted as printed."""
    return Conflict(f"receipt template {template!r} cannot print: {exc}", code="RECEIPT_TEMPLATE_ERROR")


def record_prints(session: Session, tenant_id: str, receipt_ids: Sequence[int]) -> None:
    """Count one more print of each receipt (a batch's); later prints are duplicates."""
    for start in range(0, len(receipt_ids), BATCH_CHUNK):
        session.execute(update(Receipt).where(Receipt.tenant_id == tenant_id,
                                              Receipt.id.in_(receipt_ids[start:start + BATCH_CHUNK]))
                        .values(print_count=Receipt.print_count + 1))
