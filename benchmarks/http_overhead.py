"""What the HTTP layer costs: the same reads through gunicorn and in-process, same run, PostgreSQL.

    .venv/bin/python benchmarks/http_overhead.py            # ~1 minute
    .venv/bin/python benchmarks/http_overhead.py --quick    # a smoke run

Builds a throw-away database (example masters, N posted vouchers of 2–6 lines
in November 2026), starts ``gunicorn -w 2 'collection.api:create_app()'`` on a
free port of 127.0.0.1, signs in through ``POST /user/oauth/token``, and times

* ``GET /api/v1/tenants/pb.amritsar/vouchers/{id}`` (one voucher with its lines), and
* ``GET /api/v1/tenants/pb.amritsar/trial-balance?from=2026-11-01&to=2026-11-30``

from one client (latency) and from four concurrent clients (throughput), against
the same service calls in-process (``ledger_reads.get_voucher``,
``reports.trial_balance``), each in its own unit of work, as the API does.
The HTTP figure includes everything a caller pays: a TCP connection (gunicorn's
sync workers close it after each response), token lookup, role and tenant
checks, query validation, the response model and JSON. Prints the ratios.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import migrations  # noqa: E402
import vouchers  # noqa: E402
from benchmarks._pg import fresh_database  # noqa: E402
from collection import ledger_reads  # noqa: E402
from collection.audit import Actor  # noqa: E402
from collection.auth import clients, passwords, users  # noqa: E402
from collection.masters import load_masters, read_masters_file  # noqa: E402
from ledger import reports  # noqa: E402
from ledger.db import make_engine, session_factory, unit_of_work  # noqa: E402
from ledger.journal import LineDraft  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TENANT = "pb.amritsar"
MONTH = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DEBITS = ["4501001", "4501051", "4502101"]
CREDITS = ["1100101", "1100102", "1100201", "1100301", "1401202"]
PASSWORD = "benchmark-password"


def build(url: str, n_vouchers: int) -> tuple[int, str]:
    """Schema, masters, vouchers, a user and a client; returns a voucher id and the client secret."""
    engine = make_engine(url)
    migrations.upgrade(engine)
    factory = session_factory(engine)
    with unit_of_work(factory) as session:
        load_masters(session, read_masters_file(ROOT / "examples" / "masters.yaml"))
        users.create_user(session, Actor("benchmark"), TENANT, "bench", "Benchmark", PASSWORD,
                          ["ACCOUNTANT"], hasher=passwords.FAST)
        secret = clients.create_client(session, Actor("benchmark"), "benchmark",
                                       client_id="bench", hasher=passwords.FAST).secret
    rng = random.Random(7)
    ids = []
    for i in range(n_vouchers):
        credits = [rng.randint(100, 5_000_000) for _ in range(rng.randint(1, 5))]
        lines = ([LineDraft(rng.choice(DEBITS), "01", "91", "999", "REV", "01", debit=sum(credits))]
                 + [LineDraft(rng.choice(CREDITS), "01", "91", "999", "REV", "01", credit=c)
                    for c in credits])
        day = MONTH[0] + dt.timedelta(days=i * 30 // n_vouchers)
        with unit_of_work(factory) as session:
            ids.append(vouchers.post(session, TENANT, "RECEIPT", day, lines).id)
    engine.dispose()
    return ids[len(ids) // 2], secret


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with two sync workers, started and stopped by this script."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile("w+", prefix="rasid-gunicorn-", suffix=".log",
                                               delete=False)
        env = {**os.environ, "RASID_DATABASE_URL": url}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}",
             "--chdir", str(ROOT), "collection.api:create_app()"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/health/ready")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not become ready; see {self.log.name}")

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def sign_in(server: Server, secret: str) -> str:
    basic = base64.b64encode(f"bench:{secret}".encode()).decode()
    form = (f"grant_type=password&username=bench&password={PASSWORD}&tenantId={TENANT}"
            "&userType=EMPLOYEE&scope=read")
    status, body = server.request("POST", "/user/oauth/token", form, {
        "Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise SystemExit(f"sign-in failed: {status} {body[:300]!r}")
    return json.loads(body)["access_token"]


def latencies(call, n: int) -> list[float]:
    for _ in range(min(20, n)):  # warm connections, caches and code paths
        call()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def throughput(call, clients_: int, seconds: float) -> float:
    """Calls per second from ``clients_`` threads calling back to back for ``seconds``."""
    counts = [0] * clients_
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        while time.monotonic() < stop:
            call()
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients_)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if q < 100 else max(values) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer vouchers and requests")
    args = parser.parse_args()
    n_vouchers, n_calls, seconds = (200, 100, 2.0) if args.quick else (2000, 1000, 8.0)

    url = fresh_database("rasid_bench_http")
    print(f"building {n_vouchers} vouchers in {url.rsplit('/', 1)[-1]} ...", flush=True)
    voucher_id, secret = build(url, n_vouchers)

    engine = make_engine(url)
    factory = session_factory(engine)

    def in_process_voucher():
        with unit_of_work(factory) as session:
            ledger_reads.get_voucher(session, TENANT, voucher_id)

    def in_process_trial_balance():
        with unit_of_work(factory) as session:
            reports.trial_balance(session, TENANT, *MONTH)

    server = Server(url)
    try:
        token = sign_in(server, secret)
        auth = {"Authorization": f"Bearer {token}"}
        paths = {"voucher": f"/api/v1/tenants/{TENANT}/vouchers/{voucher_id}",
                 "trial balance": f"/api/v1/tenants/{TENANT}/trial-balance"
                                  f"?from={MONTH[0]}&to={MONTH[1]}"}
        for path in paths.values():
            status, body = server.request("GET", path, headers=auth)
            assert status == 200, (path, status, body[:300])

        def over_http(path):
            def call():
                status, _ = server.request("GET", path, headers=auth)
                assert status == 200, status
            return call

        cases = [("voucher", in_process_voucher, over_http(paths["voucher"])),
                 ("trial balance", in_process_trial_balance, over_http(paths["trial balance"]))]
        print(f"\nHTTP overhead on PostgreSQL: gunicorn -w 2 (sync) on 127.0.0.1 vs the same service "
              f"call in-process; {n_calls} sequential calls, then 4 clients for {seconds:.0f} s\n")
        print(f"{'read':<14} {'path':<11} {'p50 ms':>8} {'p95 ms':>8} {'1 client/s':>11} "
              f"{'4 clients/s':>12}")
        for name, local, remote in cases:
            results = {}
            for label, call in (("in-process", local), ("HTTP", remote)):
                lat = latencies(call, n_calls)
                results[label] = (statistics.median(lat), lat)
                rate = throughput(call, 4, seconds)
                print(f"{name:<14} {label:<11} {ms(lat, 50):8.2f} {ms(lat, 95):8.2f} "
                      f"{1 / statistics.mean(lat):11.0f} {rate:12.0f}")
            ratio = results["HTTP"][0] / results["in-process"][0]
            extra = (results["HTTP"][0] - results["in-process"][0]) * 1000
            print(f"{name:<14} HTTP/in-process latency ratio {ratio:.2f} (+{extra:.2f} ms per call)\n")
    finally:
        server.stop()
        engine.dispose()
    print(f"gunicorn log: {server.log.name}")


if __name__ == "__main__":
    main()
