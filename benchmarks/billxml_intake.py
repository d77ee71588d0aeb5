"""Bill XML intake: validation against bare libxml2, then storing bills in PostgreSQL and SQLite.

    .venv/bin/python benchmarks/billxml_intake.py            # 10,000 bills in 100 files
    .venv/bin/python benchmarks/billxml_intake.py --quick    # 1,000 bills in 10 files

Generates FILES documents of 100 bills x 5 account heads (one a rebate) whose codes are in
examples/masters.yaml, then prints, in one run:

  validation  CPU time per document, alternating document by document (so load from other
              processes weighs on both alike): bare ``lxml`` parse + ``XMLSchema.validate``
              (the same XSD, compiled once) against rasid's validate-and-parse,
              ``parse_bill_xml`` (secure parse, XSD, model in paise, totals; and, on the second
              line, the masters checks against in-memory masters). Target: <= 2 x bare lxml.
  intake      ``submit_bill_xml`` one transaction per document (masters lookup, validation,
              locking the active versions, storing the document, bills and heads, commit), wall
              time, into a throw-away PostgreSQL database and a temporary SQLite file, both
              migrated and loaded with examples/masters.yaml; then the same documents again
              (every bill unchanged: nothing written). Target: >= 1,000 bills/s on PostgreSQL.
              One extra document is stored first and the database ANALYZEd, as autovacuum
              does on a production server (this machine's PostgreSQL runs without it: never
              analyzed, the bills table looks empty to the planner, and the foreign-key checks
              of every head scan it).

The load average is printed before and after: other processes on the machine move the figures.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import migrations
from benchmarks._pg import fresh_database
from billxml import (
    XSD_PATH,
    Account,
    Bill,
    BillCollect,
    CollectionMode,
    CollectionType,
    DictMasters,
    Payee,
    Purpose,
    parse_bill_xml,
    write_bill_xml,
)
from collection.bills.intake import submit_bill_xml
from collection.masters import load_masters, read_masters_file
from ledger.db import make_engine, session_factory, unit_of_work

ROOT = Path(__file__).resolve().parents[1]
TENANT = "pb.amritsar"
BILLS = 100
#: (glCode, purpose, credit?) of the five heads: arrears, interest, current tax, a fee, a rebate
HEADS = (("1100101", Purpose.ARREAR_AMOUNT, True), ("1718001", Purpose.ARREAR_LATEPAYMENT_CHARGES, True),
         ("1100101", Purpose.CURRENT_AMOUNT, True), ("1405005", Purpose.OTHERS, True),
         ("1109002", Purpose.REBATE, False))


def make_document(number: int) -> bytes:
    """One document: a payee per ten bills, 100 bills of five heads each, unique keys."""
    payees = []
    for p in range(BILLS // 10):
        bills = []
        for b in range(p * 10, p * 10 + 10):
            accounts = tuple(
                Account(gl_code=gl, order=n + 1, function_code="91", purpose=purpose,
                        description=f"{purpose.value.title().replace('_', ' ')} 2026-27",
                        is_actual_demand=credit,
                        cr_paise=(1_000_00 * (n + 1) + 37 * b + number) if credit else 0,
                        dr_paise=0 if credit else 50_00 + b)
                for n, (gl, purpose, credit) in enumerate(HEADS))
            total = sum(a.cr_paise for a in accounts) - sum(a.dr_paise for a in accounts)
            bills.append(Bill(
                ref_no=f"PT/2026-27/{number:03d}{b:03d}", bill_date=date(2026, 4, 1) + timedelta(days=b % 60),
                consumer_code=f"PT-AMR-{number:03d}-{b:04d}", total_paise=total, accounts=accounts,
                minimum_paise=total // 4, consumer_type="RESIDENTIAL", boundary_num=b % 40 + 1,
                boundary_type="Ward", description=f"Property tax 2026-27, assessment {number}/{b}"))
        payees.append(Payee(name=f"Payee {number}-{p}", address=f"House {p}, Lawrence Road, Amritsar",
                            email=None, bills=tuple(bills)))
    return write_bill_xml(BillCollect(
        service_code="PT", fund_code="01", department_code="REV", functionary_code="999",
        fund_source_code="01", display_message="Property tax 2026-27", part_payment_allowed=True,
        collection_type=CollectionType.COUNTER, collection_modes_not_allowed=(CollectionMode.BANK_CHALLAN,),
        payees=tuple(payees)))


def example_masters() -> DictMasters:
    """The masters file as billxml's in-memory masters, for validation without a database."""
    [amritsar] = [t for t in read_masters_file(ROOT / "examples" / "masters.yaml").tenants if t.code == TENANT]
    return DictMasters.of(services=[s.code for s in amritsar.services],
                          gl_accounts=[a.glcode for a in amritsar.accounts],
                          funds=[f.code for f in amritsar.funds],
                          functions=[f.code for f in amritsar.functions],
                          functionaries=[f.code for f in amritsar.functionaries],
                          departments=[d.code for d in amritsar.departments],
                          fund_sources=[f.code for f in amritsar.fund_sources])


