"""Posting vouchers to the journal.

A posting is a handful of statements in the caller's transaction:

1. resolve every code on the lines (one query) and refuse unknown, inactive or
   non-postable masters with a precise error;
2. lock the numbering series row of (tenant, type, financial year) – the only
   lock a posting takes, so writers of one series queue and nobody deadlocks;
3. insert all lines in one multi-row INSERT;
4. insert the header. Its insert trigger checks the whole voucher in the
   database (balanced, line count, open period, next number of the series,
   hash link), keeps the daily balances and advances the series.

Python checks everything first so users get precise messages; the database
checks it again so that nothing that bypasses this module can break the books.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, func, insert, literal, select, union_all
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ledger.errors import Conflict, LedgerError, NotFound
from ledger.models import (
    Department, FinancialYear, Function, Functionary, Fund, FundSource, GlAccount, Period, Voucher,
    VoucherLine, VoucherSeries,
)

SEGMENTS: tuple[tuple[str, type], ...] = (
    ("fund", Fund), ("function", Function), ("functionary", Functionary),
    ("department", Department), ("fund_source", FundSource),
)


class LineDraft(NamedTuple):
    """One line to post. Exactly one of ``debit``/``credit`` is a positive number of paise."""

    glcode: str
    fund: str
    function: str
    functionary: str
    department: str
    fund_source: str
    debit: int = 0
    credit: int = 0
    narration: str | None = None


class VoucherDraft(NamedTuple):
    tenant_id: str
    voucher_type: str
    voucher_date: dt.date
    lines: Sequence[LineDraft]
    narration: str | None = None
    source_ref: str | None = None
    idempotency_key: str | None = None
    created_by: str | None = None
    reversal_of_id: int | None = None


class SeriesSlot(NamedTuple):
    """What a number format gets: the next sequence number and its context."""

    tenant_id: str
    voucher_type: str
    financial_year: str  # 2026-27
    seq: int
    voucher_date: dt.date


class PostedVoucher(NamedTuple):
    id: int
    tenant_id: str
    voucher_type: str
    number: str
    voucher_date: dt.date
    total: int
    hash: str
    replayed: bool = False  # True when an idempotency key returned an earlier posting


class Numbering(NamedTuple):
    """How a voucher type's numbers look; supplied by ``vouchers``.

    ``format_for_new_series`` is asked only when a series starts (the first
    voucher of a type in a financial year); the series keeps that format.
    """

    format_for_new_series: Callable[[Session], str]
    render: Callable[[str, SeriesSlot], str]

_INSERT_LINE = insert(VoucherLine.__table__)
_INSERT_VOUCHER = insert(Voucher.__table__)

_DB_CODE = re.compile(r"\b(LEDGER_[A-Z_]+|MASTER_[A-Z_]+)\b")


def post(session: Session, draft: VoucherDraft, numbering: Numbering) -> PostedVoucher:
    """Post ``draft`` in the session's transaction and return the posted voucher.

    On any error nothing of the voucher is left in the database; the caller's
    transaction must then be rolled back (PostgreSQL aborts it anyway).
    """
    check_lines(draft.lines)
    digest = request_digest(draft)
    if draft.idempotency_key:
        earlier = _by_idempotency_key(session, draft.tenant_id, draft.idempotency_key)
        if earlier is not None:
            if earlier.request_digest != digest:
                raise Conflict(f"idempotency key {draft.idempotency_key!r} was already used for a "
                               f"different voucher ({earlier.number})", code="IDEMPOTENCY_KEY_REUSED")
            return _posted(earlier, replayed=True)

    ids = resolve_lines(session, draft.tenant_id, draft.lines)
    slot = _lock_series(session, draft, numbering)
    number = numbering.render(slot.number_format, SeriesSlot(draft.tenant_id, draft.voucher_type,
                                                             slot.fy_code, slot.seq, draft.voucher_date))
    total = sum(line.debit for line in draft.lines)
    rows = [
        {"voucher_id": slot.voucher_id, "tenant_id": draft.tenant_id, "line_no": n,
         "voucher_date": draft.voucher_date, **ids[n - 1], "debit": line.debit,
         "credit": line.credit, "narration": line.narration}
        for n, line in enumerate(draft.lines, start=1)
    ]
    header = {
        "id": slot.voucher_id, "tenant_id": draft.tenant_id, "voucher_type": draft.voucher_type,
        "series_id": slot.series_id, "seq": slot.seq, "number": number,
        "voucher_date": draft.voucher_date, "period_id": slot.period_id,
        "narration": draft.narration, "source_ref": draft.source_ref,
        "idempotency_key": draft.idempotency_key, "request_digest": digest,
        "reversal_of_id": draft.reversal_of_id, "total": total, "line_count": len(rows),
        "prev_hash": slot.prev_hash, "created_by": draft.created_by,
    }
    header["hash"] = voucher_hash(header, rows)
    connection = session.connection()
    try:
        # executemany of one cached statement: psycopg sends the rows in one pipeline.
        connection.execute(_INSERT_LINE, rows)
        connection.execute(_INSERT_VOUCHER, header)
    except DBAPIError as exc:
        raise translate_db_error(exc) from exc
    return PostedVoucher(slot.voucher_id, draft.tenant_id, draft.voucher_type, number,
                         draft.voucher_date, total, header["hash"])


def check_lines(lines: Sequence[LineDraft]) -> None:
    """The rules a voucher's lines obey before the database is asked anything."""
    if len(lines) < 2:
        raise LedgerError("a voucher needs at least two lines", code="LEDGER_TOO_FEW_LINES")
    for n, line in enumerate(lines, start=1):
        for side in ("debit", "credit"):
            value = getattr(line, side)
            if isinstance(value, bool) or not isinstance(value, int):
                raise LedgerError(f"line {n}: {side} must be whole paise (int), got {value!r}",
                                  code="AMOUNT_NOT_PAISE", field=f"lines[{n}].{side}")
            if value < 0:
                raise LedgerError(f"line {n}: {side} is negative", code="AMOUNT_NEGATIVE",
                                  field=f"lines[{n}].{side}")
        if (line.debit > 0) == (line.credit > 0):
            raise LedgerError(f"line {n} must have exactly one of debit or credit above zero",
                              code="LEDGER_LINE_SIDES", field=f"lines[{n}]")
    debit = sum(line.debit for line in lines)
    credit = sum(line.credit for line in lines)
    if debit != credit:
        raise LedgerError(f"debits ({debit} paise) do not equal credits ({credit} paise)",
                          code="LEDGER_UNBALANCED")


