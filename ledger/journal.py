"""Posting vouchers to the journal.

A posting is three statements in the caller's transaction, sent on the
driver's own connection with SQL built once per dialect (the hot path of
every receipt, so no per-call SQL compilation), in two round trips
(``ledger.driver``: the first also begins the transaction if needed):

1. one query that finds the period of the date, locks the numbering series
   row of (tenant, type, financial year) – the only lock a posting takes, so
   writers of one series queue and nobody deadlocks –, draws the voucher id
   and resolves every code on the lines; Python then refuses unknown, inactive
   or non-postable masters with a precise error (a posting with an idempotency
   key first looks for the voucher posted under it, once it holds the series
   row, so that a retry racing its first try finds it);
2. all lines in one multi-row INSERT, sent together with
3. the header. Its insert trigger checks the whole voucher in the database
   (balanced, line count, masters, open period, next number of the series,
   hash link), keeps the daily balances and advances the series.

Python checks everything first so users get precise messages; the database
checks it again so that nothing that bypasses this module can break the books.
The first voucher of a series in a financial year (and a date outside every
period) takes a slower path that creates the series, then posts as above.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, literal, select, union_all
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from ledger.driver import check_driver, execute_together
from ledger.errors import Conflict, LedgerError, NotFound
from ledger.models import (
    Department, Function, Functionary, Fund, FundSource, GlAccount, Period, Voucher, VoucherSeries,
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

    format_for_new_series: Callable[[Connection], str]
    render: Callable[[str, SeriesSlot], str]


class Along:
    """The caller's statements that travel with a posting's lines and header, after them.

    For what the caller writes next that names the voucher (a receipt and its
    heads): it rides in the posting's last round trip instead of taking its own.
    ``statements`` gets the posted voucher and returns (driver SQL, values)
    pairs for ``ledger.driver.execute_together``; their rows are left in
    ``rows``. A refusal of one of them is raised as SQLAlchemy's error for it,
    not as the ledger's.
    """

    def __init__(self, statements: Callable[[PostedVoucher], Sequence[tuple[str, Sequence]]]) -> None:
        self.statements = statements
        self.rows: list[list[tuple]] = []

    def send(self, connection: Connection, voucher: PostedVoucher) -> None:
        """On its own, when the voucher took another path (a replay, a new series)."""
        self.rows = execute_together(connection, self.statements(voucher))


_DB_CODE = re.compile(r"\b(LEDGER_[A-Z_]+|MASTER_[A-Z_]+)\b")


def post(db: Session | Connection, draft: VoucherDraft, numbering: Numbering,
         along: Along | None = None) -> PostedVoucher:
    """Post ``draft`` in the transaction of ``db`` and return the posted voucher.

    ``db`` is an ORM session (what services hold) or a Core connection (a
    posting loop that needs no ORM: no session to open, flush and close per
    voucher). ``along`` runs after the voucher, in its last round trip. On any
    error nothing of the voucher is left in the database; the caller's
    transaction must then be rolled back (PostgreSQL aborts it anyway).
    """
    check_lines(draft.lines)
    check_text(draft)
    digest = request_digest(draft)
    connection = transaction_connection(db)
    sql = _statements(connection.dialect)
    lines = draft.lines
    try:
        [rows] = execute_together(connection, [(sql.slot(len(lines)).text, sql.slot_params(draft))])
    except DBAPIError as exc:
        raise _refusal(exc) from exc
    if not rows:  # no period contains the date, or the series has no voucher yet this year
        return _post_first_of_series(connection, draft, numbering, along)
    (period_id, status, fy_code, series_id, last_seq, last_hash, number_format, voucher_id) = rows[0][:8]
    if draft.idempotency_key is not None:
        # A statement after the slot query, not a join in it: that query's snapshot predates its
        # wait for the series row, and a posting under this key that committed meanwhile (a
        # client's retry racing its first try) is seen only by a new statement. Keyed postings
        # are the rare ones; receipts are keyed by instrument.
        earlier = _by_idempotency_key(connection, draft.tenant_id, draft.idempotency_key)
        if earlier is not None:
            return _replay(connection, draft, digest, earlier, along)
    found = {(row[8], row[9]): row[10:] for row in rows}
    ids = [_resolved(draft.tenant_id, n, line, found) for n, line in enumerate(lines, start=1)]
    if status != "open":
        raise LedgerError(f"the period containing {draft.voucher_date} is closed",
                          code="LEDGER_PERIOD_CLOSED", field="voucher_date")
    slot = _Slot(voucher_id, series_id, last_seq + 1, last_hash, period_id, fy_code, number_format)
    return _insert(connection, sql, draft, numbering, slot, ids, digest, along)


def _insert(connection: Connection, sql: _Statements, draft: VoucherDraft, numbering: Numbering,
            slot: _Slot, ids: list[tuple[int, ...]], digest: str, along: Along | None) -> PostedVoucher:
    """Insert the lines, then the header whose trigger checks and books the whole voucher (and
    then what travels ``along``)."""
    number = numbering.render(slot.number_format, SeriesSlot(draft.tenant_id, draft.voucher_type,
                                                             slot.fy_code, slot.seq, draft.voucher_date))
    total = sum(line.debit for line in draft.lines)
    hash_ = _chained_hash(
        slot.prev_hash, draft.tenant_id, draft.voucher_type, slot.seq, number,
        draft.voucher_date.isoformat(), draft.narration, draft.source_ref, draft.reversal_of_id, total,
        [[n, *line_ids, line.debit, line.credit, line.narration]
         for n, (line, line_ids) in enumerate(zip(draft.lines, ids), start=1)])
    posted = PostedVoucher(slot.voucher_id, draft.tenant_id, draft.voucher_type, number,
                           draft.voucher_date, total, hash_)
    voucher = [(sql.lines(len(ids)).text, sql.line_params(draft, slot.voucher_id, ids)),
               (sql.header.text, sql.header_params(draft, slot, number, digest, total, hash_))]
    try:
        rows = execute_together(connection, voucher + list(along.statements(posted) if along else ()))
    except DBAPIError as exc:
        if exc.statement not in (voucher[0][0], voucher[1][0]):
            raise  # one of the caller's, refused after the voucher was accepted
        raise _refusal(exc) from exc
    if along:
        along.rows = rows[2:]
    return posted


def _replay(connection: Connection, draft: VoucherDraft, digest: str, earlier, along: Along | None) -> PostedVoucher:
    """The voucher posted earlier under the draft's key (``earlier``, a row of it), if the draft
    asks for the same; else a refusal."""
    posted = _posted(earlier, replayed=True)
    if earlier.request_digest != digest:
        raise Conflict(f"idempotency key {draft.idempotency_key!r} was already used for a "
                       f"different voucher ({posted.number})", code="IDEMPOTENCY_KEY_REUSED")
    if along:
        along.send(connection, posted)
    return posted


def _refusal(error: DBAPIError) -> Exception:
    """A refusal by the ledger's triggers or constraints as its coded error; a lost connection
    as SQLAlchemy's error for it (the connection invalidated)."""
    return error if error.connection_invalidated else translate_db_error(error)


