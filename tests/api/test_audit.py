"""The audit trail: append-only in the database, and readable by AUDITOR and ADMIN only."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from collection import audit
from collection.audit import Actor
from ledger.db import unit_of_work
from tests.api.requests_table import AMRITSAR


def test_audit_rows_cannot_be_changed_or_deleted(factory):
    with unit_of_work(factory) as session:
        audit.record(session, Actor("test"), "test.event", tenant_id=AMRITSAR, entity_type="test",
                     entity_id="1", after={"x": 1})
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="AUDIT_APPEND_ONLY"):
            with unit_of_work(factory) as session:
                session.execute(text(statement))
    with factory() as session:
        assert session.execute(text("SELECT actor FROM audit_log")).scalars().all() == ["test"]


@pytest.mark.postgres_only
def test_audit_log_cannot_be_truncated(factory):
    with pytest.raises(DBAPIError, match="AUDIT_APPEND_ONLY"):
        with unit_of_work(factory) as session:
            session.execute(text("TRUNCATE audit_log"))


def test_audit_endpoint_filters_and_pages(api, factory):
    api.user("auditor1", ["AUDITOR"])
    api.user("acc1", ["ACCOUNTANT"])
    acc = api.login("acc1")
    for period in ("2026-06", "2026-07", "2026-08"):
        api.call("POST", f"/api/v1/tenants/{AMRITSAR}/periods/{period}/close", acc,
                 headers={"X-Request-Id": f"close-{period}"}, ip="10.0.0.5")
    token = api.login("auditor1")
    url = "/api/v1/audit"
    closes = api.get(url, token, query_string={"tenantId": AMRITSAR, "action": "period.close",
                                               "limit": 2}).get_json()
    assert closes["total"] == 3 and len(closes["items"]) == 2
    newest = closes["items"][0]
    assert newest["entityId"] == "2026-08" and newest["actor"] == "pb.amritsar/acc1"
    assert newest["ip"] == "10.0.0.5" and newest["requestId"] == "close-2026-08"
    assert newest["before"]["status"] == "open" and newest["after"]["status"] == "closed"
    by_request = api.get(url, token, query_string={"tenantId": AMRITSAR,
                                                   "requestId": "close-2026-07"}).get_json()
    assert [e["entityId"] for e in by_request["items"]] == ["2026-07"]
    users = api.get(url, token, query_string={"tenantId": AMRITSAR, "entityType": "user"}).get_json()
    assert {e["entityId"] for e in users["items"]} == {"auditor1", "acc1"}
    assert all(e["after"].get("roles") for e in users["items"])
    assert api.get(url, token).status_code == 422  # tenantId is required
    assert api.get(url, acc, query_string={"tenantId": AMRITSAR}).status_code == 403
