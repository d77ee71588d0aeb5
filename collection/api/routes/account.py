"""The caller's own account: who am I, sign out."""
from __future__ import annotations

from collection.api.context import Call
from collection.api.registry import Routes
from collection.api.schemas.access import LogoutOut, MeOut
from collection.auth import tokens
from collection.auth.roles import ALL_ROLES

routes = Routes("account")


@routes.endpoint("GET", "/api/v1/me", roles=ALL_ROLES, response=MeOut)
def me(call: Call):
    """The signed-in user, its roles and the tenants it may act on."""
    p = call.principal
    return {"username": p.username, "name": p.name, "tenant_id": p.tenant_id,
            "user_type": p.user_type, "roles": sorted(p.roles), "tenants": call.tenants(),
            "client_id": p.client_id, "scope": p.scope, "expires_at": p.expires_at}


@routes.endpoint("POST", "/user/_logout", roles=ALL_ROLES, response=LogoutOut)
def logout(call: Call):
    """Sign out: revoke the access token of this request and its refresh token."""
    tokens.revoke_by_id(call.session, call.actor, call.principal.token_id, reason="logout")
    return {"revoked": True}