def _post_first_of_series(connection: Connection, draft: VoucherDraft, numbering: Numbering,
                          along: Along | None) -> PostedVoucher:
    """The rare path: replay check and precise errors first, then start the series and post."""
    if draft.idempotency_key:
        earlier = _by_idempotency_key(connection, draft.tenant_id, draft.idempotency_key)
        if earlier is not None:
            return _replay(connection, draft, request_digest(draft), earlier, along)
    resolve_lines(connection, draft.tenant_id, draft.lines)
    params = {"tenant": draft.tenant_id, "day": draft.voucher_date}
    period = connection.execute(_PERIOD, params).first()
    if period is None:
        raise LedgerError(f"no financial period of {draft.tenant_id} contains {draft.voucher_date}",
                          code="LEDGER_NO_PERIOD", field="voucher_date")
    try:
        _create_series(connection, draft.tenant_id, draft.voucher_type, period.financial_year_id,
                       numbering.format_for_new_series(connection))
    except IntegrityError as exc:  # only a database altered by hand gets here (a series without its year)
        raise translate_db_error(exc) from exc
    return post(connection, draft, numbering, along)


def _resolved(tenant_id: str, n: int, line: LineDraft, found: dict) -> tuple[int, ...]:
    """The ids of line n's masters, from (kind, code) → (id, active, postable), or a refusal."""
    ids = []
    for kind, code in zip(_CODES, line):
        id_, active, postable = found.get((kind, code), (None, None, None))
        if id_ is None or not active or not postable:
            _usable(tenant_id, n, kind, code, id_, active, postable)
        ids.append(id_)
    return tuple(ids)


