"""A bank statement as a parser reads it: plain values, paise, before anything is stored.

Balances are as the bank states them to its customer: positive is money in the account
(the bank GL's debit balance in rasid's books), negative an overdraft.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from ledger.errors import ValidationError

CREDIT, DEBIT = "CR", "DR"
_AMOUNT = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


class StatementLineIn(NamedTuple):
    txn_date: dt.date
    direction: str                 #: CR (money in) or DR (money out)
    amount: int                    #: paise, > 0
    value_date: dt.date | None = None
    reference: str | None = None   #: cheque / reference number column
    description: str | None = None
    balance: int | None = None     #: running balance after the line, paise
    source_line: int | None = None  #: where in the file (for messages)


class StatementIn(NamedTuple):
    format: str
    lines: list[StatementLineIn]
    account_number: str | None = None
    reference: str | None = None   #: the bank's statement id
    currency: str | None = None    #: None when the format does not say (CSV)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None


class StatementInvalid(ValidationError):
    """A statement file rasid cannot read; nothing was stored."""

    code = "STATEMENT_INVALID"


def paise(text: str, *, where: str) -> int:
    """``"25,11,400.00"``, ``"1,603.00 Cr"``, ``"(500.00)"``, ``"-12.5"`` → signed paise.

    Indian and Western digit grouping are both just commas; a trailing Dr/Cr marks the
    sign of a balance (Dr: overdrawn). Fractions of a paisa are refused.
    """
    raw = text.strip().replace(",", "").replace("\u20b9", "").replace("INR", "").strip()
    sign = 1
    if raw.startswith("(") and raw.endswith(")"):
        raw, sign = raw[1:-1].strip(), -1
    suffix = raw[-2:].upper() if len(raw) > 2 else ""
    if suffix in ("CR", "DR"):
        raw = raw[:-2].strip()
        sign = -sign if suffix == "DR" else sign
    if not _AMOUNT.match(raw):
        raise StatementInvalid(f"{where}: {text.strip()!r} is not an amount", code="STATEMENT_AMOUNT_INVALID",
                               field=where)
    try:
        value = Decimal(raw) * 100
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise StatementInvalid(f"{where}: {text.strip()!r} is not an amount", code="STATEMENT_AMOUNT_INVALID",
                               field=where) from None
    if value != value.to_integral_value():
        raise StatementInvalid(f"{where}: {text.strip()!r} has a fraction of a paisa",
                               code="STATEMENT_AMOUNT_INVALID", field=where)
    return sign * int(value)


def same_account(a: str, b: str) -> bool:
    """Account numbers as banks print them: spaces, dashes and leading zeros do not count."""
    def norm(value: str) -> str:
        return re.sub(r"[\s-]", "", value).upper().lstrip("0")
    return norm(a) == norm(b)
