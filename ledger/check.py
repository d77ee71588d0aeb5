"""Recompute what the ledger keeps and report every difference.

``rasid ledger check`` runs this: kept balances against the lines, every
voucher's balance, each series' numbers (1..n without a gap) and hash chain
(also of vouchers whose series row is gone), and that every master, period
and series a posting names still exists.
It never repairs anything: a difference is evidence, to be investigated.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import except_, func, select
from sqlalchemy.orm import Session

from ledger.journal import SEGMENTS, voucher_hash
from ledger.models import (
    FinancialYear, GlAccount, LedgerBalance, Period, Voucher, VoucherLine, VoucherSeries,
)
from ledger.reports import require_tenant

KEY = ("gl_account_id", "fund_id", "function_id", "functionary_id", "department_id", "fund_source_id")


#: What lines and headers name (table, column, label) and the table that must still hold it.
REFERENCES = ((VoucherLine, "gl_account_id", "GL account", GlAccount),
              *((VoucherLine, f"{name}_id", name.replace("_", " "), model) for name, model in SEGMENTS),
              (Voucher, "period_id", "period", Period),
              (Period, "financial_year_id", "financial year", FinancialYear),
              (VoucherSeries, "financial_year_id", "financial year", FinancialYear))


class Problem(NamedTuple):
    kind: str      #: balance | voucher | sequence | chain | master
    tenant_id: str
    message: str


def check_ledger(session: Session, tenant_id: str | None = None) -> list[Problem]:
    """Every difference found, of one tenant or all; an unknown tenant is refused, not passed."""
    if tenant_id:
        require_tenant(session, tenant_id)
    problems = list(_balances(session, tenant_id))
    problems += list(_vouchers(session, tenant_id))
    problems += list(_chains(session, tenant_id))
    problems += list(_lost_series(session, tenant_id))
    problems += list(_lost_masters(session, tenant_id))
    return problems


def _balances(session: Session, tenant_id: str | None) -> Iterator[Problem]:
    lines = VoucherLine
    key = (lines.tenant_id, lines.voucher_date, *(getattr(lines, k) for k in KEY), Voucher.series_id)
    from_lines = (select(*key, func.sum(lines.debit), func.sum(lines.credit))
                  .join(Voucher, Voucher.id == lines.voucher_id))
    kept = select(LedgerBalance.tenant_id, LedgerBalance.balance_date,
                  *(getattr(LedgerBalance, k) for k in KEY), LedgerBalance.series_id,
                  LedgerBalance.debit, LedgerBalance.credit)
    if tenant_id:
        from_lines = from_lines.where(lines.tenant_id == tenant_id)
        kept = kept.where(LedgerBalance.tenant_id == tenant_id)
    from_lines = from_lines.group_by(*key)
    for row in session.execute(except_(from_lines, kept)):
        yield Problem("balance", row[0], f"kept balance of account id {row[2]} on {row[1]} differs "
                      f"from its lines (lines say Dr {row[-2]} Cr {row[-1]} paise)")
    for row in session.execute(except_(kept, from_lines)):
        yield Problem("balance", row[0], f"kept balance of account id {row[2]} on {row[1]} "
                      f"(Dr {row[-2]} Cr {row[-1]} paise) is not what its lines add up to")


def _vouchers(session: Session, tenant_id: str | None) -> Iterator[Problem]:
    totals = (select(VoucherLine.voucher_id, func.count().label("n"),
                     func.sum(VoucherLine.debit).label("d"), func.sum(VoucherLine.credit).label("c"))
              .group_by(VoucherLine.voucher_id).subquery())
    query = (select(Voucher.tenant_id, Voucher.number, Voucher.total, Voucher.line_count,
                    totals.c.n, totals.c.d, totals.c.c)
             .outerjoin(totals, totals.c.voucher_id == Voucher.id)
             .where((totals.c.n.is_(None)) | (totals.c.n != Voucher.line_count)
                    | (totals.c.d != totals.c.c) | (totals.c.d != Voucher.total)))
    if tenant_id:
        query = query.where(Voucher.tenant_id == tenant_id)
    for tenant, number, total, count, n, d, c in session.execute(query):
        yield Problem("voucher", tenant, f"voucher {number} declares {count} lines and {total} paise "
                      f"but has {n or 0} lines, Dr {d or 0}, Cr {c or 0}")
    orphans = (select(VoucherLine.tenant_id, VoucherLine.voucher_id)
               .outerjoin(Voucher, Voucher.id == VoucherLine.voucher_id)
               .where(Voucher.id.is_(None)).distinct())
    for tenant, voucher_id in session.execute(orphans):
        yield Problem("voucher", tenant, f"lines of voucher id {voucher_id} have no header")


def _chains(session: Session, tenant_id: str | None) -> Iterator[Problem]:
    series_query = select(VoucherSeries).order_by(VoucherSeries.id)
    if tenant_id:
        series_query = series_query.where(VoucherSeries.tenant_id == tenant_id)
    for series in session.scalars(series_query).all():
        yield from _chain(session, series)


class _LostSeries(NamedTuple):
    """A series known only from its vouchers: its row (the head of the chain) is gone."""

    id: int
    tenant_id: str
    voucher_type: str
    last_seq: None = None
    last_hash: None = None


def _lost_series(session: Session, tenant_id: str | None) -> Iterator[Problem]:
    """Vouchers whose series row is gone: reported, and their chain walked all the same."""
    query = (select(Voucher.series_id, Voucher.tenant_id, Voucher.voucher_type, func.count())
             .outerjoin(VoucherSeries, VoucherSeries.id == Voucher.series_id)
             .where(VoucherSeries.id.is_(None))
             .group_by(Voucher.series_id, Voucher.tenant_id, Voucher.voucher_type)
             .order_by(Voucher.series_id))
    if tenant_id:
        query = query.where(Voucher.tenant_id == tenant_id)
    for series_id, tenant, voucher_type, count in session.execute(query).all():
        yield Problem("chain", tenant, f"series {voucher_type} of {tenant} (id {series_id}) has "
                      f"{count} voucher(s) but no series row")
        yield from _chain(session, _LostSeries(series_id, tenant, voucher_type))


def _lost_masters(session: Session, tenant_id: str | None) -> Iterator[Problem]:
    """Masters and periods that posted lines and vouchers name but that no longer exist."""
    for table, column_name, label, model in REFERENCES:
        column = getattr(table, column_name)
        first_id, what, first = _NAMED_BY[table]
        query = (select(table.tenant_id, column, func.count(), func.min(getattr(table, first_id)))
                 .outerjoin(model, model.id == column).where(model.id.is_(None))
                 .group_by(table.tenant_id, column).order_by(table.tenant_id, column))
        if tenant_id:
            query = query.where(table.tenant_id == tenant_id)
        for tenant, missing_id, count, lowest in session.execute(query):
            yield Problem("master", tenant, f"{label} id {missing_id} no longer exists ({count} "
                          f"{what} name it, the first in {first} {lowest})")


#: How a referencing row is reported: the column that finds it, its noun, what that column is.
_NAMED_BY = {VoucherLine: ("voucher_id", "line(s)", "voucher id"), Voucher: ("id", "voucher(s)", "voucher id"),
             Period: ("id", "period(s)", "period id"), VoucherSeries: ("id", "numbering series", "series id")}


def _chain(session: Session, series: VoucherSeries | _LostSeries) -> Iterator[Problem]:
    label = f"series {series.voucher_type} of {series.tenant_id} (id {series.id})"
    vouchers = session.execute(
        select(Voucher.__table__).where(Voucher.series_id == series.id).order_by(Voucher.seq)
        .execution_options(yield_per=1000)).mappings()
    expected_seq, prev_hash = 1, ""
    batch: list[dict] = []
    for header in vouchers:
        batch.append(dict(header))
        if len(batch) == 1000:
            expected_seq, prev_hash = yield from _check_batch(session, label, series, batch,
                                                              expected_seq, prev_hash)
            batch = []
    if batch:
        expected_seq, prev_hash = yield from _check_batch(session, label, series, batch,
                                                          expected_seq, prev_hash)
    if series.last_seq is None:  # a lost series: no head to compare with
        return
    if series.last_seq != expected_seq - 1 or series.last_hash != prev_hash:
        yield Problem("chain", series.tenant_id, f"{label}: head says #{series.last_seq} but the "
                      f"vouchers end at #{expected_seq - 1} or with another hash")


def _check_batch(session, label, series, batch, expected_seq, prev_hash):
    ids = [h["id"] for h in batch]
    lines: dict[int, list[dict]] = {i: [] for i in ids}
    for line in session.execute(select(VoucherLine.__table__).where(VoucherLine.voucher_id.in_(ids))
                                .order_by(VoucherLine.voucher_id, VoucherLine.line_no)).mappings():
        lines[line["voucher_id"]].append(dict(line))
    for header in batch:
        if header["seq"] != expected_seq:
            yield Problem("sequence", series.tenant_id,
                          f"{label}: expected #{expected_seq}, found #{header['seq']} ({header['number']})")
        if header["prev_hash"] != prev_hash:
            yield Problem("chain", series.tenant_id,
                          f"{label}: {header['number']} does not link to the voucher before it")
        if voucher_hash(header, lines[header["id"]]) != header["hash"]:
            yield Problem("chain", series.tenant_id,
                          f"{label}: {header['number']}'s content no longer matches its hash")
        expected_seq, prev_hash = header["seq"] + 1, header["hash"]
    return expected_seq, prev_hash
