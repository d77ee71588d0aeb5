"""Instruments and what each type must carry, checked before anything is written.

Cheques and demand drafts must name their number, date and drawee bank and
branch, and be neither post-dated nor stale (older than three months, the
validity RBI sets for cheques and drafts). A card needs its last four digits
and the authorisation code; online, NEFT and RTGS payments their transaction
reference; a bank challan the ULB's bank account and the challan's number and
date. Every problem is reported at once, each with a stable code.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ledger.errors import ValidationError

STALE_AFTER_MONTHS = 3
_CHEQUE_NUMBER = re.compile(r"^[0-9]{6}$")  # Indian CTS cheques carry six digits
_LAST4 = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class InstrumentIn:
    """An instrument as a cashier or an integrator describes it (amount in paise)."""

    type: str
    amount: int
    number: str | None = None             #: cheque/DD/postal order/challan number
    date: dt.date | None = None           #: cheque/DD/challan date
    bank: str | None = None               #: drawee bank
    branch: str | None = None
    card_last4: str | None = None
    transaction_reference: str | None = None  #: card authorisation, gateway/NEFT/RTGS/BBPS reference
    gateway: str | None = None
    bank_account: str | None = None       #: bank challan: the ULB's bank account code


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_instrument(instrument: InstrumentIn, today: dt.date, receipt_date: dt.date | None = None) -> None:
    """Raise ``INSTRUMENT_INVALID`` listing every missing or wrong field of ``instrument``.

    An instrument is never dated after the receipt that acknowledges it (``receipt_date``,
    today unless the receipt is backdated); a cheque or DD goes stale three months after its
    date, counted to today, when it reaches the bank.
    """
    problems: list[dict] = []
    latest = min(today, receipt_date or today)

    def problem(code: str, field: str, message: str) -> None:
        problems.append({"code": code, "field": f"instrument.{field}", "message": message})

    def postdated(what: str) -> None:
        after = f"today ({today})" if latest == today else f"the receipt's date ({latest})"
        problem("INSTRUMENT_POSTDATED", "date", f"the {what} is dated {instrument.date}, after {after}")

    def need(*fields: str) -> None:
        for name in fields:
            value = getattr(instrument, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                problem("INSTRUMENT_FIELD_REQUIRED", name,
                        f"a {instrument.type} payment needs {name.replace('_', ' ')}")

    kind = instrument.type
    if kind in ("cheque", "dd"):
        need("number", "date", "bank", "branch")
        if instrument.number and kind == "cheque" and not _CHEQUE_NUMBER.match(instrument.number):
            problem("CHEQUE_NUMBER_INVALID", "number", "a cheque number has six digits")
        if instrument.date is not None:
            if instrument.date > latest:
                postdated(kind)
            elif instrument.date < _months_before(today, STALE_AFTER_MONTHS):
                problem("INSTRUMENT_STALE", "date",
                        f"the {kind} is dated {instrument.date}, more than three months ago")
    elif kind == "card":
        need("card_last4", "transaction_reference")
        if instrument.card_last4 and not _LAST4.match(instrument.card_last4):
            problem("CARD_LAST4_INVALID", "card_last4", "give the card's last four digits only")
    elif kind in ("online", "neft", "rtgs"):
        need("transaction_reference")
    elif kind == "bankchallan":
        need("bank_account", "number", "date")
        if instrument.date is not None and instrument.date > latest:
            postdated("challan")
    elif kind == "postal_order":
        need("number", "date")
        if instrument.date is not None and instrument.date > latest:
            postdated("postal order")
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"{first['message']}{more}", code="INSTRUMENT_INVALID",
                              field=first["field"], details=problems)
