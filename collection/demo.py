"""``rasid demo``: a demo municipality from nothing, in a SQLite file.

Today it shows masters, Bill XML intake (examples/bills) and the ledger: an
opening balance, receipt vouchers (cash with a rebate, a cheque for BPA fees),
a remittance to the bank and a reversal. Later issues replace the hand-made
receipt vouchers with the whole bill → payment → receipt flow.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

import migrations
import vouchers
from collection.bills.intake import submit_bill_xml
from collection.masters import load_masters, read_masters_file
from ledger.db import unit_of_work
from ledger.journal import LineDraft, PostedVoucher, get_voucher
from ledger.money import format_rupees

TENANT = "pb.amritsar"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_MONTH = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _line(glcode: str, *, dr: int = 0, cr: int = 0, function: str = "91", fund: str = "01",
          department: str = "REV", narration: str | None = None) -> LineDraft:
    return LineDraft(glcode, fund, function, "999", department, "01", dr, cr, narration)


def run_demo(engine, factory: sessionmaker[Session], echo: Callable[[str], None]) -> None:
    migrations.upgrade(engine)
    echo(f"schema at revision {migrations.current_revision(engine)}")
    with unit_of_work(factory) as session:
        report = load_masters(session, read_masters_file(EXAMPLES / "masters.yaml"))
    echo(f"masters: {report.summary()}")

    echo("submitting bills (Bill XML):")
    for path in sorted((EXAMPLES / "bills").glob("*.xml")):
        with unit_of_work(factory) as session:
            submission = submit_bill_xml(session, TENANT, path.read_bytes(), submitted_by="demo")
        for stored in submission.bills:
            bill = stored.bill
            echo(f"  {path.name}: bill {bill.ref_no} of {bill.consumer_code} ({bill.payee_name}), "
                 f"{format_rupees(bill.total_paise)} due, {stored.outcome}")

    def post(voucher_type: str, day: int, lines: list[LineDraft], narration: str, key: str) -> PostedVoucher:
        with unit_of_work(factory) as session:
            posted = vouchers.post(session, TENANT, voucher_type, dt.date(2026, 11, day), lines,
                                   narration=narration, idempotency_key=key, created_by="demo")
        echo(f"  {posted.number:<20} {narration}")
        return posted

    echo("posting vouchers:")
    post("JOURNAL", 2, [_line("4502101", dr=25_00_000_00, function="000300", department="ACC"),
                        _line("3101001", cr=25_00_000_00, function="000300", department="ACC")],
         "Opening balance of the SBI main account", "demo:opening")
    post("RECEIPT", 3, [_line("4501001", dr=11_400_00), _line("1109002", dr=600_00),
                        _line("1100101", cr=12_000_00)],
         "Property tax 2026-27, assessment 10-10-111-20, cash, 5% early-payment rebate",
         "demo:receipt:pt")
    post("RECEIPT", 3, [_line("4501051", dr=1_603_00, function="5100"),
                        _line("1401202", cr=1_000_00, function="5100", narration="Scrutiny fee"),
                        _line("1401202", cr=598_00, function="5100", narration="Permit fees"),
                        _line("1401202", cr=5_00, function="5100", narration="Labour cess")],
         "BPA permit fees, application 01365-2019-HY, cheque 004512", "demo:receipt:bpa")
    wrong = post("RECEIPT", 4, [_line("4501001", dr=2_500_00, function="9200"),
                                _line("1401101", cr=2_500_00, function="9200")],
                 "Trade licence fee, entered against the wrong licence", "demo:receipt:tl")
    post("CONTRA", 5, [_line("4502101", dr=11_400_00), _line("4501001", cr=11_400_00)],
         "Cash remitted to SBI Town Hall, pay-in slip 778812", "demo:remit")
    with unit_of_work(factory) as session:
        reversal = vouchers.reverse(session, get_voucher(session, TENANT, wrong.number),
                                    dt.date(2026, 11, 5), "entered against the wrong licence",
                                    created_by="demo")
    echo(f"  {reversal.number:<20} Reversal of {wrong.number}")
