"""Issued tokens: store by digest, find the caller of a request, refresh, revoke.

A token is looked up by the SHA-256 of what the client presents, joined with
its user and client in one query, so checking a request costs one indexed read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.auth.models import OAuthClient, OAuthToken, User


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


class Principal(NamedTuple):
    """The caller of a request, as its access token says."""

    token_id: int
    user_id: int
    tenant_id: str
    username: str
    name: str
    user_type: str
    roles: frozenset[str]
    allowed_networks: str | None
    client_id: str
    scope: str
    expires_at: dt.datetime
    revoked: bool
    active: bool  #: user and client both active

    @property
    def qualified_name(self) -> str:
        return f"{self.tenant_id}/{self.username}"

    def usable_at(self, now: dt.datetime) -> bool:
        return self.active and not self.revoked and now < self.expires_at


_BY_ACCESS = (
    select(OAuthToken.id, User.id, User.tenant_id, User.username, User.name, User.user_type,
           User.roles, User.allowed_networks, OAuthClient.client_id, OAuthToken.scope,
           OAuthToken.access_expires_at, OAuthToken.revoked_at, User.active, OAuthClient.active)
    .join(User, User.id == OAuthToken.user_id)
    .join(OAuthClient, OAuthClient.id == OAuthToken.client_id)
    .where(OAuthToken.access_digest == bindparam("digest"))
)


def find_principal(session: Session, access_token: str) -> Principal | None:
    """The caller a token names; one statement, built once, on the session's connection."""
    row = session.connection().execute(_BY_ACCESS, {"digest": digest(access_token)}).first()
    if row is None:
        return None
    (token_id, user_id, tenant_id, username, name, user_type, roles, networks, client_id, scope,
     expires_at, revoked_at, user_active, client_active) = row
    return Principal(token_id, user_id, tenant_id, username, name, user_type,
                     frozenset(roles.split()), networks, client_id, scope, as_utc(expires_at),
                     revoked_at is not None, bool(user_active and client_active))


def find_refreshable(session: Session, refresh_token: str, now: dt.datetime) -> OAuthToken | None:
    """The unrevoked, unexpired token that ``refresh_token`` belongs to."""
    token = session.scalars(select(OAuthToken).where(
        OAuthToken.refresh_digest == digest(refresh_token))).first()
    if token is None or token.revoked_at is not None or token.refresh_expires_at is None:
        return None
    return token if now < as_utc(token.refresh_expires_at) else None


def find_any(session: Session, value: str, hint: str | None = None) -> OAuthToken | None:
    """The token whose access (or refresh) token is ``value``; for revocation (RFC 7009)."""
    column = {"access_token": (OAuthToken.access_digest,),
              "refresh_token": (OAuthToken.refresh_digest,)}.get(
        hint or "", (OAuthToken.access_digest, OAuthToken.refresh_digest))
    for col in column:
        token = session.scalars(select(OAuthToken).where(col == digest(value))).first()
        if token is not None:
            return token
    return None


def save_issued(session: Session, actor: Actor, client: OAuthClient, user: User, token: dict, *,
                refresh_ttl: int, replaces: OAuthToken | None = None) -> OAuthToken:
    """Store what was just issued (digests only) and record it in the audit trail."""
    now = actor.clock()
    refresh = token.get("refresh_token")
    row = OAuthToken(client_id=client.id, user_id=user.id, access_digest=digest(token["access_token"]),
                     refresh_digest=digest(refresh) if refresh else None,
                     scope=token.get("scope") or "", issued_at=now,
                     access_expires_at=now + dt.timedelta(seconds=int(token["expires_in"])),
                     refresh_expires_at=now + dt.timedelta(seconds=refresh_ttl) if refresh else None)
    session.add(row)
    session.flush()
    audit.record(session, actor, "token.refresh" if replaces else "token.issue",
                 tenant_id=user.tenant_id, entity_type="token", entity_id=str(row.id),
                 before={"token_id": replaces.id} if replaces else None,
                 after={"username": user.username, "client_id": client.client_id,
                        "scope": row.scope, "expires_at": row.access_expires_at.isoformat()})
    return row


def revoke_by_id(session: Session, actor: Actor, token_id: int, *, reason: str) -> None:
    revoke(session, actor, session.get(OAuthToken, token_id), reason=reason)


def revoke(session: Session, actor: Actor, token: OAuthToken, *, reason: str) -> None:
    """Revoke an access token and its refresh token together (idempotent)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = actor.clock()
    tenant_id = session.scalar(select(User.tenant_id).where(User.id == token.user_id))
    audit.record(session, actor, "token.revoke", tenant_id=tenant_id, entity_type="token",
                 entity_id=str(token.id), before={"revoked": False},
                 after={"revoked": True, "reason": reason})
