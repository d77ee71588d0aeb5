"""Collection throughput on PostgreSQL: receipts/s against pgbench in the same run.

    .venv/bin/python benchmarks/collect.py           # ~3 minutes
    .venv/bin/python benchmarks/collect.py --quick   # a smoke run

A throw-away database with the example masters and generated property-tax
bills (3 heads each, part payment allowed), 200 of them paid as a warm-up and
the database analysed, as a system in service would be. Then, each payment one
transaction through ``collection.receipts.payments.collect`` (find and lock
the bill, apportion, number the receipt, post its receipt voucher, keep the
heads' paid amounts):

* single-bill cash payments in full from 1 client and from 4 client processes,
  each against pgbench TPC-B-like TPS with as many clients, the better of a run
  before and one after (target ≥ 0.4 ×); the
  4 clients once as four counters of one ULB (they queue on its receipt and
  voucher series, gapless by law) and once as counters of four ULBs;
* 16 client processes making part payments of ₹1 on 100 hot bills, to show
  contention on the bill rows and on the receipt and voucher series.

Every timed run, rasid's and pgbench's, starts after a ``CHECKPOINT`` (``_pg.settle``).
At the end it checks the books: Σ receipts = cash in hand in the trial
balance, and ``check_ledger`` finds nothing wrong.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import migrations  # noqa: E402
from benchmarks._masters import clone_tenant  # noqa: E402
from benchmarks._pg import fresh_database, pgbench_tps, settle  # noqa: E402
from collection.audit import Actor  # noqa: E402
from collection.bills.intake import submit_bill_xml  # noqa: E402
from collection.masters import load_masters, read_masters_file  # noqa: E402
from collection.receipts.instruments import InstrumentIn  # noqa: E402
from collection.receipts.models import Receipt  # noqa: E402
from collection.receipts.payments import BillPayment, PaymentIn, collect  # noqa: E402
from ledger.check import check_ledger  # noqa: E402
from ledger.money import format_rupees  # noqa: E402
from ledger.db import make_engine, session_factory, unit_of_work  # noqa: E402
from ledger.errors import RasidError  # noqa: E402
from ledger.reports import trial_balance  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TENANT = "pb.amritsar"
DAY = dt.date(2026, 11, 23)
OTHER_TENANTS = ("bench.t2", "bench.t3", "bench.t4")  #: copies of the example ULB
CASH_IN_HAND = "4501001"
HEADS = (("1100101", "Property tax"), ("1718001", "Interest on arrears"), ("1405005", "Garbage charges"))


def bill_document(prefix: str, start: int, count: int) -> bytes:
    """``count`` property-tax bills of three heads (₹1,000–₹5,000 each), part payment allowed."""
    rng = random.Random(start)
    bills = []
    for n in range(start, start + count):
        amounts = [rng.randint(1000_00, 5000_00) for _ in HEADS]
        accounts = "".join(
            f'<account glCode="{gl}" order="{i}" description="{name}" isActualDemand="1" purpose="OTHERS">'
            f"<crAmount>{a // 100}.{a % 100:02d}</crAmount><drAmount>0</drAmount>"
            f"<functionCode>91</functionCode></account>"
            for i, ((gl, name), a) in enumerate(zip(HEADS, amounts), start=1))
        total = sum(amounts)
        bills.append(f'<bill refNo="{prefix}-{n:06d}" billDate="01/11/2026" consumerCode="C-{prefix}-{n:06d}">'
                     f"<totalAmount>{total // 100}.{total % 100:02d}</totalAmount><minimumAmount>0</minimumAmount>"
                     f"<accounts>{accounts}</accounts></bill>")
    return ("<bill-collect><serviceCode>PT</serviceCode><fundCode>01</fundCode><functionaryCode>999</functionaryCode>"
            "<fundSourceCode>01</fundSourceCode><departmentCode>REV</departmentCode>"
            "<partPaymentAllowed>1</partPaymentAllowed><payees><payee><payeeName>Bench Payer</payeeName><bills>"
            + "".join(bills) + "</bills></payee></payees></bill-collect>").encode()


def load_bills(url: str, prefix: str, count: int, tenant: str = TENANT) -> None:
    factory = session_factory(make_engine(url))
    for start in range(0, count, 100):
        with unit_of_work(factory) as session:
            submit_bill_xml(session, tenant, bill_document(prefix, start, min(100, count - start)))


def _pay_in_full(url: str, refs: list[str], tenant: str = TENANT) -> int:
    engine = make_engine(url)
    factory = session_factory(engine)
    actor = Actor(f"{tenant}/cashier-{os.getpid()}")
    from collection.bills.models import Bill
    with factory() as session:
        totals = dict(session.execute(select(Bill.ref_no, Bill.total_paise).where(
            Bill.tenant_id == tenant, Bill.ref_no.in_(refs))).all())
    for ref in refs:
        amount = totals[ref]
        with unit_of_work(factory) as session:
            collect(session, tenant, PaymentIn(InstrumentIn("cash", amount), [BillPayment(amount, ref_no=ref)]),
                    actor, today=DAY)
    engine.dispose()
    return len(refs)


def _pay_hot(url: str, refs: list[str], count: int, seed: int) -> tuple[int, int]:
    engine = make_engine(url)
    factory = session_factory(engine)
    actor = Actor(f"{TENANT}/cashier-{os.getpid()}")
    rng = random.Random(seed)
    done = refused = 0
    for _ in range(count):
        ref = rng.choice(refs)
        try:
            with unit_of_work(factory) as session:
                collect(session, TENANT, PaymentIn(InstrumentIn("cash", 100), [BillPayment(100, ref_no=ref)]),
                        actor, today=DAY)
            done += 1
        except RasidError:
            refused += 1
    engine.dispose()
    return done, refused


def rate_in_full(url: str, refs: list[str], tenants: list[str]) -> float:
    """Receipts/s of one client per tenant in ``tenants`` (a tenant may repeat), sharing ``refs``
    between the clients of a tenant; every tenant holds bills under the same references."""
    clients = len(tenants)
    work = [(url, refs[i::clients] if tenants.count(tenant) > 1 else refs, tenant)
            for i, tenant in enumerate(tenants)]
    settle()
    start = time.perf_counter()
    if clients == 1:
        _pay_in_full(*work[0])
    else:
        with mp.get_context("fork").Pool(clients) as pool:
            pool.starmap(_pay_in_full, work)
    return sum(len(w[1]) for w in work) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer payments, shorter pgbench runs")
    args = parser.parse_args()
    single, hot_each, pg_seconds = (300, 20, 5) if args.quick else (2000, 100, 15)

    url = fresh_database("rasid_bench_collect")
    engine = make_engine(url)
    migrations.upgrade(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_masters(session, read_masters_file(ROOT / "examples" / "masters.yaml"))
        for tenant in OTHER_TENANTS:
            clone_tenant(session, tenant)
    print(f"loading {3 * single + 300 + 3 * single // 4:,} bills …", flush=True)
    load_bills(url, "A", single)
    load_bills(url, "B", single)
    load_bills(url, "C", single // 4)
    for tenant in OTHER_TENANTS:
        load_bills(url, "C", single // 4, tenant)
    load_bills(url, "H", 100)
    load_bills(url, "W", 200)
    # A system in service has receipts and statistics on them: pay a warm-up batch, then analyse
    # as autovacuum would have by now (it is off on CI machines). Without it the planner keeps the
    # plans it made for empty receipts and instruments tables, foreign-key checks included, and
    # they scan the tenant's rows on every payment.
    _pay_in_full(url, [f"W-{n:06d}" for n in range(200)])
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    # pgbench before and after each client count, and the better of the two: its runs vary
    tps1 = pgbench_tps(1, pg_seconds)
    one = rate_in_full(url, [f"A-{n:06d}" for n in range(single)], [TENANT])
    tps1 = max(tps1, pgbench_tps(1, pg_seconds))
    tps4 = pgbench_tps(4, pg_seconds)
    four = rate_in_full(url, [f"B-{n:06d}" for n in range(single)], [TENANT] * 4)
    spread = rate_in_full(url, [f"C-{n:06d}" for n in range(single // 4)], [TENANT, *OTHER_TENANTS])
    tps4 = max(tps4, pgbench_tps(4, pg_seconds))

    hot = [f"H-{n:06d}" for n in range(100)]
    settle()
    start = time.perf_counter()
    with mp.get_context("fork").Pool(16) as pool:
        results = pool.starmap(_pay_hot, [(url, hot, hot_each, seed) for seed in range(16)])
    hot_rate = sum(d for d, _ in results) / (time.perf_counter() - start)
    refused = sum(r for _, r in results)

    with session_factory(engine)() as session:
        collected = dict(session.execute(select(Receipt.tenant_id, func.sum(Receipt.amount_paise))
                                         .group_by(Receipt.tenant_id)).all())
        receipts = session.scalar(select(func.count()).select_from(Receipt))
        in_hand = {tenant: next(r.closing for r in trial_balance(session, tenant, DAY, DAY).rows
                                if r.glcode == CASH_IN_HAND) for tenant in collected}
        problems = check_ledger(session)
    engine.dispose()
    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    print(f"{'measure':<44}{'rasid':>14}{'pgbench tps':>14}{'ratio':>8}")
    print(f"{'single-bill payments, 1 client':<44}{one:>10.0f} r/s{tps1:>14.0f}{one / tps1:>8.2f}")
    print(f"{'single-bill payments, 4 clients, 1 tenant':<44}{four:>10.0f} r/s{tps4:>14.0f}{four / tps4:>8.2f}")
    print(f"{'single-bill payments, 4 clients, 4 tenants':<44}{spread:>10.0f} r/s{tps4:>14.0f}"
          f"{spread / tps4:>8.2f}")
    print(f"{'part payments, 16 clients on 100 hot bills':<44}{hot_rate:>10.0f} r/s{'':>14}{'':>8}"
          f"  ({refused} refused)")
    print("\ntarget: ≥ 0.40 × pgbench TPS with the same clients")
    print(f"books: {receipts:,} receipts, Σ {format_rupees(sum(collected.values()))} rupees; cash in hand "
          f"{format_rupees(sum(in_hand.values()))}; ledger check: {'clean' if not problems else problems}")
    if collected != in_hand or problems:
        raise SystemExit("the books do not agree with the receipts")


if __name__ == "__main__":
    main()
