"""Raw SQL that bypasses rasid's Python must still be refused by the database itself."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import vouchers
from ledger.check import check_ledger
from ledger.errors import LedgerError
from ledger.periods import set_period_status
from tests.helpers import DAY, cash_receipt

LINE_COLUMNS = ("voucher_id, tenant_id, line_no, voucher_date, gl_account_id, fund_id, function_id, "
                "functionary_id, department_id, fund_source_id, debit, credit, voucher_ref")


@pytest.fixture
def posted(factory, tenant):
    """One committed receipt voucher (so the series exists); returns its id."""
    with factory() as session:
        voucher = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(1_000_00))
        session.commit()
        return voucher.id


def _refused(engine, sql: str, params: dict | None = None, *, code: str | None = None) -> str:
    with pytest.raises(DBAPIError) as exc:
        with engine.begin() as conn:
            for statement in sql.split(";\n"):
                conn.execute(text(statement), params or {})
    message = str(exc.value.orig)
    if code:
        assert code in message, message
    return message


def _ids(conn, tenant):
    """Ids a forger needs: accounts, segments, the series and the period of DAY."""
    one = lambda sql: conn.execute(text(sql), {"t": tenant}).scalar_one()  # noqa: E731
    return {
        "cash": one("SELECT id FROM gl_accounts WHERE tenant_id = :t AND glcode = '4501001'"),
        "income": one("SELECT id FROM gl_accounts WHERE tenant_id = :t AND glcode = '1100101'"),
        "fund": one("SELECT id FROM funds WHERE tenant_id = :t AND code = '01'"),
        "fn": one("SELECT id FROM functions WHERE tenant_id = :t AND code = '91'"),
        "fy": one("SELECT id FROM functionaries WHERE tenant_id = :t AND code = '999'"),
        "dept": one("SELECT id FROM departments WHERE tenant_id = :t AND code = 'REV'"),
        "fs": one("SELECT id FROM fund_sources WHERE tenant_id = :t AND code = '01'"),
        "series": one("SELECT id FROM voucher_series WHERE tenant_id = :t AND voucher_type = 'RECEIPT'"),
        "last_seq": one("SELECT last_seq FROM voucher_series WHERE tenant_id = :t AND voucher_type = 'RECEIPT'"),
        "last_hash": one("SELECT last_hash FROM voucher_series WHERE tenant_id = :t AND voucher_type = 'RECEIPT'"),
        "period": one("SELECT id FROM periods WHERE tenant_id = :t AND code = '2026-11'"),
        "next_id": one("SELECT coalesce(max(id), 0) + 1000 FROM vouchers"),
    }


def _forge(engine, tenant, *, debit=500, credit=500, seq_offset=1, prev_hash=None, period="2026-11",
           line_count=2, total=None, day=DAY, income=None) -> str:
    """Insert a voucher by hand, as an attacker with SQL access would, and return the error."""
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
        if period != "2026-11":
            ids["period"] = conn.execute(text("SELECT id FROM periods WHERE tenant_id = :t AND code = :c"),
                                         {"t": tenant, "c": period}).scalar_one()
    if income is not None:
        ids["income"] = income
    params = {**ids, "t": tenant, "d": day, "dr": debit, "cr": credit,
              "seq": ids["last_seq"] + seq_offset,
              "prev": ids["last_hash"] if prev_hash is None else prev_hash,
              "n": line_count, "total": debit if total is None else total}
    sql = (f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
           "(:next_id, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, :dr, 0, :next_id), "
           "(:next_id, :t, 2, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, :cr, NULL);\n"
           "INSERT INTO vouchers (id, tenant_id, voucher_type, series_id, seq, number, voucher_date, "
           "period_id, request_digest, total, line_count, prev_hash, hash, created_at) VALUES "
           "(:next_id, :t, 'RECEIPT', :series, :seq, 'FORGED/1', :d, :period, 'x', :total, :n, :prev, "
           "'f0f0', CURRENT_TIMESTAMP)")
    return _refused(engine, sql, params)


def test_posted_lines_cannot_be_updated_or_deleted(engine, posted):
    _refused(engine, "UPDATE voucher_lines SET debit = debit + 100 WHERE voucher_id = :v", {"v": posted},
             code="LEDGER_APPEND_ONLY")
    _refused(engine, "UPDATE voucher_lines SET narration = 'edited' WHERE voucher_id = :v", {"v": posted},
             code="LEDGER_APPEND_ONLY")
    _refused(engine, "DELETE FROM voucher_lines WHERE voucher_id = :v", {"v": posted},
             code="LEDGER_APPEND_ONLY")


def test_posted_vouchers_cannot_be_updated_or_deleted(engine, posted):
    _refused(engine, "UPDATE vouchers SET narration = 'edited' WHERE id = :v", {"v": posted},
             code="LEDGER_APPEND_ONLY")
    _refused(engine, "DELETE FROM vouchers WHERE id = :v", {"v": posted}, code="LEDGER_APPEND_ONLY")


def test_a_line_cannot_be_added_to_a_posted_voucher(engine, tenant, posted):
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    _refused(engine, f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
                     "(:v, :t, 9, :d, :cash, :fund, :fn, :fy, :dept, :fs, 100, 0, NULL)",
             {**ids, "v": posted, "t": tenant, "d": DAY}, code="LEDGER_APPEND_ONLY")


def test_forged_unbalanced_voucher_is_refused(engine, tenant, posted):
    assert "LEDGER_UNBALANCED" in _forge(engine, tenant, debit=500, credit=400)


def test_forged_voucher_naming_foreign_or_missing_masters_is_refused(engine, factory, tenant, posted):
    from collection.masters import load_masters, parse_masters

    with factory() as session:  # a second ULB with its own chart of accounts
        load_masters(session, parse_masters({"tenants": [{"code": "pb", "name": "Punjab"}, {
            "code": "pb.jalandhar", "name": "MC Jalandhar", "parent": "pb",
            "accounts": [{"glcode": "1100101", "name": "Property Tax", "type": "income"}]}]}))
        session.commit()
    with engine.connect() as conn:
        foreign = conn.execute(text("SELECT id FROM gl_accounts WHERE tenant_id = 'pb.jalandhar'")).scalar_one()
    assert "LEDGER_UNKNOWN_MASTER" in _forge(engine, tenant, income=foreign)
    assert "LEDGER_UNKNOWN_MASTER" in _forge(engine, tenant, income=987654)


def test_forged_voucher_with_hidden_lines_is_refused(engine, tenant, posted):
    assert "LEDGER_LINES_MISMATCH" in _forge(engine, tenant, line_count=3)


def test_two_sided_and_empty_lines_are_refused(engine, tenant, posted):
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    for dr, cr in [(100, 100), (0, 0), (-100, 0)]:
        message = _refused(engine, f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
                                   "(:next_id, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, :dr, :cr, "
                                   ":next_id)",
                           {**ids, "t": tenant, "d": DAY, "dr": dr, "cr": cr})
        assert "ck_voucher_lines" in message or "CHECK" in message.upper(), message


def test_forged_voucher_into_closed_period_is_refused(engine, tenant, posted):
    with engine.begin() as conn:
        conn.execute(text("UPDATE periods SET status = 'closed' WHERE tenant_id = :t AND code = '2026-10'"),
                     {"t": tenant})
    assert "LEDGER_PERIOD_CLOSED" in _forge(engine, tenant, period="2026-10", day=dt.date(2026, 10, 15))


def test_forged_voucher_skipping_a_number_is_refused(engine, tenant, posted):
    assert "LEDGER_SEQUENCE_BROKEN" in _forge(engine, tenant, seq_offset=2)
    assert "LEDGER_SEQUENCE_BROKEN" in _forge(engine, tenant, prev_hash="not-the-chain")


def test_lines_without_a_header_are_refused_at_commit(engine, tenant, posted):
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    _refused(engine, f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
                     "(:next_id, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, 100, 0, :next_id), "
                     "(:next_id, :t, 2, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, 100, NULL)",
             {**ids, "t": tenant, "d": DAY})


def test_lines_without_a_line_1_are_refused(engine, tenant, posted):
    """Only line 1 proves its header exists, so every voucher's lines are numbered from 1 without gaps."""
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    params = {**ids, "t": tenant, "d": DAY}
    for rows in ["(:next_id, :t, 2, :d, :cash, :fund, :fn, :fy, :dept, :fs, 100, 0, NULL), "
                 "(:next_id, :t, 3, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, 100, NULL)",
                 "(:next_id, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, 100, 0, :next_id), "
                 "(:next_id, :t, 3, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, 100, NULL)"]:
        assert "LEDGER_LINES_MISMATCH" in _refused(engine, f"INSERT INTO voucher_lines ({LINE_COLUMNS}) "
                                                           f"VALUES {rows}", params)
    # Line 1 must name its own voucher (not some other, posted one) and the others none.
    line = ("INSERT INTO voucher_lines ({columns}) VALUES (:next_id, :t, {no}, :d, :cash, :fund, :fn, "
            ":fy, :dept, :fs, 100, 0, {ref})")
    for line_no, ref in [(1, ":posted"), (1, "NULL"), (0, "NULL")]:
        message = _refused(engine, line.format(columns=LINE_COLUMNS, no=line_no, ref=ref),
                           {**params, "posted": posted})
        assert "ck_voucher_lines_voucher_ref" in message or "CHECK" in message.upper(), message
    _refused(engine, line.format(columns=LINE_COLUMNS, no=1, ref=":next_id") + ";\n"
             + line.format(columns=LINE_COLUMNS, no=2, ref=":next_id"), params)


