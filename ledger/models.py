"""Ledger tables: tenants, chart of accounts, segments, periods and the journal.

Every business row carries ``tenant_id`` and every key includes it. Lines point
at their masters through composite ``(tenant_id, id)`` foreign keys, so the
database itself refuses a line of one ULB that names another ULB's account.

The journal's invariants are not in this file: they are triggers and
constraints installed by the migrations (see ``migrations/triggers_0001.py``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index,
    Integer, String, Text, UniqueConstraint, func, text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base, BigId, one_of

ACCOUNT_TYPES = ("asset", "liability", "income", "expense", "equity")
ACCOUNT_LEVELS = ("major", "minor", "detailed")
ACCOUNT_PURPOSES = (
    "cash_in_hand", "cheque_in_hand", "cash_in_transit", "bank", "card_clearing",
    "gateway_clearing", "advance", "receivable", "payable", "rebate", "penalty", "other",
)
PERIOD_STATUSES = ("open", "closed")


class Tenant(Base):
    """A ULB (``pb.amritsar``) or a state-level tenant (``pb``) that covers its ULBs."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_local: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("tenants.id"))
    address: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class _Segment:
    """Columns shared by the five segments that every ledger line carries."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


def _segment_args() -> tuple:
    return (UniqueConstraint("tenant_id", "code"), UniqueConstraint("tenant_id", "id"))


class Fund(_Segment, Base):
    __tablename__ = "funds"
    __table_args__ = _segment_args()


class Function(_Segment, Base):
    """An NMAM function (what the money is for: water supply, roads, ...)."""

    __tablename__ = "functions"
    __table_args__ = _segment_args()
    parent_code: Mapped[str | None] = mapped_column(String(32))


class Functionary(_Segment, Base):
    __tablename__ = "functionaries"
    __table_args__ = _segment_args()


class Department(_Segment, Base):
    __tablename__ = "departments"
    __table_args__ = _segment_args()


class FundSource(_Segment, Base):
    __tablename__ = "fund_sources"
    __table_args__ = _segment_args()


class GlAccount(Base):
    """One head of the chart of accounts, in NMAM's major/minor/detailed structure."""

    __tablename__ = "gl_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "glcode"),
        UniqueConstraint("tenant_id", "id"),
        CheckConstraint(one_of("type", ACCOUNT_TYPES), name="type"),
        CheckConstraint(one_of("level", ACCOUNT_LEVELS), name="level"),
        CheckConstraint(f"purpose IS NULL OR {one_of('purpose', ACCOUNT_PURPOSES)}", name="purpose"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    glcode: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    parent_glcode: Mapped[str | None] = mapped_column(String(32))
    postable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    purpose: Mapped[str | None] = mapped_column(String(32))


class FinancialYear(Base):
    """April to March, e.g. ``2026-27``."""

    __tablename__ = "financial_years"
    __table_args__ = (UniqueConstraint("tenant_id", "code"), UniqueConstraint("tenant_id", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    code: Mapped[str] = mapped_column(String(7))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)


class Period(Base):
    """A calendar month of a financial year; closed periods refuse postings (in the database)."""

    __tablename__ = "periods"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "financial_year_id"],
                             ["financial_years.tenant_id", "financial_years.id"]),
        CheckConstraint(one_of("status", PERIOD_STATUSES), name="status"),
        CheckConstraint("start_date <= end_date", name="dates"),
        Index("ix_periods_tenant_dates", "tenant_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    financial_year_id: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(7))  # 2026-04
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="open")
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class VoucherSeries(Base):
    """The counter and hash-chain head of one numbering series (tenant × type × year).

    Only the voucher insert trigger advances it, so a number is consumed exactly
    when a voucher with that number exists: gapless by construction.
    """

    __tablename__ = "voucher_series"
    __table_args__ = (
        UniqueConstraint("tenant_id", "voucher_type", "financial_year_id"),
        ForeignKeyConstraint(["tenant_id", "financial_year_id"],
                             ["financial_years.tenant_id", "financial_years.id"]),
        CheckConstraint("last_seq >= 0", name="last_seq"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    voucher_type: Mapped[str] = mapped_column(String(16))
    financial_year_id: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    #: How numbers of this series look (``RV/{fy}/{seq:06d}``), fixed when the
    #: series starts: a changed format applies from the next financial year.
    number_format: Mapped[str] = mapped_column(String(100))


class Voucher(Base):
    """A posted voucher header. Immutable once inserted (triggers refuse UPDATE/DELETE).

    The header is inserted *after* its lines: its insert trigger is the one
    moment the database checks the whole voucher (balance, line count, period,
    series, hash link) and keeps the balances, on SQLite and PostgreSQL alike.
    """

    __tablename__ = "vouchers"
    __table_args__ = (
        # Number first: see the indexes below.
        UniqueConstraint("number", "tenant_id"),
        UniqueConstraint("series_id", "seq"),
        # Partial: most vouchers have neither, and a NULL needs no index entry.
        Index("uq_vouchers_tenant_id_idempotency_key", "tenant_id", "idempotency_key", unique=True,
              postgresql_where=text("idempotency_key IS NOT NULL"),
              sqlite_where=text("idempotency_key IS NOT NULL")),
        Index("uq_vouchers_reversal_of_id", "reversal_of_id", unique=True,
              postgresql_where=text("reversal_of_id IS NOT NULL"),
              sqlite_where=text("reversal_of_id IS NOT NULL")),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "reversal_of_id"], ["vouchers.tenant_id", "vouchers.id"]),
        CheckConstraint("total > 0", name="total"),
        CheckConstraint("line_count >= 2", name="line_count"),
        CheckConstraint("seq > 0", name="seq"),
        # Only uq_vouchers_tenant_id_id (and the partial key above) lead with the tenant:
        # a foreign key's check asks for (tenant_id, id), and before the table has
        # statistics PostgreSQL cannot tell another tenant-led index, which matches only
        # the tenant, from that one – and a session that plans the check with it keeps
        # scanning all of the tenant's vouchers on every posting.
        Index("ix_vouchers_date_tenant", "voucher_date", "tenant_id"),
        Index("ix_vouchers_source_tenant", "source_ref", "tenant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Tenant, series and period are not foreign keys: the insert trigger finds the
    #: series row (of this tenant and type) and the open period (of this tenant,
    #: containing the date) or refuses the voucher, and neither can be deleted
    #: afterwards (their guards refuse), so the references hold without three
    #: referential checks – and three row locks – per posting.
    tenant_id: Mapped[str] = mapped_column(String(64))
    voucher_type: Mapped[str] = mapped_column(String(16))
    series_id: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    number: Mapped[str] = mapped_column(String(64))
    voucher_date: Mapped[dt.date] = mapped_column(Date)
    period_id: Mapped[int] = mapped_column(BigInteger)
    narration: Mapped[str | None] = mapped_column(Text)
    source_ref: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_digest: Mapped[str] = mapped_column(String(64))
    reversal_of_id: Mapped[int | None] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    line_count: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                    server_default=func.current_timestamp())


class VoucherLine(Base):
    """One side of a posting: a GL code, the five segments, and a debit xor a credit in paise.

    The masters a line names are not foreign keys: seven referential checks per
    line cost more than the rest of a posting. The header's insert trigger
    checks them once per voucher, set-based (exist, same tenant, active,
    postable), and guard triggers refuse deleting or recoding a used master.

    Nor is every line's voucher id a foreign key: a deferred check per line
    cost a posting more than the rest of its commit. Line 1 alone carries the
    voucher id a second time, in ``voucher_ref``, whose deferred foreign key
    proves at commit that the voucher has a header; lines are numbered 1, 2,
    3, … (a CHECK and the insert triggers refuse a gap or a line after the
    header), so every line has a line 1, and so a header.
    """

    __tablename__ = "voucher_lines"
    __table_args__ = (
        # Deferred: lines are inserted before their header (see Voucher).
        ForeignKeyConstraint(["tenant_id", "voucher_ref"], ["vouchers.tenant_id", "vouchers.id"],
                             deferrable=True, initially="DEFERRED"),
        CheckConstraint("line_no >= 1 AND CASE WHEN line_no = 1 THEN voucher_ref IS NOT NULL "
                        "AND voucher_ref = voucher_id ELSE voucher_ref IS NULL END",
                        name="voucher_ref"),
        CheckConstraint("debit >= 0 AND credit >= 0", name="not_negative"),
        CheckConstraint("(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="one_side"),
        # GL statements, and the account guard's "is this account used by any posting?".
        # Segments have no index of their own: five more index entries per line cost
        # more than the rest of the line, and only a rare recode or delete of a
        # segment asks (see the recode guards in migrations/triggers_0001.py).
        Index("ix_voucher_lines_account_date", "tenant_id", "gl_account_id", "voucher_date"),
        # Line 1's reference to its header: SQLite looks a new header's lines up by it
        # (to settle their deferred foreign key); one entry per voucher.
        Index("ix_voucher_lines_voucher_ref", "voucher_ref",
              postgresql_where=text("voucher_ref IS NOT NULL"),
              sqlite_where=text("voucher_ref IS NOT NULL")),
    )

    #: A line is known by its voucher and its number (no surrogate key: one index less per line).
    voucher_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tenant_id: Mapped[str] = mapped_column(String(64))
    voucher_date: Mapped[dt.date] = mapped_column(Date)
    gl_account_id: Mapped[int] = mapped_column(BigInteger)
    fund_id: Mapped[int] = mapped_column(BigInteger)
    function_id: Mapped[int] = mapped_column(BigInteger)
    functionary_id: Mapped[int] = mapped_column(BigInteger)
    department_id: Mapped[int] = mapped_column(BigInteger)
    fund_source_id: Mapped[int] = mapped_column(BigInteger)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    narration: Mapped[str | None] = mapped_column(Text)
    #: ``voucher_id`` on line 1, NULL on the others (see above).
    voucher_ref: Mapped[int | None] = mapped_column(BigInteger)


class LedgerBalance(Base):
    """Kept daily totals per account, segment combination and numbering series.

    Maintained by the voucher insert trigger in the posting's own transaction,
    so a trial balance reads O(accounts × days × series) rows, never every line;
    ``rasid ledger check`` recomputes them from the lines. The series is part of
    the key so that only writers already queued on the same series lock ever
    touch the same balance row: every counter posts Dr cash-in-hand today, and
    without it receipts and remittances would queue on that one hot row.
    """

    __tablename__ = "ledger_balances"
    __table_args__ = (Index("ix_ledger_balances_account", "tenant_id", "gl_account_id", "balance_date"),)

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    balance_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    gl_account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    fund_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    function_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    functionary_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    department_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    fund_source_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    series_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
