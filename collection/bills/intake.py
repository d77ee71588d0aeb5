"""Storing submitted Bill XML: all bills of a document or none, versioned, with the document.

Resubmitting a bill (same tenant, service, consumer code and reference) with
identical content returns the stored bill; with other content, while no live
receipt exists, stores a new version and marks the old one superseded; once a
live receipt exists, a different version is refused with ``BILL_LOCKED``.

A document costs a fixed handful of statements whatever its number of bills: two
lookups of the tenant's masters, one locking read of the active versions, one insert
each for the document, its bills and their heads (see ``bulk``), one read back.
"""
from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from billxml import DEFAULT_MAX_BYTES, BillCollect, BillXmlInvalid, parse_bill_xml
from billxml.model import Bill as BillIn, Payee
from collection import audit
from collection.bills.bulk import insert_rows, one_of
from collection.bills.lookup import TenantMasters
from collection.bills.models import Bill, BillAccount, BillDocument
from ledger.errors import Conflict, RasidError


class StoredBill(NamedTuple):
    bill: Bill
    outcome: str  #: created | superseded (a new version replaced an older one) | unchanged


class Submission(NamedTuple):
    bills: list[StoredBill]
    document_id: int | None  #: None when everything was already stored

    @property
    def changed(self) -> bool:
        return any(s.outcome != "unchanged" for s in self.bills)


class BillXmlRejected(RasidError):
    """A document that failed validation; ``details`` lists every error with line and path."""

    code = "BILL_XML_INVALID"
    status = 422


def rejection(exc: BillXmlInvalid) -> BillXmlRejected:
    details = [{"code": str(e.code), "message": e.message, "field": e.path, "line": e.line, "path": e.path}
               for e in exc.errors]
    first = exc.errors[0]
    status = 413 if first.code == "XML_TOO_LARGE" else 422
    where = f" (line {first.line}, {first.path})" if first.line else (f" ({first.path})" if first.path else "")
    more = f"; and {len(details) - 1} more" if len(details) > 1 else ""
    return BillXmlRejected(f"{first.code}: {first.message}{where}{more}", status=status, details=details,
                           field=first.path)


def submit_bill_xml(session: Session, tenant_id: str, data: bytes, *, submitted_by: str | None = None,
                    max_bytes: int = DEFAULT_MAX_BYTES, actor: audit.Actor | None = None) -> Submission:
    """Validate ``data`` against the XSD and the tenant's masters and store its bills atomically.

    With an ``actor`` (HTTP), a stored document is also recorded in the audit trail, and the
    actor is its submitter unless ``submitted_by`` says otherwise.
    """
    if actor is not None and submitted_by is None:
        submitted_by = actor.name
    masters = TenantMasters(session, tenant_id)
    try:
        document = parse_bill_xml(data, masters, max_bytes=max_bytes)
    except BillXmlInvalid as exc:
        raise rejection(exc) from None
    service = masters.services[document.service_code]
    incoming = []
    for payee in document.payees:
        prefix = digest_prefix(document, payee)
        incoming += [(payee, bill, bill_digest(document, payee, bill, prefix=prefix))
                     for bill in payee.bills]
    current = _active_versions(session, tenant_id, service.id, [(b.consumer_code, b.ref_no)
                                                                 for _, b, _ in incoming])
    locked = [b for _, b, digest in incoming
              if (old := current.get((b.consumer_code, b.ref_no))) is not None
              and old.content_digest != digest and old.live_receipts > 0]
    if locked:
        raise Conflict(
            f"bill {locked[0].ref_no} of consumer {locked[0].consumer_code} has a live receipt; "
            "a different version cannot replace it" + (f" (and {len(locked) - 1} more)" if len(locked) > 1 else ""),
            code="BILL_LOCKED",
            details=[{"code": "BILL_LOCKED", "message": f"consumer {b.consumer_code}, bill {b.ref_no}",
                      "field": None} for b in locked])

    changed = [(p, b, d) for p, b, d in incoming
               if (old := current.get((b.consumer_code, b.ref_no))) is None or old.content_digest != d]
    if not changed:
        return Submission([StoredBill(current[(b.consumer_code, b.ref_no)], "unchanged")
                           for _, b, _ in incoming], None)

    sha256 = hashlib.sha256(data).hexdigest()
    doc_id = session.execute(insert(BillDocument).returning(BillDocument.id), {
        "tenant_id": tenant_id, "sha256": sha256, "size": len(data), "content": data,
        "submitted_by": submitted_by}).scalar_one()
    superseded = [current[(b.consumer_code, b.ref_no)] for _, b, _ in changed
                  if (b.consumer_code, b.ref_no) in current]
    if superseded:  # free the "one active version" slot before the new versions arrive
        session.execute(update(Bill).where(one_of(session, Bill.id, [old.id for old in superseded]))
                        .values(status="superseded"))
    shared = {**_header(document, service, masters), "tenant_id": tenant_id, "service_id": service.id,
              "document_id": doc_id, "status": "active", "live_receipts": 0}
    rows = []
    for payee, bill, digest in changed:
        old = current.get((bill.consumer_code, bill.ref_no))
        rows.append({**_bill_row(payee, bill), "content_digest": digest,
                     "version": old.version + 1 if old else 1})
    new_ids = insert_rows(session, Bill.__table__, rows, shared, ids=True)
    new_id_of = {(b.consumer_code, b.ref_no): bill_id for bill_id, (_, b, _) in zip(new_ids, changed)}
    accounts = []
    for bill_id, (_payee, bill, _digest) in zip(new_ids, changed):
        for n, account in enumerate(bill.accounts, start=1):
            accounts.append({
                "bill_id": bill_id, "line_no": n, "order": account.order,
                "gl_account_id": masters.accounts[account.gl_code][0], "glcode": account.gl_code,
                "function_id": masters.functions[account.function_code],
                "description": account.description, "is_actual_demand": account.is_actual_demand,
                "purpose": str(account.purpose) if account.purpose else None,
                "group_id": account.group_id, "cr_paise": account.cr_paise, "dr_paise": account.dr_paise})
    insert_rows(session, BillAccount.__table__, accounts, {"tenant_id": tenant_id, "paid_paise": 0})
    if superseded:
        bills = Bill.__table__
        session.execute(update(bills).where(bills.c.id == bindparam("old_id"))
                        .values(superseded_by_id=bindparam("new_id")),
                        [{"old_id": old.id, "new_id": new_id_of[(old.consumer_code, old.ref_no)]}
                         for old in superseded])

    stored = {b.id: b for b in session.scalars(
        select(Bill).where(one_of(session, Bill.id, new_ids)))}
    outcome = []
    for _, bill, _ in incoming:
        key = (bill.consumer_code, bill.ref_no)
        if key in new_id_of:
            outcome.append(StoredBill(stored[new_id_of[key]], "superseded" if key in current else "created"))
        else:
            outcome.append(StoredBill(current[key], "unchanged"))
    if actor is not None:
        counts = {kind: sum(1 for s in outcome if s.outcome == kind)
                  for kind in ("created", "superseded", "unchanged")}
        audit.record(session, actor, "bills.submit", tenant_id=tenant_id, entity_type="bill_document",
                     entity_id=str(doc_id), after={"sha256": sha256, "size": len(data), **counts})
    return Submission(outcome, doc_id)


