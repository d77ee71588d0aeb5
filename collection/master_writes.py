"""Change one master over HTTP, through the masters loader, with its audit record.

Each function builds a one-entry masters document and hands it to
``load_masters``, so the API obeys exactly the loader's rules (upsert by code,
nothing deleted, nothing a posting uses recoded). Before and after snapshots
go to the audit trail in the same transaction.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy.orm import Session

from collection import audit, master_reads
from collection.audit import Actor
from collection.auth.errors import Forbidden
from collection.auth.tenancy import covers
from collection.remittance import penalty
from collection.masters import (
    AccountIn,
    BankAccountIn,
    LoadReport,
    MastersFile,
    SegmentIn,
    ServiceIn,
    TenantIn,
    load_masters,
)
from ledger import periods
from ledger.errors import NotFound, RasidError, ValidationError
from ledger.models import Tenant

_LOADER_PATH = re.compile(r"^tenants\[0\](?:\.\w+\[0\])?(?:\.|: ?)?")


@contextmanager
def _as_one_entry():
    """The loader names fields by their place in a file (``tenants[0].accounts[0].parent``);
    over HTTP there is one entry, so name them as the request does (``parent``)."""
    try:
        yield
    except RasidError as exc:
        exc.message = _LOADER_PATH.sub("", exc.message)
        exc.field = _LOADER_PATH.sub("", exc.field) if exc.field else exc.field
        exc.field = exc.field or None
        exc.details = []
        raise


def _load(session: Session, masters: MastersFile) -> None:
    with _as_one_entry():
        load_masters(session, masters)


def load_file(session: Session, actor: Actor, masters: MastersFile, source: str) -> LoadReport:
    """Load a whole masters file (``rasid masters load``), with one audit record per tenant it
    changed, counting what was created and updated (a file is too large for before and after)."""
    report = load_masters(session, masters)
    for tenant_id, own in report.by_tenant.items():
        if own.changes():
            audit.record(session, actor, "master.file.load", tenant_id=tenant_id, entity_type="masters_file",
                         entity_id=source[-200:], after={"changes": own.changes()})
    return report


def _load_into(session: Session, tenant_id: str, **sections) -> None:
    """Load ``sections`` (accounts=[...], funds=[...]) into an existing tenant, header unchanged."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"no tenant {tenant_id!r}", code="TENANT_NOT_FOUND")
    header = TenantIn(code=tenant.id, name=tenant.name, name_local=tenant.name_local,
                      parent=tenant.parent_id, address=tenant.address, active=tenant.active,
                      **sections)
    _load(session, MastersFile(tenants=[header]))


def upsert_tenant(session: Session, actor: Actor, home_tenant: str, code: str, fields: dict) -> dict:
    """Create or update a tenant's header, financial years and number formats.

    A user may change a tenant it covers; it may create one under a tenant it
    covers, and may move a tenant only to a parent it covers.
    """
    existing = session.get(Tenant, code)
    parent = fields.get("parent")
    if existing is not None and not covers(session, home_tenant, code):
        raise Forbidden(f"tenant {code!r} is not one of yours", code="TENANT_FORBIDDEN")
    if existing is None and (parent is None or not covers(session, home_tenant, parent)):
        raise Forbidden("a new tenant must be placed under a tenant you cover (set parent)",
                        code="TENANT_FORBIDDEN", field="parent")
    if existing is not None and parent != existing.parent_id and (
            parent is None or not covers(session, home_tenant, parent)):
        raise Forbidden("a tenant can only be moved under a tenant you cover",
                        code="TENANT_FORBIDDEN", field="parent")
    before = master_reads.tenant_view(existing) if existing else None
    _load(session, MastersFile(tenants=[TenantIn(code=code, **fields)]))
    after = master_reads.get_tenant(session, code)
    requested = {k: fields[k] for k in ("financial_years", "voucher_numbering") if fields.get(k)}
    _record(session, actor, code, "tenant", code, before, {**after, **requested})
    return after


def upsert_account(session: Session, actor: Actor, tenant_id: str, glcode: str, fields: dict) -> dict:
    item = AccountIn(glcode=glcode, **fields)
    found = master_reads.find_account(session, tenant_id, glcode)
    before = master_reads.account_view(found) if found else None
    _load_into(session, tenant_id, accounts=[item])
    after = master_reads.get_account(session, tenant_id, glcode)
    _record(session, actor, tenant_id, "account", glcode, before, after)
    return after


def upsert_segment(session: Session, actor: Actor, tenant_id: str, kind: str, code: str,
                   fields: dict) -> dict:
    if kind not in master_reads.SEGMENT_KINDS:
        raise ValidationError(f"unknown segment {kind!r}", code="SEGMENT_UNKNOWN", field="kind")
    if fields.get("parent") is not None and kind != "functions":
        raise ValidationError("only functions have a parent", code="MASTERS_INVALID", field="parent")
    item = SegmentIn(code=code, **fields)
    found = master_reads.find_segment(session, tenant_id, kind, code)
    before = master_reads.segment_view(found) if found else None
    _load_into(session, tenant_id, **{master_reads.SEGMENT_KINDS[kind][1]: [item]})
    after = master_reads.get_segment(session, tenant_id, kind, code)
    _record(session, actor, tenant_id, kind.replace("-", "_").rstrip("s"), code, before, after)
    return after


def upsert_bank_account(session: Session, actor: Actor, tenant_id: str, code: str,
                        fields: dict) -> dict:
    item = BankAccountIn(code=code, **fields)
    before = master_reads.find_bank_account(session, tenant_id, code)
    _load_into(session, tenant_id, bank_accounts=[item])
    after = master_reads.get_bank_account(session, tenant_id, code)
    _record(session, actor, tenant_id, "bank_account", code, before, after)
    return after


def upsert_service(session: Session, actor: Actor, tenant_id: str, code: str, fields: dict) -> dict:
    """Create or replace a service; over HTTP the body is the whole service, so a service
    without a cheque-bounce penalty has none (the masters file leaves one it does not name)."""
    item = ServiceIn(code=code, **fields)
    before = master_reads.find_service(session, tenant_id, code)
    _load_into(session, tenant_id, services=[item])
    if item.cheque_bounce_penalty is None:
        penalty.remove_penalty(session, tenant_id, code)
    after = master_reads.get_service(session, tenant_id, code)
    _record(session, actor, tenant_id, "service", code, before, after)
    return after


def set_period_status(session: Session, actor: Actor, tenant_id: str, code: str, status: str) -> dict:
    """Close or reopen a month; a no-op (already so) changes and records nothing."""
    before = master_reads.get_period(session, tenant_id, code)
    if before["status"] == status:
        return before
    periods.set_period_status(session, tenant_id, code, status, changed_by=actor.name)
    after = master_reads.get_period(session, tenant_id, code)
    audit.record(session, actor, "period.close" if status == "closed" else "period.reopen",
                 tenant_id=tenant_id, entity_type="period", entity_id=code,
                 before=_jsonable(before), after=_jsonable(after))
    return after


def _record(session, actor, tenant_id, entity_type, entity_id, before, after) -> None:
    """Record an upsert unless nothing changed (loading the same values twice is a no-op)."""
    if before == after:
        return
    action = f"master.{entity_type}.{'create' if before is None else 'update'}"
    audit.record(session, actor, action, tenant_id=tenant_id, entity_type=entity_type,
                 entity_id=entity_id, before=_jsonable(before), after=_jsonable(after))


def _jsonable(view: dict | None) -> dict | None:
    if view is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in view.items()}
