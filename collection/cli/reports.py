"""``rasid reports NAME``: finance's reports as a table, CSV, JSON or PDF."""
from __future__ import annotations

from pathlib import Path

import click

from collection.cli.output import amount, table, to_json
from collection.reports import render
from collection.reports.catalog import NAMES, REPORTS, ReportParams, build_report
from ledger.errors import ValidationError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value):
    return value.date() if value else None


@click.command(epilog="Reports: " + "; ".join(f"{n} ({s.description})" for n, s in REPORTS.items()))
@click.argument("name", type=click.Choice(NAMES))
@click.option("--tenant", required=True)
@click.option("--from", "date_from", type=DATE, default=None)
@click.option("--to", "date_to", type=DATE, default=None)
@click.option("--as-of", "as_of", type=DATE, default=None)
@click.option("--bank-account", default=None)
@click.option("--service", default=None)
@click.option("--status", default=None, help="receipt-register: only receipts in this state.")
@click.option("--collector", default=None, help="receipt-register: only this collector's receipts.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "pdf"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (needed for pdf).")
@click.pass_obj
def reports(ctx, name, tenant, date_from, date_to, as_of, bank_account, service, status, collector, fmt,
            output) -> None:
    """A finance report: remittances, pending remittances, dishonours, BRS, collections, receipts."""
    if fmt == "pdf" and not output:
        raise ValidationError("a PDF goes to a file: give --output", code="OUTPUT_REQUIRED", field="output")
    params = ReportParams(_day(date_from), _day(date_to), _day(as_of), bank_account, service, status, collector)
    with ctx.session() as session:
        report = build_report(session, tenant, name, params)
    if fmt == "pdf":
        Path(output).write_bytes(render.as_pdf(report))
        click.echo(f"{report.title}: {len(report.rows)} row(s) written to {output}")
        return
    if fmt == "json":
        text = to_json(render.as_json(report)) + "\n"
    elif fmt == "csv":
        text = render.as_csv(report)
    else:
        text = _table(report)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return drcr_free(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def drcr_free(paise: int) -> str:
    return amount(paise) or "0.00"


def _table(report) -> str:
    columns = report.columns
    rows = [[_cell(row.get(c.key), c.kind) for c in columns] for row in report.rows]
    right = {i for i, c in enumerate(columns) if c.kind in ("money", "int")}
    lines = [f"{report.title} ({report.tenant_id}, "
             + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.parameters.items()) + ")",
             table([c.label for c in columns], rows, right=right), ""]
    width = max((len(t.label) for t in report.summary), default=0)
    lines += [f"{t.label:<{width}}  {_cell(t.value, t.kind):>16}" for t in report.summary]
    return "\n".join(lines) + "\n"
