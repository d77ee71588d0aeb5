"""The hot paths' own SQL: statements compiled once, sent several to a round trip.

A posting and a payment run the same dozen statements every time, and on this
kind of machine two costs dominate them beside the statements' own work:

* SQLAlchemy's per-call work (execution context, parameter and result set-up),
  about 110 µs of client CPU per statement against 40 µs for the statement on
  the driver. ``Prepared`` compiles a Core statement once per database into
  its driver's SQL and converts values with the column types' own converters.
* The round trip: a loopback send and a wake-up each way costs the client and
  the server more CPU than most of these statements (pgbench's own TPC-B
  transaction runs 1.8 times as fast when its seven round trips become one).
  ``execute_together`` sends statements that do not need each other's results
  in one round trip (libpq's pipeline mode), with the ``BEGIN`` of a
  transaction not yet started; on sqlite3, which has no round trips, it runs
  them one by one. The statements are the same on both databases; only how
  they travel differs.

On psycopg the statements are prepared once per connection by this module,
beside psycopg's own automatically prepared ones. psycopg answers a rollback
(and a rollback to a savepoint) by deallocating every prepared statement of the
connection, this module's too, so ``watch_rollbacks`` has the engine tell this
module of each: the next group prepares its statements afresh and drops the
old names (a no-op for those already gone). Values are adapted with psycopg's adapters
(integers always as 64-bit ones, so that one prepared statement serves every
value) and rows loaded with its loaders, as a cursor would.
"""
from __future__ import annotations

import itertools
import struct
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError

from ledger.errors import LedgerError

_REQUIRED = object()  #: a parameter the caller must give


class _Form(NamedTuple):
    """A statement as one dialect's driver takes it."""

    sql: str
    binds: tuple[tuple[str, Any, Any], ...]   #: (name, converter or None, default or _REQUIRED), by placeholder
    results: tuple[Any, ...] | None          #: converter or None per result column; None when none convert


