"""Hypothesis: balanced vouchers post and every kept balance equals its lines; others leave no trace."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

import vouchers
from ledger.check import check_ledger
from ledger.errors import LedgerError
from ledger.models import Voucher, VoucherLine
from ledger.reports import trial_balance
from tests.helpers import line

ACCOUNTS = ["4501001", "4501051", "1100101", "1401202", "1109002", "3504101", "4502101"]
FUNCTIONS = ["91", "99", "5100"]
DAYS = [dt.date(2026, 11, d) for d in (1, 2, 15, 30)] + [dt.date(2026, 12, 1)]

amounts = st.integers(min_value=1, max_value=10**11)  # up to ₹100 crore a line
sides = st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(FUNCTIONS), amounts)


@st.composite
def balanced_vouchers(draw):
    debits = draw(st.lists(sides, min_size=1, max_size=4))
    total = sum(a for _, _, a in debits)
    # Split the total over 1..4 credit lines, every paisa accounted for.
    cuts = sorted(draw(st.lists(st.integers(1, max(total - 1, 1)), max_size=3, unique=True)))
    cuts = [c for c in cuts if 0 < c < total]
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    credits = [(draw(st.sampled_from(ACCOUNTS)), draw(st.sampled_from(FUNCTIONS)), p) for p in parts]
    lines = [line(g, dr=a, function=f) for g, f, a in debits] + [line(g, cr=a, function=f) for g, f, a in credits]
    return draw(st.sampled_from(DAYS)), draw(st.permutations(lines))


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(batch=st.lists(balanced_vouchers(), min_size=1, max_size=4))
def test_balanced_vouchers_post_and_kept_balances_equal_the_lines(factory, tenant, batch):
    with factory() as session:
        for day, lines in batch:
            vouchers.post(session, tenant, "JOURNAL", day, lines)
        session.commit()
        assert check_ledger(session) == []
        tb = trial_balance(session, tenant, dt.date(2026, 4, 1), dt.date(2027, 3, 31))
        assert tb.balanced
        assert tb.debit == tb.credit
        line_total = session.scalar(select(func.sum(VoucherLine.debit)))
        assert tb.debit == line_total


@SETTINGS
@given(voucher=balanced_vouchers(), skew=st.integers(-10**6, 10**6).filter(bool))
def test_unbalanced_vouchers_are_refused_and_leave_no_trace(factory, tenant, voucher, skew):
    day, lines = voucher
    first = lines[0]
    skewed = first._replace(debit=first.debit + skew) if first.debit else first._replace(credit=first.credit + skew)
    if (skewed.debit or skewed.credit) <= 0:
        skewed = skewed._replace(debit=abs(skew)) if first.debit else skewed._replace(credit=abs(skew))
    lines = [skewed, *lines[1:]]
    if sum(x.debit for x in lines) == sum(x.credit for x in lines):
        return
    with factory() as session:
        before = session.scalar(select(func.count()).select_from(Voucher))
        try:
            vouchers.post(session, tenant, "JOURNAL", day, lines)
        except LedgerError as exc:
            assert exc.code == "LEDGER_UNBALANCED"
        else:
            raise AssertionError("an unbalanced voucher was posted")
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Voucher)) == before
        assert check_ledger(session) == []
