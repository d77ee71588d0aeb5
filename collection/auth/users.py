"""Users: create, change password, roles, networks, disable; and sign-in checks.

Every change records an audit row (who, what, before/after) in the caller's
transaction. Password hashes never appear in the audit trail.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.auth import passwords
from collection.auth.models import OAuthToken, User
from collection.auth.network import format_networks, parse_networks
from collection.auth.roles import ROLES, USER_TYPES
from ledger.errors import Conflict, NotFound, ValidationError
from ledger.models import Tenant

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


def user_view(user: User) -> dict:
    """What the audit trail and listings show of a user (never the hash)."""
    return {"tenant_id": user.tenant_id, "username": user.username, "name": user.name,
            "user_type": user.user_type, "roles": sorted(user.role_set),
            "allowed_networks": (user.allowed_networks or "").split(), "active": user.active}


def check_roles(roles: Iterable[str]) -> list[str]:
    wanted = sorted({r.strip().upper() for r in roles if r.strip()})
    unknown = [r for r in wanted if r not in ROLES]
    if unknown:
        raise ValidationError(f"unknown role(s) {unknown}; roles are {list(ROLES)}",
                              code="ROLE_UNKNOWN", field="roles")
    return wanted


def get_user(session: Session, tenant_id: str, username: str) -> User:
    user = session.scalars(select(User).where(User.tenant_id == tenant_id,
                                              User.username == username)).first()
    if user is None:
        raise NotFound(f"no user {username!r} in {tenant_id}", code="USER_NOT_FOUND")
    return user


def create_user(session: Session, actor: Actor, tenant_id: str, username: str, name: str,
                password: str, roles: Iterable[str], *, user_type: str = "EMPLOYEE",
                allowed_networks: Iterable[str] = (),
                hasher: PasswordHasher = passwords.DEFAULT) -> User:
    if session.get(Tenant, tenant_id) is None:
        raise NotFound(f"no tenant {tenant_id!r}; load it with `rasid masters load`",
                       code="TENANT_NOT_FOUND", field="tenant")
    if not _USERNAME.match(username):
        raise ValidationError("a username is 2–64 letters, digits or . _ @ -, starting with a "
                              "letter or digit", code="USERNAME_INVALID", field="username")
    if user_type.upper() not in USER_TYPES:
        raise ValidationError(f"user type must be one of {list(USER_TYPES)}",
                              code="USER_TYPE_INVALID", field="userType")
    if not name.strip():
        raise ValidationError("a user needs a name", code="NAME_REQUIRED", field="name")
    if session.scalar(select(func.count()).select_from(User).where(
            User.tenant_id == tenant_id, User.username == username)):
        raise Conflict(f"user {username!r} already exists in {tenant_id}", code="USER_EXISTS")
    passwords.check_password_policy(password)
    user = User(tenant_id=tenant_id, username=username, name=name.strip(),
                user_type=user_type.upper(), password_hash=passwords.hash_secret(password, hasher),
                roles=" ".join(check_roles(roles)),
                allowed_networks=format_networks(parse_networks(allowed_networks)), active=True,
                password_changed_at=actor.clock())
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", tenant_id=tenant_id, entity_type="user",
                 entity_id=username, after=user_view(user))
    return user


def set_password(session: Session, actor: Actor, tenant_id: str, username: str, password: str,
                 *, hasher: PasswordHasher = passwords.DEFAULT) -> User:
    """Change a password and revoke the user's tokens (a leaked one stops working)."""
    user = get_user(session, tenant_id, username)
    passwords.check_password_policy(password)
    user.password_hash = passwords.hash_secret(password, hasher)
    user.password_changed_at = actor.clock()
    revoked = revoke_user_tokens(session, user.id, actor)
    audit.record(session, actor, "user.password", tenant_id=tenant_id, entity_type="user",
                 entity_id=username, after={"tokens_revoked": revoked})
    return user


def set_roles(session: Session, actor: Actor, tenant_id: str, username: str,
              roles: Iterable[str]) -> User:
    user = get_user(session, tenant_id, username)
    before = user_view(user)
    user.roles = " ".join(check_roles(roles))
    session.flush()
    audit.record(session, actor, "user.roles", tenant_id=tenant_id, entity_type="user",
                 entity_id=username, before={"roles": before["roles"]},
                 after={"roles": sorted(user.role_set)})
    return user


def set_allowed_networks(session: Session, actor: Actor, tenant_id: str, username: str,
                         networks: Iterable[str]) -> User:
    """Restrict a user to IP ranges (CIDR); an empty list lifts the restriction."""
    user = get_user(session, tenant_id, username)
    before = user_view(user)["allowed_networks"]
    user.allowed_networks = format_networks(parse_networks(networks))
    session.flush()
    audit.record(session, actor, "user.networks", tenant_id=tenant_id, entity_type="user",
                 entity_id=username, before={"allowed_networks": before},
                 after={"allowed_networks": user_view(user)["allowed_networks"]})
    return user


def set_active(session: Session, actor: Actor, tenant_id: str, username: str, active: bool) -> User:
    """Disable (and revoke every token of) a user, or enable it again."""
    user = get_user(session, tenant_id, username)
    before = user.active
    user.active = active
    revoked = 0 if active else revoke_user_tokens(session, user.id, actor)
    audit.record(session, actor, "user.enable" if active else "user.disable", tenant_id=tenant_id,
                 entity_type="user", entity_id=username, before={"active": before},
                 after={"active": active, "tokens_revoked": revoked})
    return user


def list_users(session: Session, tenant_id: str | None = None) -> list[User]:
    query = select(User).order_by(User.tenant_id, User.username)
    if tenant_id:
        query = query.where(User.tenant_id == tenant_id)
    return list(session.scalars(query))


def authenticate(session: Session, tenant_id: str, username: str, password: str,
                 user_type: str | None = None) -> User | None:
    """The active user with these credentials, else None (one answer for every reason,
    so a caller cannot tell an unknown user from a wrong password or a disabled one)."""
    user = session.scalars(select(User).where(User.tenant_id == tenant_id,
                                              User.username == username)).first()
    ok = passwords.verify_secret(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return None
    if user_type and user_type.upper() != user.user_type:
        return None
    tenant = session.get(Tenant, tenant_id)
    return user if tenant is not None and tenant.active else None


def revoke_user_tokens(session: Session, user_id: int, actor: Actor) -> int:
    result = session.execute(update(OAuthToken)
                             .where(OAuthToken.user_id == user_id, OAuthToken.revoked_at.is_(None))
                             .values(revoked_at=actor.clock()))
    return result.rowcount or 0