def _usable(tenant_id: str, n: int, kind: str, code: str, id_, active, postable) -> None:
    label = "GL code" if kind == "gl" else kind.replace("_", " ")
    if id_ is None:
        raise LedgerError(f"line {n}: unknown {label} {code!r} for tenant {tenant_id}",
                          code=f"LEDGER_UNKNOWN_{kind.upper()}", field=f"lines[{n}].{kind}")
    if not active:
        raise LedgerError(f"line {n}: {label} {code!r} is inactive",
                          code=f"LEDGER_INACTIVE_{kind.upper()}", field=f"lines[{n}].{kind}")
    if not postable:
        raise LedgerError(f"line {n}: GL code {code!r} is a group head; post to a detailed "
                          "account", code="LEDGER_ACCOUNT_NOT_POSTABLE", field=f"lines[{n}].gl")


# --------------------------------------------------------------------------- the posting's SQL

_SEGMENT_TABLES = tuple(model.__tablename__ for _name, model in SEGMENTS)
_CODES = ("gl", *(name for name, _model in SEGMENTS))  # LineDraft's first six fields
_LINE_VALUES = ("gl", "fund", "function", "functionary", "department", "source", "debit", "credit",
                "narration")
_LINE_COLUMNS = ("voucher_id", "tenant_id", "line_no", "voucher_date", "gl_account_id", "fund_id",
                 "function_id", "functionary_id", "department_id", "fund_source_id", "debit", "credit",
                 "narration", "voucher_ref")
_HEADER_COLUMNS = ("id", "tenant_id", "voucher_type", "series_id", "seq", "number", "voucher_date",
                   "period_id", "narration", "source_ref", "idempotency_key", "request_digest",
                   "reversal_of_id", "total", "line_count", "prev_hash", "hash", "created_by")


class _Sql(NamedTuple):
    text: str                #: with the driver's numbered placeholders ($1 or ?1)
    names: tuple[str, ...]   #: the parameter of each number


