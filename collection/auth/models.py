"""Tables of the access layer: users, OAuth clients, issued tokens and login counters.

Secrets are never stored: passwords and client secrets as argon2id hashes,
tokens as SHA-256 digests (a token is 256 random bits, so a fast digest is
enough and lets every request find its token with one indexed lookup).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from collection.auth.roles import USER_TYPES
from ledger.db import Base, BigId, one_of


class User(Base):
    """A person or system that signs in. Usernames are unique within a tenant.

    ``roles`` is a space-separated subset of ``ROLES`` (read with every request,
    so it lives on the row); ``allowed_networks`` a space-separated CIDR list,
    empty for "any address".
    """

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "username"),
        CheckConstraint(one_of("user_type", USER_TYPES), name="user_type"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    username: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    user_type: Mapped[str] = mapped_column(String(16), default="EMPLOYEE")
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200), default="")
    allowed_networks: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.split())



class OAuthClient(Base):
    """An application that may ask for tokens (HTTP Basic ``client_id:secret``)."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(100), default="read write")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OAuthToken(Base):
    """One issued access token and its refresh token, by digest. Revoked, never deleted."""

    __tablename__ = "oauth_tokens"
    __table_args__ = (Index("ix_oauth_tokens_user", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    access_digest: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(100), default="")
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    access_expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    refresh_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RateLimitCounter(Base):
    """Hits of one key (``login:ip:10.0.0.1``) in one fixed time window.

    Kept in the database so every gunicorn worker counts the same hits without
    another server (Redis); old windows are deleted as new ones start.
    """

    __tablename__ = "rate_limit_counters"
    __table_args__ = (Index("ix_rate_limit_counters_window", "window_start"),)

    counter_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  #: epoch seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)
