"""Instruments, receipts and their per-head apportionment.

One instrument (the cash handed over, a cheque, a card swipe, an online
payment) pays one or more bills; each bill gets one receipt whose apportionment
over the bill's heads is kept line by line, with the voucher it posted. Money
columns never change after insert: migration 0004 makes receipt heads
append-only and refuses updates of a receipt's or instrument's amounts,
number, bill or voucher in the database itself.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger, CheckConstraint, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer,
    String, Text, UniqueConstraint, func, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from collection.service_master import INSTRUMENT_TYPES
from ledger.db import Base, BigId, one_of

#: Receipt states. Live states hold the bill (no second full collection, no new bill version).
TO_BE_SUBMITTED, SUBMITTED, APPROVED, REJECTED = "TO_BE_SUBMITTED", "SUBMITTED", "APPROVED", "REJECTED"
REMITTED, CANCELLED, INSTR_BOUNCED = "REMITTED", "CANCELLED", "INSTR_BOUNCED"
RECEIPT_STATUSES = (TO_BE_SUBMITTED, SUBMITTED, APPROVED, REJECTED, REMITTED, CANCELLED, INSTR_BOUNCED)
LIVE_STATUSES = (TO_BE_SUBMITTED, SUBMITTED, APPROVED, REJECTED, REMITTED)

#: Instrument states (remittance and reconciliation move them on).
NEW, DEPOSITED, RECONCILED, DISHONOURED = "NEW", "DEPOSITED", "RECONCILED", "DISHONOURED"
INSTRUMENT_STATUSES = (NEW, DEPOSITED, RECONCILED, DISHONOURED, CANCELLED)

COLLECTION_TYPES = {"C": "counter", "F": "field", "O": "online"}


class ReceiptSeries(Base):
    """The gapless counter of a tenant's receipt numbers in one financial year."""

    __tablename__ = "receipt_series"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    financial_year: Mapped[str] = mapped_column(String(7), primary_key=True)  # 2026-27
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Instrument(Base):
    """What the payer handed over; one per payment, however many bills it pays."""

    __tablename__ = "instruments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "collected_by", "idempotency_key"),
        ForeignKeyConstraint(["tenant_id", "bank_account_id"], ["bank_accounts.tenant_id", "bank_accounts.id"]),
        CheckConstraint("amount_paise >= 0", name="amount"),
        CheckConstraint(one_of("status", INSTRUMENT_STATUSES), name="status"),
        CheckConstraint(one_of("instrument_type", INSTRUMENT_TYPES), name="instrument_type"),
        Index("ix_instruments_number", "tenant_id", "instrument_type", "number"),
        # No index names the status, and half of each page is left free: remitting and
        # reconciling change the status of every instrument on a page in one transaction,
        # and PostgreSQL then writes each new version beside the old one with no index entry
        # (a HOT update) instead of one entry in every index.
        {"postgresql_with": {"fillfactor": 50}},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    instrument_type: Mapped[str] = mapped_column(String(16))
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=NEW)
    #: cheque/DD/postal order number, challan number, or the card's last four digits
    number: Mapped[str | None] = mapped_column(String(64))
    instrument_date: Mapped[dt.date | None] = mapped_column(Date)
    bank_name: Mapped[str | None] = mapped_column(String(200))
    branch_name: Mapped[str | None] = mapped_column(String(200))
    #: card authorisation code, gateway / NEFT / RTGS / BBPS transaction reference
    transaction_reference: Mapped[str | None] = mapped_column(String(100))
    gateway: Mapped[str | None] = mapped_column(String(64))
    bank_account_id: Mapped[int | None] = mapped_column(BigInteger)  #: bank challan: the ULB's account
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_digest: Mapped[str] = mapped_column(String(64))
    collected_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "service_id"], ["services.tenant_id", "services.id"]),
        ForeignKeyConstraint(["tenant_id", "bill_id"], ["bills.tenant_id", "bills.id"]),
        ForeignKeyConstraint(["tenant_id", "instrument_id"], ["instruments.tenant_id", "instruments.id"]),
        ForeignKeyConstraint(["tenant_id", "voucher_id"], ["vouchers.tenant_id", "vouchers.id"]),
        ForeignKeyConstraint(["tenant_id", "reversal_voucher_id"], ["vouchers.tenant_id", "vouchers.id"]),
        CheckConstraint("amount_paise >= 0 AND advance_paise >= 0 AND advance_paise <= amount_paise",
                        name="amounts"),
        CheckConstraint(one_of("status", RECEIPT_STATUSES), name="status"),
        CheckConstraint("collection_type IN ('C', 'F', 'O')", name="collection_type"),
        CheckConstraint("status <> 'CANCELLED' OR cancel_reason IS NOT NULL", name="cancel_reason"),
        # Every index is written again when a receipt's status changes (the status is in the
        # partial index's predicate, so that update cannot be HOT): only those a query uses.
        Index("ix_receipts_date", "tenant_id", "receipt_date"),          # registers, reports, printing
        Index("ix_receipts_consumer", "tenant_id", "consumer_code"),     # the counter's search
        Index("ix_receipts_instrument", "instrument_id"),                # a payment's receipts, dishonour
        Index("ix_receipts_approved", "tenant_id", "id",                 # what remains to remit, in id order
              postgresql_where=text("status = 'APPROVED'"), sqlite_where=text("status = 'APPROVED'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    number: Mapped[str] = mapped_column(String(60))
    financial_year: Mapped[str] = mapped_column(String(7))
    seq: Mapped[int] = mapped_column(BigInteger)
    receipt_date: Mapped[dt.date] = mapped_column(Date)
    service_id: Mapped[int] = mapped_column(BigInteger)
    bill_id: Mapped[int] = mapped_column(BigInteger)
    bill_version: Mapped[int] = mapped_column(Integer)
    bill_ref_no: Mapped[str] = mapped_column(String(64))
    consumer_code: Mapped[str] = mapped_column(String(64))
    payer_name: Mapped[str] = mapped_column(String(200))
    payer_address: Mapped[str | None] = mapped_column(Text)
    collection_type: Mapped[str] = mapped_column(String(1))
    collected_by: Mapped[str] = mapped_column(String(200))
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    #: the part of the amount credited to the service's advance head (over the outstanding)
    advance_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    instrument_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    voucher_id: Mapped[int | None] = mapped_column(BigInteger)          #: the receipt voucher
    reversal_voucher_id: Mapped[int | None] = mapped_column(BigInteger)  #: its cancellation/dishonour
    narration: Mapped[str | None] = mapped_column(Text)
    manual_receipt_number: Mapped[str | None] = mapped_column(String(60))
    manual_receipt_date: Mapped[dt.date | None] = mapped_column(Date)
    #: SHA-256 over the receipt's number, amount, bill and heads: printed in the QR code
    hash: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(String(200))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())


class ReceiptHead(Base):
    """How much of a receipt went to one bill head (or to the advance head)."""

    __tablename__ = "receipt_heads"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "receipt_id"], ["receipts.tenant_id", "receipts.id"]),
        ForeignKeyConstraint(["tenant_id", "gl_account_id"], ["gl_accounts.tenant_id", "gl_accounts.id"]),
        CheckConstraint("(cr_paise > 0 AND dr_paise = 0) OR (dr_paise > 0 AND cr_paise = 0)", name="one_side"),
    )

    receipt_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    bill_account_id: Mapped[int | None] = mapped_column(ForeignKey("bill_accounts.id"))  #: None: advance
    gl_account_id: Mapped[int] = mapped_column(BigInteger)
    glcode: Mapped[str] = mapped_column(String(32))
    function_code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(String(32))
    cr_paise: Mapped[int] = mapped_column(BigInteger, default=0)  #: income credited
    dr_paise: Mapped[int] = mapped_column(BigInteger, default=0)  #: rebate allowed
