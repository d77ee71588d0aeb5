"""Financial periods: listed by every role, closed and reopened by ACCOUNTANT."""
from __future__ import annotations

from collection import master_reads, master_writes
from collection.api.context import Call
from collection.api.registry import Routes
from collection.api.schemas.common import Page, page
from collection.api.schemas.masters import PeriodOut, PeriodQuery
from collection.auth.roles import ACCOUNTANT, ALL_ROLES

routes = Routes("periods")
PERIODS = "/api/v1/tenants/<tenant_id>/periods"


@routes.endpoint("GET", PERIODS, roles=ALL_ROLES, query=PeriodQuery, response=Page[PeriodOut])
def list_periods(call: Call, tenant_id: str):
    """Monthly periods, by status or financial year."""
    q = call.query
    return page(master_reads.list_periods(call.session, tenant_id, q.status, q.financial_year,
                                          q.limit, q.offset), q)


@routes.endpoint("GET", f"{PERIODS}/<code>", roles=ALL_ROLES, response=PeriodOut)
def get_period(call: Call, tenant_id: str, code: str):
    """One period (``2026-11``)."""
    return master_reads.get_period(call.session, tenant_id, code)


@routes.endpoint("POST", f"{PERIODS}/<code>/close", roles={ACCOUNTANT}, response=PeriodOut)
def close_period(call: Call, tenant_id: str, code: str):
    """Close a month: the ledger refuses postings dated in it from now on."""
    return master_writes.set_period_status(call.session, call.actor, tenant_id, code, "closed")


@routes.endpoint("POST", f"{PERIODS}/<code>/reopen", roles={ACCOUNTANT}, response=PeriodOut)
def reopen_period(call: Call, tenant_id: str, code: str):
    """Reopen a closed month."""
    return master_writes.set_period_status(call.session, call.actor, tenant_id, code, "open")
