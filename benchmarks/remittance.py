"""Remitting 100,000 receipts in one remittance on PostgreSQL, against a bare UPDATE of the same rows.

    .venv/bin/python benchmarks/remittance.py                    # 100,000 receipts (setup ≈ 10–20 min)
    .venv/bin/python benchmarks/remittance.py --receipts 10000   # a smaller run

A throw-away database with the example masters and N approved property-tax receipts (70 %
cash, 30 % cheques), each with its own receipt voucher posted through the ledger (see
``setup``). Then, timed, in the same run on the same rows:

* the baseline: ``UPDATE receipts SET status = 'REMITTED'`` and ``UPDATE instruments SET
  status = …`` of exactly those rows, committed — the least any remittance must write (it is
  then undone, untimed);
* rasid: ``remit`` of all N receipts in one remittance in a fresh process (batches of 5,000
  locked with ``SELECT … FOR UPDATE``, items copied, the contra voucher posted, set-based
  updates, one commit), reporting its seconds, receipts/s and the process's peak RSS;
* and the reversal of that remittance, likewise.

Every measure also reports the CPU seconds of its PostgreSQL backend (read from
``/proc/<pid>/stat`` when the server is local) and of the client process: on a shared machine
wall time follows the load, CPU time much less.

Targets (issue 7): under 10 s and under 200 MB for 100,000 receipts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

import migrations  # noqa: E402
from benchmarks._measure import backend_cpu, cpu_time, spent  # noqa: E402
from benchmarks._pg import fresh_database  # noqa: E402
from collection.audit import Actor  # noqa: E402
import vouchers  # noqa: E402
from collection.masters import load_masters, read_masters_file  # noqa: E402
from ledger.money import format_rupees  # noqa: E402
from ledger.db import make_engine, session_factory, unit_of_work  # noqa: E402
from ledger.journal import LineDraft  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TENANT = "pb.amritsar"
DAY = dt.date(2026, 11, 23)
CASHIER = Actor(f"{TENANT}/cashier1")


def setup(url: str, count: int) -> None:
    """N approved receipts, each with its own receipt voucher posted through ``vouchers.post``.

    Bills, instruments and receipts are inserted set-based in the shape ``collect`` leaves them
    (paying 100,000 bills through ``collect`` takes most of an hour on a busy 2-core machine,
    and the remittance under test does not care how a receipt was made); every receipt voucher
    goes through the ledger, so the books are real and ``ledger check`` holds.
    """
    engine = make_engine(url)
    migrations.upgrade(engine)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        load_masters(session, read_masters_file(ROOT / "examples" / "masters.yaml"))
    rng = random.Random(7)
    amounts = [rng.randint(500_00, 20_000_00) for _ in range(count)]
    started = time.perf_counter()
    with engine.begin() as conn:
        ids = dict(conn.execute(text(
            "SELECT 'service', id FROM services WHERE tenant_id = :t AND code = 'PT' UNION ALL "
            "SELECT 'fund', id FROM funds WHERE tenant_id = :t AND code = '01' UNION ALL "
            "SELECT 'dept', id FROM departments WHERE tenant_id = :t AND code = 'REV' UNION ALL "
            "SELECT 'fnry', id FROM functionaries WHERE tenant_id = :t AND code = '999' UNION ALL "
            "SELECT 'src', id FROM fund_sources WHERE tenant_id = :t AND code = '01'"), {"t": TENANT}).all())
        doc = conn.execute(text("INSERT INTO bill_documents (tenant_id, sha256, size, content) "
                                "VALUES (:t, 'bench', 0, '') RETURNING id"), {"t": TENANT}).scalar()
        conn.execute(text(
            "INSERT INTO bills (tenant_id, service_id, document_id, consumer_code, ref_no, version, status, "
            "content_digest, bill_date, payee_name, total_paise, minimum_paise, part_payment_allowed, "
            "override_account_heads_allowed, callback_for_apportioning, modes_not_allowed, fund_id, department_id, "
            "functionary_id, fund_source_id, live_receipts) "
            "SELECT :t, :service, :doc, 'C-' || n, 'R-' || n, 1, 'active', md5(n::text), DATE '2026-11-01', "
            "'Bench Payer', a, 0, false, false, false, '', :fund, :dept, :fnry, :src, 1 "
            "FROM unnest(CAST(:amounts AS bigint[])) WITH ORDINALITY AS x(a, n)"),
            {"t": TENANT, "doc": doc, "amounts": amounts, **ids})
        conn.execute(text(
            "INSERT INTO instruments (tenant_id, instrument_type, amount_paise, status, number, instrument_date, "
            "bank_name, branch_name, request_digest, collected_by) "
            "SELECT :t, CASE WHEN n % 10 < 7 THEN 'cash' ELSE 'cheque' END, a, 'NEW', "
            "CASE WHEN n % 10 < 7 THEN NULL ELSE lpad((n % 1000000)::text, 6, '0') END, "
            "CASE WHEN n % 10 < 7 THEN NULL ELSE DATE '2026-11-22' END, "
            "CASE WHEN n % 10 < 7 THEN NULL ELSE 'Punjab National Bank' END, "
            "CASE WHEN n % 10 < 7 THEN NULL ELSE 'Amritsar' END, md5(n::text), :who "
            "FROM unnest(CAST(:amounts AS bigint[])) WITH ORDINALITY AS x(a, n) ORDER BY n"),
            {"t": TENANT, "amounts": amounts, "who": CASHIER.name})
    vouchers_ = []
    for first in range(0, count, 1000):
        with unit_of_work(factory) as session:
            for n in range(first, min(first + 1000, count)):
                holding = "4501001" if (n + 1) % 10 < 7 else "4501051"
                lines = [LineDraft(holding, "01", "91", "999", "REV", "01", debit=amounts[n]),
                         LineDraft("1100101", "01", "91", "999", "REV", "01", credit=amounts[n])]
                vouchers_.append(vouchers.post(session, TENANT, "RECEIPT", DAY, lines,
                                               source_ref=f"receipt:bench-{n + 1}").id)
        if sys.stderr.isatty():
            print(f"\r  {first + 1000:,} receipt vouchers …", end="", file=sys.stderr, flush=True)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO receipts (tenant_id, number, financial_year, seq, receipt_date, service_id, bill_id, "
            "bill_version, bill_ref_no, consumer_code, payer_name, collection_type, collected_by, amount_paise, "
            "advance_paise, instrument_id, status, voucher_id, hash, print_count, approved_by) "
            "SELECT :t, '11/2026-27/' || lpad(x.n::text, 7, '0'), '2026-27', x.n, DATE '2026-11-23', b.service_id, "
            "b.id, 1, b.ref_no, b.consumer_code, 'Bench Payer', 'C', :who, x.a, 0, i.id, 'APPROVED', x.v, "
            "md5(x.n::text), 0, :who "
            "FROM unnest(CAST(:amounts AS bigint[]), CAST(:vouchers AS bigint[])) WITH ORDINALITY AS x(a, v, n) "
            "JOIN bills b ON b.ref_no = 'R-' || x.n JOIN instruments i ON i.request_digest = md5(x.n::text) "
            "ORDER BY x.n"), {"t": TENANT, "who": CASHIER.name, "amounts": amounts, "vouchers": vouchers_})
    print(f"\r  {count:,} bills, instruments, receipts and receipt vouchers in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def baseline(url: str) -> dict:
    """The same rows' state changes as bare UPDATEs, committed; then undone (untimed)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = "SELECT id FROM receipts WHERE tenant_id = :t AND status = 'APPROVED'"
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        conn.commit()
        server = backend_cpu(pid)
        started = time.perf_counter()
        with conn.begin():
            conn.execute(text(f"UPDATE instruments SET status = CASE WHEN instrument_type = 'cash' THEN 'RECONCILED' "
                              f"ELSE 'DEPOSITED' END WHERE id IN (SELECT instrument_id FROM receipts WHERE id IN ({ids}))"),
                         {"t": TENANT})
            conn.execute(text(f"UPDATE receipts SET status = 'REMITTED' WHERE id IN ({ids})"), {"t": TENANT})
        seconds = time.perf_counter() - started
        server = spent(server, backend_cpu(pid))
        with conn.begin():
            conn.execute(text("UPDATE receipts SET status = 'APPROVED' WHERE status = 'REMITTED'"))
            conn.execute(text("UPDATE instruments SET status = 'NEW' WHERE status <> 'NEW'"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE receipts"))
        conn.execute(text("VACUUM ANALYZE instruments"))
    engine.dispose()
    return {"seconds": seconds, "server_cpu": server, "client_cpu": None}


def child(url: str, action: str) -> None:
    """Run one remittance (or its reversal) in this fresh process; print seconds and peak RSS."""
    from collection.remittance.remit import RemittanceIn, remit
    from collection.remittance.reversal import reverse_remittance

    engine = make_engine(url)
    factory = session_factory(engine)
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()  # the pool's one connection
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server, client = backend_cpu(pid), cpu_time()
    started = time.perf_counter()
    with unit_of_work(factory) as session:
        if action == "remit":
            done = remit(session, TENANT, RemittanceIn("SBI-MAIN", "BENCH-1", DAY), Actor("bench"), today=DAY)
            count, number = done.remittance.receipt_count, done.voucher_number
        else:
            done = reverse_remittance(session, TENANT, 1, "benchmark", Actor("bench"), today=DAY)
            count, number = done.receipt_count, "reversal"
    seconds = time.perf_counter() - started
    server, client = spent(server, backend_cpu(pid)), cpu_time() - client
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "server_cpu": server, "client_cpu": client, "receipts": count,
                      "voucher": number, "rss_before_kib": before, "rss_peak_kib": peak}))


