"""The ways round the guards that revision 0006 closes: SQLite's INSERT OR REPLACE,
PostgreSQL's TRUNCATE, and a period closed while a posting is in flight."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import vouchers
from ledger.check import check_ledger
from ledger.errors import LedgerError
from ledger.periods import set_period_status
from tests.helpers import DAY, cash_receipt


@pytest.fixture
def posted(factory, tenant):
    with factory() as session:
        voucher = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(1_000_00))
        session.commit()
        return voucher.id


def _refused(engine, sql: str, params: dict | None = None) -> str:
    with pytest.raises(DBAPIError) as exc:
        with engine.begin() as conn:
            conn.execute(text(sql), params or {})
    return str(exc.value.orig)


def test_insert_or_replace_cannot_rewrite_a_posted_voucher_or_a_used_account(engine, factory, tenant, posted):
    if engine.dialect.name != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    with engine.connect() as conn:
        header = dict(conn.execute(text("SELECT * FROM vouchers WHERE id = :id"), {"id": posted}).mappings().one())
        cash = conn.execute(text("SELECT id FROM gl_accounts WHERE tenant_id = :t AND glcode = '4501001'"),
                            {"t": tenant}).scalar_one()
    columns = ", ".join(header)
    values = ", ".join(f":{c}" for c in header)
    message = _refused(engine, f"INSERT OR REPLACE INTO vouchers ({columns}) VALUES ({values})",
                       {**header, "narration": "rewritten"})
    assert "UNIQUE constraint failed: vouchers.id" in message
    message = _refused(engine, "INSERT OR REPLACE INTO gl_accounts (id, tenant_id, glcode, name, type, level, "
                               "postable, active) VALUES (:id, :t, '9990001', 'Recoded', 'expense', 'detailed', 1, 1)",
                       {"id": cash, "t": tenant})
    assert "UNIQUE constraint failed: gl_accounts.id" in message
    # by the natural key too: another id, the same GL code
    message = _refused(engine, "REPLACE INTO gl_accounts (tenant_id, glcode, name, type, level, postable, active) "
                               "VALUES (:t, '4501001', 'Recoded', 'expense', 'detailed', 1, 1)", {"t": tenant})
    assert "UNIQUE constraint failed: gl_accounts.tenant_id, gl_accounts.glcode" in message
    with factory() as session:
        assert check_ledger(session) == []


@pytest.mark.postgres_only
@pytest.mark.parametrize("table", ["voucher_series", "periods", "gl_accounts", "funds", "tenants", "receipts"])
def test_guarded_tables_cannot_be_truncated(engine, posted, table):
    message = _refused(engine, f"TRUNCATE {table} CASCADE")
    assert "LEDGER_APPEND_ONLY" in message and "never truncated" in message


@pytest.mark.postgres_only
def test_closing_a_period_waits_for_a_posting_in_flight_and_refuses_later_ones(factory, tenant, posted):
    in_flight = factory()
    vouchers.post(in_flight, tenant, "RECEIPT", DAY, cash_receipt(250_00))  # numbered, not committed
    closed = threading.Event()

    def close() -> None:
        with factory() as session:
            set_period_status(session, tenant, "2026-11", "closed", changed_by="accountant")
            session.commit()
        closed.set()

    closer = threading.Thread(target=close)
    closer.start()
    assert not closed.wait(0.5), "the close did not wait for the posting in flight"
    in_flight.commit()
    in_flight.close()
    closer.join(10)
    assert closed.is_set()
    with factory() as session, pytest.raises(LedgerError) as refused:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00))
    assert refused.value.code == "LEDGER_PERIOD_CLOSED"
    with factory() as session:
        assert check_ledger(session) == []