def test_series_cannot_be_rewound_or_skipped(engine, tenant, posted):
    for sql in ["UPDATE voucher_series SET last_seq = 0 WHERE tenant_id = :t",
                "UPDATE voucher_series SET last_seq = last_seq + 1 WHERE tenant_id = :t",
                "UPDATE voucher_series SET last_hash = 'x' WHERE tenant_id = :t",
                "DELETE FROM voucher_series WHERE tenant_id = :t"]:
        _refused(engine, sql, {"t": tenant})


def test_used_masters_cannot_be_recoded(engine, tenant, posted):
    _refused(engine, "UPDATE gl_accounts SET glcode = '1100199' WHERE tenant_id = :t AND glcode = '1100101'",
             {"t": tenant}, code="MASTER_IN_USE")
    _refused(engine, "UPDATE gl_accounts SET type = 'expense' WHERE tenant_id = :t AND glcode = '4501001'",
             {"t": tenant}, code="MASTER_IN_USE")
    _refused(engine, "UPDATE funds SET code = '09' WHERE tenant_id = :t AND code = '01'", {"t": tenant},
             code="MASTER_IN_USE")
    _refused(engine, "DELETE FROM gl_accounts WHERE tenant_id = :t AND glcode = '1100101'", {"t": tenant},
             code="MASTER_IN_USE")
    _refused(engine, "DELETE FROM functions WHERE tenant_id = :t AND code = '91'", {"t": tenant},
             code="MASTER_IN_USE")
    with engine.begin() as conn:  # an unused account may still be renamed or recoded
        conn.execute(text("UPDATE gl_accounts SET glcode = '1100199' WHERE tenant_id = :t "
                          "AND glcode = '1100102'"), {"t": tenant})


