"""``rasid collect`` and ``rasid receipts list|show|submit|approve|reject|cancel|pdf|print``.

Amounts are typed in rupees (``--amount 1603.00``) and become paise here, through
``parse_rupees``. Who acts is ``--by`` (``pb.amritsar/cashier1``; default ``cli:<login>``): it
is recorded as the collector or approver, so the rule that nobody approves their own
collection holds at the command line too.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from tqdm import tqdm

from collection import calendar
from collection.audit import cli_actor
from collection.cli.output import amount, table, to_csv, to_json
from collection.receipts import instruments, payments, printing, reads, search, workflow
from collection.receipts.models import COLLECTION_TYPES, RECEIPT_STATUSES
from collection.service_master import INSTRUMENT_TYPES
from ledger.errors import ValidationError
from ledger.money import format_rupees, parse_rupees

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _today() -> dt.date:
    return calendar.today()  # India's calendar whatever the machine's zone


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _rupees(paise: int) -> str:
    return amount(paise) or "0.00"


def _by_option(f):
    return click.option("--by", default=None,
                        help="Who acts, as recorded (e.g. pb.amritsar/cashier1); default cli:<login>.")(f)


def _json_money(view: dict) -> dict:
    """A receipt view for JSON output: amounts as paise and rupees, as the API gives them."""
    out = dict(view)
    for name in ("amount", "advance", "credit", "debit"):
        if name in view:
            out[f"{name}Paise"] = view[name]
            out[name] = format_rupees(view[name])
    if "heads" in view:
        out["heads"] = [_json_money(h) for h in view["heads"]]
        out["instrument"] = _json_money(view["instrument"])
    return out


# -- rasid collect -------------------------------------------------------------------------------

@click.command()
@click.option("--tenant", required=True)
@click.option("--bill", "bills", multiple=True, required=True,
              help="A bill's reference number; repeat to pay several bills with one instrument.")
@click.option("--amount", "amounts", multiple=True, required=True,
              help="Rupees paid on each --bill, in the same order (1603.00).")
@click.option("--mode", type=click.Choice(INSTRUMENT_TYPES), default="cash", show_default=True)
@click.option("--total", default=None,
              help="The instrument's amount, checked against the bills' amounts (default: their sum).")
@click.option("--consumer-code", default=None, help="When a reference alone names several bills.")
@click.option("--service", default=None, help="When a reference alone names several bills.")
@click.option("--number", "--cheque-number", "number", default=None,
              help="Cheque, DD, postal order or challan number.")
@click.option("--instrument-date", "--cheque-date", "instrument_date", type=DATE, default=None,
              help="Cheque, DD, postal order or challan date.")
@click.option("--bank", default=None, help="Drawee bank.")
@click.option("--branch", default=None)
@click.option("--txn-ref", default=None, help="Card authorisation, gateway, NEFT/RTGS or BBPS reference.")
@click.option("--card-last4", default=None)
@click.option("--gateway", default=None)
@click.option("--bank-account", default=None, help="Bank challan: the ULB's bank account code.")
@click.option("--payer", default=None, help="Payer's name (default: the bill's).")
@click.option("--payer-address", default=None)
@click.option("--collection-type", type=click.Choice(sorted(COLLECTION_TYPES)), default="C",
              show_default=True, help="C counter, F field, O online.")
@click.option("--date", "receipt_date", type=DATE, default=None, help="Receipt date (default today).")
@click.option("--narration", default=None)
@click.option("--manual-receipt-number", default=None)
@click.option("--manual-receipt-date", type=DATE, default=None)
@click.option("--idempotency-key", default=None, help="Running the command again with it returns the "
                                                      "original receipts instead of collecting twice.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_by_option
@click.pass_obj
def collect(ctx, tenant, bills, amounts, mode, total, consumer_code, service, number,
            instrument_date, bank, branch, txn_ref, card_last4, gateway, bank_account, payer,
            payer_address, collection_type, receipt_date, narration, manual_receipt_number,
            manual_receipt_date, idempotency_key, fmt, by) -> None:
    """Collect a payment: one instrument (--mode) paying one or more bills, a receipt per bill."""
    if len(amounts) != len(bills):
        raise ValidationError(f"give one --amount per --bill, in the same order ({len(bills)} bill(s), "
                              f"{len(amounts)} amount(s))", code="AMOUNT_PER_BILL", field="amount")
    paid = [parse_rupees(a, field=f"--amount {a}") for a in amounts]
    payment = payments.PaymentIn(
        instrument=instruments.InstrumentIn(
            type=mode, amount=parse_rupees(total, field="--total") if total is not None else sum(paid),
            number=number, date=_day(instrument_date), bank=bank, branch=branch, card_last4=card_last4,
            transaction_reference=txn_ref, gateway=gateway, bank_account=bank_account),
        bills=[payments.BillPayment(p, ref_no=ref, consumer_code=consumer_code, service=service)
               for ref, p in zip(bills, paid)],
        collection_type=collection_type, payer_name=payer, payer_address=payer_address,
        receipt_date=_day(receipt_date), narration=narration,
        manual_receipt_number=manual_receipt_number, manual_receipt_date=_day(manual_receipt_date),
        idempotency_key=idempotency_key)
    with ctx.session() as session:
        result = payments.collect(session, tenant, payment, cli_actor(by), today=_today())
        views = [reads.receipt_detail(session, r) for r in result.receipts]
    if fmt == "json":
        click.echo(to_json({"replayed": result.replayed, "receipts": [_json_money(v) for v in views]}))
        return
    paise = sum(v["amount"] for v in views)
    if result.replayed:
        click.echo(f"already collected under idempotency key {idempotency_key}: nothing collected again")
    else:
        click.echo(f"collected {_rupees(paise)} by {mode} in {len(views)} receipt(s)")
    click.echo(table(["Receipt", "Bill", "Consumer", "Amount", "Status", "Voucher"],
                     [[v["number"], v["bill_ref_no"], v["consumer_code"], _rupees(v["amount"]),
                       v["status"], v["voucher_number"] or ""] for v in views], right={3}))


# -- rasid receipts ------------------------------------------------------------------------------

@click.group()
def receipts() -> None:
    """Receipts: search, show, submit, approve, reject, cancel, print."""


@receipts.command("list")
@click.option("--tenant", required=True)
@click.option("--number", default=None)
@click.option("--consumer-code", default=None)
@click.option("--bill", "bill_ref_no", default=None, help="Bill reference number.")
@click.option("--service", default=None)
@click.option("--status", type=click.Choice(RECEIPT_STATUSES), default=None)
@click.option("--mode", type=click.Choice(INSTRUMENT_TYPES), default=None)
@click.option("--collected-by", default=None)
@click.option("--from", "date_from", type=DATE, default=None)
@click.option("--to", "date_to", type=DATE, default=None)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@click.pass_obj
def list_cmd(ctx, tenant, number, consumer_code, bill_ref_no, service, status, mode, collected_by,
             date_from, date_to, limit, offset, fmt) -> None:
    """Receipts matching every filter given, newest first."""
    where = search.ReceiptFilter(number, consumer_code, bill_ref_no, service, status, mode,
                                 collected_by, _day(date_from), _day(date_to))
    with ctx.session() as session:
        found = reads.search_receipts(session, tenant, where, limit, offset)
    if fmt == "json":
        click.echo(to_json({"total": found.total, "limit": limit, "offset": offset,
                            "items": [_json_money(v) for v in found.items]}))
        return
    headers = ["Receipt", "Date", "Service", "Bill", "Consumer", "Payer", "Mode", "Amount", "Status"]
    if fmt == "csv":
        click.echo(to_csv(headers, [[v["number"], v["date"], v["service"], v["bill_ref_no"],
                                     v["consumer_code"], v["payer_name"], v["instrument_type"],
                                     format_rupees(v["amount"]), v["status"]] for v in found.items]),
                   nl=False)
        return
    rows = [[v["number"], v["date"], v["service"], v["bill_ref_no"], v["consumer_code"],
             v["payer_name"][:30], v["instrument_type"], _rupees(v["amount"]), v["status"]]
            for v in found.items]
    click.echo(table(headers, rows, right={7}))
    click.echo(f"{len(rows)} of {found.total} receipt(s)")


@receipts.command("show")
@click.option("--tenant", required=True)
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def show(ctx, tenant, number, fmt) -> None:
    """One receipt: payer, heads, instrument, vouchers and workflow."""
    with ctx.session() as session:
        view = reads.receipt_detail(session, reads.find_receipt(session, tenant, number))
    if fmt == "json":
        click.echo(to_json(_json_money(view)))
        return
    instrument = view["instrument"]
    facts = [("Receipt", f"{view['number']} of {view['date']}, {view['status']}"),
             ("Service", view["service"]),
             ("Bill", (f"{view['bill_ref_no']} (version {view['bill_version']}), consumer "
                       f"{view['consumer_code']}")),
             ("Payer", ", ".join(filter(None, (view["payer_name"], view["payer_address"])))),
             ("Amount", _rupees(view["amount"]) + (f" (advance {_rupees(view['advance'])})"
                                                   if view["advance"] else "")),
             ("Instrument", " ".join(filter(None, (
                 instrument["type"], instrument["number"], instrument["card_last4"] and
                 f"card ending {instrument['card_last4']}", instrument["date"] and
                 str(instrument["date"]), instrument["bank"], instrument["branch"],
                 instrument["transaction_reference"])))),
             ("Collected by", view["collected_by"]),
             ("Voucher", view["voucher_number"] or "-"),
             ("Reversal", view["reversal_voucher_number"]),
             ("Submitted by", view["submitted_by"]), ("Approved by", view["approved_by"]),
             ("Rejected because", view["rejection_reason"]),
             ("Cancelled", view["cancel_reason"] and f"by {view['cancelled_by']}: {view['cancel_reason']}"),
             ("Narration", view["narration"]),
             ("Manual receipt", view["manual_receipt_number"]),
             ("Printed", f"{view['print_count']} time(s)")]
    for label, value in facts:
        if value:
            click.echo(f"{label + ':':<17} {value}")
    click.echo("")
    click.echo(table(["GL code", "Head", "Credit", "Debit"],
                     [[h["glcode"], (h["description"] or "")[:40], amount(h["credit"]), amount(h["debit"])]
                      for h in view["heads"]], right={2, 3}))


def _summary(done: list, verb: str) -> None:
    for receipt in done:
        click.echo(f"{receipt.number} {verb} ({receipt.status})")
    click.echo(f"{len(done)} receipt(s) {verb}")


@receipts.command("submit")
@click.option("--tenant", required=True)
@click.argument("numbers", nargs=-1)
@click.option("--day", type=DATE, default=None,
              help="Counter close: submit everything --collector (default --by) collected that day.")
@click.option("--collector", default=None)
@_by_option
@click.pass_obj
def submit(ctx, tenant, numbers, day, collector, by) -> None:
    """Submit receipts for approval: the numbers given, or a whole day's (--day)."""
    actor = cli_actor(by)
    if bool(numbers) == bool(day):
        raise ValidationError("give either receipt numbers or --day", code="NUMBERS_OR_DAY",
                              field="numbers")
    with ctx.session() as session:
        if day:
            done = workflow.submit_day(session, tenant, collector or actor.name, day.date(), actor)
        else:
            done = workflow.submit(session, tenant, list(numbers), actor)
    _summary(done, "submitted")


