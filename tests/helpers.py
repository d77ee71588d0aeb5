"""Small builders shared by tests."""
from __future__ import annotations

import datetime as dt

from ledger.journal import LineDraft

DAY = dt.date(2026, 11, 23)


def line(glcode: str, *, dr: int = 0, cr: int = 0, fund: str = "01", function: str = "91",
         functionary: str = "999", department: str = "REV", fund_source: str = "01",
         narration: str | None = None) -> LineDraft:
    return LineDraft(glcode, fund, function, functionary, department, fund_source, dr, cr, narration)


def cash_receipt(amount: int, income: str = "1100101") -> list[LineDraft]:
    return [line("4501001", dr=amount), line(income, cr=amount)]