class _Statements:
    """The posting's statements for one dialect, as text for its driver, built once.

    One code path for both databases: the SQL differs only where the dialects
    do (``FOR UPDATE`` and the next voucher id). Placeholders are numbered
    (``$1`` for psycopg's raw cursor, ``?1`` for sqlite3), so the driver
    parses nothing per call, and on psycopg every integer is sent as a 64-bit
    one, so that its prepared statements are reused whatever the amounts.
    """

    def __init__(self, dialect) -> None:
        if dialect.name == "postgresql":
            self._mark, self._day = "$", lambda day: day
            next_id, lock = "nextval(pg_get_serial_sequence('vouchers', 'id'))", "FOR UPDATE OF s"
        else:
            self._mark, self._day = "?", dt.date.isoformat
            # the IMMEDIATE transaction holds the write lock, so max + 1 is ours; past the
            # lines' ids too, so that stray lines without a header (written with foreign
            # keys off) cannot block every later posting. Two index lookups.
            next_id = ("(max(coalesce((SELECT max(id) FROM vouchers), 0), "
                       "coalesce((SELECT max(voucher_id) FROM voucher_lines), 0)) + 1)")
            lock = ""
        self._next_id, self._lock = next_id, lock
        self._slot: dict[int, _Sql] = {}
        self._lines: dict[int, _Sql] = {}
        self.header = self._compile(
            f"INSERT INTO vouchers ({', '.join(_HEADER_COLUMNS)}) "
            f"VALUES ({', '.join(':' + c for c in _HEADER_COLUMNS)})", _HEADER_COLUMNS)

    def _compile(self, sql: str, names: Sequence[str]) -> _Sql:
        """``:name`` parameters as the driver's numbered placeholders, in the order of ``names``."""
        names = tuple(names)

        def number(match: re.Match) -> str:
            return f"{self._mark}{names.index(match.group(1)) + 1}"

        return _Sql(re.sub(r"(?<![:\w]):(\w+)", number, " ".join(sql.split())), names)

    def slot(self, n: int) -> _Sql:
        """Period, locked series, next id, and the masters of n lines.

        One row per master found (kind, code, id, active, postable), each with the
        slot's columns; one row with no master when none is found; no row when
        the date has no period or the series has not started. Parameters:
        tenant, voucher type, date, then each line's GL code and
        segment codes. Each master table is searched by its (tenant, code) key
        for the codes of all lines at once, so the cost does not grow with the
        chart of accounts.
        """
        sql = self._slot.get(n)
        if sql is None:
            def codes(kind: str) -> str:
                return ", ".join(f":{kind}{i}" for i in range(1, n + 1))

            masters = " UNION ALL ".join(
                [f"SELECT 'gl' AS kind, glcode AS code, id, active, postable FROM gl_accounts "
                 f"WHERE tenant_id = :tenant AND glcode IN ({codes('gl')})"]
                + [f"SELECT '{name}', code, id, active, TRUE FROM {table} "
                   f"WHERE tenant_id = :tenant AND code IN ({codes(name)})"
                   for (name, _model), table in zip(SEGMENTS, _SEGMENT_TABLES)])
            sql = self._slot[n] = self._compile(f"""
                WITH slot AS (
                    SELECT p.id AS period_id, p.status, y.code AS fy, s.id AS series_id, s.last_seq,
                           s.last_hash, s.number_format, {self._next_id} AS voucher_id
                      FROM periods p
                      JOIN financial_years y ON y.id = p.financial_year_id
                      JOIN voucher_series s ON s.financial_year_id = p.financial_year_id
                                           AND s.tenant_id = :tenant AND s.voucher_type = :type
                     WHERE p.tenant_id = :tenant AND p.start_date <= :day AND p.end_date >= :day
                     {self._lock}
                ), masters AS ({masters})
                SELECT slot.period_id, slot.status, slot.fy, slot.series_id, slot.last_seq,
                       slot.last_hash, slot.number_format, slot.voucher_id,
                       m.kind, m.code, m.id, m.active, m.postable
                  FROM slot
                  LEFT JOIN masters m ON TRUE""",
                ["tenant", "type", "day",
                 *(f"{kind}{i}" for i in range(1, n + 1) for kind in _CODES)])
        return sql

    def slot_params(self, draft: VoucherDraft) -> list:
        params = [draft.tenant_id, draft.voucher_type, self._day(draft.voucher_date)]
        for line in draft.lines:
            params += line[:6]  # GL code and the five segment codes, in LineDraft's order
        return params

    def lines(self, n: int) -> _Sql:
        """The lines of a voucher; parameters: voucher id, tenant, date, then each line's
        six master ids, debit, credit and narration."""
        sql = self._lines.get(n)
        if sql is None:
            per_line = [f"{c}{i}" for i in range(1, n + 1) for c in _LINE_VALUES]
            # voucher_ref: the voucher id on line 1 only (see VoucherLine)
            rows = ", ".join(f"(:voucher_id, :tenant, {i}, :day, "
                             + ", ".join(f":{c}{i}" for c in _LINE_VALUES)
                             + (", :voucher_id)" if i == 1 else ", NULL)")
                             for i in range(1, n + 1))
            sql = self._lines[n] = self._compile(
                f"INSERT INTO voucher_lines ({', '.join(_LINE_COLUMNS)}) VALUES {rows}",
                ["voucher_id", "tenant", "day", *per_line])
        return sql

    def line_params(self, draft: VoucherDraft, voucher_id: int, ids: list[tuple[int, ...]]) -> list:
        params = [voucher_id, draft.tenant_id, self._day(draft.voucher_date)]
        for line, line_ids in zip(draft.lines, ids):
            params += line_ids
            params += line[6:9]  # debit, credit, narration
        return params

    def header_params(self, draft: VoucherDraft, slot: _Slot, number: str, digest: str, total: int,
                      hash_: str) -> list:
        return [slot.voucher_id, draft.tenant_id, draft.voucher_type, slot.series_id, slot.seq, number,
                self._day(draft.voucher_date), slot.period_id, draft.narration, draft.source_ref,
                draft.idempotency_key, digest, draft.reversal_of_id, total, len(draft.lines),
                slot.prev_hash, hash_, draft.created_by]


