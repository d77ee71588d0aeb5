"""Many writers at once: numbers stay gapless and unique, nobody deadlocks, the chain holds."""
from __future__ import annotations

import threading

from sqlalchemy import select

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
