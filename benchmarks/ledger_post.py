"""Ledger posting throughput and trial balance cost on PostgreSQL, against pgbench in the same run.

    .venv/bin/python benchmarks/ledger_post.py            # the full run (~8 minutes)
    .venv/bin/python benchmarks/ledger_post.py --quick    # a smoke run

Posts N vouchers of 2–6 lines, one transaction each, through ``vouchers.post``
(the real path: code resolution, series lock, lines, header with its checking
trigger, kept balances, hash chain) on one Core connection per client (``--session``:
an ORM session per voucher, as an HTTP request) from 1 client and from 4 client processes,
and prints vouchers/s with the ratio to pgbench's TPC-B-like TPS for the same
number of clients: in ``--rounds`` rounds (3), pgbench and rasid in turn, each rasid run
against the better of the pgbench runs on either side of it, and the median of the
rounds' ratios (every timed run starts after a ``CHECKPOINT``). Then it times the trial balance of a month holding 10,000
lines and of one holding 1,000,000 lines (same chart, days and series).
Targets: posting ≥ 0.5 × pgbench; trial balance at 1M ≤ 1.5 × at 10k.
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import random
import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import migrations  # noqa: E402
import vouchers  # noqa: E402
from benchmarks._masters import clone_tenant  # noqa: E402
from benchmarks._measure import backend_cpu, cpu_time, load_average, spent  # noqa: E402
from benchmarks._pg import fresh_database, pgbench_tps, settle  # noqa: E402
from collection.masters import load_masters, read_masters_file  # noqa: E402
from ledger.db import make_engine, session_factory, unit_of_work  # noqa: E402
from ledger.journal import LineDraft  # noqa: E402
from ledger.reports import trial_balance  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TENANT = "pb.amritsar"
DEBIT_HEADS = ["4501001", "4501051", "4501061", "4501071", "4502101", "1109002"]
CREDIT_HEADS = ["1100101", "1100102", "1100201", "1100301", "1401101", "1401202", "1404006",
                "1404009", "1405005", "1718001", "3504101", "1808002"]
FUNCTIONS = ["91", "99", "5100", "9100", "9200"]
MONTH = [dt.date(2026, 11, d) for d in range(1, 31)]


def random_lines(rng: random.Random, n_lines: int) -> list[LineDraft]:
    """A balanced voucher: 1–2 debit lines, the rest credits, every paisa accounted for."""
    n_debit = 1 if n_lines < 4 else 2
    credits = [rng.randint(1_00, 50_000_00) for _ in range(n_lines - n_debit)]
    total = sum(credits)
    first = rng.randint(1, total - 1) if n_debit == 2 else total
    debits = [first, total - first][:n_debit]
    fn = rng.choice(FUNCTIONS)
    seg = ("01", fn, "999", "REV", "01")
    return ([LineDraft(rng.choice(DEBIT_HEADS), *seg, debit=d) for d in debits]
            + [LineDraft(rng.choice(CREDIT_HEADS), *seg, credit=c) for c in credits])


class Run(NamedTuple):
    """One client's postings: when they started and ended (``time.monotonic``, shared by
    the processes), and the CPU time they cost the client and its server backend."""

    start: float
    end: float
    client_cpu: float
    backend_cpu: float | None  # None when the server's /proc is not readable (not local)


def _post_many(url: str, tenant: str, vtype: str, count: int, seed: int, lines_range=(2, 6),
               draw_first: bool = True, via_session: bool = False) -> Run:
    """Post ``count`` vouchers, one transaction each, through ``vouchers.post``.

    On one Core connection (a posting worker's loop), or with ``via_session`` in an
    ORM session per voucher (``unit_of_work``, as an HTTP request does). The vouchers
    are drawn before the clock starts (unless ``draw_first`` is false, for bulk loads),
    so that the figures are rasid's, not the random generator's.
    """
    rng = random.Random(seed)
    drafts = ((random_lines(rng, rng.randint(*lines_range)), rng.choice(MONTH)) for _ in range(count))
    if draw_first:
        drafts = list(drafts)
    engine = make_engine(url)
    with engine.connect() as connection:  # the pool's one connection, opened before the clock
        backend = connection.connection.driver_connection.info.backend_pid
        client, server, start = cpu_time(), backend_cpu(backend), time.monotonic()
        if via_session:
            connection.close()  # back to the pool, where each session finds it again
            factory = session_factory(engine)
            for lines, day in drafts:
                with unit_of_work(factory) as session:
                    vouchers.post(session, tenant, vtype, day, lines)
        else:
            for lines, day in drafts:
                with connection.begin():
                    vouchers.post(connection, tenant, vtype, day, lines)
        end, client, server = time.monotonic(), cpu_time() - client, spent(server, backend_cpu(backend))
    engine.dispose()
    return Run(start, end, client, server)


def posting_rate(url: str, clients: int, total: int, types: list[str], tenant: str = TENANT,
                 via_session: bool = False) -> tuple[float, list[Run]]:
    """Vouchers per second from ``clients`` processes (first start to last end), and their runs."""
    per = total // clients
    args = [(url, tenant, types[i % len(types)], per, 1000 + i, (2, 6), True, via_session)
            for i in range(clients)]
    if clients == 1:
        runs = [_post_many(*args[0])]
    else:
        with mp.get_context("fork").Pool(clients) as pool:
            runs = pool.starmap(_post_many, args)
    return per * clients / (max(r.end for r in runs) - min(r.start for r in runs)), runs


def cpu_per_posting(runs: list[Run], count: int) -> str:
    client = sum(r.client_cpu for r in runs) / count * 1000
    if any(r.backend_cpu is None for r in runs):
        return f"client CPU {client:.2f} ms/voucher"
    backend = sum(r.backend_cpu for r in runs) / count * 1000
    return f"client CPU {client:.2f} + backend CPU {backend:.2f} ms/voucher"


def load_lines(url: str, tenant: str, total_lines: int, per_voucher: int) -> None:
    """Fill a tenant with ``total_lines`` lines in vouchers of ``per_voucher`` lines (2 processes)."""
    count = max(1, total_lines // per_voucher)
    args = [(url, tenant, vtype, count // 2, seed, (per_voucher, per_voucher), False)
            for vtype, seed in (("RECEIPT", 7), ("JOURNAL", 8))]
    with mp.get_context("fork").Pool(2) as pool:
        pool.starmap(_post_many, args)


def tb_time(url: str, tenant: str, rounds: int = 7) -> float:
    engine = make_engine(url)
    factory = session_factory(engine)
    times = []
    for _ in range(rounds):
        with factory() as session:
            start = time.perf_counter()
            tb = trial_balance(session, tenant, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
            times.append(time.perf_counter() - start)
            assert tb.balanced
    engine.dispose()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vouchers", type=int, default=20_000)
    parser.add_argument("--tb-small", type=int, default=10_000)
    parser.add_argument("--tb-large", type=int, default=1_000_000)
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of pgbench and rasid in turn")
    parser.add_argument("--quick", action="store_true", help="2,000 vouchers, 100k lines, 5 s pgbench")
    parser.add_argument("--tb-only", action="store_true", help="only the trial balance measurement")
    parser.add_argument("--session", action="store_true",
                        help="post in an ORM session per voucher (unit_of_work) instead of on a Core connection")
    args = parser.parse_args()
    if args.quick:
        args.vouchers, args.tb_large, args.pgbench_seconds = 2_000, 100_000, 5

    url = fresh_database("rasid_bench_ledger")
    engine = make_engine(url)
    migrations.upgrade(engine)
    with unit_of_work(session_factory(engine)) as session:
        load_masters(session, read_masters_file(ROOT / "examples" / "masters.yaml"))
        clone_tenant(session, "bench.tb_small")
        clone_tenant(session, "bench.tb_large")
    engine.dispose()

    print(f"PostgreSQL at {url.rsplit('@', 1)[-1]}; {args.vouchers:,} vouchers of 2–6 lines per run, "
          f"{'an ORM session per voucher' if args.session else 'one Core connection per client'}; "
          f"load average {load_average()}")
    results = {}
    for clients, types, label in [] if args.tb_only else [(1, ["RECEIPT"], "1 client, 1 series"),
                                  (4, ["RECEIPT", "JOURNAL", "CONTRA", "PAYMENT"], "4 clients, 4 series"),
                                  (4, ["RECEIPT"], "4 clients, 1 series")]:
        # Rounds of pgbench and rasid in turn, each rasid run against the better of the pgbench
        # runs on either side of it: this machine's speed moves by a third within minutes, so a
        # single pair of runs measures the machine as much as the code.
        tps = [pgbench_tps(clients, args.pgbench_seconds)]
        rates, ratios, all_runs = [], [], []
        for _ in range(args.rounds):
            settle()
            rate, runs = posting_rate(url, clients, args.vouchers // args.rounds, types, via_session=args.session)
            tps.append(pgbench_tps(clients, args.pgbench_seconds))
            rates.append(rate)
            ratios.append(rate / max(tps[-2:]))
            all_runs += runs
        ratio = statistics.median(ratios)
        results[label] = ratio
        print(f"  {label:<22} {statistics.median(rates):8.0f} vouchers/s (median of {args.rounds})   "
              f"pgbench -c {clients}: {' / '.join(f'{t:.0f}' for t in tps)} tps   "
              f"ratio {ratio:.2f} (rounds {', '.join(f'{r:.2f}' for r in ratios)})   "
              f"({cpu_per_posting(all_runs, args.vouchers // args.rounds // clients * clients * args.rounds)}, "
              f"load {load_average()})")

    print(f"trial balance (a month, kept balances): loading {args.tb_small:,} and {args.tb_large:,} lines ...")
    load_lines(url, "bench.tb_small", args.tb_small, 10)
    load_lines(url, "bench.tb_large", args.tb_large, 200)
    settle()
    small, large = tb_time(url, "bench.tb_small"), tb_time(url, "bench.tb_large")
    print(f"  {args.tb_small:>9,} lines: {small * 1000:7.2f} ms")
    print(f"  {args.tb_large:>9,} lines: {large * 1000:7.2f} ms   ratio {large / small:.2f} (target ≤ 1.5)")
    if results:
        print(f"posting vs pgbench, median of rounds: 1 client {results['1 client, 1 series']:.2f}, "
              f"4 clients {results['4 clients, 4 series']:.2f} (target ≥ 0.5)")
    print(f"load average at the end: {load_average()} (other work on this machine skews both sides)")


if __name__ == "__main__":
    main()
