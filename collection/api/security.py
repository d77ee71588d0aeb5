"""Who is calling, and may they: bearer token (Authlib's resource protector), network, role, tenant.

Checked on every request by the endpoint guard, in that order, before the
request body is even read.
"""
from __future__ import annotations

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from flask import Flask, current_app
from sqlalchemy.orm import Session

from collection.api.context import client_ip, db, now
from collection.auth.errors import Forbidden, Unauthorized
from collection.auth.network import ip_allowed
from collection.auth.tenancy import covers
from collection.auth.tokens import Principal, find_principal

REALM = "rasid"


class _Validator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> Principal | None:
        return find_principal(db(), token_string)

    def validate_token(self, token: Principal | None, scopes, request) -> None:
        if token is None or not token.usable_at(now()):
            raise InvalidTokenError(realm=self.realm,
                                    description="the access token is unknown, expired or revoked")


class _Protector(ResourceProtector):
    def raise_error_response(self, error):
        """Authlib's refusal as one of ours, keeping its WWW-Authenticate header."""
        missing = error.error == "missing_authorization"
        exc = Unauthorized("send Authorization: Bearer <access token> (from POST /user/oauth/token)"
                           if missing else (error.description or "the access token is not valid"),
                           code="TOKEN_MISSING" if missing else "TOKEN_INVALID")
        exc.headers = dict(error.get_headers())
        exc.headers.pop("Content-Type", None)
        raise exc


def init_app(app: Flask) -> None:
    protector = _Protector()
    protector.register_token_validator(_Validator(realm=REALM))
    app.extensions["rasid_protector"] = protector


def authenticate() -> Principal:
    """The caller, from a valid bearer token used from an allowed address; else 401/403."""
    protector = current_app.extensions["rasid_protector"]
    try:
        principal = protector.acquire_token()
    except OAuth2Error as error:
        protector.raise_error_response(error)
    if not ip_allowed(principal.allowed_networks, client_ip()):
        raise Forbidden(f"this user may not call from {client_ip()}", code="IP_FORBIDDEN")
    return principal


def require_roles(principal: Principal, roles: frozenset[str]) -> None:
    if not principal.roles & roles:
        raise Forbidden(f"this needs one of the roles {sorted(roles)}", code="ROLE_FORBIDDEN")


def require_tenant(session: Session, principal: Principal, tenant_id: str) -> None:
    """The same answer for a tenant that is not yours and one that does not exist."""
    if not covers(session, principal.tenant_id, tenant_id):
        raise Forbidden(f"tenant {tenant_id!r} is not one of yours", code="TENANT_FORBIDDEN",
                        field="tenantId")
