"""Statements sent together (``execute_together``) behave as if sent one by one: their rows in
order, the transaction begun by the first group, a refusal raised as SQLAlchemy's error with
nothing after it applied; and statements that travel with a posting (``Along``)."""
from __future__ import annotations

import gc

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

import vouchers
from ledger.db import make_engine, unit_of_work
from ledger.driver import execute_together
from ledger.errors import LedgerError
from ledger.journal import Along
from ledger.models import Tenant, Voucher
from tests.helpers import DAY, cash_receipt


def _sql(connection, sql: str) -> str:
    """``sql`` with ``:1``-style placeholders in the driver's numbered form."""
    mark = "$" if connection.dialect.name == "postgresql" else "?"
    return sql.replace(":", mark)


def _insert_tenant(connection, code: str) -> tuple[str, list]:
    return (_sql(connection, "INSERT INTO tenants (id, name, active) VALUES (:1, :2, :3)"),
            [code, f"ULB {code}", True])


def test_rows_of_each_statement_in_order(session, tenant):
    connection = session.connection()
    year = _sql(connection, "SELECT code, id FROM financial_years WHERE tenant_id = :1 AND code = :2")
    tenants = _sql(connection, "SELECT id, name_local, count(*) OVER () FROM tenants WHERE id IN (:1, :2) "
                               "ORDER BY id")
    rows = execute_together(connection, [
        (year, [tenant, "2026-27"]), _insert_tenant(connection, "pb.new"), (tenants, [tenant, "pb.new"]),
        (year, [tenant, "1999-00"])])
    [(code, year_id)] = rows[0]
    assert code == "2026-27" and isinstance(year_id, int)
    assert rows[1] == []
    # Unicode text, a NULL, and the row the statement before it inserted
    assert rows[2] == [("pb.amritsar", "नगर निगम अमृतसर", 2), ("pb.new", None, 2)]
    assert rows[3] == []


def test_the_first_group_begins_the_transaction(factory, tenant):
    with factory() as session:
        connection = session.connection()
        execute_together(connection, [_insert_tenant(connection, "pb.gone")])
        session.rollback()
        assert session.get(Tenant, "pb.gone") is None


def test_a_refusal_is_raised_and_nothing_after_it_applies(factory, tenant):
    with factory() as session:
        connection = session.connection()
        with pytest.raises(IntegrityError):
            execute_together(connection, [_insert_tenant(connection, "pb.first"),
                                          _insert_tenant(connection, tenant),  # already there
                                          _insert_tenant(connection, "pb.third")])
        session.rollback()
        found = session.scalars(select(Tenant.id).where(Tenant.id.in_(["pb.first", "pb.third"]))).all()
        assert found == []
    with factory() as session:  # the connection went back to the pool in good order
        connection = session.connection()
        execute_together(connection, [_insert_tenant(connection, "pb.after")])
        session.commit()
        assert session.get(Tenant, "pb.after").name == "ULB pb.after"


def test_a_value_the_driver_cannot_take_fails_before_anything_is_sent(factory, tenant):
    with factory() as session:
        connection = session.connection()
        execute_together(connection, [_insert_tenant(connection, "pb.kept")])
        sql, values = _insert_tenant(connection, "pb.bad")
        with pytest.raises(DBAPIError):
            execute_together(connection, [(sql, [values[0], object(), True])])
        execute_together(connection, [_insert_tenant(connection, "pb.also")])  # the transaction goes on
        session.commit()
        assert {session.get(Tenant, code).name for code in ("pb.kept", "pb.also")} == {"ULB pb.kept", "ULB pb.also"}


def test_one_statement_with_a_null_and_then_a_value(session, tenant):
    connection = session.connection()
    account = _sql(connection, "SELECT glcode FROM gl_accounts WHERE tenant_id = :1 AND glcode = :2")
    for _ in range(3):
        assert execute_together(connection, [(account, [tenant, None]), (account, [tenant, "4501001"])]) == [
            [], [("4501001",)]]


