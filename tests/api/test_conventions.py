"""API conventions: error shapes and codes, status codes, pagination, money, request ids, docs."""
from __future__ import annotations

import pytest

from tests.api.requests_table import AMRITSAR

ACCOUNTS = f"/api/v1/tenants/{AMRITSAR}/accounts"


@pytest.fixture
def admin(api):
    api.user("admin1", ["ADMIN", "ACCOUNTANT", "AUDITOR"])
    return api.login("admin1")


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"errors"} and body["errors"], body
    for item in body["errors"]:
        assert set(item) == {"code", "message", "field"}
    return body["errors"][0]


def test_unknown_route_and_wrong_method(api, admin):
    assert _error(api.get("/api/v1/nothing", admin))["code"] == "NOT_FOUND"
    response = api.call("DELETE", ACCOUNTS, admin)
    assert response.status_code == 405 and _error(response)["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["Allow"]


def test_bad_bodies(api, admin):
    url = f"{ACCOUNTS}/1100199"
    bad_json = api.call("PUT", url, admin, data="{not json", content_type="application/json")
    assert bad_json.status_code == 400 and _error(bad_json)["code"] == "JSON_INVALID"
    not_json = api.call("PUT", url, admin, data="name=x", content_type="text/plain")
    assert not_json.status_code == 415 and _error(not_json)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    too_big = api.call("PUT", url, admin, data="[" + "1," * 600_000 + "1]",
                       content_type="application/json")
    assert too_big.status_code == 413 and _error(too_big)["code"] == "REQUEST_ENTITY_TOO_LARGE"
    not_object = api.call("PUT", url, admin, json=[1, 2])
    assert not_object.status_code == 422


def test_wrong_types_and_missing_fields_are_422_with_the_field(api, admin):
    url = f"{ACCOUNTS}/1100199"
    wrong = api.call("PUT", url, admin, json={"name": "X", "type": "income", "active": "yes"})
    assert wrong.status_code == 422
    assert _error(wrong) == {"code": "FIELD_INVALID", "field": "active",
                             "message": "Input should be a valid boolean"}
    missing = api.call("PUT", url, admin, json={"name": "X"})
    assert _error(missing) == {"code": "FIELD_REQUIRED", "field": "type", "message": "Field required"}
    unknown = api.call("PUT", url, admin, json={"name": "X", "type": "income", "colour": "red"})
    assert _error(unknown)["code"] == "FIELD_UNKNOWN" and _error(unknown)["field"] == "colour"
    snake = api.call("PUT", f"/api/v1/tenants/{AMRITSAR}/bank-accounts/X1", admin, json={
        "bank": "B", "branch": "C", "account_number": "12345678", "ifsc": "SBIN0000609",
        "fund": "01", "glcode": "4502101"})
    assert snake.status_code == 422  # camelCase on the wire: accountNumber


def test_query_parameters_are_checked(api, admin):
    assert _error(api.get(ACCOUNTS, admin, query_string={"colour": "red"}))["code"] == "FIELD_UNKNOWN"
    repeated = api.get(f"{ACCOUNTS}?type=income&type=asset", admin)
    assert repeated.status_code == 422 and _error(repeated)["code"] == "QUERY_PARAM_REPEATED"
    assert api.get(ACCOUNTS, admin, query_string={"limit": "0"}).status_code == 422
    assert api.get(ACCOUNTS, admin, query_string={"limit": "ten"}).status_code == 422
    assert api.get(ACCOUNTS, admin, query_string={"type": "gold"}).status_code == 422
    tb = api.get(f"/api/v1/tenants/{AMRITSAR}/trial-balance", admin,
                 query_string={"from": "2026-12-01", "to": "2026-11-01"})
    assert tb.status_code == 422
    assert api.get(f"/api/v1/tenants/{AMRITSAR}/trial-balance", admin,
                   query_string={"from": "2026-13-01", "to": "2026-11-01"}).status_code == 422


def test_nul_characters_and_huge_ids_are_refused_alike_on_both_databases(api, admin):
    for url in (f"{ACCOUNTS}/11%00", f"{ACCOUNTS}?q=a%00b"):
        response = api.get(url, admin)
        assert response.status_code == 422 and _error(response)["code"] == "TEXT_INVALID"
    body = api.call("PUT", f"{ACCOUNTS}/1100199", admin, json={"name": "a\u0000", "type": "income"})
    assert body.status_code == 422 and _error(body)["code"] == "TEXT_INVALID"
    huge = api.get(f"/api/v1/tenants/{AMRITSAR}/vouchers/{2**64}", admin)
    assert huge.status_code == 404
    login = api.token_response("admin1\u0000")
    assert login.status_code in (400, 422)


def test_domain_errors_keep_their_codes(api, admin):
    missing = api.get(f"{ACCOUNTS}/9999999", admin)
    assert missing.status_code == 404 and _error(missing)["code"] == "ACCOUNT_NOT_FOUND"
    statement = api.get(f"/api/v1/tenants/{AMRITSAR}/gl-statement", admin, query_string={
        "glcode": "0000000", "from": "2026-11-01", "to": "2026-11-30"})
    assert statement.status_code == 404 and _error(statement)["code"] == "LEDGER_UNKNOWN_GL"
    parent = api.call("PUT", f"{ACCOUNTS}/1100199", admin,
                      json={"name": "X", "type": "income", "parent": "nope"})
    assert parent.status_code == 422
    assert _error(parent) == {"code": "MASTERS_INVALID", "field": "parent", "message":
                              "parent GL code 'nope' of 1100199 is not in the chart of accounts"}


def test_pagination(api, admin):
    first = api.get(ACCOUNTS, admin, query_string={"limit": 5}).get_json()
    assert first["limit"] == 5 and first["offset"] == 0 and len(first["items"]) == 5
    assert first["total"] == 59
    codes = []
    for offset in range(0, first["total"], 20):
        page = api.get(ACCOUNTS, admin, query_string={"limit": 20, "offset": offset}).get_json()
        codes += [a["glcode"] for a in page["items"]]
    assert len(codes) == len(set(codes)) == 59 and codes == sorted(codes)
    beyond = api.get(ACCOUNTS, admin, query_string={"offset": 500}).get_json()
    assert beyond["items"] == [] and beyond["total"] == 59
    filtered = api.get(ACCOUNTS, admin, query_string={"purpose": "bank", "q": "State"}).get_json()
    assert [a["glcode"] for a in filtered["items"]] == ["4502101"]


def test_money_as_paise_and_rupees(api, admin, two_ulbs):
    voucher = api.get(f"/api/v1/tenants/{AMRITSAR}/vouchers/{two_ulbs.id}", admin).get_json()
    assert (voucher["totalPaise"], voucher["total"]) == (160300, "1603.00")
    assert voucher["lines"][0]["debitPaise"] == 160300 and voucher["lines"][0]["debit"] == "1603.00"
    assert voucher["lines"][0]["credit"] == "0.00" and voucher["lines"][1]["glcode"] == "1100101"
    tb = api.get(f"/api/v1/tenants/{AMRITSAR}/trial-balance", admin,
                 query_string={"from": "2026-11-01", "to": "2026-11-30"}).get_json()
    assert tb["balanced"] and tb["totals"]["debit"] == tb["totals"]["credit"] == "1604.00"
    cash = next(r for r in tb["rows"] if r["glcode"] == "4501001")
    assert (cash["closingPaise"], cash["closing"]) == (160200, "1602.00")
    st = api.get(f"/api/v1/tenants/{AMRITSAR}/gl-statement", admin, query_string={
        "glcode": "4501001", "from": "2026-11-01", "to": "2026-11-30", "fund": "01"}).get_json()
    assert [e["balance"] for e in st["entries"]] == ["1603.00", "1602.00"]
    found = api.get(f"/api/v1/tenants/{AMRITSAR}/vouchers", admin,
                    query_string={"sourceRef": "BILL-1"}).get_json()
    assert found["total"] == 1 and found["items"][0]["number"] == two_ulbs.number


def test_request_id_is_echoed_or_made(api, admin):
    given = api.get("/api/v1/me", admin, headers={"X-Request-Id": "abc-123"})
    assert given.headers["X-Request-Id"] == "abc-123"
    made = api.get("/api/v1/me", admin, headers={"X-Request-Id": "bad id with spaces"})
    assert len(made.headers["X-Request-Id"]) == 32


def test_health(api, engine):
    assert api.http.get("/health/live").get_json() == {"status": "live"}
    ready = api.http.get("/health/ready")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


def test_not_ready_when_migrations_are_behind(app, api):
    app.extensions["rasid_head_revision"] = "9999"
    response = api.http.get("/health/ready")
    assert response.status_code == 503 and _error(response)["code"] == "MIGRATIONS_PENDING"


def test_openapi_document_and_docs_page(api):
    doc = api.http.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    operations = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert ("get", "/api/v1/tenants/{tenantId}/vouchers/{voucherId}") in operations
    assert ("post", "/user/oauth/token") in operations
    guarded = [op for ops in doc["paths"].values() for op in ops.values() if "x-roles" in op]
    assert len(guarded) == len(api.app.extensions["rasid_endpoints"])
    voucher = doc["components"]["schemas"]["VoucherOut"]["properties"]
    assert {"totalPaise", "total"} <= set(voucher)
    page = api.http.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/api/v1/tenants/{tenantId}/trial-balance" in page.get_data(as_text=True)