def _active_versions(session: Session, tenant_id: str, service_id: int,
                     keys: list[tuple[str, str]]) -> dict[tuple[str, str], Bill]:
    """The active version of each bill key, locked so a concurrent submission waits.

    Asked as "consumer code in the document's and reference in the document's", which may
    also match (and lock) another bill of the same consumers; only the keys asked are kept.
    """
    wanted = set(keys)
    found: dict[tuple[str, str], Bill] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        query = (select(Bill).where(Bill.tenant_id == tenant_id, Bill.service_id == service_id,
                                    Bill.status == "active",
                                    one_of(session, Bill.consumer_code, sorted({c for c, _ in chunk})),
                                    one_of(session, Bill.ref_no, sorted({r for _, r in chunk})))
                 .order_by(Bill.id).with_for_update())
        found.update({key: b for b in session.scalars(query)
                      if (key := (b.consumer_code, b.ref_no)) in wanted})
    return found


def _header(doc: BillCollect, service, masters: TenantMasters) -> dict:
    """What every bill of the document shares; missing segments fall back on the service's."""
    return {
        "fund_id": masters.funds[doc.fund_code],
        "department_id": masters.departments[doc.department_code],
        "functionary_id": masters.functionaries[doc.functionary_code] if doc.functionary_code
        else service.functionary_id,
        "fund_source_id": masters.fund_sources[doc.fund_source_code] if doc.fund_source_code
        else service.fund_source_id,
        "paid_by": doc.paid_by, "display_message": doc.display_message,
        "part_payment_allowed": doc.part_payment_allowed,
        "override_account_heads_allowed": doc.override_account_heads_allowed,
        "callback_for_apportioning": doc.callback_for_apportioning,
        "collection_type": str(doc.collection_type) if doc.collection_type else None,
        "modes_not_allowed": ",".join(str(m) for m in doc.collection_modes_not_allowed),
        "transaction_reference": doc.transaction_reference_number, "source": doc.source,
    }


def _bill_row(payee: Payee, bill: BillIn) -> dict:
    return {
        "consumer_code": bill.consumer_code, "ref_no": bill.ref_no, "bill_date": bill.bill_date,
        "payee_name": payee.name, "payee_address": payee.address, "payee_email": payee.email,
        "consumer_type": bill.consumer_type, "boundary_num": bill.boundary_num,
        "boundary_type": bill.boundary_type, "description": bill.description,
        "total_paise": bill.total_paise, "minimum_paise": bill.minimum_paise or 0,
    }


def bill_digest(doc: BillCollect, payee: Payee, bill: BillIn, *, prefix: str | None = None) -> str:
    """Fingerprint of everything that defines one bill, including its document's header.

    The SHA-256 of the JSON list [header, payee, bill, accounts] (sorted keys); ``prefix``, from
    ``digest_prefix``, is that list's start, encoded once for all the bills of one payee.
    """
    if prefix is None:
        prefix = digest_prefix(doc, payee)
    bill_part = _json([_row(bill), [_row(a) for a in bill.accounts]])
    return hashlib.sha256(f"{prefix}, {bill_part[1:]}".encode()).hexdigest()


def digest_prefix(doc: BillCollect, payee: Payee) -> str:
    """The start of ``bill_digest``'s JSON, the same for every bill of one payee."""
    header = {k: getattr(doc, k) for k in (
        "service_code", "fund_code", "department_code", "functionary_code", "fund_source_code",
        "display_message", "paid_by", "part_payment_allowed", "override_account_heads_allowed",
        "callback_for_apportioning", "collection_type", "collection_modes_not_allowed",
        "transaction_reference_number", "source")}
    return _json([header, [payee.name, payee.address, payee.email]])[:-1]


def _json(value) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def _row(value) -> dict:
    return {slot: getattr(value, slot) for slot in value.__slots__ if slot != "accounts"}
