"""The audit trail, for AUDITOR and ADMIN, within the caller's tenants."""
from __future__ import annotations

import datetime as dt

from collection import audit
from collection.api.context import Call
from collection.api.registry import Routes
from collection.api.schemas.access import AuditEntryOut, AuditQuery
from collection.api.schemas.common import Page, page
from collection.auth.roles import ADMIN, AUDITOR
from collection.auth.tenancy import covered_tenants
from collection.auth.tokens import as_utc
from collection.master_reads import Page as Found

routes = Routes("audit")


@routes.endpoint("GET", "/api/v1/audit", roles={AUDITOR, ADMIN}, query=AuditQuery,
                 response=Page[AuditEntryOut], tenant="query")
def list_audit(call: Call):
    """Who changed what, when, from where: newest first; ``tenantId`` and the tenants it covers."""
    q = call.query
    where = audit.AuditFilter(covered_tenants(call.session, q.tenant_id), q.action, q.actor,
                              q.entity_type, q.entity_id, q.request_id, _utc(q.since), _utc(q.until))
    total, rows = audit.search(call.session, where, q.limit, q.offset)
    items = [{"id": e.id, "occurred_at": e.occurred_at, "tenant_id": e.tenant_id, "actor": e.actor,
              "ip": e.ip, "request_id": e.request_id, "action": e.action,
              "entity_type": e.entity_type, "entity_id": e.entity_id, "before": e.before,
              "after": e.after} for e in rows]
    return page(Found(total, items), q)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A naive time is taken as UTC; an aware one is converted (stored times are UTC)."""
    return as_utc(value).astimezone(dt.UTC) if value is not None else None
