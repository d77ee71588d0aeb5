"""The service master: what a ULB collects for (property tax, building permits, ...).

A service names the defaults its bills fall back on (fund, department,
functionary, fund source), which instruments it accepts, how its receipts are
numbered and printed, its workflow, and the GL account that holds each
instrument's money until it is remitted (cash-in-hand, cheque-in-hand, card or
gateway clearing, the bank's own head for a bank challan).
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ledger.db import Base, BigId
from ledger.errors import NotFound

INSTRUMENT_TYPES = ("cash", "cheque", "dd", "card", "online", "bankchallan", "neft", "rtgs",
                    "postal_order")
WORKFLOWS = ("none", "submit-approve")
DEFAULT_RECEIPT_NUMBER_FORMAT = "{mm}/{fy}/{seq:06d}"  # as eGov: 11/2026-27/000042


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "fund_id"], ["funds.tenant_id", "funds.id"]),
        ForeignKeyConstraint(["tenant_id", "department_id"], ["departments.tenant_id", "departments.id"]),
        ForeignKeyConstraint(["tenant_id", "functionary_id"],
                             ["functionaries.tenant_id", "functionaries.id"]),
        ForeignKeyConstraint(["tenant_id", "fund_source_id"], ["fund_sources.tenant_id", "fund_sources.id"]),
        ForeignKeyConstraint(["tenant_id", "advance_gl_account_id"],
                             ["gl_accounts.tenant_id", "gl_accounts.id"]),
        CheckConstraint("workflow IN ('none', 'submit-approve')", name="workflow"),
        CheckConstraint("post_voucher_on IN ('creation', 'approval')", name="post_voucher_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fund_id: Mapped[int] = mapped_column(BigInteger)
    department_id: Mapped[int] = mapped_column(BigInteger)
    functionary_id: Mapped[int] = mapped_column(BigInteger)
    fund_source_id: Mapped[int] = mapped_column(BigInteger)
    #: Comma-separated instrument types this service accepts.
    instruments: Mapped[str] = mapped_column(String(200))
    part_payment_default: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_template: Mapped[str] = mapped_column(String(64), default="default")
    workflow: Mapped[str] = mapped_column(String(16), default="none")
    #: With the submit-approve workflow, post the receipt voucher when the receipt is created
    #: (the default: the money is in the till) or only once it is approved.
    post_voucher_on: Mapped[str] = mapped_column(String(16), default="creation", server_default="creation")
    receipt_number_format: Mapped[str] = mapped_column(String(100), default=DEFAULT_RECEIPT_NUMBER_FORMAT)
    #: Where an excess over the outstanding goes when the service takes advances (else refused).
    advance_gl_account_id: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def instrument_types(self) -> tuple[str, ...]:
        return instrument_types(self.instruments)


class ServiceHoldingAccount(Base):
    """The GL account that receives an instrument type's money for a service."""

    __tablename__ = "service_holding_accounts"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"]),
        ForeignKeyConstraint(["tenant_id", "gl_account_id"], ["gl_accounts.tenant_id", "gl_accounts.id"]),
    )

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    instrument_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    gl_account_id: Mapped[int] = mapped_column(BigInteger)


class ServiceGatewayAccount(Base):
    """The clearing account of one payment gateway's online collections for a service (revision
    0006), so each gateway's settlements are matched against its own head. Online payments
    through a gateway with no row here go to the service's ``online`` holding account."""

    __tablename__ = "service_gateway_accounts"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"]),
        ForeignKeyConstraint(["tenant_id", "gl_account_id"], ["gl_accounts.tenant_id", "gl_accounts.id"]),
    )

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    gateway: Mapped[str] = mapped_column(String(64), primary_key=True)  #: upper case, as ``gateway_key`` gives it
    gl_account_id: Mapped[int] = mapped_column(BigInteger)


def gateway_key(gateway: str | None) -> str:
    """How a gateway's name is matched: trimmed, upper case (``bbps`` is ``BBPS``)."""
    return (gateway or "").strip().upper()


class ServiceBouncePenalty(Base):
    """The penalty billed when one of a service's cheques or DDs is dishonoured (revision 0005).

    Its own table rather than columns of ``services``: SQLite can add a composite foreign
    key only by rebuilding a table, which a populated ``services`` cannot survive.
    """

    __tablename__ = "service_bounce_penalties"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"]),
        ForeignKeyConstraint(["tenant_id", "gl_account_id"], ["gl_accounts.tenant_id", "gl_accounts.id"]),
        CheckConstraint("amount_paise > 0", name="amount"),
    )

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    gl_account_id: Mapped[int] = mapped_column(BigInteger)  #: a detailed income head


def instrument_types(instruments: str) -> tuple[str, ...]:
    """The instrument types of a service's ``instruments`` column (comma-separated)."""
    return tuple(t for t in instruments.split(",") if t)


def get_service(session: Session, tenant_id: str, code: str) -> Service:
    service = session.scalars(select(Service).where(Service.tenant_id == tenant_id,
                                                    Service.code == code)).first()
    if service is None:
        raise NotFound(f"no service {code!r} in {tenant_id}", code="SERVICE_NOT_FOUND")
    return service