def run_child(url: str, action: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", action, "--url", url], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def books(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as conn:
        by_gl = dict(conn.execute(text(
            "SELECT a.glcode, SUM(b.debit - b.credit) FROM ledger_balances b JOIN gl_accounts a "
            "ON a.id = b.gl_account_id WHERE a.glcode IN ('4501001', '4501051', '4502101') GROUP BY a.glcode")).all())
        receipts = conn.execute(text("SELECT COALESCE(SUM(amount_paise), 0) FROM receipts")).scalar()
    engine.dispose()
    return (f"cash in hand {format_rupees(by_gl.get('4501001', 0))}, cheques in hand {format_rupees(by_gl.get('4501051', 0))}, "
            f"bank {format_rupees(by_gl.get('4502101', 0))} (receipts {format_rupees(receipts)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=100_000)
    parser.add_argument("--child", choices=("remit", "reverse"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.url, args.child)
        return
    url = fresh_database("rasid_bench_remit")
    print(f"setting up {args.receipts:,} approved receipts on PostgreSQL …", flush=True)
    setup(url, args.receipts)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    bare = baseline(url)
    remitted = run_child(url, "remit")
    print(f"after remitting: {books(url)}")
    reversed_ = run_child(url, "reverse")
    print(f"after reversing: {books(url)}")
    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    n = remitted["receipts"]

    def cpu(value: float | None) -> str:
        return f"{value:>12.2f}" if value is not None else f"{'n/a':>12}"

    print(f"{'measure':<48}{'seconds':>9}{'receipts/s':>12}{'server CPU s':>13}{'client CPU s':>13}"
          f"{'peak RSS MB':>13}")
    for label, result in (("baseline: bare UPDATE of the same rows", bare),
                          ("rasid remit (one remittance, one commit)", remitted),
                          ("rasid reverse (the same remittance)", reversed_)):
        rss = f"{result['rss_peak_kib'] / 1024:>13.0f}" if "rss_peak_kib" in result else f"{'':>13}"
        print(f"{label:<48}{result['seconds']:>9.2f}{n / result['seconds']:>12,.0f} {cpu(result['server_cpu'])} "
              f"{cpu(result['client_cpu'])}{rss}")
    ratio = f"remit/baseline ratio: {remitted['seconds'] / bare['seconds']:.1f} in time"
    if remitted["server_cpu"] is not None and bare["server_cpu"]:
        ratio += f", {remitted['server_cpu'] / bare['server_cpu']:.1f} in server CPU"
    print(f"\n{ratio}; process RSS before the remittance {remitted['rss_before_kib'] / 1024:.0f} MB; "
          "targets: < 10 s and < 200 MB for 100,000 receipts")


if __name__ == "__main__":
    main()
