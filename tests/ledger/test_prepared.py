"""Statements on the driver's cursor behave as ``Connection.execute``: Python values, SQLAlchemy's
errors, and a lost connection invalidated so that the next unit of work reconnects."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

import vouchers
from collection import audit
from collection.audit import Actor, AuditEntry
from ledger.db import unit_of_work
from ledger.driver import Prepared
from ledger.models import FinancialYear, GlAccount, Tenant
from tests.helpers import DAY, line

_YEAR = Prepared(select(FinancialYear.code, FinancialYear.start_date, FinancialYear.end_date)
                 .where(FinancialYear.tenant_id == bindparam("tenant"), FinancialYear.code == bindparam("code")))
_ACCOUNT = Prepared(select(GlAccount.glcode, GlAccount.active, GlAccount.postable)
                    .where(GlAccount.tenant_id == bindparam("tenant"), GlAccount.glcode == bindparam("gl")))
_NEW_TENANT = Prepared(insert(Tenant.__table__), ["id", "name", "active"])


def test_rows_come_back_as_python_values(session, tenant):
    connection = session.connection()
    assert _YEAR.rows(connection, {"tenant": tenant, "code": "2026-27"}) == [
        ("2026-27", dt.date(2026, 4, 1), dt.date(2027, 3, 31))]
    [(glcode, active, postable)] = _ACCOUNT.rows(connection, {"tenant": tenant, "gl": "4501001"})
    assert (glcode, active, postable) == ("4501001", True, True)
    assert active is True and postable is True  # not SQLite's 1
    assert _YEAR.rows(connection, {"tenant": tenant, "code": "1999-00"}) == []


def test_written_values_read_back_through_the_orm(session, tenant):
    when = dt.datetime(2026, 11, 23, 10, 15, 30, 123456, tzinfo=dt.UTC)
    actor = Actor("pb.amritsar/cashier1", user_id=7, ip="10.0.0.1", request_id="req-1", clock=lambda: when)
    audit.record(session, actor, "receipt.edit", tenant_id=tenant, entity_type="receipt", entity_id="R1",
                 before={"payer": "A", "amount": 100}, after=None)
    session.commit()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.request_id == "req-1")).one()
    assert (entry.actor, entry.actor_user_id, entry.ip, entry.action) == (
        "pb.amritsar/cashier1", 7, "10.0.0.1", "receipt.edit")
    assert entry.before == {"payer": "A", "amount": 100}
    assert entry.after is None
    got = entry.occurred_at  # SQLite keeps the UTC time without its zone
    assert (got.astimezone(dt.UTC) if got.tzinfo else got.replace(tzinfo=dt.UTC)) == when


def test_a_refusal_is_sqlalchemys_error_and_writes_nothing(session, tenant):
    connection = session.connection()
    with pytest.raises(IntegrityError):
        _NEW_TENANT.rows(connection, {"id": tenant, "name": "again", "active": True})
    session.rollback()
    assert session.scalar(select(Tenant.name).where(Tenant.id == tenant)) != "again"


def test_a_missing_parameter_and_an_expanding_in_are_refused(session, tenant):
    with pytest.raises(KeyError):
        _YEAR.rows(session.connection(), {"tenant": tenant})
    expanding = Prepared(select(GlAccount.id).where(GlAccount.glcode.in_(bindparam("codes", expanding=True))))
    with pytest.raises(ValueError, match="expanding"):
        expanding.rows(session.connection(), {"codes": ["4501001"]})


def _lose_connection_then(engine, factory, statement) -> None:
    """Run ``statement(session)`` after the session's backend was terminated: it must raise
    SQLAlchemy's OperationalError with the connection invalidated, and the next unit of work
    must run it on a new connection."""
    with factory() as session:
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with engine.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        with pytest.raises(OperationalError) as raised:
            statement(session)
        assert raised.value.connection_invalidated
        session.rollback()
    with unit_of_work(factory) as session:
        statement(session)


@pytest.mark.postgres_only
def test_a_lost_connection_is_invalidated_and_the_next_unit_of_work_reconnects(engine, factory, tenant):
    def read(session):
        assert _YEAR.rows(session.connection(), {"tenant": tenant, "code": "2026-27"})[0][0] == "2026-27"

    _lose_connection_then(engine, factory, read)


@pytest.mark.postgres_only
def test_a_posting_on_a_lost_connection_is_a_database_error_not_a_ledger_refusal(engine, factory, tenant):
    def post(session):
        lines = [line("4501001", dr=100), line("1100101", cr=100)]
        assert vouchers.post(session, tenant, "RECEIPT", DAY, lines).total == 100

    _lose_connection_then(engine, factory, post)
