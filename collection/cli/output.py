"""Render report values as a table, CSV or JSON. Money leaves as rupee decimals (and paise in JSON)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ledger.money import format_rupees


def drcr(paise: int) -> str:
    """A debit-positive balance shown as accountants read it: ``1,603.00 Dr``."""
    if paise == 0:
        return "0.00"
    return f"{_grouped(abs(paise))} {'Dr' if paise > 0 else 'Cr'}"


def amount(paise: int) -> str:
    return _grouped(paise) if paise else ""


def _grouped(paise: int) -> str:
    """Indian digit grouping: 12345678.50 → 1,23,45,678.50."""
    text = format_rupees(abs(paise))
    whole, frac = text.split(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join(groups + [tail])
    return ("-" if paise < 0 else "") + f"{whole}.{frac}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int] = frozenset()) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def to_csv(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def to_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