_STATEMENTS: dict[tuple[str, str], _Statements] = {}


def _statements(dialect) -> _Statements:
    key = (dialect.name, dialect.driver)
    statements = _STATEMENTS.get(key)
    if statements is None:
        check_driver(dialect)
        statements = _STATEMENTS[key] = _Statements(dialect)
    return statements


#: The largest amount a BIGINT column (a line, a total, a kept balance) holds.
MAX_PAISE = 9_223_372_036_854_775_807


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
        if line.narration is not None and not isinstance(line.narration, str):
            raise _not_text(f"lines[{n}].narration", line.narration)
    debit = sum(line.debit for line in lines)
    credit = sum(line.credit for line in lines)
    if debit > MAX_PAISE or credit > MAX_PAISE:  # amounts are not negative: covers every line too
        raise _too_large(lines, max(debit, credit))
    if debit != credit:
        raise LedgerError(f"debits ({debit} paise) do not equal credits ({credit} paise)",
                          code="LEDGER_UNBALANCED")


def check_text(draft: VoucherDraft) -> None:
    """Refuse a voucher's text field that is neither ``str`` nor None.

    The hash is taken of the Python value while the database keeps text, so a
    number or a list would be posted with a hash that never verifies again.
    """
    for name, value in zip(_TEXT_FIELDS, draft[4:8]):
        if value is not None and not isinstance(value, str):
            raise _not_text(name, value)


_TEXT_FIELDS = VoucherDraft._fields[4:8]  # narration, source_ref, idempotency_key, created_by


def _not_text(field: str, value) -> LedgerError:
    return LedgerError(f"{field} must be text, got {type(value).__name__} {value!r:.60}",
                       code="FIELD_NOT_TEXT", field=field)


def _too_large(lines: Sequence[LineDraft], total: int) -> LedgerError:
    """The first line above ``MAX_PAISE``, else the total, as a refusal (the rare path)."""
    for n, line in enumerate(lines, start=1):
        for side in ("debit", "credit"):
            if getattr(line, side) > MAX_PAISE:
                return LedgerError(f"line {n}: {side} is above {MAX_PAISE} paise, the most the "
                                   "ledger keeps", code="AMOUNT_TOO_LARGE", field=f"lines[{n}].{side}")
    return LedgerError(f"the voucher's total ({total} paise) is above {MAX_PAISE} paise, the most "
                       "the ledger keeps", code="AMOUNT_TOO_LARGE")


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


def resolve_lines(db: Session | Connection, tenant_id: str, lines: Sequence[LineDraft]) -> list[dict]:
    """Map each line's codes to ids in one query; refuse unknown or unusable masters."""
    params: dict = {"tenant": tenant_id, "gl": sorted({line.glcode for line in lines})}
    for name, _model in SEGMENTS:
        params[name] = sorted({getattr(line, name) for line in lines})
    found = {(kind, code): (id_, active, postable)
             for kind, code, id_, active, postable in transaction_connection(db).execute(_RESOLVE, params)}

    resolved: list[dict] = []
    for n, line in enumerate(lines, start=1):
        row = {}
        for kind, code in [("gl", line.glcode)] + [(name, getattr(line, name)) for name, _ in SEGMENTS]:
            id_, active, postable = found.get((kind, code), (None, None, None))
            _usable(tenant_id, n, kind, code, id_, active, postable)
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


_PERIOD_OF_DATE = (Period.tenant_id == bindparam("tenant"), Period.start_date <= bindparam("day"),
                   Period.end_date >= bindparam("day"))
# FOR SHARE (PostgreSQL; SQLite's writers queue anyway): a closing period waits for the postings
# holding its year's series rows (revision 0006), but a series this posting is about to create is
# not one it can see, so the first posting of a series holds the period row itself until commit.
_PERIOD = (select(Period.id, Period.status, Period.financial_year_id).where(*_PERIOD_OF_DATE)
           .with_for_update(read=True))


