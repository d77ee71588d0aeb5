"""Trial balance, GL statement and balances, as an accountant reads them."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

import vouchers
from ledger.check import check_ledger
from ledger.errors import NotFound, ValidationError
from ledger.reports import balance, statement, trial_balance
from tests.helpers import line

OCT, NOV = dt.date(2026, 10, 10), dt.date(2026, 11, 10)


@pytest.fixture
def books(session, tenant):
    vouchers.post(session, tenant, "RECEIPT", OCT, [line("4501001", dr=5_000_00), line("1100101", cr=5_000_00)])
    vouchers.post(session, tenant, "RECEIPT", NOV, [line("4501001", dr=1_603_00, function="5100"),
                                                    line("1401202", cr=1_603_00, function="5100")])
    vouchers.post(session, tenant, "CONTRA", NOV + dt.timedelta(days=1),
                  [line("4502101", dr=6_000_00), line("4501001", cr=6_000_00)])
    session.commit()
    return session


def test_trial_balance_for_a_month(books, tenant):
    tb = trial_balance(books, tenant, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    rows = {r.glcode: r for r in tb.rows}
    assert rows["4501001"] == ("4501001", "Cash-Cash On Hand", "asset", 5_000_00, 1_603_00, 6_000_00, 603_00)
    assert rows["1100101"].opening == -5_000_00 and rows["1100101"].debit == rows["1100101"].credit == 0
    assert rows["4502101"].closing == 6_000_00
    assert rows["1401202"].closing == -1_603_00
    assert tb.balanced
    assert (tb.debit, tb.credit) == (7_603_00, 7_603_00)
    assert tb.opening_debit == tb.opening_credit == 5_000_00
    assert tb.closing_debit == tb.closing_credit == 6_603_00


def test_trial_balance_by_segment(books, tenant):
    tb = trial_balance(books, tenant, dt.date(2026, 4, 1), dt.date(2027, 3, 31), {"function": "5100"})
    assert [(r.glcode, r.closing) for r in tb.rows] == [("1401202", -1_603_00), ("4501001", 1_603_00)]
    with pytest.raises(NotFound) as exc:
        trial_balance(books, tenant, OCT, NOV, {"fund": "42"})
    assert exc.value.code == "LEDGER_UNKNOWN_FUND"
    with pytest.raises(ValidationError):
        trial_balance(books, tenant, NOV, OCT)


def test_statement_has_running_balance(books, tenant):
    st = statement(books, tenant, "4501001", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert st.opening == 5_000_00
    assert [(e.voucher_number, e.debit, e.credit, e.balance) for e in st.entries] == [
        ("RV/2026-27/000002", 1_603_00, 0, 6_603_00), ("CV/2026-27/000001", 0, 6_000_00, 603_00)]
    assert st.closing == 603_00


def test_balance_as_of_a_date(books, tenant):
    assert balance(books, tenant, "4501001", OCT - dt.timedelta(days=1)) == 0
    assert balance(books, tenant, "4501001", OCT) == 5_000_00
    assert balance(books, tenant, "4501001", NOV + dt.timedelta(days=1)) == 603_00
    with pytest.raises(NotFound):
        balance(books, tenant, "0000000", NOV)


def test_check_detects_a_changed_line_even_with_triggers_dropped(books, engine, tenant):
    """Tamper evidence: someone with DDL rights drops the guard and edits a line."""
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER ledger_lines_append_only"
                          + (" ON voucher_lines" if engine.dialect.name == "postgresql" else "")))
        conn.execute(text("UPDATE voucher_lines SET debit = debit + 100 WHERE line_no = 1 AND debit > 0"))
        conn.execute(text("UPDATE voucher_lines SET credit = credit + 100 WHERE line_no = 2 AND credit > 0"))
    problems = check_ledger(books)
    kinds = {p.kind for p in problems}
    assert {"balance", "chain"} <= kinds
    assert any("no longer matches its hash" in p.message for p in problems)


def test_an_unknown_tenant_is_refused_not_shown_as_clean_books(books, tenant):
    """A typo in the tenant must not read as empty, balanced books."""
    day = dt.date(2026, 11, 30)
    for report in (lambda: trial_balance(books, "pb.amritser", OCT, day),
                   lambda: statement(books, "pb.amritser", "4501001", OCT, day),
                   lambda: balance(books, "pb.amritser", "4501001", day),
                   lambda: check_ledger(books, "pb.amritser")):
        with pytest.raises(NotFound) as exc:
            report()
        assert (exc.value.code, exc.value.field) == ("TENANT_NOT_FOUND", "tenant")
    assert check_ledger(books, tenant) == []
    with pytest.raises(NotFound) as exc:  # a known tenant's unknown account is still that
        balance(books, tenant, "0000000", day)
    assert exc.value.code == "LEDGER_UNKNOWN_GL"