def test_forged_voucher_naming_a_foreign_series_or_period_is_refused(engine, factory, tenant, posted):
    """Header references are checked by the insert trigger, not by foreign keys."""
    from collection.masters import load_masters, parse_masters

    with factory() as session:  # a second ULB with its own year, periods and series
        load_masters(session, parse_masters({"tenants": [{"code": "pb", "name": "Punjab"}, {
            "code": "pb.jalandhar", "name": "MC Jalandhar", "parent": "pb",
            "financial_years": ["2026-27"]}]}))
        session.commit()
    with engine.connect() as conn:
        foreign_period = conn.execute(text("SELECT id FROM periods WHERE tenant_id = 'pb.jalandhar' "
                                           "AND code = '2026-11'")).scalar_one()
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    params = {**ids, "t": tenant, "d": DAY, "seq": ids["last_seq"] + 1, "prev": ids["last_hash"]}
    lines = (f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
             "(:next_id, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, 500, 0, :next_id), "
             "(:next_id, :t, 2, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, 500, NULL);\n")
    header = ("INSERT INTO vouchers (id, tenant_id, voucher_type, series_id, seq, number, voucher_date, "
              "period_id, request_digest, total, line_count, prev_hash, hash, created_at) VALUES "
              "(:next_id, :t, 'RECEIPT', {series}, :seq, 'FORGED/3', :d, {period}, 'x', 500, 2, :prev, "
              "'f0f0', CURRENT_TIMESTAMP)")
    for series, period in [(":series", str(foreign_period)), (":series", "987654"), ("987654", ":period")]:
        message = _refused(engine, lines + header.format(series=series, period=period), params)
        assert "LEDGER_PERIOD_CLOSED" in message or "LEDGER_SEQUENCE_BROKEN" in message, message


