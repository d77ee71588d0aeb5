"""The OAuth 2 token server DIGIT integrators expect, on Authlib's Flask authorization server.

``POST /user/oauth/token`` with the client's HTTP Basic credentials and a form
body: ``grant_type=password`` (``username``, ``password``, ``tenantId``,
``userType``) or ``grant_type=refresh_token``. ``POST /user/oauth/revoke``
(RFC 7009) revokes a token; ``POST /user/_logout`` (a guarded endpoint) revokes
the caller's own. Tokens are random (Authlib's generator), stored as SHA-256
digests, and expire; a refresh rotates both tokens.
"""
from __future__ import annotations

from authlib.common.security import generate_token
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from flask import Blueprint, Flask, current_app, request

from collection.api.context import actor, client_ip, db, now, request_session, state
from collection.auth import clients, ratelimit, tokens, users
from collection.auth.models import OAuthClient, OAuthToken, User
from collection.auth.network import ip_allowed
from collection.auth.passwords import verify_secret
from ledger.models import Tenant

bp = Blueprint("oauth", __name__)
AUTH_METHODS = ["client_secret_basic"]


class _Client(ClientMixin):
    """Authlib's view of an ``OAuthClient`` row."""

    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self):
        return self.row.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return clients.allowed_scope(self.row, scope)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return verify_secret(self.row.secret_hash, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type in ("password", "refresh_token")


class _Token(TokenMixin):
    """Authlib's view of an ``OAuthToken`` row (refresh and revocation)."""

    def __init__(self, row: OAuthToken) -> None:
        self.row = row

    def check_client(self, client):
        return self.row.client_id == client.row.id

    def get_scope(self):
        return self.row.scope

    def get_expires_in(self):
        return int((tokens.as_utc(self.row.access_expires_at) - tokens.as_utc(self.row.issued_at))
                   .total_seconds())

    def is_expired(self):
        return now() >= tokens.as_utc(self.row.access_expires_at)

    def is_revoked(self):
        return self.row.revoked_at is not None

    def get_user(self):
        return db().get(User, self.row.user_id)

    def get_client(self):
        return _Client(db().get(OAuthClient, self.row.client_id))


def _user_actor(user: User):
    return actor(name=f"{user.tenant_id}/{user.username}", user_id=user.id)


def _check_network(user: User) -> None:
    if not ip_allowed(user.allowed_networks, client_ip()):
        raise AccessDeniedError(description=f"this user may not sign in from {client_ip()}",
                                status_code=403)


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def authenticate_user(self, username, password):
        tenant_id = self.request.form.get("tenantId")
        if not tenant_id:
            raise InvalidRequestError("Missing 'tenantId' in request.")
        user = users.authenticate(db(), tenant_id, username, password,
                                  self.request.form.get("userType"))
        if user is None:
            raise InvalidGrantError("invalid username, password, tenantId or userType")
        _check_network(user)
        return user


class RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotate: a refresh token works once

    def authenticate_refresh_token(self, refresh_token):
        row = tokens.find_refreshable(db(), refresh_token, now())
        return _Token(row) if row else None

    def authenticate_user(self, refresh_token):
        user = db().get(User, refresh_token.row.user_id)
        tenant = db().get(Tenant, user.tenant_id) if user else None
        if user is None or not user.active or tenant is None or not tenant.active:
            raise InvalidGrantError("the user of this refresh token is disabled")
        _check_network(user)
        return user

    def revoke_old_credential(self, refresh_token):
        tokens.revoke(db(), _user_actor(self.request.user), refresh_token.row, reason="refreshed")


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        row = tokens.find_any(db(), token_string, token_type_hint)
        return _Token(row) if row else None

    def revoke_token(self, token, request):
        user = db().get(User, token.row.user_id)
        tokens.revoke(db(), _user_actor(user), token.row, reason="revoked by its client")


class _Server(AuthorizationServer):
    def handle_error_response(self, request, error: OAuth2Error):
        """RFC 6749 error fields, plus rasid's ``errors`` list for uniform clients."""
        status, body, headers = error(self.get_error_uri(request, error))
        body = dict(body)
        body["errors"] = [{"code": f"OAUTH_{error.error.upper()}",
                           "message": body.get("error_description") or error.error, "field": None}]
        return self.handle_response(status, body, headers)


def _token_generator(app: Flask):
    access_ttl = app.config["ACCESS_TOKEN_EXPIRES_IN"]
    bearer = BearerTokenGenerator(lambda **_: generate_token(48), lambda **_: generate_token(48),
                                  lambda client, grant_type: access_ttl)

    def generate(grant_type, client, user=None, scope=None, expires_in=None,
                 include_refresh_token=True):
        token = bearer(grant_type, client, user, scope, expires_in, include_refresh_token)
        return {"access_token": token["access_token"], "token_type": "bearer",
                "refresh_token": token.get("refresh_token"), "expires_in": token["expires_in"],
                "scope": token.get("scope", ""), "UserRequest": _user_request(user)}

    return generate


def _user_request(user: User) -> dict:
    return {"id": user.id, "userName": user.username, "name": user.name, "type": user.user_type,
            "active": user.active, "tenantId": user.tenant_id,
            "roles": [{"code": r, "name": r.replace("_", " ").title(), "tenantId": user.tenant_id}
                      for r in sorted(user.role_set)]}


def _query_client(client_id: str):
    row = clients.find_active_client(db(), client_id)
    return _Client(row) if row else None


def _save_token(token: dict, oauth_request) -> None:
    replaces = oauth_request.refresh_token
    tokens.save_issued(db(), _user_actor(oauth_request.user), oauth_request.client.row,
                       oauth_request.user, token,
                       refresh_ttl=current_app.config["REFRESH_TOKEN_EXPIRES_IN"],
                       replaces=replaces.row if replaces is not None else None)


def init_app(app: Flask) -> None:
    server = _Server()
    server.init_app(app, query_client=_query_client, save_token=_save_token)
    server.scopes_supported = list(clients.SCOPES)
    server.register_token_generator("default", _token_generator(app))
    server.register_grant(PasswordGrant)
    server.register_grant(RefreshGrant)
    server.register_endpoint(Revocation)
    app.extensions["rasid_oauth"] = server
    app.register_blueprint(bp)


@bp.post("/user/oauth/token")
def issue_token():
    """Issue (password grant) or refresh a bearer token."""
    if request.form.get("grant_type") == "password":
        config = current_app.config
        limits = ratelimit.LoginLimits(config["LOGIN_LIMIT_PER_USER"], config["LOGIN_LIMIT_PER_IP"],
                                       config["LOGIN_LIMIT_WINDOW"])
        ratelimit.check_login(state().engine, limits, request.form.get("tenantId") or "",
                              request.form.get("username") or "", client_ip(), now())
    with request_session():
        return current_app.extensions["rasid_oauth"].create_token_response()


@bp.post("/user/oauth/revoke")
def revoke_token():
    """Revoke an access or refresh token (RFC 7009); the client authenticates with HTTP Basic."""
    with request_session():
        return current_app.extensions["rasid_oauth"].create_endpoint_response("revocation")