class Prepared:
    """A Core statement compiled once per database into its driver's own SQL.

    Values pass through the column types' own converters (dates and booleans on
    SQLite, JSON on both), so what goes in and comes out is what
    ``Connection.execute`` would give; rows are plain tuples, and a refusal by
    the database is raised as SQLAlchemy's exception for it (``IntegrityError`` …).
    ``rows`` runs the statement on its own; ``bound`` and ``loaded`` let it
    travel with others through ``execute_together``.

    ``column_keys`` names the columns an INSERT or UPDATE sets, as for
    ``Compiled``; an expanding ``IN`` has no fixed SQL, so build one statement
    per number of values instead.
    """

    def __init__(self, statement, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._forms: dict[str, _Form] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """Execute with ``params`` in ``connection``'s transaction; the rows it returns, if any."""
        [rows] = execute_together(connection, [self.bound(connection, params)])
        return self.loaded(connection, rows)

    def bound(self, connection: Connection, params: Mapping[str, Any] | None = None) -> tuple[str, list]:
        """The driver's SQL and ``params`` as its values, converted: one statement for
        ``execute_together``."""
        form = self._forms.get(connection.dialect.name) or self._compile(connection.dialect)
        params = params or {}
        values = []
        for name, convert, default in form.binds:
            value = params[name] if default is _REQUIRED else params.get(name, default)
            values.append(convert(value) if convert is not None else value)
        return form.sql, values

    def loaded(self, connection: Connection, rows: list[tuple]) -> list[tuple]:
        """``rows`` as the driver returned them for this statement, as Python values."""
        results = self._forms[connection.dialect.name].results
        if results is None:
            return rows
        return [tuple(value if convert is None or value is None else convert(value)
                      for convert, value in zip(results, row)) for row in rows]

    def _compile(self, dialect) -> _Form:
        if dialect.name == "postgresql":  # numbered placeholders, as libpq takes them
            from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

            target = psycopg_dialect(paramstyle="numeric_dollar")
        else:
            target = dialect
        compiled = self.statement.compile(dialect=target, column_keys=self.column_keys)
        binds = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            if bind.expanding:
                raise ValueError(f"{name}: an expanding IN has no fixed SQL; build one statement per size")
            binds.append((name, bind.type.dialect_impl(target).bind_processor(target),
                          _REQUIRED if bind.required else bind.effective_value))
        columns = self.statement.selected_columns if self.statement.is_select else compiled.returning or ()
        converters = tuple(column.type.dialect_impl(target).result_processor(target, None) for column in columns)
        form = self._forms[dialect.name] = _Form(compiled.string, tuple(binds),
                                                 converters if any(converters) else None)
        return form


def execute_together(connection: Connection, statements: Sequence[tuple[str, Sequence]]) -> list[list[tuple]]:
    """Run ``statements`` – (driver SQL with numbered placeholders, values) pairs – in order
    in ``connection``'s transaction; return the rows of each (``[]`` when it returns none).

    A refusal by the database (or a value the driver cannot send) is raised as
    SQLAlchemy's exception for it, whose ``statement`` is the refused one; the
    statements after it have no effect, those before it stay in the (now failed)
    transaction, which the caller rolls back. A connection outside a transaction
    begins one first, as SQLAlchemy's own ``execute`` would; on a connection in
    autocommit mode each group is a transaction of its own.
    """
    if not connection.in_transaction():
        connection.begin()
    driver = connection.connection.driver_connection
    check_driver(connection.dialect)
    if connection.dialect.name != "postgresql":
        cursor = driver.cursor()
        rows = []
        for sql, values in statements:
            try:
                cursor.execute(sql, values)
            except connection.dialect.loaded_dbapi.Error as exc:
                raise as_sqlalchemy_error(connection, exc, sql, values) from None
            rows.append(cursor.fetchall())
        return rows
    pipe = _PIPES.get(driver)
    if pipe is None:
        pipe = _PIPES[driver] = _Pipe(driver)
    try:
        return pipe.run(statements)
    except _Refused as refused:
        sql, values = statements[refused.index] if refused.index is not None else (None, None)
        raise as_sqlalchemy_error(connection, refused.error, sql, values) from None
    except connection.dialect.loaded_dbapi.Error as exc:
        raise as_sqlalchemy_error(connection, exc, None, None) from None
    except BaseException:
        if driver.closed:  # interrupted half-way: the pipe closed it; SQLAlchemy must know
            connection.invalidate()
        raise


def check_driver(dialect) -> None:
    """Refuse a database driver the hot paths do not speak."""
    if (dialect.name, dialect.driver) not in {("postgresql", "psycopg"), ("sqlite", "pysqlite")}:
        raise LedgerError(f"rasid runs on psycopg 3 (PostgreSQL) or sqlite3, not {dialect.name}+"
                          f"{dialect.driver}: set RASID_DATABASE_URL accordingly",
                          code="DATABASE_DRIVER_UNSUPPORTED")


def as_sqlalchemy_error(connection: Connection, exc: Exception, sql: str | None,
                        values: Sequence | None) -> DBAPIError:
    """The driver's ``exc`` as SQLAlchemy would raise it. A lost connection is invalidated and
    the pool's other connections are dropped, as SQLAlchemy does on a disconnect of its own
    statements (the server may have gone away for all of them), so that the pool opens new
    ones instead of handing dead ones out."""
    lost = connection.dialect.is_disconnect(exc, connection.connection.dbapi_connection, None)
    if lost:
        # What SQLAlchemy's own error handling does (Connection._handle_dbapi_exception): the
        # pool recycles every connection opened before now at its next checkout.
        connection.engine.pool._invalidate(connection.connection, exc)
        connection.invalidate(exc)
    return DBAPIError.instance(sql, values, exc, connection.dialect.loaded_dbapi.Error,
                               connection_invalidated=lost, dialect=connection.dialect)


# --------------------------------------------------------------------------- psycopg's pipeline

#: Prepared statements kept per connection; beyond it the least recently used are dropped
#: at the start of the next transaction a group begins.
MAX_PREPARED = 256


class _Refused(Exception):
    """The database's ``error`` for statement ``index`` of a group (None: not a statement's)."""

    def __init__(self, error: Exception, index: int | None) -> None:
        super().__init__(error)
        self.error, self.index = error, index


class _Pipe:
    """One psycopg connection's prepared statements, and sending a group of statements."""

    def __init__(self, driver) -> None:
        from psycopg.adapt import AdaptersMap
        from psycopg.types.numeric import Int8BinaryDumper

        self.driver = driver
        self.adapters = AdaptersMap(driver.adapters)
        self.adapters.register_dumper(int, Int8BinaryDumper)
        self.names: OrderedDict[tuple[str, tuple[int, ...]], bytes] = OrderedDict()
        self.numbers = itertools.count(1)
        self.to_close: list[bytes] = []
        self.rolled_back = False  #: psycopg may have deallocated them all since the last group

    def forget(self) -> None:
        """Prepare every statement afresh, and drop the old names when a transaction begins."""
        self.to_close += self.names.values()
        self.names.clear()

    @property
    def connection(self):  # with ``adapters``, what psycopg's Transformer takes as its context
        return self.driver

    def run(self, statements: Sequence[tuple[str, Sequence]]) -> list[list[tuple]]:
        from psycopg import adapt, errors, pq

        # Every value is adapted before anything is sent: one the driver cannot take fails
        # here, with nothing half-sent on the connection.
        sends = []
        for index, (sql, values) in enumerate(statements):
            tx = adapt.Transformer(self)
            try:
                params = tx.dump_sequence(values, [adapt.PyFormat.AUTO] * len(values))
            except errors.Error as exc:  # NUL in text, a type it has no dumper for …
                raise _Refused(exc, index) from None
            except (OverflowError, struct.error) as exc:  # an int beyond BIGINT (struct.error: pure Python)
                raise _Refused(errors.DataError(f"{type(exc).__name__}: {exc}"), index) from None
            sends.append((sql, params, tuple(tx.types), tx.formats))
        pgconn = self.driver.pgconn
        with self.driver.lock:
            if pgconn.pipeline_status != pq.PipelineStatus.OFF:
                raise RuntimeError("execute_together cannot run inside psycopg's own pipeline()")
            pgconn.enter_pipeline_mode()
            try:
                rows = self._send_and_fetch(sends)
            except _Refused:  # every result read: the connection is in step
                pgconn.exit_pipeline_mode()
                raise
            except BaseException:
                # Lost, or interrupted with results unread: the connection cannot be used
                # again. Closed, it is seen as lost and the pool opens a new one.
                try:
                    pgconn.exit_pipeline_mode()
                except errors.OperationalError:  # results still unread
                    pgconn.finish()
                raise
            pgconn.exit_pipeline_mode()
        return rows

    def _send_and_fetch(self, sends: list) -> list[list[tuple]]:
        """Send the group and a Sync, then read every result; the first error, once all are
        read, is raised as ``_Refused``.

        A group that begins a transaction first drops the statements evicted from
        ``names``, in a Sync of their own before the BEGIN, so that a failure there
        (a name the server no longer knows) costs nothing but that name.
        """
        from psycopg import adapt, errors, generators, pq

        driver, pgconn = self.driver, self.driver.pgconn
        if self.rolled_back:
            self.rolled_back = False
            self.forget()
        expect: list[tuple] = []  # what each result answers, in order
        begins = not driver.autocommit and pgconn.transaction_status == pq.TransactionStatus.IDLE
        if self.to_close and pgconn.transaction_status == pq.TransactionStatus.IDLE:
            for name in self.to_close:
                if _sends_close():
                    pgconn.send_close_prepared(name)  # no error for a name the server does not know
                else:
                    pgconn.send_query_params(b"DEALLOCATE " + name, None)
                expect.append(("close",))
            self.to_close = []
            pgconn.pipeline_sync()
            expect.append(("sync",))
        if begins:
            pgconn.send_query_params(_begin(driver), None)
            expect.append(("begin",))
        preparing: dict[tuple, bytes] = {}  # prepared earlier in this group
        for index, (sql, params, types, formats) in enumerate(sends):
            key = (sql, types)
            name = self.names.get(key) or preparing.get(key)
            if name is None:
                name = preparing[key] = b"rasid_%d" % next(self.numbers)
                pgconn.send_prepare(name, sql.encode(), param_types=types)
                expect.append(("prepare", index, key, name))
            elif key in self.names:
                self.names.move_to_end(key)
            pgconn.send_query_prepared(name, params, param_formats=formats)
            expect.append(("execute", index))
        pgconn.pipeline_sync()
        expect.append(("sync",))
        driver.wait(generators.send(pgconn))
        rows: list[list[tuple]] = [[] for _ in sends]
        refused = None
        for item in expect:
            [result] = driver.wait(generators.fetch_many(pgconn))
            status, kind = result.status, item[0]
            if kind == "sync":
                if status != pq.ExecStatus.PIPELINE_SYNC:
                    raise errors.InternalError(f"pipeline out of step: {pq.ExecStatus(status).name} for a Sync")
            elif kind == "close" or status == pq.ExecStatus.PIPELINE_ABORTED:
                continue  # a dropped statement (done, or unknown to the server); skipped after an error
            elif status == pq.ExecStatus.FATAL_ERROR:
                if refused is None:
                    refused = _Refused(errors.error_from_result(result, encoding=driver.info.encoding),
                                       item[1] if kind in ("prepare", "execute") else None)
            elif kind == "prepare":
                self._prepared(item[2], item[3])
            elif kind == "execute" and status == pq.ExecStatus.TUPLES_OK:
                tx = adapt.Transformer(self)
                tx.set_pgresult(result)
                try:
                    rows[item[1]] = tx.load_rows(0, result.ntuples, tuple)
                except errors.Error as exc:  # a value it cannot load ('infinity' as a date …)
                    refused = refused or _Refused(exc, item[1])
        if refused is not None:
            if isinstance(refused.error, errors.InvalidSqlStatementName):
                self.forget()  # deallocated behind our back (DISCARD ALL, DDL through psycopg …)
            raise refused
        return rows

    def _prepared(self, key: tuple, name: bytes) -> None:
        self.names[key] = name
        if len(self.names) > MAX_PREPARED:
            self.to_close.append(self.names.popitem(last=False)[1])


def _sends_close() -> bool:
    """Whether libpq sends a protocol-level Close (libpq 17 and later; psycopg 3.2 and later tell)."""
    try:
        from psycopg import capabilities
    except ImportError:  # psycopg 3.1
        return False
    return capabilities.has_send_close_prepared()


def _begin(driver) -> bytes:
    """The BEGIN psycopg itself would send, with the connection's transaction characteristics."""
    from psycopg import IsolationLevel

    parts = [b"BEGIN"]
    if driver.isolation_level is not None:
        parts += [b"ISOLATION LEVEL", IsolationLevel(driver.isolation_level).name.replace("_", " ").encode()]
    if driver.read_only is not None:
        parts.append(b"READ ONLY" if driver.read_only else b"READ WRITE")
    if driver.deferrable is not None:
        parts.append(b"DEFERRABLE" if driver.deferrable else b"NOT DEFERRABLE")
    return b" ".join(parts)


_PIPES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch_rollbacks(engine) -> None:
    """Have ``engine`` tell this module of every rollback psycopg may answer by deallocating
    the connection's prepared statements: a transaction's, a savepoint's, and the pool's
    reset of a connection checked in."""

    from psycopg.pq import TransactionStatus

    def rolled_back(driver) -> None:
        # Told before the rollback is sent; psycopg sends none (and keeps its statements)
        # when no transaction is open, as at every check-in after a commit.
        pipe = _PIPES.get(driver)
        if pipe is not None and driver.pgconn.transaction_status != TransactionStatus.IDLE:
            pipe.rolled_back = True

    def on_rollback(connection, *_savepoint) -> None:
        if not connection.invalidated:
            rolled_back(connection.connection.driver_connection)

    event.listen(engine, "rollback", on_rollback)
    event.listen(engine, "rollback_savepoint", on_rollback)
    event.listen(engine, "reset", lambda dbapi_connection, *_: rolled_back(dbapi_connection))
