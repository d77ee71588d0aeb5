"""Shared by the PostgreSQL benchmarks: a throw-away database and a pgbench baseline."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError

from ledger.db import make_engine

SERVER_URL = os.environ.get("RASID_BENCH_DATABASE_URL",
                            os.environ.get("RASID_TEST_DATABASE_URL",
                                           "postgresql://postgres@127.0.0.1:5432/postgres"))


def fresh_database(name: str) -> str:
    """Drop and create database ``name`` on the benchmark server; return its URL."""
    admin = make_engine(make_url(SERVER_URL).set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def pgbench_tps(clients: int, seconds: int = 15, scale: int = 10) -> float:
    """TPC-B-like TPS of this server, measured now (``pgbench -i -s 10``, then ``-c N -T s``)."""
    if shutil.which("pgbench") is None:
        raise SystemExit("pgbench is not installed (Debian: postgresql-client / postgresql-contrib)")
    url = make_url(fresh_database("rasid_pgbench")) if clients and not _initialised.get(scale) else \
        make_url(SERVER_URL).set(database="rasid_pgbench")
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "postgres"}
    if url.password:
        env["PGPASSWORD"] = url.password
    if not _initialised.get(scale):
        subprocess.run(["pgbench", "-q", "-i", "-s", str(scale), "rasid_pgbench"], env=env, check=True,
                       capture_output=True)
        _initialised[scale] = True
    settle()
    out = subprocess.run(["pgbench", "-c", str(clients), "-j", str(clients), "-T", str(seconds),
                          "rasid_pgbench"], env=env, check=True, capture_output=True, text=True).stdout
    match = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding connections)", out)
    if not match:
        match = re.search(r"tps = ([\d.]+)", out)
    return float(match.group(1))


_initialised: dict[int, bool] = {}


def settle() -> None:
    """Write out every dirty page (``CHECKPOINT``) before a timed run.

    Each timed run, rasid's or pgbench's, starts from the same clean state: without
    it, the run after ``pgbench -i`` (160 MB, more than the default shared buffers)
    spent its time writing pgbench's dirty pages out to make room for its own
    (collecting from one client ran at 160 receipts/s before a checkpoint and 248
    after, in the same run).
    """
    admin = make_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("CHECKPOINT"))
    except DBAPIError as exc:  # CHECKPOINT needs a superuser or pg_checkpoint (PostgreSQL 15+)
        if not _warned:
            print(f"note: no CHECKPOINT before timed runs ({exc.orig}); figures may vary more",
                  file=sys.stderr)
            _warned.append(True)
    finally:
        admin.dispose()


_warned: list[bool] = []
