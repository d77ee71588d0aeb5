"""Imported bank statements and their lines, with what each line was matched to.

A line is stored once per bank account (its ``fingerprint`` is unique), so importing the
same statement, or an overlapping one, adds nothing twice. What the bank said never
changes (migration 0005's triggers); only the match columns do.
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

CREDIT, DEBIT = "CR", "DR"
#: What part of a remittance a credit line confirms (see bank.matching).
MATCH_PARTS = ("ALL", "CASH", "CHEQUES", "NET_ALL", "NET_CHEQUES", "CHEQUE")
#: ``CHEQUE`` credits name the cheque (``instrument_id``); nothing else names one.
CHEQUE_CREDIT = ("(instrument_id IS NULL AND (match_part IS NULL OR match_part <> 'CHEQUE')) OR "
                 "(instrument_id IS NOT NULL AND match_part = 'CHEQUE' AND remittance_id IS NOT NULL)")


class BankStatement(Base):
    __tablename__ = "bank_statements"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "bank_account_id", "sha256"),
        ForeignKeyConstraint(["tenant_id", "bank_account_id"], ["bank_accounts.tenant_id", "bank_accounts.id"]),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    bank_account_id: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(32))           #: csv:sbi, csv:hdfc, camt053 ...
    reference: Mapped[str | None] = mapped_column(String(100))  #: the bank's statement id
    file_name: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    date_from: Mapped[dt.date | None] = mapped_column(Date)
    date_to: Mapped[dt.date | None] = mapped_column(Date)
    opening_balance_paise: Mapped[int | None] = mapped_column(BigInteger)
    closing_balance_paise: Mapped[int | None] = mapped_column(BigInteger)
    line_count: Mapped[int] = mapped_column(Integer)          #: lines in the file
    new_line_count: Mapped[int] = mapped_column(Integer)      #: lines not already stored
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                     server_default=func.current_timestamp())


class BankStatementLine(Base):
    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "bank_account_id", "fingerprint"),
        ForeignKeyConstraint(["tenant_id", "statement_id"], ["bank_statements.tenant_id", "bank_statements.id"]),
        ForeignKeyConstraint(["tenant_id", "bank_account_id"], ["bank_accounts.tenant_id", "bank_accounts.id"]),
        ForeignKeyConstraint(["tenant_id", "remittance_id"], ["remittances.tenant_id", "remittances.id"]),
        ForeignKeyConstraint(["tenant_id", "instrument_id"], ["instruments.tenant_id", "instruments.id"]),
        ForeignKeyConstraint(["tenant_id", "dishonour_id"], ["dishonours.tenant_id", "dishonours.id"]),
        ForeignKeyConstraint(["tenant_id", "voucher_id"], ["vouchers.tenant_id", "vouchers.id"]),
        CheckConstraint("direction IN ('CR', 'DR')", name="direction"),
        CheckConstraint("amount_paise > 0", name="amount"),
        CheckConstraint("(CASE WHEN remittance_id IS NULL THEN 0 ELSE 1 END) + "
                        "(CASE WHEN dishonour_id IS NULL THEN 0 ELSE 1 END) + "
                        "(CASE WHEN voucher_id IS NULL THEN 0 ELSE 1 END) <= 1", name="one_match"),
        CheckConstraint("remittance_id IS NULL OR (direction = 'CR' AND match_part IS NOT NULL)",
                        name="remittance_credit"),
        CheckConstraint("dishonour_id IS NULL OR direction = 'DR'", name="dishonour_debit"),
        CheckConstraint(CHEQUE_CREDIT, name="cheque_credit"),
        Index("ix_bank_statement_lines_account_date", "tenant_id", "bank_account_id", "txn_date"),
        Index("ix_bank_statement_lines_remittance", "remittance_id"),
        Index("ix_bank_statement_lines_dishonour", "dishonour_id"),
        # A cheque is credited once.
        Index("ux_bank_statement_lines_instrument", "instrument_id", unique=True,
              sqlite_where=text("instrument_id IS NOT NULL"), postgresql_where=text("instrument_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    statement_id: Mapped[int] = mapped_column(BigInteger)
    bank_account_id: Mapped[int] = mapped_column(BigInteger)
    line_no: Mapped[int] = mapped_column(Integer)             #: position in its statement file
    txn_date: Mapped[dt.date] = mapped_column(Date)
    value_date: Mapped[dt.date | None] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(2))         #: CR money in, DR money out
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(200))  #: cheque / reference number
    description: Mapped[str | None] = mapped_column(Text)
    balance_paise: Mapped[int | None] = mapped_column(BigInteger)  #: running balance, if given
    fingerprint: Mapped[str] = mapped_column(String(64))
    # What the line was matched to: a remittance (credit), a dishonour (debit), or a voucher
    # that booked it otherwise (interest, charges, a bank challan receipt).
    remittance_id: Mapped[int | None] = mapped_column(BigInteger)
    match_part: Mapped[str | None] = mapped_column(String(16))
    #: the cheque or DD of the remittance this credit is for, when the bank credits them one by one
    instrument_id: Mapped[int | None] = mapped_column(BigInteger)
    dishonour_id: Mapped[int | None] = mapped_column(BigInteger)
    voucher_id: Mapped[int | None] = mapped_column(BigInteger)
    matched_by: Mapped[str | None] = mapped_column(String(200))  #: "auto" or who matched it
    matched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
