"""Engine, session and declarative base shared by every package.

SQLite is the embedded default and PostgreSQL is production; both go through
this module so the rest of rasid has one code path. On SQLite every transaction
begins ``IMMEDIATE`` so concurrent writers queue on the busy timeout instead of
failing with "database is locked" half-way through a business operation.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    BigInteger, Connection, Engine, Integer, MetaData, create_engine, event, insert, inspect, select,
)
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker

from ledger.driver import Prepared, watch_rollbacks

DEFAULT_DATABASE_URL = "sqlite:///rasid.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT keys on PostgreSQL; INTEGER on SQLite so the key is the rowid and autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def one_of(column: str, values) -> str:
    """SQL for a CHECK constraint: ``column`` holds one of ``values`` (``status IN ('A', 'B')``)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(url: str | None = None) -> str:
    """The URL given, else ``RASID_DATABASE_URL``, else a SQLite file in the working directory."""
    return url or os.environ.get("RASID_DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = database_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    # Recycle instead of pre-pinging: a ping is one more round trip per transaction.
    kwargs.setdefault("pool_recycle", 1800)
    engine = create_engine(url, **kwargs)
    if engine.dialect.driver == "psycopg":
        watch_rollbacks(engine)  # psycopg deallocates ledger.driver's prepared statements then
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, busy timeout, and IMMEDIATE transactions.

    pysqlite's own transaction handling is switched off so SQLAlchemy's begin
    events decide how a transaction starts (SQLAlchemy's documented recipe).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One business operation, one transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def row_insert(connection: Connection, obj) -> tuple[str, list]:
    """The INSERT … RETURNING key of ``obj``'s row, a statement for ``ledger.driver.execute_together``
    (then ``attach_inserted`` with the key it returned).

    For rows written once and not changed in the same transaction (a payment's
    instrument and receipts): the ORM's unit of work costs more Python than the
    SQL. Unset columns take their scalar default (or NULL) on ``obj`` too, so
    nothing needs loading back but a server default.
    """
    state = inspect(obj)
    table = state.mapper.local_table
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        if attr.key in state.dict or column.primary_key:
            continue
        if column.default is not None and column.default.is_scalar:
            setattr(obj, attr.key, column.default.arg)
        elif column.server_default is None:
            setattr(obj, attr.key, None)
    values = {attr.columns[0].key: state.dict[attr.key] for attr in state.mapper.column_attrs
              if attr.key in state.dict}
    return _inserting(table, tuple(values)).bound(connection, values)


def attach_inserted(session: Session, obj, key: int) -> None:
    """``obj``, whose row was inserted with key ``key``, into ``session`` as persistent."""
    setattr(obj, inspect(obj).mapper.local_table.primary_key.columns[0].key, key)
    make_transient_to_detached(obj)
    session.add(obj)


@functools.lru_cache(maxsize=256)  # one per table and set of columns given
def _inserting(table, columns: tuple[str, ...]) -> Prepared:
    """INSERT of ``columns`` … RETURNING the key, built once per table and columns."""
    [key] = table.primary_key.columns
    return Prepared(insert(table).returning(key), columns)


def expire_loaded(session: Session, *models: type) -> None:
    """Forget what the session holds of rows a set-based UPDATE just changed."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, models):
            session.expire(obj)


def tenant_row(session: Session, model: type, tenant_id: str, row_id: int, *, lock: bool = False):
    """The tenant's ``model`` row ``row_id``, or None; ``lock`` reads it ``FOR UPDATE`` and
    refreshes the session's copy with what the lock found."""
    query = select(model).where(model.tenant_id == tenant_id, model.id == row_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()
