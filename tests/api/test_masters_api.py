"""Masters written over HTTP go through the loader's rules, and every change is audited."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import vouchers
from collection.audit import AuditEntry
from ledger.db import unit_of_work
from ledger.errors import LedgerError
from tests.api.requests_table import AMRITSAR
from tests.helpers import cash_receipt

BASE = f"/api/v1/tenants/{AMRITSAR}"


@pytest.fixture
def admin(api):
    api.user("admin1", ["ADMIN"])
    return api.login("admin1")


def _audit(factory, action):
    with factory() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.id)).all()


def test_account_create_update_and_audit(api, admin, factory):
    created = api.call("PUT", f"{BASE}/accounts/1100199", admin,
                       json={"name": "Property Tax-Other", "type": "income", "parent": "11001"},
                       headers={"X-Request-Id": "create-1"})
    assert created.get_json() == {"glcode": "1100199", "name": "Property Tax-Other",
                                  "type": "income", "level": "detailed", "parent": "11001",
                                  "postable": True, "active": True, "purpose": None}
    updated = api.call("PUT", f"{BASE}/accounts/1100199", admin,
                       json={"name": "Property Tax-Others", "type": "income", "parent": "11001",
                             "active": False})
    assert updated.get_json()["active"] is False
    again = api.call("PUT", f"{BASE}/accounts/1100199", admin,
                     json={"name": "Property Tax-Others", "type": "income", "parent": "11001",
                           "active": False})
    assert again.status_code == 200
    [create] = _audit(factory, "master.account.create")
    [update] = _audit(factory, "master.account.update")  # the no-op PUT records nothing
    assert create.before is None and create.after["name"] == "Property Tax-Other"
    assert (create.actor, create.request_id, create.tenant_id) == \
        ("pb.amritsar/admin1", "create-1", AMRITSAR)
    assert update.before["active"] is True and update.after["active"] is False


def test_used_account_cannot_be_recoded(api, admin, factory):
    with unit_of_work(factory) as session:
        vouchers.post(session, AMRITSAR, "RECEIPT", dt.date(2026, 11, 2), cash_receipt(100))
    response = api.call("PUT", f"{BASE}/accounts/1100101", admin,
                        json={"name": "Property Tax", "type": "expense"})
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["code"] == "MASTER_IN_USE"
    assert _audit(factory, "master.account.update") == []


def test_segments_and_bank_accounts(api, admin):
    fn = api.call("PUT", f"{BASE}/segments/functions/9101", admin,
                  json={"name": "Property Tax Survey", "parent": "91"})
    assert fn.status_code == 200 and fn.get_json()["parent"] == "91"
    fund = api.call("PUT", f"{BASE}/segments/funds/05", admin,
                    json={"name": "Grant Fund", "parent": "01"})
    assert fund.status_code == 422  # only functions have a parent
    source = api.call("PUT", f"{BASE}/segments/fund-sources/08", admin, json={"name": "CSR"})
    assert source.status_code == 200
    listed = api.get(f"{BASE}/segments/fund-sources", admin, query_string={"q": "csr"}).get_json()
    assert [s["code"] for s in listed["items"]] == ["08"]
    bank = {"bank": "Punjab National Bank", "branch": "Hall Bazaar", "accountNumber": "0123456789",
            "ifsc": "PUNB0012300", "fund": "01", "glcode": "4502101"}
    assert api.call("PUT", f"{BASE}/bank-accounts/PNB-1", admin, json=bank).status_code == 200
    not_bank = api.call("PUT", f"{BASE}/bank-accounts/PNB-2", admin,
                        json={**bank, "glcode": "1100101"})
    assert not_bank.status_code == 422 and not_bank.get_json()["errors"][0]["field"] == "glcode"
    bad_ifsc = api.call("PUT", f"{BASE}/bank-accounts/PNB-3", admin, json={**bank, "ifsc": "X"})
    assert bad_ifsc.status_code == 422


def test_periods_close_and_reopen(api, factory):
    api.user("acc1", ["ACCOUNTANT"])
    token = api.login("acc1")
    closed = api.call("POST", f"{BASE}/periods/2026-10/close", token).get_json()
    assert closed["status"] == "closed" and closed["changedBy"] == "pb.amritsar/acc1"
    with pytest.raises(LedgerError):
        with unit_of_work(factory) as session:
            vouchers.post(session, AMRITSAR, "RECEIPT", dt.date(2026, 10, 15), cash_receipt(100))
    assert api.call("POST", f"{BASE}/periods/2026-10/close", token).status_code == 200
    listed = api.get(f"{BASE}/periods", token, query_string={"status": "closed"}).get_json()
    assert [p["code"] for p in listed["items"]] == ["2026-10"]
    assert api.call("POST", f"{BASE}/periods/2026-10/reopen", token).get_json()["status"] == "open"
    assert api.call("POST", f"{BASE}/periods/2031-01/close", token).status_code == 404
    [close] = _audit(factory, "period.close")  # closing twice records once
    [reopen] = _audit(factory, "period.reopen")
    assert close.before["status"] == "open" and close.after["status"] == "closed"
    assert reopen.after["status"] == "open"


def test_tenant_update_keeps_what_it_does_not_mention(api, admin):
    response = api.call("PUT", f"/api/v1/tenants/{AMRITSAR}", admin, json={
        "name": "Municipal Corporation Amritsar", "parent": "pb",
        "address": "Town Hall, Amritsar", "financialYears": ["2028-29"]})
    assert response.status_code == 200 and response.get_json()["address"] == "Town Hall, Amritsar"
    periods = api.get(f"{BASE}/periods", admin, query_string={"financialYear": "2028-29"}).get_json()
    assert periods["total"] == 12
    assert api.get(f"{BASE}/periods", admin, query_string={"financialYear": "2026-27"}).get_json()[
        "total"] == 12


def test_services_over_http(api, admin):
    """Read the service master; an ADMIN creates one through the loader's rules."""
    base = "/api/v1/tenants/pb.amritsar/services"
    listing = api.call("GET", base, admin).get_json()
    assert {item["code"] for item in listing["items"]} >= {"PT", "BPA", "WS", "TL"}
    pt = api.call("GET", f"{base}/PT", admin).get_json()
    assert pt["holdingAccounts"]["cash"] == "4501001" and pt["advanceGlcode"] == "3504101"
    assert pt["receiptNumberFormat"] == "{mm}/{fy}/{seq:06d}" and pt["partPayment"] is True
    assert pt["gatewayAccounts"] == {"BBPS": "4501072"}
    body = {key: value for key, value in pt.items() if key != "code"}
    moved = api.call("PUT", f"{base}/PT", admin, json={**body, "gatewayAccounts": {"bbps": "4501071"},
                                                        "receiptNumberFormat": "{MM}/{fy}/{seq:06d}"})
    assert moved.status_code == 200 and moved.get_json()["gatewayAccounts"] == {"BBPS": "4501071"}
    assert moved.get_json()["receiptNumberFormat"] == "{mm}/{fy}/{seq:06d}"
    long = api.call("PUT", f"{base}/PT", admin, json={**body, "receiptNumberFormat": "X" * 50 + "/{fy}/{seq}"})
    assert long.status_code == 422 and long.get_json()["errors"][0]["code"] == "NUMBER_FORMAT_INVALID"
    missing = api.call("PUT", f"{base}/PT", admin, json={**body, "receiptTemplate": "nonexistent"})
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["code"] == "RECEIPT_TEMPLATE_UNKNOWN"
    body = {"name": "Advertisement Tax", "fund": "01", "department": "REV", "functionary": "999",
            "fundSource": "01", "instruments": ["cash", "card"], "holdingAccounts": {"cash": "4501001"}}
    refused = api.call("PUT", f"{base}/ADV", admin, json=body)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["code"] == "MASTERS_INVALID"
    created = api.call("PUT", f"{base}/ADV", admin, json={**body, "holdingAccounts": {
        "cash": "4501001", "card": "4501061"}})
    assert created.status_code == 200 and created.get_json()["instruments"] == ["cash", "card"]
    assert api.call("GET", f"{base}/NOPE", admin).get_json()["errors"][0]["code"] == "SERVICE_NOT_FOUND"


