"""Configured number formats, per tenant and voucher type."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base


class VoucherNumberFormat(Base):
    __tablename__ = "voucher_number_formats"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    voucher_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    format: Mapped[str] = mapped_column(String(100))
