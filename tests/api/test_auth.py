"""Tokens as DIGIT integrators use them: issue, use, expire, refresh, revoke; and every refusal."""
from __future__ import annotations

from sqlalchemy import select, text

from collection.audit import Actor, AuditEntry
from collection.auth import clients, users
from collection.auth.models import OAuthToken
from ledger.db import unit_of_work
from tests.api.conftest import PASSWORD


def test_password_grant_returns_what_digit_returns(api):
    api.user("cashier1", ["CASHIER"])
    response = api.token_response("cashier1", userType="Employee")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"access_token", "token_type", "refresh_token", "expires_in", "scope"}
    assert body["token_type"] == "bearer" and body["scope"] == "read" and body["expires_in"] == 600
    assert body["UserRequest"]["userName"] == "cashier1"
    assert body["UserRequest"]["roles"] == [{"code": "CASHIER", "name": "Cashier",
                                             "tenantId": "pb.amritsar"}]
    assert response.headers["Cache-Control"] == "no-store"
    me = api.get("/api/v1/me", body["access_token"])
    assert me.status_code == 200
    assert me.get_json()["roles"] == ["CASHIER"] and me.get_json()["tenants"] == ["pb.amritsar"]


def test_tokens_are_random_and_stored_only_as_digests(api, factory):
    api.user("cashier1", ["CASHIER"])
    first, second = (api.token_response("cashier1").get_json() for _ in range(2))
    assert first["access_token"] != second["access_token"]
    assert len(first["access_token"]) >= 40
    with factory() as session:
        stored = session.execute(text("SELECT * FROM oauth_tokens")).all()
    dump = repr(stored)
    for token in (first, second):
        assert token["access_token"] not in dump and token["refresh_token"] not in dump