@receipts.command("approve")
@click.option("--tenant", required=True)
@click.argument("numbers", nargs=-1, required=True)
@_by_option
@click.pass_obj
def approve(ctx, tenant, numbers, by) -> None:
    """Approve submitted receipts (not your own collections)."""
    with ctx.session() as session:
        done = workflow.approve(session, tenant, list(numbers), cli_actor(by))
    _summary(done, "approved")


@receipts.command("reject")
@click.option("--tenant", required=True)
@click.argument("numbers", nargs=-1, required=True)
@click.option("--reason", required=True)
@_by_option
@click.pass_obj
def reject(ctx, tenant, numbers, reason, by) -> None:
    """Send submitted receipts back to their cashier, saying why."""
    with ctx.session() as session:
        done = workflow.reject(session, tenant, list(numbers), reason, cli_actor(by))
    _summary(done, "rejected")


@receipts.command("cancel")
@click.option("--tenant", required=True)
@click.argument("number")
@click.option("--reason", required=True)
@_by_option
@click.pass_obj
def cancel(ctx, tenant, number, reason, by) -> None:
    """Cancel a receipt before remittance: its voucher is reversed, the bill owes again."""
    with ctx.session() as session:
        done = workflow.cancel(session, tenant, number, reason, cli_actor(by), today=_today())
    click.echo(f"receipt {number} cancelled" + (f" (reversal {done.reversal_number})"
                                                if done.reversal_number else ""))
    if done.instrument_shortfall:
        click.echo(f"{_rupees(done.instrument_shortfall)} of the instrument is no longer covered by a "
                   "live receipt: refund it or receipt it again")


