"""Masters: read by every role within the caller's tenants, written by ADMIN through the loader."""
from __future__ import annotations

from collection import master_reads, master_writes
from collection.api.context import Call
from collection.api.registry import Routes
from collection.api.schemas.common import Page, page
from collection.api.schemas.masters import (
    AccountOut,
    AccountQuery,
    AccountWrite,
    BankAccountOut,
    BankAccountQuery,
    BankAccountWrite,
    SegmentOut,
    SegmentQuery,
    SegmentWrite,
    ServiceOut,
    ServiceQuery,
    ServiceWrite,
    TenantOut,
    TenantQuery,
    TenantWrite,
)
from collection.auth.roles import ADMIN, ALL_ROLES

routes = Routes("masters")
TENANT = "/api/v1/tenants/<tenant_id>"
KINDS = 'any(funds, functions, functionaries, departments, "fund-sources"):kind'


@routes.endpoint("GET", "/api/v1/tenants", roles=ALL_ROLES, query=TenantQuery,
                 response=Page[TenantOut])
def list_tenants(call: Call):
    """The tenants the caller may act on: its own and those below it."""
    return page(master_reads.list_tenants(call.session, call.tenants(), call.query.limit,
                                          call.query.offset), call.query)


@routes.endpoint("GET", TENANT, roles=ALL_ROLES, response=TenantOut)
def get_tenant(call: Call, tenant_id: str):
    """One tenant."""
    return master_reads.get_tenant(call.session, tenant_id)


@routes.endpoint("PUT", TENANT, roles={ADMIN}, body=TenantWrite, response=TenantOut,
                 tenant="service")
def put_tenant(call: Call, tenant_id: str):
    """Create or update a tenant (a new one under a tenant the caller covers)."""
    return master_writes.upsert_tenant(call.session, call.actor, call.principal.tenant_id,
                                       tenant_id, call.body.model_dump())


@routes.endpoint("GET", f"{TENANT}/accounts", roles=ALL_ROLES, query=AccountQuery,
                 response=Page[AccountOut])
def list_accounts(call: Call, tenant_id: str):
    """The chart of accounts, filtered by type, purpose, level, flags or text."""
    q = call.query
    where = master_reads.AccountFilter(q.type, q.purpose, q.level, q.postable, q.active, q.q)
    return page(master_reads.list_accounts(call.session, tenant_id, where, q.limit, q.offset), q)


@routes.endpoint("GET", f"{TENANT}/accounts/<glcode>", roles=ALL_ROLES, response=AccountOut)
def get_account(call: Call, tenant_id: str, glcode: str):
    """One GL account."""
    return master_reads.get_account(call.session, tenant_id, glcode)


@routes.endpoint("PUT", f"{TENANT}/accounts/<glcode>", roles={ADMIN}, body=AccountWrite,
                 response=AccountOut)
def put_account(call: Call, tenant_id: str, glcode: str):
    """Create or update a GL account."""
    return master_writes.upsert_account(call.session, call.actor, tenant_id, glcode,
                                        call.body.model_dump())


@routes.endpoint("GET", f"{TENANT}/segments/<{KINDS}>", roles=ALL_ROLES, query=SegmentQuery,
                 response=Page[SegmentOut])
def list_segments(call: Call, tenant_id: str, kind: str):
    """Funds, functions, functionaries, departments or fund sources."""
    q = call.query
    return page(master_reads.list_segments(call.session, tenant_id, kind, q.active, q.q, q.limit,
                                           q.offset), q)


@routes.endpoint("GET", f"{TENANT}/segments/<{KINDS}>/<code>", roles=ALL_ROLES,
                 response=SegmentOut)
def get_segment(call: Call, tenant_id: str, kind: str, code: str):
    """One segment value."""
    return master_reads.get_segment(call.session, tenant_id, kind, code)


@routes.endpoint("PUT", f"{TENANT}/segments/<{KINDS}>/<code>", roles={ADMIN}, body=SegmentWrite,
                 response=SegmentOut)
def put_segment(call: Call, tenant_id: str, kind: str, code: str):
    """Create or update a segment value (only functions have a parent)."""
    return master_writes.upsert_segment(call.session, call.actor, tenant_id, kind, code,
                                        call.body.model_dump())


@routes.endpoint("GET", f"{TENANT}/bank-accounts", roles=ALL_ROLES, query=BankAccountQuery,
                 response=Page[BankAccountOut])
def list_bank_accounts(call: Call, tenant_id: str):
    """The tenant's bank accounts."""
    q = call.query
    return page(master_reads.list_bank_accounts(call.session, tenant_id, q.active, q.limit,
                                                q.offset), q)


@routes.endpoint("GET", f"{TENANT}/bank-accounts/<code>", roles=ALL_ROLES,
                 response=BankAccountOut)
def get_bank_account(call: Call, tenant_id: str, code: str):
    """One bank account."""
    return master_reads.get_bank_account(call.session, tenant_id, code)


@routes.endpoint("PUT", f"{TENANT}/bank-accounts/<code>", roles={ADMIN}, body=BankAccountWrite,
                 response=BankAccountOut)
def put_bank_account(call: Call, tenant_id: str, code: str):
    """Create or update a bank account."""
    return master_writes.upsert_bank_account(call.session, call.actor, tenant_id, code,
                                             call.body.model_dump())


@routes.endpoint("GET", f"{TENANT}/services", roles=ALL_ROLES, query=ServiceQuery,
                 response=Page[ServiceOut])
def list_services(call: Call, tenant_id: str):
    """What the tenant collects for, with each service's defaults and holding accounts."""
    q = call.query
    return page(master_reads.list_services(call.session, tenant_id, q.active, q.limit, q.offset), q)


@routes.endpoint("GET", f"{TENANT}/services/<code>", roles=ALL_ROLES, response=ServiceOut)
def get_service(call: Call, tenant_id: str, code: str):
    """One service."""
    return master_reads.get_service(call.session, tenant_id, code)


@routes.endpoint("PUT", f"{TENANT}/services/<code>", roles={ADMIN}, body=ServiceWrite,
                 response=ServiceOut)
def put_service(call: Call, tenant_id: str, code: str):
    """Create or update a service."""
    return master_writes.upsert_service(call.session, call.actor, tenant_id, code,
                                        call.body.model_dump())
