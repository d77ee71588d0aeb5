"""Shared by the benchmarks: the example masters, and more tenants like the example one."""
from __future__ import annotations

from pathlib import Path

import yaml

from collection.masters import load_masters, parse_masters

EXAMPLE_MASTERS = Path(__file__).resolve().parents[1] / "examples" / "masters.yaml"
EXAMPLE_TENANT = "pb.amritsar"


def clone_tenant(session, code: str) -> None:
    """Load a tenant ``code`` with the example tenant's chart, segments, services and banks."""
    data = yaml.safe_load(EXAMPLE_MASTERS.read_text())
    example = next(t for t in data["tenants"] if t["code"] == EXAMPLE_TENANT)
    load_masters(session, parse_masters({"tenants": [data["tenants"][0], {**example, "code": code}]}))