@receipts.command("pdf")
@click.option("--tenant", required=True)
@click.argument("number")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True),
              required=True, help="The PDF file to write.")
@_by_option
@click.pass_obj
def pdf(ctx, tenant, number, output, by) -> None:
    """Print one receipt to a PDF (every print after the first is marked DUPLICATE)."""
    target = Path(output)
    with ctx.session() as session:
        printed = printing.print_receipt(session, tenant, number, cli_actor(by))
        target.write_bytes(printed.pdf)  # before the commit: an unwritten print is not counted
    click.echo(f"wrote {target} ({'duplicate, print ' + str(printed.print_count) if printed.duplicate else 'original'})")


@receipts.command("print")
@click.option("--tenant", required=True)
@click.option("--from", "date_from", type=DATE, required=True)
@click.option("--to", "date_to", type=DATE, required=True)
@click.option("--service", default=None, help="Only this service's receipts.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True),
              required=True, help="The PDF file to write (one receipt per page).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes laying receipts out in parallel.")
@click.pass_obj
def print_cmd(ctx, tenant, date_from, date_to, service, output, workers) -> None:
    """Print a date range's receipts into one PDF, with a progress bar on a terminal.

    Receipts already printed come out marked DUPLICATE; each is counted as printed once the
    file is written.
    """
    where = printing.BatchFilter(tenant, date_from.date(), date_to.date(), service)
    target = Path(output)
    session = ctx.read_session()
    session.connection(execution_options={"sqlite_begin": "DEFERRED"})  # reads: no write lock
    try:
        total = printing.count_batch(session, where)
        with tqdm(total=total, desc="printing", unit="receipt", disable=None, file=sys.stderr,
                  leave=False) as bar:
            def progress(done: int, _total: int) -> None:
                bar.update(done - bar.n)

            receipt_ids = printing.print_batch(session, where, target, workers=workers, progress=progress)
    finally:
        session.rollback()
        session.close()
    with ctx.session() as session:
        printing.record_prints(session, tenant, receipt_ids)
    click.echo(f"wrote {len(receipt_ids)} receipt(s) to {target}")
