"""``rasid demo``: a demo municipality from nothing, in a SQLite file.

It loads the masters, takes the example Bill XML, and collects against the
bills the way a counter would: cash in full, a cheque through the approval
workflow, part payments that continue where the last stopped, a card, and a
receipt cancelled with a reason. Every receipt posts its voucher; the command
then prints the trial balance and checks the ledger.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import migrations
import vouchers
from collection.audit import Actor
from collection.bills.intake import submit_bill_xml
from collection.masters import load_masters, read_masters_file
from collection.receipts import workflow
from collection.receipts.instruments import InstrumentIn
from collection.receipts.payments import BillPayment, PaymentIn, collect
from ledger.db import unit_of_work
from ledger.journal import LineDraft
from ledger.money import format_rupees

TENANT = "pb.amritsar"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_MONTH = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
CASHIER = Actor(f"{TENANT}/cashier.gurpreet")
APPROVER = Actor(f"{TENANT}/approver.meenakshi")
PT_HOUSE, PT_SHOP, BPA = "PT/2026-27/088812", "PT/2026-27/088813", "BPA/2026-27/0412"


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

    echo("posting the opening balance:")
    with unit_of_work(factory) as session:
        opening = vouchers.post(session, TENANT, "JOURNAL", dt.date(2026, 11, 2), [
            _line("4502101", dr=25_00_000_00, function="000300", department="ACC"),
            _line("3101001", cr=25_00_000_00, function="000300", department="ACC")],
            narration="Opening balance of the SBI main account", idempotency_key="demo:opening",
            created_by="demo")
    echo(f"  {opening.number:<20} Opening balance of the SBI main account")

    echo("collecting at the counter:")

    def pay(day: int, instrument: InstrumentIn, *bills: tuple[str, int], what: str) -> list[str]:
        today = dt.date(2026, 11, day)
        with unit_of_work(factory) as session:
            payment = collect(session, TENANT, PaymentIn(instrument, [BillPayment(a, ref_no=r) for r, a in bills],
                                                         idempotency_key=f"demo:{day}:{what}"),
                              CASHIER, today=today)
            for receipt in payment.receipts:
                echo(f"  receipt {receipt.number}  {today}  {format_rupees(receipt.amount_paise):>12}  "
                     f"{receipt.bill_ref_no:<20} {what}, {receipt.status}")
            return [receipt.number for receipt in payment.receipts]

    pay(18, InstrumentIn("cash", 5_000_00), (PT_HOUSE, 5_000_00), what="cash, part payment (rebate applied)")
    [wrong] = pay(19, InstrumentIn("cash", 2_000_00), (PT_HOUSE, 2_000_00), what="cash, part payment")
    [bpa] = pay(20, InstrumentIn("cheque", 16_030_00, number="004512", date=dt.date(2026, 11, 18),
                                 bank="State Bank of India", branch="Hall Bazar, Amritsar"),
                (BPA, 16_030_00), what="cheque 004512, BPA fees")
    pay(21, InstrumentIn("card", 38_500_00, card_last4="4242", transaction_reference="AUTH-771203"),
        (PT_SHOP, 38_500_00), what="card, in full")

    with unit_of_work(factory) as session:
        cancelled = workflow.cancel(session, TENANT, wrong, "cashier keyed the wrong assessment", APPROVER,
                                    today=dt.date(2026, 11, 21))
    echo(f"  receipt {wrong} cancelled (reversal {cancelled.reversal_number}); its number is not reused")
    pay(22, InstrumentIn("cash", 4_185_75), (PT_HOUSE, 4_185_75), what="cash, part payment")
    with unit_of_work(factory) as session:
        workflow.submit(session, TENANT, [bpa], CASHIER)
        workflow.approve(session, TENANT, [bpa], APPROVER)
    echo(f"  receipt {bpa} submitted by the cashier and approved by {APPROVER.name}")

    from collection import demo_banking  # remittance, a bounced cheque, the bank statement (issue 7)
    demo_banking.run(factory, echo, house_bill=PT_HOUSE)


def print_receipts(factory: sessionmaker[Session], folder: Path, echo: Callable[[str], None]) -> list[Path]:
    """Write every demo receipt as a PDF in its service's template (the first print: the original)."""
    from collection.receipts.models import Receipt
    from collection.receipts.printing import print_receipt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with unit_of_work(factory) as session:
        for number in session.scalars(select(Receipt.number).where(Receipt.tenant_id == TENANT)
                                      .order_by(Receipt.id)).all():
            printed = print_receipt(session, TENANT, number, CASHIER)
            path = folder / f"receipt-{number.replace('/', '-')}.pdf"
            path.write_bytes(printed.pdf)
            written.append(path)
    echo(f"receipts printed as PDF ({len(written)}) in {folder}/")
    return written