def _resolve_statement():
    """One UNION ALL over the chart of accounts and the five segments, built once."""
    tenant = bindparam("tenant")
    branches = [
        select(literal("gl").label("kind"), GlAccount.glcode.label("code"), GlAccount.id,
               GlAccount.active, GlAccount.postable)
        .where(GlAccount.tenant_id == tenant, GlAccount.glcode.in_(bindparam("gl", expanding=True)))
    ]
    for name, model in SEGMENTS:
        branches.append(
            select(literal(name), model.code, model.id, model.active, literal(True))
            .where(model.tenant_id == tenant, model.code.in_(bindparam(name, expanding=True))))
    return union_all(*branches)


_RESOLVE = _resolve_statement()


def resolve_lines(session: Session, tenant_id: str, lines: Sequence[LineDraft]) -> list[dict]:
    """Map each line's codes to ids in one query; refuse unknown or unusable masters."""
    params: dict = {"tenant": tenant_id, "gl": sorted({line.glcode for line in lines})}
    for name, _model in SEGMENTS:
        params[name] = sorted({getattr(line, name) for line in lines})
    found = {(kind, code): (id_, active, postable)
             for kind, code, id_, active, postable in session.connection().execute(_RESOLVE, params)}

    resolved: list[dict] = []
    for n, line in enumerate(lines, start=1):
        row = {}
        for kind, code in [("gl", line.glcode)] + [(name, getattr(line, name)) for name, _ in SEGMENTS]:
            label = "GL code" if kind == "gl" else kind.replace("_", " ")
            hit = found.get((kind, code))
            if hit is None:
                raise LedgerError(f"line {n}: unknown {label} {code!r} for tenant {tenant_id}",
                                  code=f"LEDGER_UNKNOWN_{kind.upper()}", field=f"lines[{n}].{kind}")
            id_, active, postable = hit
            if not active:
                raise LedgerError(f"line {n}: {label} {code!r} is inactive",
                                  code=f"LEDGER_INACTIVE_{kind.upper()}", field=f"lines[{n}].{kind}")
            if not postable:
                raise LedgerError(f"line {n}: GL code {code!r} is a group head; post to a detailed "
                                  "account", code="LEDGER_ACCOUNT_NOT_POSTABLE",
                                  field=f"lines[{n}].gl")
            row["gl_account_id" if kind == "gl" else f"{kind}_id"] = id_
        resolved.append(row)
    return resolved


class _Slot(NamedTuple):
    voucher_id: int
    series_id: int
    seq: int
    prev_hash: str
    period_id: int
    fy_code: str
    number_format: str


def _lock_statement(dialect: str):
    """Period of the date + its series row locked + the next voucher id, in one query."""
    if dialect == "postgresql":
        next_id = func.nextval(func.pg_get_serial_sequence("vouchers", "id"))
    else:  # SQLite: the IMMEDIATE transaction holds the write lock, so max + 1 is ours.
        next_id = select(func.coalesce(func.max(Voucher.id), 0) + 1).scalar_subquery()
    return (
        select(Period.id, Period.status, FinancialYear.code, VoucherSeries.id, VoucherSeries.last_seq,
               VoucherSeries.last_hash, VoucherSeries.number_format, next_id)
        .join(FinancialYear, FinancialYear.id == Period.financial_year_id)
        .join(VoucherSeries, (VoucherSeries.financial_year_id == Period.financial_year_id)
              & (VoucherSeries.tenant_id == bindparam("tenant"))
              & (VoucherSeries.voucher_type == bindparam("type")))
        .where(*_PERIOD_OF_DATE)
        .with_for_update(of=VoucherSeries)
    )