def _create_series(connection: Connection, tenant_id: str, voucher_type: str, fy_id: int,
                   number_format: str) -> None:
    values = {"tenant_id": tenant_id, "voucher_type": voucher_type, "financial_year_id": fy_id,
              "last_seq": 0, "last_hash": "", "number_format": number_format}
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    connection.execute(dialect_insert(VoucherSeries).values(values).on_conflict_do_nothing())


_BY_IDEMPOTENCY_KEY = select(
    Voucher.id, Voucher.tenant_id, Voucher.voucher_type, Voucher.number, Voucher.voucher_date,
    Voucher.total, Voucher.hash, Voucher.request_digest,
).where(Voucher.tenant_id == bindparam("tenant"), Voucher.idempotency_key == bindparam("key"))


def _by_idempotency_key(connection: Connection, tenant_id: str, key: str):
    """The earlier voucher posted with ``key`` (a row with Voucher's attributes), or None."""
    return connection.execute(_BY_IDEMPOTENCY_KEY, {"tenant": tenant_id, "key": key}).first()


def transaction_connection(db: Session | Connection) -> Connection:
    """The Core connection to post on, in a transaction that SQLAlchemy knows about.

    A session's pending ORM changes are flushed first, as with any query. A Core
    connection outside a transaction begins one (SQLAlchemy's autobegin does the
    same on execute; the posting itself runs on the driver's connection, so it
    must be begun here); the caller commits it.
    """
    if isinstance(db, Session):
        db.flush()
        return db.connection()
    if not db.in_transaction():
        db.begin()
    return db


def _posted(v, *, replayed: bool = False) -> PostedVoucher:
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
    return hashlib.sha256(_JSON(content).encode()).hexdigest()


def voucher_hash(header: dict, lines: Sequence[dict]) -> str:
    """SHA-256 of a voucher's content chained to the previous voucher of its series."""
    date = header["voucher_date"]
    return _chained_hash(
        header["prev_hash"], header["tenant_id"], header["voucher_type"], header["seq"],
        header["number"], date.isoformat() if isinstance(date, dt.date) else str(date),
        header["narration"], header["source_ref"], header["reversal_of_id"], header["total"],
        [[ln["line_no"], ln["gl_account_id"], ln["fund_id"], ln["function_id"], ln["functionary_id"],
          ln["department_id"], ln["fund_source_id"], ln["debit"], ln["credit"], ln["narration"]]
         for ln in lines])


def _chained_hash(prev_hash: str, tenant_id: str, voucher_type: str, seq: int, number: str, date: str,
                  narration: str | None, source_ref: str | None, reversal_of_id: int | None, total: int,
                  lines: list[list]) -> str:
    """The hash of ``voucher_hash``; lines are [line_no, the six ids, debit, credit, narration]."""
    content = [prev_hash, tenant_id, voucher_type, seq, number, date, narration, source_ref,
               reversal_of_id, total, lines]
    return hashlib.sha256(_JSON(content).encode()).hexdigest()


#: ``json.dumps(x, ensure_ascii=False)`` without building an encoder per call.
_JSON = json.JSONEncoder(ensure_ascii=False).encode


def translate_db_error(exc: Exception) -> LedgerError | Conflict:
    """Turn a refusal from the ledger's triggers or constraints into a coded error.

    ``exc`` is SQLAlchemy's ``DBAPIError`` or the driver's own exception.
    """
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig)
    match = _DB_CODE.search(text)
    if match:
        return LedgerError(text.splitlines()[0].split("CONTEXT:")[0].strip(), code=match.group(1))
    if isinstance(exc, IntegrityError) or any(c.__name__ == "IntegrityError" for c in type(orig).__mro__):
        if "reversal_of_id" in text:
            return Conflict("this voucher has already been reversed", code="VOUCHER_ALREADY_REVERSED")
        if "idempotency_key" in text:
            return Conflict("a concurrent posting used the same idempotency key",
                            code="IDEMPOTENCY_KEY_REUSED")
    return LedgerError(f"the database refused the posting: {text.splitlines()[0]}",
                       code="LEDGER_REFUSED")