def test_a_period_with_postings_cannot_be_deleted(engine, tenant, posted):
    _refused(engine, "DELETE FROM periods WHERE tenant_id = :t AND code = '2026-11'", {"t": tenant},
             code="MASTER_IN_USE")
    with engine.begin() as conn:  # a period nobody posted into may go (no foreign key holds it)
        conn.execute(text("DELETE FROM periods WHERE tenant_id = :t AND code = '2027-03'"), {"t": tenant})


def test_forged_reversal_must_mirror_the_original(engine, factory, tenant, posted):
    with factory() as session:
        other = vouchers.post(session, tenant, "REVERSAL", DAY, cash_receipt(1_000_00))
        session.commit()
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
        series = conn.execute(text("SELECT id, last_seq, last_hash FROM voucher_series "
                                   "WHERE tenant_id = :t AND voucher_type = 'REVERSAL'"),
                              {"t": tenant}).one()
    # Same direction as the original (not a mirror) → refused.
    params = {**ids, "t": tenant, "d": DAY, "series": series[0], "seq": series[1] + 1,
              "prev": series[2], "orig": posted}
    sql = (f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
           "(:next_id, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, 100000, 0, :next_id), "
           "(:next_id, :t, 2, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, 100000, NULL);\n"
           "INSERT INTO vouchers (id, tenant_id, voucher_type, series_id, seq, number, voucher_date, "
           "period_id, request_digest, reversal_of_id, total, line_count, prev_hash, hash, created_at) "
           "VALUES (:next_id, :t, 'REVERSAL', :series, :seq, 'FORGED/2', :d, :period, 'x', :orig, 100000, 2, "
           ":prev, 'f0f0', CURRENT_TIMESTAMP)")
    assert "LEDGER_REVERSAL_MISMATCH" in _refused(engine, sql, params)
    assert other.number == "XV/2026-27/000001"


def test_kept_balance_tampering(engine, factory, tenant, posted):
    """PostgreSQL refuses direct writes to kept balances; on SQLite `ledger check` exposes them."""
    sql = "UPDATE ledger_balances SET debit = debit + 1 WHERE tenant_id = :t"
    if engine.dialect.name == "postgresql":
        _refused(engine, sql, {"t": tenant}, code="LEDGER_APPEND_ONLY")
        _refused(engine, "TRUNCATE voucher_lines", code="LEDGER_APPEND_ONLY")
        return
    with engine.begin() as conn:
        conn.execute(text(sql), {"t": tenant})
    with factory() as session:
        problems = check_ledger(session)
    assert problems and {p.kind for p in problems} == {"balance"}


def test_check_is_clean_after_refused_tampering(factory, engine, tenant, posted):
    _forge(engine, tenant, debit=500, credit=400)
    with factory() as session:
        assert check_ledger(session) == []


