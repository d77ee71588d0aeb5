"""Tenant isolation: a user of another ULB reaches nothing of Amritsar, on every endpoint."""
from __future__ import annotations

from collection.auth.roles import ROLES
from tests.api.conftest import OTHER
from tests.api.requests_table import AMRITSAR, AMRITSAR_MARKERS, EXAMPLES, Example, call


def _leaks(response, example: Example | None = None) -> list[str]:
    """Amritsar's data in a response, other than what the caller itself sent (echoed in errors)."""
    text = response.get_data().decode("utf-8", "replace")  # a PDF (a report) is not UTF-8
    sent = repr(example)
    return [marker for marker in AMRITSAR_MARKERS if marker in text and marker not in sent]


def test_every_endpoint_refuses_another_ulbs_user(api, two_ulbs, factory):
    api.user("jal-all", list(ROLES), tenant=OTHER)
    for name, spec in sorted(api.app.extensions["rasid_endpoints"].items()):
        token = api.login("jal-all", OTHER)  # fresh: one of the endpoints is logout
        example = EXAMPLES[name]
        response = call(api, spec, token, example, two_ulbs.id)
        assert not _leaks(response, example), (name, _leaks(response, example))
        if spec.tenant in ("path", "query", "service"):
            assert response.status_code == 403, (name, response.get_json())
            assert response.get_json()["errors"][0]["code"] == "TENANT_FORBIDDEN"
        else:
            assert response.status_code in example.ok, (name, response.get_json())
        if spec.tenant == "path":
            # Its own tenant in the path, Amritsar's codes and ids: its own data or not found.
            own = example._replace(path={**example.path, "tenant_id": OTHER})
            mine = call(api, spec, api.login("jal-all", OTHER), own, two_ulbs.id)
            assert mine.status_code in (200, 404, 422), (name, mine.get_json())
            assert not _leaks(mine, own), (name, _leaks(mine, own))
    # Nothing was written to Amritsar on the way.
    admin = api.user("amr-admin", ["AUDITOR"])
    trail = api.get("/api/v1/audit", api.login(admin), query_string={"tenantId": AMRITSAR}).get_json()
    assert [e for e in trail["items"] if e["actor"].startswith(OTHER)] == []


def test_another_ulbs_voucher_id_is_not_found(api, two_ulbs):
    api.user("jal-acc", ["ACCOUNTANT"], tenant=OTHER)
    token = api.login("jal-acc", OTHER)
    response = api.get(f"/api/v1/tenants/{OTHER}/vouchers/{two_ulbs.id}", token)
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["code"] == "VOUCHER_NOT_FOUND"
    listed = api.get(f"/api/v1/tenants/{OTHER}/vouchers", token).get_json()
    assert listed["total"] == 1 and listed["items"][0]["narration"] == "Jalandhar tax"


def test_a_state_user_covers_its_ulbs(api, two_ulbs):
    api.user("state-auditor", ["AUDITOR"], tenant="pb")
    token = api.login("state-auditor", "pb")
    tenants = api.get("/api/v1/tenants", token).get_json()
    assert [t["code"] for t in tenants["items"]] == ["pb", AMRITSAR, OTHER]
    for tenant in (AMRITSAR, OTHER):
        assert api.get(f"/api/v1/tenants/{tenant}/vouchers", token).status_code == 200
    audit = api.get("/api/v1/audit", token, query_string={"tenantId": "pb"})
    assert audit.status_code == 200


def test_a_ulb_user_cannot_reach_its_state(api, two_ulbs):
    api.user("amr-auditor", ["AUDITOR"])
    token = api.login("amr-auditor")
    assert api.get("/api/v1/tenants/pb", token).status_code == 403
    assert api.get("/api/v1/audit", token, query_string={"tenantId": "pb"}).status_code == 403
    unknown = api.get("/api/v1/tenants/pb.nowhere/accounts", token)
    assert unknown.status_code == 403  # unknown and not-yours look the same


def test_admin_creates_a_ulb_only_under_a_tenant_it_covers(api, two_ulbs):
    api.user("state-admin", ["ADMIN"], tenant="pb")
    api.user("amr-admin", ["ADMIN"])
    body = {"name": "Municipal Council Batala", "parent": "pb", "financialYears": ["2026-27"]}
    refused = api.call("PUT", "/api/v1/tenants/pb.batala", api.login("amr-admin"), json=body)
    assert refused.status_code == 403
    created = api.call("PUT", "/api/v1/tenants/pb.batala", api.login("state-admin", "pb"), json=body)
    assert created.status_code == 200 and created.get_json()["parent"] == "pb"
    moved = api.call("PUT", f"/api/v1/tenants/{AMRITSAR}", api.login("amr-admin"),
                     json={"name": "MC Amritsar", "parent": "pb.batala"})
    assert moved.status_code == 403
