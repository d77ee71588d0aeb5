"""``rasid remit``, ``rasid remittances reverse`` and ``rasid dishonour``.

Remitting and reversing stream their receipts in batches and show a progress bar on a
terminal (nothing when piped); each is one transaction, so an error leaves nothing behind.
"""
from __future__ import annotations

import datetime as dt
import sys

import click
from sqlalchemy import select
from tqdm import tqdm

from collection import calendar
from collection.audit import Actor
from collection.cli.output import amount, table
from collection.receipts.models import Receipt
from collection.remittance import selection as chosen
from collection.remittance.dishonour import dishonour as dishonour_instrument
from collection.remittance.models import REMITTABLE_TYPES
from collection.remittance.remit import BATCH_SIZE, RemittanceIn
from collection.remittance.remit import remit as remit_receipts
from collection.remittance.reversal import get_remittance, reverse_remittance
from ledger.errors import NotFound, ValidationError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def today() -> dt.date:
    return calendar.today()  # India's calendar whatever the machine's zone


def _bar(total: int, label: str):
    return tqdm(total=total, desc=label, unit="receipt", disable=None, file=sys.stderr, leave=False)


@click.command()
@click.option("--tenant", required=True)
@click.option("--bank-account", required=True, help="Code of the bank account paid into (SBI-MAIN).")
@click.option("--slip", required=True, help="The pay-in slip's number.")
@click.option("--date", "day", type=DATE, required=True, help="The day the money was paid in.")
@click.option("--service", "services", multiple=True, help="Only these services (repeat).")
@click.option("--fund", default=None, help="Only receipts of this fund.")
@click.option("--instrument", "instruments", multiple=True, type=click.Choice(REMITTABLE_TYPES),
              help="Only these instrument types (default: cash, cheque, dd, postal_order).")
@click.option("--from", "date_from", type=DATE, default=None, help="Receipts dated from (inclusive).")
@click.option("--to", "date_to", type=DATE, default=None, help="Receipts dated up to (inclusive).")
@click.option("--collector", default=None, help="Only receipts this user collected (pb.amritsar/cashier1).")
@click.option("--receipt", "receipts", multiple=True, help="Only these receipt numbers (repeat).")
@click.option("--dry-run", is_flag=True, help="Show what would be remitted; write nothing.")
@click.option("--batch-size", type=click.IntRange(100, 100_000), default=BATCH_SIZE, show_default=True)
@click.pass_obj
def remit(ctx, tenant, bank_account, slip, day, services, fund, instruments, date_from, date_to, collector,
          receipts, dry_run, batch_size) -> None:
    """Remit approved cash and cheque/DD receipts to a bank account with one contra voucher."""
    selection = chosen.ReceiptSelection(services, fund, instruments, date_from and date_from.date(),
                                        date_to and date_to.date(), collector, receipts)
    with ctx.session() as session:
        preview = chosen.preview(session, tenant, selection, until=day.date())
        if dry_run:
            click.echo(table(["Fund", "Receipts", "Amount"],
                             [[code, n, amount(paise)] for code, (n, paise) in preview.by_fund.items()],
                             right={1, 2}))
            click.echo(f"would remit {preview.receipts} receipt(s): cash {amount(preview.cash) or '0.00'}, "
                       f"cheques/DD {amount(preview.cheque) or '0.00'}")
            return
        with _bar(preview.receipts, "remitting") as bar:
            done = remit_receipts(session, tenant, RemittanceIn(bank_account, slip, day.date(), selection),
                                  Actor.cli(), today=today(), batch_size=batch_size, progress=bar.update)
    r = done.remittance
    click.echo(f"remittance {r.id}: {r.receipt_count} receipt(s) to {bank_account} with slip {r.pay_in_slip}, "
               f"{amount(r.amount_paise)} (cash {amount(r.cash_paise) or '0.00'}, cheques/DD "
               f"{amount(r.cheque_paise) or '0.00'}); voucher {done.voucher_number}")


@click.group()
def remittances() -> None:
    """Remittances: reverse one the bank has not confirmed."""


@remittances.command("reverse")
@click.option("--tenant", required=True)
@click.argument("remittance_id", type=int)
@click.option("--reason", required=True)
@click.option("--date", "day", type=DATE, default=None, help="The reversal's date (default today).")
@click.pass_obj
def reverse_cmd(ctx, tenant, remittance_id, reason, day) -> None:
    """Post the exact reversal of a remittance and put its receipts back in hand."""
    with ctx.session() as session:
        count = get_remittance(session, tenant, remittance_id).receipt_count
        with _bar(count, "reversing") as bar:
            r = reverse_remittance(session, tenant, remittance_id, reason, Actor.cli(),
                                   on=day and day.date(), today=today(), progress=bar.update)
    click.echo(f"remittance {r.id} reversed: {r.receipt_count} receipt(s) back to APPROVED")


@click.command()
@click.option("--tenant", required=True)
@click.option("--instrument", "instrument_id", type=int, default=None, help="The instrument's id.")
@click.option("--receipt", default=None, help="Or a receipt number the cheque paid.")
@click.option("--reason", required=True, help="Why the bank returned it (funds insufficient, ...).")
@click.option("--date", "day", type=DATE, default=None, help="The day it bounced (default today).")
@click.option("--no-penalty", is_flag=True, help="Do not bill the service's cheque-bounce penalty.")
@click.pass_obj
def dishonour(ctx, tenant, instrument_id, receipt, reason, day, no_penalty) -> None:
    """Book a deposited cheque or DD that bounced: reversal journal, bills outstanding again."""
    if (instrument_id is None) == (receipt is None):
        raise ValidationError("name the cheque by --instrument or by --receipt", code="INSTRUMENT_REQUIRED")
    with ctx.session() as session:
        if receipt is not None:
            instrument_id = session.scalar(select(Receipt.instrument_id).where(
                Receipt.tenant_id == tenant, Receipt.number == receipt))
            if instrument_id is None:
                raise NotFound(f"no receipt {receipt!r} in {tenant}", code="RECEIPT_NOT_FOUND")
        done = dishonour_instrument(session, tenant, instrument_id, reason, Actor.cli(), on=day and day.date(),
                                    today=today(), penalty=not no_penalty)
    click.echo(f"instrument {instrument_id} dishonoured: journal {done.voucher_number} for "
               f"{amount(done.dishonour.amount_paise)}; receipt(s) {', '.join(r.number for r in done.receipts)} "
               "bounced, their bills outstanding again")
    if done.penalty_bill is not None:
        click.echo(f"penalty bill {done.penalty_bill.ref_no} raised for {amount(done.penalty_bill.total_paise)}")