def test_a_services_cheque_bounce_penalty_is_read_set_and_removed_over_http(api, admin, factory):
    base = "/api/v1/tenants/pb.amritsar/services"
    pt = api.call("GET", f"{base}/PT", admin).get_json()
    assert pt["chequeBouncePenalty"] == {"amount": "500.00", "glcode": "1808002"}
    body = {key: value for key, value in pt.items() if key != "code"}
    changed = api.call("PUT", f"{base}/PT", admin, json={**body, "chequeBouncePenalty": {
        "amount": "750.00", "glcode": "1402004"}})
    assert changed.status_code == 200 and changed.get_json()["chequeBouncePenalty"] == {
        "amount": "750.00", "glcode": "1402004"}
    for wrong in ({"amount": "0.00", "glcode": "1808002"}, {"amount": "10.00", "glcode": "4501001"},
                  {"amount": "10.5", "glcode": "1808002"}):
        refused = api.call("PUT", f"{base}/PT", admin, json={**body, "chequeBouncePenalty": wrong})
        assert refused.status_code == 422, refused.get_json()
    assert api.call("GET", f"{base}/PT", admin).get_json()["chequeBouncePenalty"]["amount"] == "750.00"
    removed = api.call("PUT", f"{base}/PT", admin, json={**body, "chequeBouncePenalty": None})
    assert removed.status_code == 200 and removed.get_json()["chequeBouncePenalty"] is None
    listed = api.call("GET", base, admin).get_json()["items"]
    assert all(item["chequeBouncePenalty"] is None for item in listed)
    removal = _audit(factory, "master.service.update")[-1]
    assert removal.before["cheque_bounce_penalty"] == {"amount": "750.00", "glcode": "1402004"}
    assert removal.after["cheque_bounce_penalty"] is None
