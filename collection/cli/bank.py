"""``rasid bank import|match|unmatched|match-line|unmatch-line``: statements and their matching."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from collection.audit import Actor
from collection.bank import matching
from collection.bank.brs import unmatched_lines
from collection.bank.csv_statement import MAPPINGS, load_mapping
from collection.bank.statement_import import FORMATS, import_statement
from collection.cli.output import amount, table
from collection.remittance.remit import find_bank_account
from ledger.errors import RasidError

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group()
def bank() -> None:
    """Bank statements: import, match to remittances and dishonours, see what is open."""


@bank.command("import")
@click.option("--tenant", required=True)
@click.option("--bank-account", required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="sbi", show_default=True,
              help="camt053, or the CSV layout of a bank's export.")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A YAML/JSON column mapping for another bank's CSV (overrides --format).")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def import_cmd(ctx, tenant, bank_account, fmt, mapping_file, paths) -> None:
    """Import statement files (each in its own transaction) and match their new lines."""
    mapping = load_mapping(mapping_file) if mapping_file else None
    failed = 0
    for path in tqdm([Path(p) for p in paths], desc="importing", unit="file", disable=None, file=sys.stderr,
                     leave=False):
        try:
            with ctx.session() as session:
                done = import_statement(session, tenant, bank_account, path.read_bytes(), fmt, Actor.cli(),
                                        file_name=path.name, mapping=mapping)
        except RasidError as exc:
            failed += 1
            click.echo(f"{path}: error {exc.code}: {exc.message}")
            continue
        if done.replayed:
            click.echo(f"{path}: already imported (statement {done.statement.id}); nothing changed")
        elif done.statement is None:
            click.echo(f"{path}: all {done.lines_in_file} line(s) were already imported; nothing changed")
        else:
            m = done.matched
            click.echo(f"{path}: statement {done.statement.id}, {done.new_lines} new line(s) of "
                       f"{done.lines_in_file}; matched {m.remittance_lines} to remittances, "
                       f"{m.dishonour_lines} to dishonours; {m.unmatched} unmatched")
    if failed:
        sys.exit(1)


@bank.command("match")
@click.option("--tenant", required=True)
@click.option("--bank-account", required=True)
@click.option("--window", type=click.IntRange(0, 90), default=matching.WINDOW_DAYS, show_default=True,
              help="Days after a pay-in (around a dishonour) a bank line may fall.")
@click.pass_obj
def match_cmd(ctx, tenant, bank_account, window) -> None:
    """Match unmatched lines again (after recording dishonours or remittances)."""
    with ctx.session() as session:
        report = matching.auto_match(session, tenant, find_bank_account(session, tenant, bank_account, active=False),
                                     Actor.cli(), window=window)
    click.echo(f"matched {report.remittance_lines} line(s) to remittances, {report.dishonour_lines} to "
               f"dishonours; {report.unmatched} unmatched")


@bank.command("unmatched")
@click.option("--tenant", required=True)
@click.option("--bank-account", required=True)
@click.option("--from", "date_from", type=DATE, default=None)
@click.option("--to", "date_to", type=DATE, default=None)
@click.pass_obj
def unmatched_cmd(ctx, tenant, bank_account, date_from, date_to) -> None:
    """Statement lines waiting for a match, for ``rasid bank match-line``."""
    with ctx.session() as session:
        lines = unmatched_lines(session, tenant, bank_account, date_from and date_from.date(),
                                date_to and date_to.date())
        rows = [[x.id, x.txn_date, x.direction, amount(x.amount_paise), x.reference or "", (x.description or "")[:50]]
                for x in lines]
    click.echo(table(["Line", "Date", "Dr/Cr", "Amount", "Reference", "Description"], rows, right={3}))


@bank.command("match-line")
@click.option("--tenant", required=True)
@click.argument("line_id", type=int)
@click.option("--remittance", "remittance_id", type=int, default=None)
@click.option("--part", type=click.Choice(("ALL", "CASH", "CHEQUES", "NET_ALL", "NET_CHEQUES")), default=None,
              help="Which part of the remittance the credit confirms (default: the one its amount fits).")
@click.option("--cheque", "instrument_id", type=int, default=None,
              help="One deposited cheque or DD (its instrument id), for banks that credit each by itself.")
@click.option("--dishonour", "dishonour_id", type=int, default=None)
@click.option("--voucher", "voucher_number", default=None, help="A voucher that booked the line otherwise.")
@click.pass_obj
def match_line_cmd(ctx, tenant, line_id, remittance_id, part, instrument_id, dishonour_id, voucher_number) -> None:
    """Match one statement line by hand."""
    with ctx.session() as session:
        line = matching.match_line(session, tenant, line_id, Actor.cli(), remittance_id=remittance_id, part=part,
                                   instrument_id=instrument_id, dishonour_id=dishonour_id,
                                   voucher_number=voucher_number)
        what = (f"remittance {line.remittance_id} ({line.match_part})" if line.remittance_id else
                f"dishonour {line.dishonour_id}" if line.dishonour_id else f"voucher {voucher_number}")
    click.echo(f"line {line_id} matched to {what}")


@bank.command("unmatch-line")
@click.option("--tenant", required=True)
@click.argument("line_id", type=int)
@click.pass_obj
def unmatch_line_cmd(ctx, tenant, line_id) -> None:
    """Undo a line's match."""
    with ctx.session() as session:
        matching.unmatch_line(session, tenant, line_id, Actor.cli())
    click.echo(f"line {line_id} unmatched")


@bank.command("formats")
def formats_cmd() -> None:
    """The CSV layouts rasid reads, with their columns."""
    for mapping in MAPPINGS.values():
        columns = ", ".join(f"{k}={v!r}" for k, v in mapping.model_dump(exclude={"name"}).items() if v)
        click.echo(f"{mapping.name}: {columns}")
    click.echo("camt053: ISO 20022 bank-to-customer statement XML (any version)")
