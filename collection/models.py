"""Collection-side masters and records. Importing this module registers every table.

(Later issues add services, bills, payments, receipts here or in sibling modules.)
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import ledger.models  # noqa: F401  (ledger tables)
import vouchers.models  # noqa: F401  (voucher number formats)
from ledger.db import Base, BigId


class BankAccount(Base):
    """A ULB's account at a bank branch; remittances debit its GL code, within its fund."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "account_number", "ifsc"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(["tenant_id", "fund_id"], ["funds.tenant_id", "funds.id"]),
        ForeignKeyConstraint(["tenant_id", "gl_account_id"], ["gl_accounts.tenant_id", "gl_accounts.id"]),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    code: Mapped[str] = mapped_column(String(32))
    bank_name: Mapped[str] = mapped_column(String(200))
    branch_name: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str] = mapped_column(String(34))
    ifsc: Mapped[str] = mapped_column(String(11))
    account_type: Mapped[str] = mapped_column(String(16), default="current")
    fund_id: Mapped[int] = mapped_column(BigInteger)
    gl_account_id: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

# Tables of the access layer and the audit trail (revision 0002).
import collection.audit  # noqa: E402,F401
import collection.auth.models  # noqa: E402,F401
# The service master and bills (revision 0003).
import collection.bills.models  # noqa: E402,F401
import collection.service_master  # noqa: E402,F401
# Instruments, receipts and their heads (revision 0004).
import collection.receipts.models  # noqa: E402,F401
# Remittances, dishonours, bank statements (revision 0005).
import collection.remittance.models  # noqa: E402,F401
import collection.bank.models  # noqa: E402,F401