def test_stray_lines_without_a_header_do_not_block_postings(engine, db_url, factory, tenant, posted):
    """SQLite's own shell runs with foreign keys off, so lines without a header can be written there;
    the next voucher id passes them by, and `ledger check` keeps reporting them."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces the deferred foreign key (and draws ids from a sequence)")
    import sqlite3

    from sqlalchemy import make_url

    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    stray = posted + 1  # the id the next posting would have drawn
    raw = sqlite3.connect(make_url(db_url).database)
    raw.execute("PRAGMA foreign_keys = OFF")
    with raw:
        raw.execute(f"INSERT INTO voucher_lines ({LINE_COLUMNS}) VALUES "
                    "(:v, :t, 1, :d, :cash, :fund, :fn, :fy, :dept, :fs, 500, 0, :v), "
                    "(:v, :t, 2, :d, :income, :fund, :fn, :fy, :dept, :fs, 0, 500, NULL)",
                    {**ids, "v": stray, "t": tenant, "d": DAY.isoformat()})
    raw.close()
    with factory() as session:
        after = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100))
        session.commit()
        assert (after.id, after.number) == (stray + 1, "RV/2026-27/000002")
        assert [p.message for p in check_ledger(session)] == [f"lines of voucher id {stray} have no header"]


@pytest.mark.postgres_only
def test_check_reports_a_lost_series_period_or_master(engine, factory, tenant, posted):
    """Rows deleted past every guard (triggers off, as a superuser can): `ledger check` names them."""
    with engine.connect() as conn:
        ids = _ids(conn, tenant)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("DELETE FROM voucher_series WHERE id = :s"), {"s": ids["series"]})
        conn.execute(text("DELETE FROM periods WHERE id = :p"), {"p": ids["period"]})
        conn.execute(text("DELETE FROM funds WHERE id = :f"), {"f": ids["fund"]})
        year, first_period = conn.execute(text(
            "SELECT y.id, min(p.id) FROM financial_years y JOIN periods p ON p.financial_year_id = y.id "
            "WHERE y.tenant_id = :t AND y.code = '2027-28' GROUP BY y.id"), {"t": tenant}).one()
        conn.execute(text("DELETE FROM financial_years WHERE id = :y"), {"y": year})
    with factory() as session:
        problems = check_ledger(session)
    series = f"series RECEIPT of {tenant} (id {ids['series']}) has 1 voucher(s) but no series row"
    fund = f"fund id {ids['fund']} no longer exists (2 line(s) name it, the first in voucher id {posted})"
    period = (f"period id {ids['period']} no longer exists (1 voucher(s) name it, the first in "
              f"voucher id {posted})")
    fy = f"financial year id {year} no longer exists (12 period(s) name it, the first in period id {first_period})"
    assert sorted(problems) == sorted([("chain", tenant, series), ("master", tenant, fund),
                                       ("master", tenant, period), ("master", tenant, fy)])


# -- revision 0006: INSERT OR REPLACE (SQLite), TRUNCATE (PostgreSQL), a close racing a posting

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
    # moving an unused row onto a used one's key would delete the used one, unguarded
    message = _refused(engine, "UPDATE OR REPLACE gl_accounts SET glcode = '4501001' "
                               "WHERE tenant_id = :t AND glcode = '4501072'", {"t": tenant})
    assert "UNIQUE constraint failed: gl_accounts.tenant_id, gl_accounts.glcode" in message
    message = _refused(engine, "UPDATE OR REPLACE funds SET code = '01' WHERE tenant_id = :t AND code = '02'",
                       {"t": tenant})
    assert "UNIQUE constraint failed: funds.tenant_id, funds.code" in message
    # a financial year that periods name is not deleted even with foreign keys off
    message = _refused(engine, "DELETE FROM financial_years WHERE tenant_id = :t AND code = '2026-27'",
                       {"t": tenant})
    assert "MASTER_IN_USE" in message
    with engine.begin() as conn:  # renaming a row in place is still allowed
        conn.execute(text("UPDATE OR REPLACE funds SET name = 'General Fund' WHERE tenant_id = :t AND code = '01'"),
                     {"t": tenant})
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
