"""Bill XML: rasid's whole parse path against bare libxml2 validation, in the same run.

Generates (in a temporary directory) FILES documents of BILLS bills x ACCOUNTS accounts, then
times, per round over all files:
  baseline  bare lxml: lxml.etree.fromstring with a default parser + XMLSchema.validate against
            the whole published XSD (compiled once), as the issue defines it;
  rasid     billxml.parse_bill_xml: secure parse, size/depth/DTD/encoding checks, validation
            against the same XSD (libxml2 without the identity constraints, which rasid checks
            itself; see billxml.structure), model building (int paise, dates) and the
            masters-free checks.
Prints the median per document of each, and rasid / baseline (the target is <= 2.0), with the
load average before and after: other processes on the machine move the figures.

    .venv/bin/python benchmarks/billxml_validate.py [--files 100] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._measure import load_average  # noqa: E402
from billxml import (  # noqa: E402
    Account,
    Bill,
    BillCollect,
    CollectionMode,
    CollectionType,
    Payee,
    Purpose,
    parse_bill_xml,
    write_bill_xml,
)
from billxml.schema import XSD_PATH  # noqa: E402

BILLS = 100
ACCOUNTS = 5


def make_document(number: int) -> BillCollect:
    """A realistic document: one payee, BILLS bills of ACCOUNTS heads (one a rebate)."""
    bills = []
    for b in range(BILLS):
        accounts = tuple(
            Account(gl_code=f"14010{a:02d}", order=a + 1,
                    cr_paise=0 if a == ACCOUNTS - 1 else 10_000 * (a + 1) + number + b,
                    dr_paise=250 if a == ACCOUNTS - 1 else 0, function_code="5100",
                    description=f"Head {a} - PT/{2019 + b % 5}",
                    is_actual_demand=a != ACCOUNTS - 1,
                    purpose=Purpose.REBATE if a == ACCOUNTS - 1 else Purpose.CURRENT_AMOUNT)
            for a in range(ACCOUNTS))
        total = sum(a.cr_paise for a in accounts) - sum(a.dr_paise for a in accounts)
        bills.append(Bill(
            ref_no=f"{number}-{b}", bill_date=date(2019, 4, 1) + timedelta(days=b),
            consumer_code=f"10-10-{number:03d}-{b:03d}", total_paise=total, accounts=accounts,
            minimum_paise=total // 4, consumer_type="01", boundary_num=b % 40 + 1,
            boundary_type="Ward", description=f"Property tax for assessment {number}/{b}"))
    return BillCollect(
        service_code="PT", fund_code="01", department_code="REV", functionary_code="999",
        fund_source_code="01", display_message="Property tax", paid_by="Mrs. ABC",
        part_payment_allowed=True, collection_type=CollectionType.COUNTER,
        collection_modes_not_allowed=(CollectionMode.CARD, CollectionMode.CHEQUE),
        payees=(Payee(name="Mrs. ABC", address="221/16 LMN Street, Bangalore",
                      email="abc@example.com", bills=tuple(bills)),))


def measure(actions: tuple[Callable[[bytes], object], Callable[[bytes], object]],
            documents: list[bytes], rounds: int) -> list[tuple[float, float]]:
    """Per round, the mean CPU seconds per document of each action.

    The two actions alternate document by document (and which goes first alternates too),
    so that other load on a shared machine weighs on both alike. CPU time of this process,
    not wall time, for the same reason.
    """
    results = []
    clock = time.process_time
    for _ in range(rounds):
        totals = [0.0, 0.0]
        for number, data in enumerate(documents):
            order = (0, 1) if number % 2 == 0 else (1, 0)
            for which in order:
                start = clock()
                actions[which](data)
                totals[which] += clock() - start
        results.append((totals[0] / len(documents), totals[1] / len(documents)))
    return results


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--files", type=int, default=100)
    arguments.add_argument("--rounds", type=int, default=7)
    options = arguments.parse_args()
    print(f"load average (1/5/15 min) before: {load_average()}")

    with tempfile.TemporaryDirectory(prefix="billxml-bench-") as folder:
        paths = []
        for number in range(options.files):
            path = Path(folder) / f"bill-{number:03d}.xml"
            path.write_bytes(write_bill_xml(make_document(number)))
            paths.append(path)
        documents = [path.read_bytes() for path in paths]

    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    parser = etree.XMLParser()

    def baseline(data: bytes) -> None:
        if not schema.validate(etree.fromstring(data, parser)):
            raise AssertionError("generated document is invalid")

    def rasid(data: bytes) -> None:
        parse_bill_xml(data)

    for action in (baseline, rasid):  # warm up: compile schemas, fill caches
        action(documents[0])

    rounds = measure((baseline, rasid), documents, options.rounds)
    base = statistics.median(b for b, _ in rounds)
    ours = statistics.median(o for _, o in rounds)
    ratios = sorted(o / b for b, o in rounds)

    size = sum(len(d) for d in documents) / len(documents)
    print(f"documents: {len(documents)} x {BILLS} bills x {ACCOUNTS} accounts, "
          f"{size / 1024:.0f} KiB each; CPU time, median of {options.rounds} rounds")
    print(f"baseline  lxml parse + XMLSchema.validate  : {base * 1000:8.3f} ms/document")
    print(f"rasid     parse_bill_xml (secure+XSD+model): {ours * 1000:8.3f} ms/document")
    print(f"ratio     rasid / baseline                 : {ours / base:8.2f}  (target <= 2.00)")
    print(f"          per-round ratios, min..max       : {ratios[0]:.2f} .. {ratios[-1]:.2f}")
    print(f"load average (1/5/15 min) after: {load_average()}")


if __name__ == "__main__":
    main()