def test_token_expires(api, clock):
    api.user("cashier1", ["CASHIER"])
    token = api.login("cashier1")
    clock.advance(599)
    assert api.get("/api/v1/me", token).status_code == 200
    clock.advance(1)
    response = api.get("/api/v1/me", token)
    assert response.status_code == 401
    assert response.get_json()["errors"][0]["code"] == "TOKEN_INVALID"
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_refresh_rotates_both_tokens(api, clock):
    api.user("cashier1", ["CASHIER"])
    first = api.token_response("cashier1").get_json()
    clock.advance(700)  # the access token has expired; the refresh token has not
    refreshed = api.http.post("/user/oauth/token", headers=api.basic(), data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.get_json()
    second = refreshed.get_json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] and second["refresh_token"] != first["refresh_token"]
    assert api.get("/api/v1/me", second["access_token"]).status_code == 200
    again = api.http.post("/user/oauth/token", headers=api.basic(), data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_refresh_token_expires(api, clock):
    api.user("cashier1", ["CASHIER"])
    first = api.token_response("cashier1").get_json()
    clock.advance(3600)
    response = api.http.post("/user/oauth/token", headers=api.basic(), data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert response.status_code == 400


def test_logout_revokes_the_token_and_its_refresh_token(api, factory):
    api.user("cashier1", ["CASHIER"])
    body = api.token_response("cashier1").get_json()
    assert api.call("POST", "/user/_logout", body["access_token"]).get_json() == {"revoked": True}
    assert api.get("/api/v1/me", body["access_token"]).status_code == 401
    refresh = api.http.post("/user/oauth/token", headers=api.basic(), data={
        "grant_type": "refresh_token", "refresh_token": body["refresh_token"]})
    assert refresh.status_code == 400
    with factory() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["token.issue", "token.revoke"]


def test_rfc7009_revocation_by_the_client(api):
    api.user("cashier1", ["CASHIER"])
    body = api.token_response("cashier1").get_json()
    response = api.http.post("/user/oauth/revoke", headers=api.basic(),
                             data={"token": body["refresh_token"]})
    assert response.status_code == 200
    assert api.get("/api/v1/me", body["access_token"]).status_code == 401
    wrong_client = api.http.post("/user/oauth/revoke", headers=api.basic(secret="nope"),
                                 data={"token": body["access_token"]})
    assert wrong_client.status_code == 401


def test_wrong_password_unknown_user_and_wrong_tenant_look_the_same(api):
    api.user("cashier1", ["CASHIER"])
    answers = [api.token_response("cashier1", password="wrong-password"),
               api.token_response("nobody"),
               api.token_response("cashier1", tenant="pb"),
               api.token_response("cashier1", userType="CITIZEN")]
    for response in answers:
        assert response.status_code == 400
        body = response.get_json()
        assert body["error"] == "invalid_grant"
        assert body["errors"][0]["code"] == "OAUTH_INVALID_GRANT"
    assert len({r.get_json()["error_description"] for r in answers}) == 1


def test_client_credentials_are_required(api):
    api.user("cashier1", ["CASHIER"])
    form = {"grant_type": "password", "username": "cashier1", "password": PASSWORD,
            "tenantId": "pb.amritsar"}
    assert api.http.post("/user/oauth/token", data=form).status_code == 401
    bad = api.http.post("/user/oauth/token", headers=api.basic(secret="wrong"), data=form)
    assert bad.status_code == 401 and bad.get_json()["error"] == "invalid_client"
    no_tenant = api.http.post("/user/oauth/token", headers=api.basic(),
                              data={k: v for k, v in form.items() if k != "tenantId"})
    assert no_tenant.status_code == 400 and "tenantId" in no_tenant.get_json()["error_description"]


def test_revoked_client_cannot_sign_in_and_its_tokens_stop_working(api, factory):
    api.user("cashier1", ["CASHIER"])
    token = api.login("cashier1")
    with unit_of_work(factory) as session:
        assert clients.revoke_client(session, Actor("test"), "test-app") == 1
    assert api.get("/api/v1/me", token).status_code == 401
    assert api.token_response("cashier1").status_code == 401


def test_disabled_user_cannot_sign_in_and_loses_its_tokens(api, factory):
    api.user("cashier1", ["CASHIER"])
    token = api.login("cashier1")
    with unit_of_work(factory) as session:
        users.set_active(session, Actor("test"), "pb.amritsar", "cashier1", False)
    assert api.get("/api/v1/me", token).status_code == 401
    assert api.token_response("cashier1").status_code == 400
    with unit_of_work(factory) as session:
        users.set_active(session, Actor("test"), "pb.amritsar", "cashier1", True)
    assert api.token_response("cashier1").status_code == 200


def test_password_change_revokes_tokens(api, factory):
    api.user("cashier1", ["CASHIER"])
    token = api.login("cashier1")
    with unit_of_work(factory) as session:
        users.set_password(session, Actor("test"), "pb.amritsar", "cashier1", "another-pass-1")
    assert api.get("/api/v1/me", token).status_code == 401
    assert api.token_response("cashier1", password="another-pass-1").status_code == 200


def test_integrator_restricted_to_its_networks(api):
    api.user("bank1", ["INTEGRATOR"], networks=["203.0.113.0/24", "198.51.100.7"])
    refused = api.token_response("bank1", ip="192.0.2.1")
    assert refused.status_code == 403 and refused.get_json()["error"] == "access_denied"
    token = api.login("bank1", ip="203.0.113.44")
    assert api.get("/api/v1/me", token, ip="203.0.113.44").status_code == 200
    assert api.get("/api/v1/me", token, ip="198.51.100.7").status_code == 200
    elsewhere = api.get("/api/v1/me", token, ip="192.0.2.1")
    assert elsewhere.status_code == 403
    assert elsewhere.get_json()["errors"][0]["code"] == "IP_FORBIDDEN"


def test_login_is_rate_limited_per_user(api, app, clock):
    app.config.update(LOGIN_LIMIT_PER_USER=3)  # read at each attempt
    api.user("cashier1", ["CASHIER"])
    statuses = [api.token_response("cashier1", password="guess-000" + str(i)).status_code
                for i in range(3)]
    assert statuses == [400, 400, 400]
    limited = api.token_response("cashier1")  # even the right password, now
    assert limited.status_code == 429
    assert limited.get_json()["errors"][0]["code"] == "LOGIN_RATE_LIMITED"
    assert 0 < int(limited.headers["Retry-After"]) <= 300
    assert api.token_response("cashier1", ip="10.1.1.1").status_code == 429  # per user, any address
    clock.advance(300)
    assert api.token_response("cashier1").status_code == 200


def test_login_is_rate_limited_per_address(api, app):
    app.config.update(LOGIN_LIMIT_PER_IP=4)
    for name in ("a1", "a2", "a3", "a4", "a5"):
        api.user(name, ["CASHIER"])
    assert [api.token_response(n, ip="10.9.9.9").status_code for n in ("a1", "a2", "a3", "a4")] \
        == [200] * 4
    assert api.token_response("a5", ip="10.9.9.9").status_code == 429
    assert api.token_response("a5", ip="10.9.9.8").status_code == 200


def test_token_events_are_audited_with_address_and_request_id(api, factory):
    api.user("cashier1", ["CASHIER"])
    api.http.post("/user/oauth/token", headers={**api.basic(), "X-Request-Id": "req-42"},
                  data={"grant_type": "password", "username": "cashier1", "password": PASSWORD,
                        "tenantId": "pb.amritsar"}, environ_base={"REMOTE_ADDR": "10.2.3.4"})
    with factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "token.issue")).one()
        token = session.scalars(select(OAuthToken)).one()
    assert (entry.actor, entry.ip, entry.request_id, entry.tenant_id) == \
        ("pb.amritsar/cashier1", "10.2.3.4", "req-42", "pb.amritsar")
    assert entry.entity_id == str(token.id) and entry.after["client_id"] == "test-app"
