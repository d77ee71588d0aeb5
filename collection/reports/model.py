"""A report as plain values: titled columns, rows of cells, summary lines; money in paise."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

KINDS = ("text", "money", "int", "date")


class Column(NamedTuple):
    key: str
    label: str
    kind: str = "text"  #: text, money (paise), int or date


class Total(NamedTuple):
    """A summary line under the table: a total, a balance, a count."""

    label: str
    value: int
    kind: str = "money"  #: money (paise) or int


class Report(NamedTuple):
    name: str                               #: remittance-register, brs, ...
    title: str
    tenant_id: str
    parameters: dict[str, str]              #: what it was asked for, as given
    columns: list[Column]
    rows: list[dict]                        #: column key → value (money as int paise)
    summary: list[Total]                    #: totals and balances under the table
    generated_at: dt.datetime


def money_columns(report: Report) -> set[str]:
    return {c.key for c in report.columns if c.kind == "money"}
