"""Voucher numbers: a configurable format over the ledger's gapless series.

The ledger owns the counter (one row per tenant × type × financial year, advanced
only when a voucher is inserted); this module owns what the number looks like,
e.g. ``RV/2026-27/000123``. A series takes the configured format when it starts,
so a format changed mid-year applies from the next financial year: numbers of
one year's series never change shape.
"""
from __future__ import annotations

import re
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


#: The format spec each field may carry: a width for the sequence (``06d``), nothing for the
#: others (``{fy:.2}`` would print every year alike, ``{seq:.1e}`` many numbers alike).
_SPECS = {"seq": re.compile(r"0?\d{0,2}d?"), **{f: re.compile("") for f in ("prefix", "fy", "yyyy", "mm")}}
_ANY = re.compile(".*")

#: A seq no financial year's series reaches, to size the longest number a format makes.
_LONGEST_SEQ = 99_999_999


def check_format(fmt: str, *, prefix: str = "RV", max_length: int = 64, field: str | None = None) -> str:
    """``fmt`` in canonical form (field names in lower case: ``{MM}`` is ``{mm}``), or a refusal.

    It must name ``{seq}`` and ``{fy}`` so a number never repeats, use only known fields, and
    its longest number (``prefix`` as the series will render it, a seq of eight digits) must
    fit ``max_length``, the column that stores the numbers.
    """
    def refuse(why: str) -> ValidationError:
        return ValidationError(f"number format {fmt!r} {why}", code="NUMBER_FORMAT_INVALID", field=field)

    try:
        parts = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise refuse(f"is not valid: {exc}") from None
    canonical, names = [], set()
    for literal, name, spec, conversion in parts:
        canonical.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        name = name.lower() if name.lower() in FIELDS else name
        if conversion or not _SPECS.get(name, _ANY).fullmatch(spec):
            raise refuse(f"formats {{{name}}} as {spec or '!' + str(conversion)!r}; only {{seq}} takes a "
                         "width, as in {seq:06d}, so numbers stay distinct")
        names.add(name)
        canonical.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    unknown = names - FIELDS
    if unknown:
        raise refuse(f"uses unknown fields {sorted(unknown)}; allowed: {sorted(FIELDS)}")
    if not {"seq", "fy"} <= names:
        raise refuse("must contain {seq} and {fy} so numbers never repeat across years")
    fmt = "".join(canonical)
    try:
        longest = fmt.format(prefix=prefix, fy="2026-27", seq=_LONGEST_SEQ, yyyy="2026", mm="12")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise refuse(f"is not valid: {exc}") from None
    if len(longest) > max_length:
        raise refuse(f"makes numbers up to {len(longest)} characters long ({longest!r}); at most "
                     f"{max_length} fit")
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