_PERIOD_OF_DATE = (Period.tenant_id == bindparam("tenant"), Period.start_date <= bindparam("day"),
                   Period.end_date >= bindparam("day"))
_PERIOD = select(Period.id, Period.status, Period.financial_year_id).where(*_PERIOD_OF_DATE)
_LOCK = {dialect: _lock_statement(dialect) for dialect in ("postgresql", "sqlite")}


def _lock_series(session: Session, draft: VoucherDraft, numbering: Numbering) -> _Slot:
    """Find the period of the date and lock its series row, in one query (two on first use)."""
    connection = session.connection()
    params = {"tenant": draft.tenant_id, "type": draft.voucher_type, "day": draft.voucher_date}
    locked = connection.execute(_LOCK[connection.dialect.name], params).first()
    if locked is None:  # no period, or the first voucher of this series in the year
        period = connection.execute(_PERIOD, params).first()
        if period is None:
            raise LedgerError(f"no financial period of {draft.tenant_id} contains {draft.voucher_date}",
                              code="LEDGER_NO_PERIOD", field="voucher_date")
        _create_series(session, draft.tenant_id, draft.voucher_type, period.financial_year_id,
                       numbering.format_for_new_series(session))
        return _lock_series(session, draft, numbering)
    period_id, status, fy_code, series_id, last_seq, last_hash, fmt, voucher_id = locked
    if status != "open":
        raise LedgerError(f"the period containing {draft.voucher_date} is closed",
                          code="LEDGER_PERIOD_CLOSED", field="voucher_date")
    return _Slot(voucher_id, series_id, last_seq + 1, last_hash, period_id, fy_code, fmt)


def _create_series(session: Session, tenant_id: str, voucher_type: str, fy_id: int,
                   number_format: str) -> None:
    values = {"tenant_id": tenant_id, "voucher_type": voucher_type, "financial_year_id": fy_id,
              "last_seq": 0, "last_hash": "", "number_format": number_format}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    session.execute(dialect_insert(VoucherSeries).values(values).on_conflict_do_nothing())


def _by_idempotency_key(session: Session, tenant_id: str, key: str) -> Voucher | None:
    return session.scalars(select(Voucher).where(Voucher.tenant_id == tenant_id,
                                                 Voucher.idempotency_key == key)).first()


def _posted(v: Voucher, *, replayed: bool = False) -> PostedVoucher:
    return PostedVoucher(v.id, v.tenant_id, v.voucher_type, v.number, v.voucher_date, v.total,
                         v.hash, replayed)


def get_voucher(session: Session, tenant_id: str, number: str) -> Voucher:
    voucher = session.scalars(select(Voucher).where(Voucher.tenant_id == tenant_id,
                                                    Voucher.number == number)).first()
    if voucher is None:
        raise NotFound(f"no voucher {number!r} in {tenant_id}", code="VOUCHER_NOT_FOUND")
    return voucher


def request_digest(draft: VoucherDraft) -> str:
    """Fingerprint of what was asked for, to tell a retry from a different voucher."""
    content = [draft.tenant_id, draft.voucher_type, draft.voucher_date.isoformat(), draft.narration,
               draft.source_ref, draft.reversal_of_id, [list(line) for line in draft.lines]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def voucher_hash(header: dict, lines: Sequence[dict]) -> str:
    """SHA-256 of a voucher's content chained to the previous voucher of its series."""
    date = header["voucher_date"]
    content = [
        header["prev_hash"], header["tenant_id"], header["voucher_type"], header["seq"],
        header["number"], date.isoformat() if isinstance(date, dt.date) else str(date),
        header["narration"], header["source_ref"], header["reversal_of_id"], header["total"],
        [[ln["line_no"], ln["gl_account_id"], ln["fund_id"], ln["function_id"], ln["functionary_id"],
          ln["department_id"], ln["fund_source_id"], ln["debit"], ln["credit"], ln["narration"]]
         for ln in lines],
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def translate_db_error(exc: DBAPIError) -> LedgerError | Conflict:
    """Turn a refusal from the ledger's triggers or constraints into a coded error."""
    text = str(exc.orig)
    match = _DB_CODE.search(text)
    if match:
        return LedgerError(text.splitlines()[0].split("CONTEXT:")[0].strip(), code=match.group(1))
    if isinstance(exc, IntegrityError):
        if "reversal_of_id" in text:
            return Conflict("this voucher has already been reversed", code="VOUCHER_ALREADY_REVERSED")
        if "idempotency_key" in text:
            return Conflict("a concurrent posting used the same idempotency key",
                            code="IDEMPOTENCY_KEY_REUSED")
    return LedgerError(f"the database refused the posting: {text.splitlines()[0]}",
                       code="LEDGER_REFUSED")