@pytest.mark.postgres_only
def test_statements_are_prepared_once_per_connection(session, tenant):
    connection = session.connection()
    account = _sql(connection, "SELECT glcode FROM gl_accounts WHERE tenant_id = :1 AND glcode = :2")
    count = text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'rasid%'")
    execute_together(connection, [(account, [tenant, "4501001"])])
    prepared = connection.scalar(count)
    for _ in range(5):
        execute_together(connection, [(account, [tenant, "1100101"])])
    assert connection.scalar(count) == prepared


@pytest.mark.postgres_only
def test_the_transaction_begins_with_the_connections_isolation_level(engine, tenant):
    with engine.connect().execution_options(isolation_level="SERIALIZABLE") as connection:
        with connection.begin():
            [[(level,)]] = execute_together(connection, [("SHOW transaction_isolation", [])])
    assert level == "serializable"


@pytest.mark.postgres_only
def test_a_lost_connection_is_invalidated(engine, factory, tenant):
    with factory() as session:
        connection = session.connection()
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with engine.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        with pytest.raises(OperationalError) as raised:
            execute_together(connection, [_insert_tenant(connection, "pb.lost")])
        assert raised.value.connection_invalidated
        session.rollback()
    with factory() as session:
        connection = session.connection()
        execute_together(connection, [_insert_tenant(connection, "pb.found")])
        session.commit()
        assert session.get(Tenant, "pb.found") is not None


@pytest.mark.postgres_only
def test_prepared_statements_outlive_rollbacks_and_savepoints(factory, tenant):
    """psycopg deallocates every prepared statement of a connection at a rollback once it has
    prepared some of its own; rasid's are prepared again, and the old names do not pile up."""
    count = text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'rasid%'")
    for _ in range(4):
        with factory() as session:
            connection = session.connection()
            for _ in range(6):  # psycopg prepares a statement from its fifth run on
                connection.exec_driver_sql("SELECT 1")
            execute_together(connection, [_insert_tenant(connection, "pb.undone")])
            with session.begin_nested():  # SAVEPOINT is sent when the session hands out its connection
                session.connection().exec_driver_sql("SELECT 1")
            try:
                with session.begin_nested():
                    execute_together(session.connection(), [_insert_tenant(connection, tenant)])
            except IntegrityError:
                pass
            execute_together(connection, [_insert_tenant(connection, "pb.after-savepoint")])
            session.rollback()
    with factory() as session:
        connection = session.connection()
        execute_together(connection, [_insert_tenant(connection, "pb.kept")])
        assert connection.scalar(count) <= 2  # one statement, and at most one name still to drop
        session.commit()
        assert session.get(Tenant, "pb.kept") is not None and session.get(Tenant, "pb.undone") is None


@pytest.mark.postgres_only
def test_after_statements_were_deallocated_the_next_transaction_prepares_them_again(factory, tenant):
    with factory() as session:
        connection = session.connection()
        execute_together(connection, [_insert_tenant(connection, "pb.one")])
        session.commit()
        session.connection().exec_driver_sql("DEALLOCATE ALL")
        with pytest.raises(DBAPIError, match="does not exist"):
            execute_together(session.connection(), [_insert_tenant(connection, "pb.two")])
        session.rollback()
        execute_together(session.connection(), [_insert_tenant(connection, "pb.three")])
        session.commit()
        assert [session.get(Tenant, code) is not None for code in ("pb.one", "pb.two", "pb.three")] == [
            True, False, True]


@pytest.mark.postgres_only
def test_the_least_used_statements_are_dropped_beyond_the_limit(session, tenant, monkeypatch):
    """Dropped when a later transaction begins (never inside one, where a failure would abort it)."""
    from ledger import driver

    monkeypatch.setattr(driver, "MAX_PREPARED", 3)
    count = text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'rasid%'")
    for n in range(8):
        connection = session.connection()
        sql = _sql(connection, f"SELECT {n} FROM tenants WHERE id = :1")
        assert execute_together(connection, [(sql, [tenant])]) == [[(n,)]]
        session.commit()
    assert session.connection().scalar(count) <= 4  # the limit, and one to drop at the next begin


# -- statements that travel with a posting (ledger.journal.Along) -------------------------------

