"""Voucher numbers: a configurable format over the ledger's gapless series.

The ledger owns the counter (one row per tenant × type × financial year, advanced
only when a voucher is inserted); this module owns what the number looks like,
e.g. ``RV/2026-27/000123``. A series takes the configured format when it starts,
so a format changed mid-year applies from the next financial year: numbers of
one year's series never change shape.
"""
from __future__ import annotations

import string

from sqlalchemy import Connection, bindparam, select

from ledger.errors import ValidationError
from ledger.journal import Numbering, SeriesSlot
from vouchers.models import VoucherNumberFormat
from vouchers.types import VOUCHER_TYPES

DEFAULT_FORMAT = "{prefix}/{fy}/{seq:06d}"
_FORMAT_OF = select(VoucherNumberFormat.format).where(
    VoucherNumberFormat.tenant_id == bindparam("tenant"),
    VoucherNumberFormat.voucher_type == bindparam("type"))
FIELDS = {"prefix", "fy", "seq", "yyyy", "mm"}


def check_format(fmt: str) -> str:
    """Refuse a format that could repeat a number: it must name ``{seq}`` and ``{fy}``."""
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(fmt) if field is not None}
        sample = fmt.format(prefix="RV", fy="2026-27", seq=1, yyyy="2026", mm="04")
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(f"number format {fmt!r} is not valid: {exc}",
                              code="NUMBER_FORMAT_INVALID") from None
    unknown = names - FIELDS
    if unknown:
        raise ValidationError(f"number format {fmt!r} uses unknown fields {sorted(unknown)}; "
                              f"allowed: {sorted(FIELDS)}", code="NUMBER_FORMAT_INVALID")
    if not {"seq", "fy"} <= names:
        raise ValidationError(f"number format {fmt!r} must contain {{seq}} and {{fy}} so numbers "
                              "never repeat across years", code="NUMBER_FORMAT_INVALID")
    if len(sample) > 60:
        raise ValidationError(f"number format {fmt!r} makes numbers longer than 60 characters",
                              code="NUMBER_FORMAT_INVALID")
    return fmt


def render(fmt: str, slot: SeriesSlot) -> str:
    """The number of ``slot`` in format ``fmt``."""
    return fmt.format(prefix=VOUCHER_TYPES[slot.voucher_type].prefix, fy=slot.financial_year, seq=slot.seq,
                      yyyy=f"{slot.voucher_date.year:04d}", mm=f"{slot.voucher_date.month:02d}")


def numbering(tenant_id: str, voucher_type: str) -> Numbering:
    """Numbering of one tenant's voucher type: its configured format (or the default)."""

    def format_for_new_series(connection: Connection) -> str:
        return connection.execute(_FORMAT_OF, {"tenant": tenant_id, "type": voucher_type}
                                  ).scalar() or DEFAULT_FORMAT

    return Numbering(format_for_new_series, render)
