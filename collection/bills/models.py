"""Bills as revenue systems submitted them, in paise, versioned, with the document they came in.

A bill is identified by (tenant, service, consumer code, reference number).
Resubmitting it with other content makes a new version and marks the old one
superseded (kept for audit); a partial unique index allows one active version.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index,
    Integer, LargeBinary, String, Text, UniqueConstraint, func, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base, BigId

BILL_STATUSES = ("active", "superseded", "cancelled")


class BillDocument(Base):
    """A submitted Bill XML document, kept byte for byte with its SHA-256 for audit."""

    __tablename__ = "bill_documents"
    __table_args__ = (UniqueConstraint("tenant_id", "id"), Index("ix_bill_documents_sha256", "tenant_id", "sha256"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                      server_default=func.current_timestamp())


class Bill(Base):
    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "service_id", "consumer_code", "ref_no", "version"),
        # One active version per bill.
        Index("ux_bills_active", "tenant_id", "service_id", "consumer_code", "ref_no", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
        Index("ix_bills_consumer", "tenant_id", "consumer_code"),
        Index("ix_bills_ref", "tenant_id", "ref_no"),  # cashiers find a bill by its reference
        Index("ix_bills_date", "tenant_id", "bill_date"),
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"]),
        ForeignKeyConstraint(["tenant_id", "document_id"], ["bill_documents.tenant_id", "bill_documents.id"]),
        ForeignKeyConstraint(["tenant_id", "fund_id"], ["funds.tenant_id", "funds.id"]),
        ForeignKeyConstraint(["tenant_id", "department_id"], ["departments.tenant_id", "departments.id"]),
        ForeignKeyConstraint(["tenant_id", "functionary_id"],
                             ["functionaries.tenant_id", "functionaries.id"]),
        ForeignKeyConstraint(["tenant_id", "fund_source_id"], ["fund_sources.tenant_id", "fund_sources.id"]),
        CheckConstraint("status IN ('active', 'superseded', 'cancelled')", name="status"),
        CheckConstraint("total_paise >= 0 AND minimum_paise >= 0 AND minimum_paise <= total_paise",
                        name="amounts"),
        CheckConstraint("live_receipts >= 0", name="live_receipts"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    service_id: Mapped[int] = mapped_column(BigInteger)
    document_id: Mapped[int] = mapped_column(BigInteger)
    consumer_code: Mapped[str] = mapped_column(String(64))
    ref_no: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: SHA-256 of the bill's content: an identical resubmission is recognised by it.
    content_digest: Mapped[str] = mapped_column(String(64))
    bill_date: Mapped[dt.date] = mapped_column(Date)
    payee_name: Mapped[str] = mapped_column(String(200))
    payee_address: Mapped[str | None] = mapped_column(Text)
    payee_email: Mapped[str | None] = mapped_column(String(200))
    paid_by: Mapped[str | None] = mapped_column(String(200))
    display_message: Mapped[str | None] = mapped_column(Text)
    consumer_type: Mapped[str | None] = mapped_column(String(64))
    boundary_num: Mapped[int | None] = mapped_column(BigInteger)
    boundary_type: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    total_paise: Mapped[int] = mapped_column(BigInteger)
    minimum_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    #: partPaymentAllowed as the document gave it; None when it did not say, and then the
    #: service's ``part_payment_default`` holds (``reads`` shows the value in force).
    part_payment_allowed: Mapped[bool | None] = mapped_column(Boolean)
    override_account_heads_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_for_apportioning: Mapped[bool] = mapped_column(Boolean, default=False)
    collection_type: Mapped[str | None] = mapped_column(String(1))
    #: Comma-separated collection modes the bill refuses (``cheque,dd``).
    modes_not_allowed: Mapped[str] = mapped_column(String(200), default="")
    transaction_reference: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100))
    fund_id: Mapped[int] = mapped_column(BigInteger)
    department_id: Mapped[int] = mapped_column(BigInteger)
    functionary_id: Mapped[int] = mapped_column(BigInteger)
    fund_source_id: Mapped[int] = mapped_column(BigInteger)
    #: Receipts in a live state against this version; while above zero the bill is locked.
    live_receipts: Mapped[int] = mapped_column(Integer, default=0)
    superseded_by_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())


class BillAccount(Base):
    """One account head of a bill: what is due (credit) or allowed (debit, e.g. a rebate)."""

    __tablename__ = "bill_accounts"
    __table_args__ = (
        UniqueConstraint("bill_id", "line_no"),
        ForeignKeyConstraint(["tenant_id", "bill_id"], ["bills.tenant_id", "bills.id"]),
        ForeignKeyConstraint(["tenant_id", "gl_account_id"], ["gl_accounts.tenant_id", "gl_accounts.id"]),
        ForeignKeyConstraint(["tenant_id", "function_id"], ["functions.tenant_id", "functions.id"]),
        CheckConstraint("cr_paise >= 0 AND dr_paise >= 0 AND paid_paise >= 0", name="amounts"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    bill_id: Mapped[int] = mapped_column(BigInteger)
    line_no: Mapped[int] = mapped_column(Integer)  #: document order, 1-based
    order: Mapped[int] = mapped_column(Integer)    #: apportioning order
    gl_account_id: Mapped[int] = mapped_column(BigInteger)
    glcode: Mapped[str] = mapped_column(String(32))
    function_id: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    is_actual_demand: Mapped[bool] = mapped_column(Boolean, default=False)
    purpose: Mapped[str | None] = mapped_column(String(32))
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    cr_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    dr_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Collected so far against this head by live receipts (apportioning continues from here).
    paid_paise: Mapped[int] = mapped_column(BigInteger, default=0)
