"""The demo's last act: take the day's money to the bank, a cheque bounces, the statement comes.

Run by ``collection.demo.run_demo`` after the collections: one more cheque on the house's
bill, a remittance of every cash and cheque receipt to SBI with one pay-in slip, the bounce
of that cheque (reversal journal, bill outstanding again, the penalty billed), an SBI
statement export generated for the month and imported (matched to the remittance and the
dishonour), and the bank reconciliation statement. Cash-in-hand and cheques-in-hand end at
zero; the card receipt stays in card clearing, as card money settles by itself.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from collection.audit import Actor
from collection.bank.brs import reconcile
from collection.bank.statement_import import import_statement
from collection.receipts.instruments import InstrumentIn
from collection.receipts.payments import BillPayment, PaymentIn, collect
from collection.remittance.dishonour import dishonour
from collection.remittance.remit import RemittanceIn, remit
from ledger.db import unit_of_work
from ledger.money import format_rupees

TENANT = "pb.amritsar"
ACCOUNTANT = Actor(f"{TENANT}/accountant.harjit")
CASHIER = Actor(f"{TENANT}/cashier.gurpreet")
SLIP, SBI_ACCOUNT = "778812", "00000030001234567"


def run(factory: sessionmaker[Session], echo: Callable[[str], None], *, house_bill: str) -> None:
    echo("taking the money to the bank:")
    day = dt.date(2026, 11, 23)
    with unit_of_work(factory) as session:
        cheque = collect(session, TENANT, PaymentIn(
            InstrumentIn("cheque", 5_000_00, number="118204", date=day, bank="Punjab National Bank",
                         branch="Katra Jaimal Singh, Amritsar"),
            [BillPayment(5_000_00, ref_no=house_bill)], idempotency_key="demo:23:cheque"), CASHIER, today=day)
        [receipt] = cheque.receipts
    echo(f"  receipt {receipt.number}  {day}  {format_rupees(receipt.amount_paise):>12}  {house_bill:<20} "
         f"cheque 118204, the rest of the bill")
    with unit_of_work(factory) as session:
        done = remit(session, TENANT, RemittanceIn("SBI-MAIN", SLIP, day), ACCOUNTANT, today=day)
        r = done.remittance
        echo(f"  remittance {r.id}: {r.receipt_count} receipts with pay-in slip {SLIP} to SBI-MAIN, "
             f"cash {format_rupees(r.cash_paise)} + cheques {format_rupees(r.cheque_paise)}: {done.voucher_number}")
        cash, cheques = r.cash_paise, r.cheque_paise

    bounced = dt.date(2026, 11, 25)
    with unit_of_work(factory) as session:
        returned = dishonour(session, TENANT, cheque.instrument.id, "refer to drawer: funds insufficient",
                             ACCOUNTANT, today=bounced)
        echo(f"  cheque 118204 returned unpaid on {bounced}: {returned.voucher_number} reverses receipt "
             f"{receipt.number}; bill {house_bill} owes {format_rupees(receipt.amount_paise)} again; penalty bill "
             f"{returned.penalty_bill.ref_no} for {format_rupees(returned.penalty_bill.total_paise)}")

    statement = _sbi_statement([(dt.date(2026, 11, 23), f"BY CASH DEPOSIT SLIP {SLIP}", SLIP, 0, cash),
                                (dt.date(2026, 11, 24), f"CLG INWARD SLIP {SLIP}", SLIP, 0, cheques),
                                (dt.date(2026, 11, 25), "CHQ RETURN 118204 FUNDS INSUFFICIENT", "118204",
                                 5_000_00, 0),
                                (dt.date(2026, 11, 27), "SMS ALERT CHARGES NOV", "", 17_70, 0)])
    with unit_of_work(factory) as session:
        imported = import_statement(session, TENANT, "SBI-MAIN", statement, "sbi", ACCOUNTANT,
                                    file_name="sbi-2026-11.txt")
    m = imported.matched
    echo(f"  SBI statement for November imported: {imported.new_lines} lines, {m.remittance_lines} matched to the "
         f"remittance, {m.dishonour_lines} to the dishonour, {m.unmatched} left for the accountant")
    with unit_of_work(factory) as session:
        brs = reconcile(session, TENANT, "SBI-MAIN", dt.date(2026, 11, 30))
    echo(f"  bank reconciliation on {brs.as_of}: per bank {format_rupees(brs.balance_per_bank)}, bank charges "
         f"not yet booked {format_rupees(sum(i.amount for i in brs.debits_not_in_books))}, per books "
         f"{format_rupees(brs.balance_per_books)}, difference {format_rupees(brs.difference)}")


def _sbi_statement(rows: list[tuple[dt.date, str, str, int, int]], opening: int = 25_00_000_00) -> bytes:
    """The month as OnlineSBI's statement download would show it (tab-separated)."""
    lines = ["Account Name\t:\tMUNICIPAL CORPORATION AMRITSAR", f"Account Number\t:\t{SBI_ACCOUNT}",
             "Branch\t:\tTOWN HALL, AMRITSAR", "IFS Code\t:\tSBIN0000609",
             f"Balance as on 1 Nov 2026\t:\t{format_rupees(opening)}", "",
             "Txn Date\tValue Date\tDescription\tRef No./Cheque No.\tDebit\tCredit\tBalance"]
    balance = opening
    for day, text, ref, debit, credit in rows:
        balance += credit - debit
        when = f"{day.day} {day:%b %Y}"
        lines.append(f"{when}\t{when}\t{text}\t{ref}\t{format_rupees(debit) if debit else ''}\t"
                     f"{format_rupees(credit) if credit else ''}\t{format_rupees(balance)}")
    lines.append("**This is a computer generated statement and does not require a signature.")
    return ("\n".join(lines) + "\n").encode()
