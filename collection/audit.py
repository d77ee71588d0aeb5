"""The audit trail: who changed what, when, from where, in which request.

Rows are written in the same transaction as the change they describe, so a
change and its record commit or roll back together. Migration 0002 makes the
table append-only in the database (UPDATE and DELETE are refused by triggers on
SQLite and PostgreSQL), like the ledger's lines.
"""
from __future__ import annotations

import datetime as dt
import getpass
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import JSON, DateTime, Index, String, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ledger.db import Base, BigId
from ledger.driver import Prepared, execute_together


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Actor(NamedTuple):
    """Who is acting, for the record: a signed-in user over HTTP, or a CLI operator."""

    name: str                      #: ``pb.amritsar/admin1`` or ``cli:root``
    user_id: int | None = None
    ip: str | None = None
    request_id: str | None = None
    clock: Callable[[], dt.datetime] = utcnow

    @classmethod
    def cli(cls) -> Actor:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # pragma: no cover - no passwd entry
            who = "unknown"
        return cls(f"cli:{who}", request_id=f"cli-{uuid.uuid4().hex}")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_tenant_time", "tenant_id", "occurred_at"),
        Index("ix_audit_log_request", "request_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    ip: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(200))
    #: what the entity looked like before and after the change (JSON; null for none)
    before: Mapped[Any | None] = mapped_column("before_value", JSON(none_as_null=True))
    after: Mapped[Any | None] = mapped_column("after_value", JSON(none_as_null=True))


def cli_actor(by: str | None) -> Actor:
    """The operator of a CLI command: ``--by`` when given, else ``cli:<login>``."""
    return Actor(by, request_id=f"cli-{uuid.uuid4().hex}") if by else Actor.cli()


def record(session: Session, actor: Actor, action: str, *, tenant_id: str | None, entity_type: str,
           entity_id: str, before: Any = None, after: Any = None) -> None:
    """Write one audit row in the session's transaction (the caller commits).

    Written straight away with a prepared INSERT, not as an ORM object: every
    payment writes one, and nothing reads it back in the same transaction.
    """
    execute_together(session.connection(), [entry(session, actor, action, tenant_id=tenant_id,
                                                  entity_type=entity_type, entity_id=entity_id,
                                                  before=before, after=after)])


def entry(session: Session, actor: Actor, action: str, *, tenant_id: str | None, entity_type: str,
          entity_id: str, before: Any = None, after: Any = None) -> tuple[str, list]:
    """``record``'s INSERT as a statement for ``ledger.driver.execute_together``, to send with
    others (a payment's goes with its last receipt)."""
    return _INSERT_ENTRY.bound(session.connection(), {
        "occurred_at": actor.clock(), "tenant_id": tenant_id, "actor": actor.name,
        "actor_user_id": actor.user_id, "ip": actor.ip, "request_id": actor.request_id, "action": action,
        "entity_type": entity_type, "entity_id": entity_id, "before_value": before, "after_value": after})


_INSERT_ENTRY = Prepared(insert(AuditEntry.__table__), [
    "occurred_at", "tenant_id", "actor", "actor_user_id", "ip", "request_id", "action", "entity_type",
    "entity_id", "before_value", "after_value"])


class AuditFilter(NamedTuple):
    tenant_ids: list[str]
    action: str | None = None
    actor: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    request_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def search(session: Session, where: AuditFilter, limit: int, offset: int) -> tuple[int, list[AuditEntry]]:
    """Audit rows of the given tenants, newest first, with the total for pagination."""
    a = AuditEntry
    conditions = [a.tenant_id.in_(where.tenant_ids)]
    for column, value in ((a.action, where.action), (a.actor, where.actor),
                          (a.entity_type, where.entity_type), (a.entity_id, where.entity_id),
                          (a.request_id, where.request_id)):
        if value is not None:
            conditions.append(column == value)
    if where.since is not None:
        conditions.append(a.occurred_at >= where.since)
    if where.until is not None:
        conditions.append(a.occurred_at < where.until)
    total = session.scalar(select(func.count()).select_from(a).where(*conditions)) or 0
    rows = session.scalars(select(a).where(*conditions).order_by(a.id.desc())
                           .limit(limit).offset(offset))
    return total, list(rows)
