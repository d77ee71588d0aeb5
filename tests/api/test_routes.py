"""Every route declares its roles, and the declaration is what is enforced (the role matrix)."""
from __future__ import annotations

import pytest

from collection.auth.roles import ROLES
from tests.api.requests_table import EXAMPLES, call

#: Routes outside the role guard, each for a stated reason.
UNGUARDED = {
    "oauth.issue_token": "the sign-in itself (client credentials + password)",
    "oauth.revoke_token": "RFC 7009, authenticated by client credentials",
    "health.live": "orchestrator probe",
    "health.ready": "orchestrator probe",
    "docs.openapi_json": "the public API description",
    "docs.docs_page": "the public API description",
    "docs.bill_collect_xsd": "the published Bill XML schema",
}


def endpoints(app):
    return app.extensions["rasid_endpoints"]


def test_every_route_declares_its_roles(app):
    specs = endpoints(app)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED:
            continue
        assert rule.endpoint in specs, f"{rule.rule} is not a guarded endpoint"
        spec = specs[rule.endpoint]
        assert spec.roles and spec.roles <= set(ROLES), rule.rule
        # The view Flask runs is the guard, not the bare view function.
        assert app.view_functions[rule.endpoint] is not spec.view
        assert app.view_functions[rule.endpoint].__qualname__.startswith("_guarded"), rule.rule


def test_every_endpoint_has_an_example(app):
    assert set(endpoints(app)) == set(EXAMPLES)


def test_unguarded_routes_are_only_those_listed(app):
    guarded = set(endpoints(app))
    unguarded = {r.endpoint for r in app.url_map.iter_rules()} - guarded
    assert unguarded == set(UNGUARDED)


def test_anonymous_calls_are_refused_everywhere(api, two_ulbs):
    for name, spec in endpoints(api.app).items():
        response = call(api, spec, None, EXAMPLES[name], two_ulbs.id)
        assert response.status_code == 401, name
        assert response.get_json()["errors"][0]["code"] == "TOKEN_MISSING"
        bogus = call(api, spec, "not-a-token", EXAMPLES[name], two_ulbs.id)
        assert bogus.status_code == 401, name


@pytest.fixture
def one_role_tokens(api):
    tokens = {}
    for role in ROLES:
        api.user(f"only-{role.lower()}", [role])
        tokens[role] = api.login(f"only-{role.lower()}")
    return tokens


def test_role_matrix(api, two_ulbs, one_role_tokens):
    """Each role gets exactly the endpoints that declare it."""
    for name, spec in sorted(endpoints(api.app).items()):
        for role in ROLES:
            token = one_role_tokens[role]
            if name == "api.account.logout":
                token = api.login(f"only-{role.lower()}")
            response = call(api, spec, token, EXAMPLES[name], two_ulbs.id)
            if role in spec.roles:
                assert response.status_code in EXAMPLES[name].ok, (name, role, response.get_json())
            else:
                assert response.status_code == 403, (name, role, response.get_json())
                assert response.get_json()["errors"][0]["code"] == "ROLE_FORBIDDEN"
