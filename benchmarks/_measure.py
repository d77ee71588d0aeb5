"""Shared by the benchmarks: CPU time of this process, of its children and of a local server
backend, and the machine's load (other work on it skews every figure)."""
from __future__ import annotations

import os
import resource


def cpu_time(*, children: bool = False) -> float:
    """CPU seconds (user + system) of this process, or of its waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu(pid: int) -> float | None:
    """CPU seconds of server process ``pid`` (``/proc/<pid>/schedstat``), or None when it does
    not run on this machine."""
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except OSError:
        return None


def spent(before: float | None, after: float | None) -> float | None:
    """``after - before``, or None when either is unknown."""
    return None if before is None or after is None else after - before


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())
