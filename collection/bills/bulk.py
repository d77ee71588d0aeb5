"""Many rows in few statements: bill intake's inserts and lookups, on both databases.

psycopg rewrites every placeholder of a statement in Python before sending it, and does not
cache that work for long statements; a multi-row INSERT or an IN list written by SQLAlchemy has
one placeholder per value, so for a document of 100 bills (3,000 bill values, 7,000 head values)
the rewriting cost more than the database's own work. On PostgreSQL rows therefore go in by
COPY (psycopg formats them in C; new ids are drawn from the table's sequence first, as COPY
returns nothing), and lists travel as one array (``= ANY(…)``). SQLite's driver has no such
cost: there it is a plain executemany (with RETURNING for the ids) and an IN list.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def one_of(session: Session, column, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``, as ``column = ANY(array)`` on PostgreSQL."""
    if _postgres(session):
        return column == any_(bindparam(f"{column.key}_values", list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def insert_rows(session: Session, table: Table, rows: list[dict], same: dict | None = None, *,
                ids: bool = False) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``table``, each with the values of ``same``
    (given once, not once per row). With ``ids``, the new ``id`` of each row, in row order."""
    if not rows:
        return []
    same = same or {}
    if not _postgres(session):
        statement = insert(table)
        rows = [{**same, **row} for row in rows] if same else rows
        if ids:
            returning = statement.returning(table.c.id, sort_by_parameter_order=True)
            return list(session.scalars(returning, rows))
        session.execute(statement, rows)
        return []
    new_ids = _next_ids(session, table, len(rows)) if ids else []
    names = [*(("id",) if ids else ()), *rows[0], *same]
    constants = tuple(same.values())
    columns = ", ".join(f'"{name}"' for name in names)
    with session.connection().connection.driver_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for n, row in enumerate(rows):
            copy.write_row((*((new_ids[n],) if ids else ()), *row.values(), *constants))
    return new_ids


def _next_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` values of the sequence behind ``table.id``, in one round trip."""
    sequence = func.pg_get_serial_sequence(table.name, "id")
    series = func.generate_series(1, count).table_valued("n")
    return list(session.scalars(select(func.nextval(sequence)).select_from(series)))
