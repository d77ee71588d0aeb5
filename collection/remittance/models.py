"""Remittances, the receipts each one carried, and dishonoured instruments.

A remittance is one pay-in slip: the receipts it carried are kept row by row
(``remittance_items``, append-only), so a reversal knows exactly what to give
back and a receipt's remittance history survives a reversal and a second
remittance. Migration 0005 freezes what money columns say once the contra
voucher is posted, and makes items and dishonours append-only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base, BigId

#: Remittance states: posted; confirmed by the bank (a statement credit matched it); reversed.
REMITTED, RECONCILED, REVERSED = "REMITTED", "RECONCILED", "REVERSED"
REMITTANCE_STATUSES = (REMITTED, RECONCILED, REVERSED)

#: Instruments a cashier carries to the bank; the rest settle through clearing accounts.
CASH_TYPES = ("cash",)
CHEQUE_TYPES = ("cheque", "dd", "postal_order")
REMITTABLE_TYPES = CASH_TYPES + CHEQUE_TYPES


class Remittance(Base):
    """One pay-in slip: approved receipts carried to one bank account of their fund."""

    __tablename__ = "remittances"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        # A slip number is used once per bank account (a reversed slip frees it).
        Index("ux_remittances_slip", "tenant_id", "bank_account_id", "pay_in_slip", unique=True,
              sqlite_where=text("status <> 'REVERSED'"), postgresql_where=text("status <> 'REVERSED'")),
        Index("ix_remittances_date", "tenant_id", "pay_in_date"),
        ForeignKeyConstraint(["tenant_id", "bank_account_id"], ["bank_accounts.tenant_id", "bank_accounts.id"]),
        ForeignKeyConstraint(["tenant_id", "fund_id"], ["funds.tenant_id", "funds.id"]),
        ForeignKeyConstraint(["tenant_id", "voucher_id"], ["vouchers.tenant_id", "vouchers.id"]),
        ForeignKeyConstraint(["tenant_id", "reversal_voucher_id"], ["vouchers.tenant_id", "vouchers.id"]),
        CheckConstraint("status IN ('REMITTED', 'RECONCILED', 'REVERSED')", name="status"),
        CheckConstraint("cash_paise >= 0 AND cheque_paise >= 0 AND amount_paise = cash_paise + cheque_paise "
                        "AND receipt_count >= 0", name="amounts"),
        CheckConstraint("status <> 'REVERSED' OR reversal_reason IS NOT NULL", name="reversal_reason"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    bank_account_id: Mapped[int] = mapped_column(BigInteger)
    fund_id: Mapped[int] = mapped_column(BigInteger)
    pay_in_slip: Mapped[str] = mapped_column(String(32))
    pay_in_date: Mapped[dt.date] = mapped_column(Date)  #: also the contra voucher's date
    status: Mapped[str] = mapped_column(String(16), default=REMITTED)
    receipt_count: Mapped[int] = mapped_column(Integer, default=0)
    cash_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    cheque_paise: Mapped[int] = mapped_column(BigInteger, default=0)  #: cheques, DDs, postal orders
    amount_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    voucher_id: Mapped[int | None] = mapped_column(BigInteger)           #: the contra voucher
    reversal_voucher_id: Mapped[int | None] = mapped_column(BigInteger)  #: its reversal
    remitted_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())
    reversal_date: Mapped[dt.date | None] = mapped_column(Date)
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    reversed_by: Mapped[str | None] = mapped_column(String(200))
    reversed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RemittanceItem(Base):
    """A receipt a remittance carried, with what it carried (append-only)."""

    __tablename__ = "remittance_items"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "remittance_id"], ["remittances.tenant_id", "remittances.id"]),
        ForeignKeyConstraint(["tenant_id", "receipt_id"], ["receipts.tenant_id", "receipts.id"]),
        Index("ix_remittance_items_instrument", "instrument_id"),  # a cheque's remittance (dishonour)
    )

    remittance_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    instrument_id: Mapped[int] = mapped_column(BigInteger)
    instrument_type: Mapped[str] = mapped_column(String(16))
    amount_paise: Mapped[int] = mapped_column(BigInteger)


class Dishonour(Base):
    """A deposited cheque or DD the bank returned unpaid, and the journal that undid it."""

    __tablename__ = "dishonours"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "instrument_id"),
        ForeignKeyConstraint(["tenant_id", "instrument_id"], ["instruments.tenant_id", "instruments.id"]),
        ForeignKeyConstraint(["tenant_id", "remittance_id"], ["remittances.tenant_id", "remittances.id"]),
        ForeignKeyConstraint(["tenant_id", "bank_account_id"], ["bank_accounts.tenant_id", "bank_accounts.id"]),
        ForeignKeyConstraint(["tenant_id", "voucher_id"], ["vouchers.tenant_id", "vouchers.id"]),
        ForeignKeyConstraint(["tenant_id", "penalty_bill_id"], ["bills.tenant_id", "bills.id"]),
        CheckConstraint("amount_paise > 0", name="amount"),
        Index("ix_dishonours_date", "tenant_id", "dishonour_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    instrument_id: Mapped[int] = mapped_column(BigInteger)
    remittance_id: Mapped[int] = mapped_column(BigInteger)
    bank_account_id: Mapped[int] = mapped_column(BigInteger)
    dishonour_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    voucher_id: Mapped[int] = mapped_column(BigInteger)       #: the reversal journal
    penalty_bill_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())
