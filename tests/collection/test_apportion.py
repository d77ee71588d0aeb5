"""Apportioning never loses a paisa, never overfills a head, and fills heads strictly in order."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from collection.receipts.apportion import Head, apportion, outstanding

credit_heads = st.lists(st.tuples(st.integers(0, 5), st.integers(1, 10**7), st.integers(0, 100)),
                        min_size=1, max_size=8)


@st.composite
def bills(draw):
    """A bill's heads (maybe part paid) with rebates never above the dues, and an amount to pay."""
    raw = draw(credit_heads)
    heads = []
    for n, (order, due, paid_pct) in enumerate(raw, start=1):
        heads.append(Head(n, order, n, cr_paise=due, paid_paise=due * paid_pct // 100))
    dues = sum(h.cr_paise - h.paid_paise for h in heads)
    if draw(st.booleans()) and dues > 1:
        heads.append(Head(99, draw(st.integers(0, 5)), 99, dr_paise=draw(st.integers(1, dues // 2))))
    amount = draw(st.integers(0, outstanding(heads) + 10**5))
    return heads, amount


@settings(max_examples=400)
@given(bills())
def test_every_paisa_lands_somewhere(case):
    heads, amount = case
    split = apportion(heads, amount)
    assert split.credited - split.rebated + split.excess == amount
    assert split.excess == max(amount - outstanding(heads), 0)


@settings(max_examples=400)
@given(bills())
def test_no_head_gets_more_than_it_owes(case):
    heads, amount = case
    owing = {h.key: h.owing for h in heads}
    for share in apportion(heads, amount).shares:
        assert 0 < share.cr_paise + share.dr_paise <= owing[share.key]
        assert (share.cr_paise == 0) != (share.dr_paise == 0)


@settings(max_examples=400)
@given(bills())
def test_heads_fill_strictly_in_order(case):
    heads, amount = case
    split = apportion(heads, amount)
    got = {s.key: s.cr_paise for s in split.shares}
    ordered = sorted((h for h in heads if h.cr_paise), key=lambda h: (h.order, h.line_no))
    # a head gets something only when every head before it is full
    for before, head in zip(ordered, ordered[1:]):
        if got.get(head.key, 0) > 0:
            assert got.get(before.key, 0) == before.owing


@given(bills())
def test_rebates_apply_in_full_with_the_first_payment(case):
    heads, amount = case
    split = apportion(heads, amount)
    assert split.rebated == sum(h.owing for h in heads if h.dr_paise)


@given(bills(), st.integers(1, 5))
def test_paying_in_instalments_ends_where_one_payment_would(case, parts):
    heads, _ = case
    total = outstanding(heads)
    state = {h.key: h for h in heads}
    for n in range(parts):
        amount = total // parts + (total % parts if n == parts - 1 else 0)
        for share in apportion(list(state.values()), amount).shares:
            head = state[share.key]
            state[share.key] = head._replace(paid_paise=head.paid_paise + share.cr_paise + share.dr_paise)
        assert apportion(list(state.values()), 0).excess == 0
    assert outstanding(list(state.values())) == 0
