"""Many writers at once: numbers stay gapless and unique, nobody deadlocks, the chain holds."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

import vouchers
from ledger.check import check_ledger
from ledger.db import session_factory, unit_of_work
from ledger.models import Voucher
from tests.helpers import DAY, line

THREADS = 8
EACH = 20


def test_concurrent_posting_is_gapless_without_deadlocks(engine, tenant):
    factory = session_factory(engine)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                # Half the threads share the RECEIPT series; all share the cash and income balance
                # rows, touched in opposite orders, which would deadlock without ordered upserts.
                vtype = "RECEIPT" if n % 2 else "JOURNAL"
                lines = ([line("4501001", dr=100 + i), line("1100101", cr=100 + i)] if n % 2 else
                         [line("1100101", dr=100 + i), line("4501001", cr=100 + i)])
                with unit_of_work(factory) as session:
                    vouchers.post(session, tenant, vtype, DAY, lines, idempotency_key=f"t{n}:{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with factory() as session:
        for vtype, prefix in (("RECEIPT", "RV"), ("JOURNAL", "JV")):
            numbers = sorted(session.scalars(select(Voucher.number).where(Voucher.voucher_type == vtype)))
            expected = [f"{prefix}/2026-27/{n:06d}" for n in range(1, THREADS // 2 * EACH + 1)]
            assert numbers == expected
        assert check_ledger(session) == []


def test_a_retry_racing_its_first_try_gets_the_original_voucher(engine, tenant):
    """A client retries while its first request is still posting: the retry waits for the series
    row, then answers with the voucher the first try committed (PostgreSQL; SQLite's writers
    queue for the whole transaction)."""
    factory = session_factory(engine)
    lines = [line("4501001", dr=700), line("1100101", cr=700)]
    with unit_of_work(factory) as session:  # the series exists: the retry queues on its row
        vouchers.post(session, tenant, "JOURNAL", DAY, [line("4501001", dr=100), line("1100101", cr=100)])
    first = factory()
    original = vouchers.post(first, tenant, "JOURNAL", DAY, lines, idempotency_key="client-42")
    answers: list = []

    def retry() -> None:
        with unit_of_work(factory) as session:
            answers.append(vouchers.post(session, tenant, "JOURNAL", DAY, lines, idempotency_key="client-42"))

    if engine.dialect.name == "sqlite":
        first.commit()
        retry()
    else:
        thread = threading.Thread(target=retry)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the series row the first try holds
        first.commit()
        thread.join(10)
    first.close()
    [again] = answers
    assert again.replayed and (again.id, again.number) == (original.id, original.number)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Voucher)) == 2
