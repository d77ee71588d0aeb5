"""Many cashiers, one bill: never more collected than outstanding, numbers stay gapless.

Runs on both databases: PostgreSQL queues the payments on the bill's row lock,
SQLite on its single writer (``BEGIN IMMEDIATE`` with a busy timeout).
"""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from collection.bills.models import BillAccount
from collection.receipts.models import Receipt
from collection.receipts.payments import collect
from ledger import reports
from ledger.check import check_ledger
from ledger.db import unit_of_work
from ledger.errors import RasidError
from tests.collection.receipts_support import CASHIER, DAY, PT_1, PT_2, cash, submit_examples

CLIENTS = 16


def _race(factory, tenant, payment_for) -> tuple[list, Counter]:
    """Run ``CLIENTS`` payments at once; return the payments made and the refusal codes."""
    start = threading.Barrier(CLIENTS)
    made, refusals, crashes = [], Counter(), []

    def client(n: int) -> None:
        try:
            start.wait()
            with unit_of_work(factory) as session:
                made.append(collect(session, tenant, payment_for(n), CASHIER, today=DAY))
        except RasidError as exc:
            refusals[exc.code] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            crashes.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not crashes, crashes
    return made, refusals


def test_sixteen_full_payments_of_one_bill_collect_it_once(factory, tenant):
    with factory() as session:
        submit_examples(session, tenant)
    made, refusals = _race(factory, tenant, lambda n: cash((PT_2, 3850000)))
    assert len(made) == 1 and refusals == Counter({"BILL_ALREADY_PAID": CLIENTS - 1})
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Receipt)) == 1
        assert check_ledger(session) == []


def test_sixteen_part_payments_never_take_the_bill_below_zero(factory, tenant):
    with factory() as session:
        bills = submit_examples(session, tenant)
    # 14,185.75 due; sixteen payers of 2,000 each: seven fit, the eighth pays the last 185.75 and
    # 1,814.25 of advance (property tax takes advances), the other eight find the bill paid
    made, refusals = _race(factory, tenant, lambda n: cash((PT_1, 200000)))
    assert len(made) == 8 and refusals == Counter({"BILL_ALREADY_PAID": CLIENTS - 8})
    with factory() as session:
        collected = session.scalar(select(func.sum(Receipt.amount_paise)))
        advance = session.scalar(select(func.sum(Receipt.advance_paise)))
        paid = session.scalars(select(BillAccount).where(BillAccount.bill_id == bills[PT_1].id)).all()
        assert all(a.paid_paise == max(a.cr_paise, a.dr_paise) for a in paid)  # full, never over
        assert collected == 200000 * 8 == sum(a.paid_paise for a in paid if a.cr_paise) - 60000 + advance
        assert advance == 200000 * 8 - 1418575
        numbers = sorted(session.scalars(select(Receipt.number)))
        assert numbers == [f"11/2026-27/{n:06d}" for n in range(1, len(made) + 1)]
        tb = {r.glcode: r for r in reports.trial_balance(session, tenant, DAY, DAY).rows}
        assert tb["4501001"].closing == collected
        assert check_ledger(session) == []


def test_concurrent_retries_with_one_idempotency_key_collect_once(factory, tenant):
    with factory() as session:
        submit_examples(session, tenant)
    made, refusals = _race(factory, tenant, lambda n: cash((PT_2, 1000000), key="gw-txn-8812"))
    assert not refusals and len(made) == CLIENTS
    assert sum(not p.replayed for p in made) == 1
    assert len({p.receipts[0].number for p in made}) == 1


@pytest.mark.postgres_only
def test_two_first_receipts_of_the_year_at_once_are_numbered_one_and_two(factory, tenant):
    """The second payment finds no series row (the first one's is not committed), starts it too,
    waits for the first to commit, and takes the next number instead of failing."""
    with factory() as session:
        submit_examples(session, tenant)
    first = factory()
    collect(first, tenant, cash((PT_2, 10_000_00)), CASHIER, today=DAY)  # holds the new series row
    outcome: dict = {}

    def second() -> None:
        try:
            with unit_of_work(factory) as session:
                outcome["seqs"] = [r.seq for r in collect(session, tenant, cash((PT_1, 2_000_00)), CASHIER,
                                                          today=DAY).receipts]
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome["crash"] = exc

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(1.0)  # the second payment now waits on the first's series row
    first.commit()
    first.close()
    thread.join(30)
    assert outcome == {"seqs": [2]}
    with factory() as session:
        assert sorted(session.scalars(select(Receipt.seq))) == [1, 2]
