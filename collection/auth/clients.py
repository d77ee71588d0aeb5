"""OAuth clients: the applications (an integrator's back end, a counter app) that ask for tokens.

A client authenticates with HTTP Basic ``client_id:secret``; the secret is shown
once, when the client is made, and stored only as an argon2id hash.
"""
from __future__ import annotations

import re
import secrets
from typing import NamedTuple

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.auth import passwords
from collection.auth.models import OAuthClient, OAuthToken
from ledger.errors import Conflict, NotFound, ValidationError

SCOPES = ("read", "write")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")


class NewClient(NamedTuple):
    client_id: str
    secret: str  #: shown once; only its hash is kept


def client_view(client: OAuthClient) -> dict:
    return {"client_id": client.client_id, "name": client.name, "scope": client.scope,
            "active": client.active}


def create_client(session: Session, actor: Actor, name: str, *, client_id: str | None = None,
                  hasher: PasswordHasher = passwords.DEFAULT) -> NewClient:
    client_id = client_id or f"rasid-{secrets.token_hex(6)}"
    if not _CLIENT_ID.match(client_id):
        raise ValidationError("a client id is 3–64 letters, digits or . _ -",
                              code="CLIENT_ID_INVALID", field="clientId")
    if session.scalars(select(OAuthClient).where(OAuthClient.client_id == client_id)).first():
        raise Conflict(f"client {client_id!r} already exists", code="CLIENT_EXISTS")
    secret = secrets.token_urlsafe(32)
    client = OAuthClient(client_id=client_id, secret_hash=passwords.hash_secret(secret, hasher),
                         name=name.strip() or client_id, scope=" ".join(SCOPES), active=True)
    session.add(client)
    session.flush()
    audit.record(session, actor, "client.create", tenant_id=None, entity_type="client",
                 entity_id=client_id, after=client_view(client))
    return NewClient(client_id, secret)


def list_clients(session: Session) -> list[OAuthClient]:
    return list(session.scalars(select(OAuthClient).order_by(OAuthClient.client_id)))


def revoke_client(session: Session, actor: Actor, client_id: str) -> int:
    """Refuse the client from now on and revoke every token it was given; returns how many."""
    client = session.scalars(select(OAuthClient).where(OAuthClient.client_id == client_id)).first()
    if client is None:
        raise NotFound(f"no client {client_id!r}", code="CLIENT_NOT_FOUND")
    client.active = False
    client.revoked_at = actor.clock()
    revoked = session.execute(update(OAuthToken)
                              .where(OAuthToken.client_id == client.id,
                                     OAuthToken.revoked_at.is_(None))
                              .values(revoked_at=actor.clock())).rowcount or 0
    audit.record(session, actor, "client.revoke", tenant_id=None, entity_type="client",
                 entity_id=client_id, before={"active": True},
                 after={"active": False, "tokens_revoked": revoked})
    return revoked


def find_active_client(session: Session, client_id: str) -> OAuthClient | None:
    return session.scalars(select(OAuthClient).where(OAuthClient.client_id == client_id,
                                                     OAuthClient.active.is_(True))).first()


def allowed_scope(client: OAuthClient, requested: str | None) -> str | None:
    """The scope to grant: what was asked (within the client's), or all of the client's.

    Scope is informational (DIGIT clients send ``read`` and still write): roles
    decide what a token may do.
    """
    granted = client.scope.split()
    if not requested:
        return " ".join(granted)
    asked = requested.split()
    if not set(asked) <= set(granted):
        return None
    return " ".join(s for s in granted if s in asked)