def cpu_per_document(actions: list[Callable[[bytes], object]], documents: list[bytes],
                     rounds: int) -> list[float]:
    """Median over rounds of each action's mean CPU seconds per document, interleaved."""
    per_round = []
    for _ in range(rounds):
        totals = [0.0] * len(actions)
        for number, data in enumerate(documents):
            order = range(len(actions)) if number % 2 == 0 else reversed(range(len(actions)))
            for which in order:
                start = time.process_time()
                actions[which](data)
                totals[which] += time.process_time() - start
        per_round.append([t / len(documents) for t in totals])
    return [statistics.median(r[i] for r in per_round) for i in range(len(actions))]


def migrated(url: str) -> None:
    engine = make_engine(url)
    migrations.upgrade(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_masters(session, read_masters_file(ROOT / "examples" / "masters.yaml"))
    engine.dispose()


def intake(url: str, documents: list[bytes], warm_up: bytes) -> tuple[float, float, float]:
    """bills/s storing every document (one transaction each), then resubmitting them all; and
    this process's CPU time per new document (the rest is the database's, and waiting)."""
    engine = make_engine(url)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        submit_bill_xml(session, TENANT, warm_up)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    rates, cpu = [], []
    for expected in ("created", "unchanged"):
        stored = 0
        start, start_cpu = time.perf_counter(), time.process_time()
        for data in documents:
            with unit_of_work(factory) as session:
                result = submit_bill_xml(session, TENANT, data)
            stored += len(result.bills)
            assert {s.outcome for s in result.bills} == {expected}
        rates.append(stored / (time.perf_counter() - start))
        cpu.append((time.process_time() - start_cpu) / len(documents))
    engine.dispose()
    return rates[0], rates[1], cpu[0]


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100, help="documents of 100 bills (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="validation rounds (median)")
    parser.add_argument("--quick", action="store_true", help="10 files, 1 validation round")
    args = parser.parse_args()
    if args.quick:
        args.files, args.rounds = 10, 1

    print(f"load average (1/5/15 min) before: {load()}")
    with tempfile.TemporaryDirectory(prefix="billxml-intake-") as folder:
        paths = []
        for number in range(args.files):  # written and read back: the same bytes as files
            paths.append(Path(folder) / f"bills-{number:03d}.xml")
            paths[-1].write_bytes(make_document(number))
        documents = [path.read_bytes() for path in paths]
    bills = BILLS * len(documents)
    size = sum(map(len, documents)) / len(documents)
    print(f"{len(documents)} documents x {BILLS} bills x {len(HEADS)} accounts = {bills:,} bills, "
          f"{size / 1024:.0f} KiB each")

    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    lxml_parser = etree.XMLParser()
    masters = example_masters()

    def bare(data: bytes) -> None:
        if not schema.validate(etree.fromstring(data, lxml_parser)):
            raise AssertionError(f"generated document is invalid: {schema.error_log}")

    def rasid(data: bytes) -> None:
        parse_bill_xml(data)

    def rasid_with_masters(data: bytes) -> None:
        parse_bill_xml(data, masters)

    actions = [bare, rasid, rasid_with_masters]
    for action in actions:  # warm up: compile schemas, fill caches
        action(documents[0])
    base, ours, ours_masters = cpu_per_document(actions, documents, args.rounds)
    print(f"validation, CPU per document (median of {args.rounds} round(s)):")
    print(f"  bare lxml parse + XMLSchema.validate   {base * 1000:8.2f} ms   1.00")
    print(f"  rasid parse_bill_xml                   {ours * 1000:8.2f} ms   {ours / base:4.2f}  (target <= 2.00)")
    print(f"  rasid parse_bill_xml with masters      {ours_masters * 1000:8.2f} ms   {ours_masters / base:4.2f}")

    pg_url = fresh_database("rasid_bench_intake")
    migrated(pg_url)
    warm_up = make_document(len(documents))
    pg_new, pg_again, pg_cpu = intake(pg_url, documents, warm_up)
    with tempfile.TemporaryDirectory(prefix="billxml-intake-db-") as folder:
        sqlite_url = f"sqlite:///{folder}/intake.db"
        migrated(sqlite_url)
        lite_new, lite_again, lite_cpu = intake(sqlite_url, documents, warm_up)
    print("intake, submit_bill_xml one transaction per document (wall time):")
    print(f"  PostgreSQL  new {pg_new:7,.0f} bills/s   resubmitted unchanged {pg_again:7,.0f} bills/s"
          f"   (target >= 1,000 new)   client CPU {pg_cpu * 1000:5.1f} ms per new document")
    print(f"  SQLite      new {lite_new:7,.0f} bills/s   resubmitted unchanged {lite_again:7,.0f} bills/s"
          f"                           client CPU {lite_cpu * 1000:5.1f} ms per new document")
    print(f"load average (1/5/15 min) after: {load()}")


if __name__ == "__main__":
    main()