def _voucher_number(connection, voucher) -> tuple[str, list]:
    return _sql(connection, "SELECT number, total FROM vouchers WHERE id = :1"), [voucher.id]


def test_statements_along_a_posting_run_after_it_and_return_their_rows(session, tenant):
    connection = session.connection()
    for expected in ("RV/2026-27/000001", "RV/2026-27/000002"):  # a new series, then the usual path
        seen = []
        along = Along(lambda voucher: seen.append(voucher.number) or [
            _voucher_number(connection, voucher), _insert_tenant(connection, f"pb.{expected[-1]}")])
        posted = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00), along=along)
        assert posted.number == seen[0] == expected
        assert along.rows == [[(expected, 100_00)], []]
    session.commit()
    assert session.get(Tenant, "pb.2") is not None


def test_a_refused_statement_along_a_posting_is_the_databases_error_and_undoes_the_voucher(factory, tenant):
    with factory() as session:
        connection = session.connection()
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00))  # the series exists
        along = Along(lambda voucher: [_insert_tenant(connection, tenant)])  # a duplicate key
        with pytest.raises(IntegrityError) as raised:
            vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(200_00), along=along)
        assert "INSERT INTO tenants" in raised.value.statement
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Voucher)) == 0


def test_a_replayed_posting_still_sends_what_travels_with_it(session, tenant):
    connection = session.connection()
    first = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00), idempotency_key="k-1")
    along = Along(lambda voucher: [_voucher_number(connection, voucher)])
    again = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00), idempotency_key="k-1",
                          along=along)
    assert again.replayed and again.id == first.id
    assert along.rows == [[(first.number, 100_00)]]


def test_a_core_connection_not_yet_begun_is_begun_as_sqlalchemy_would(engine, tenant):
    with engine.connect() as connection:
        execute_together(connection, [_insert_tenant(connection, "pb.core")])
        connection.commit()
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT name FROM tenants WHERE id = 'pb.core'")) == "ULB pb.core"


@pytest.mark.postgres_only
def test_a_new_statement_twice_in_one_group_is_prepared_once(session, tenant):
    connection = session.connection()
    count = text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'rasid%'")
    before = connection.scalar(count)
    sql = _sql(connection, "SELECT id FROM tenants WHERE id = :1 AND length(name) > 1")
    assert execute_together(connection, [(sql, [tenant]), (sql, ["pb.none"])]) == [[(tenant,)], []]
    assert connection.scalar(count) == before + 1


@pytest.mark.postgres_only
def test_values_the_driver_cannot_send_are_refused_with_their_statement(session, tenant):
    connection = session.connection()
    sql, values = _insert_tenant(connection, "pb.nul")
    with pytest.raises(DBAPIError) as raised:
        execute_together(connection, [(sql, ["pb.nul", "a\x00b", True])])
    assert raised.value.statement == sql
    big = _sql(connection, "SELECT id FROM tenants WHERE length(id) = :1")
    with pytest.raises(DBAPIError) as raised:
        execute_together(connection, [(big, [2 ** 63])])
    assert raised.value.statement == big


@pytest.mark.postgres_only
def test_a_voucher_with_a_nul_in_its_text_is_a_ledger_refusal(session, tenant):
    with pytest.raises(LedgerError) as raised:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00), narration="a\x00b")
    assert raised.value.code == "LEDGER_REFUSED"


@pytest.mark.postgres_only
def test_an_interruption_half_way_reaches_the_caller_and_the_pool_recovers(factory, tenant, monkeypatch):
    """Ctrl-C while a group's results are awaited: the caller sees the interruption, not an error
    from rolling back a connection that can no longer be used; the next unit of work works."""
    with pytest.raises(KeyboardInterrupt):
        with unit_of_work(factory) as session:
            connection = session.connection()
            driver = connection.connection.driver_connection
            waits = []

            def wait(gen, *args, **kwargs):
                waits.append(gen)
                if len(waits) == 2:  # sent; now awaiting the results
                    raise KeyboardInterrupt
                return type(driver).wait(driver, gen, *args, **kwargs)

            monkeypatch.setattr(driver, "wait", wait)
            execute_together(connection, [_insert_tenant(connection, "pb.interrupted")])
    monkeypatch.undo()
    with unit_of_work(factory) as session:
        execute_together(session.connection(), [_insert_tenant(session.connection(), "pb.next")])
    with factory() as session:
        assert session.get(Tenant, "pb.next") is not None and session.get(Tenant, "pb.interrupted") is None


