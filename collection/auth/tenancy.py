"""Which tenants a user may see: its own, and every tenant below it (``pb`` covers ``pb.amritsar``)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Tenant

MAX_DEPTH = 8  # state → district → ULB is three; more is a loop in the data


def covers(session: Session, home: str, target: str) -> bool:
    """True if a user of tenant ``home`` may act on tenant ``target`` (which must exist).

    Walks up from ``target`` through ``parent_id``: a ULB user costs one query,
    a state user one per level.
    """
    if target == home:  # the user's own tenant exists (foreign key): no query
        return True
    current: str | None = target
    for _ in range(MAX_DEPTH):
        if current is None:
            return False
        row = session.execute(select(Tenant.id, Tenant.parent_id).where(Tenant.id == current)).first()
        if row is None:
            return False
        if row.id == home:
            return True
        current = row.parent_id
    return False


def covered_tenants(session: Session, home: str) -> list[str]:
    """``home`` and all its descendants, sorted."""
    children: dict[str | None, list[str]] = {}
    for tenant_id, parent_id in session.execute(select(Tenant.id, Tenant.parent_id)):
        children.setdefault(parent_id, []).append(tenant_id)
    if session.get(Tenant, home) is None:
        return []
    found, stack = [], [home]
    while stack and len(found) < 100_000:
        tenant = stack.pop()
        found.append(tenant)
        stack.extend(children.get(tenant, []))
    return sorted(found)