@pytest.mark.postgres_only
def test_when_the_server_drops_every_connection_one_request_fails_not_one_per_connection(tenant, db_url):
    engine = make_engine(db_url)
    held = [engine.connect() for _ in range(3)]
    pids = [c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in held]
    for c in held:
        c.close()  # back to the pool, alive
    admin = make_engine(db_url, poolclass=NullPool)
    with admin.connect() as connection:
        for pid in pids:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    admin.dispose()
    failures = 0
    for n in range(3):
        try:
            with engine.connect() as connection:
                execute_together(connection, [_insert_tenant(connection, f"pb.after-{n}")])
                connection.commit()
        except OperationalError:
            failures += 1
    engine.dispose()
    assert failures == 1


@pytest.mark.postgres_only
def test_a_lost_connection_recycles_the_pool_without_opening_more_than_it_holds(db_url, tenant):
    """As SQLAlchemy does on a disconnect: connections other requests hold are recycled when
    they come back, not left open beside new ones (until a garbage collection finds them, which
    in a long-running server may be long after: off here)."""
    gc.disable()
    try:
        _lose_one_of_three(db_url)
    finally:
        gc.enable()


def _lose_one_of_three(db_url) -> None:
    engine = make_engine(db_url, pool_size=3, max_overflow=0, connect_args={"application_name": "rasid-pool"})
    admin = make_engine(db_url, poolclass=NullPool)
    open_ = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rasid-pool'")
    held = [engine.connect() for _ in range(2)]
    for connection in held:
        connection.exec_driver_sql("SELECT 1")
    victim = engine.connect()
    pid = victim.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    victim.commit()
    with admin.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
    with pytest.raises(OperationalError):
        execute_together(victim, [("SELECT $1::int", [1])])
    victim.close()
    for connection in held:
        connection.commit()
        connection.close()
    again = [engine.connect() for _ in range(3)]
    for connection in again:
        assert execute_together(connection, [("SELECT $1::int", [2])]) == [[(2,)]]
    with admin.connect() as connection:
        assert connection.scalar(open_) <= 3
    for connection in again:
        connection.close()
    engine.dispose()
    admin.dispose()


@pytest.mark.postgres_only
def test_a_value_the_driver_cannot_load_is_refused_and_the_connection_stays(factory, tenant):
    with factory() as session:
        connection = session.connection()
        with pytest.raises(DBAPIError) as raised:
            execute_together(connection, [("SELECT 'infinity'::date", []), ("SELECT $1::int", [1])])
        assert not raised.value.connection_invalidated
        session.rollback()
        assert execute_together(session.connection(), [("SELECT $1::int", [3])]) == [[(3,)]]


@pytest.mark.postgres_only
@pytest.mark.parametrize("protocol_close", [True, False], ids=["Close", "DEALLOCATE"])
def test_dropping_a_statement_the_server_no_longer_knows_fails_nothing(factory, tenant, monkeypatch,
                                                                       protocol_close):
    from ledger import driver

    monkeypatch.setattr(driver, "MAX_PREPARED", 1)
    monkeypatch.setattr(driver, "_sends_close", lambda: protocol_close)
    with factory() as session:
        connection = session.connection()
        first = _sql(connection, "SELECT 1 FROM tenants WHERE id = :1")
        execute_together(connection, [(first, [tenant])])
        name = session.connection().scalar(text("SELECT name FROM pg_prepared_statements WHERE name LIKE 'rasid%'"))
        execute_together(connection, [(_sql(connection, "SELECT 2 FROM tenants WHERE id = :1"), [tenant])])
        session.commit()  # the first is now to be dropped, at the next transaction's start
        session.connection().exec_driver_sql(f"DEALLOCATE {name}")  # … but the server has lost it already
        session.commit()
        assert execute_together(session.connection(), [(first, [tenant])]) == [[(1,)]]
        session.commit()
