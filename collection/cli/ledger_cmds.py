"""``rasid ledger`` (reports, check, post, reverse) and ``rasid periods``."""
from __future__ import annotations

import datetime as dt
import json
import sys

import click

import vouchers
from collection import master_writes
from collection.audit import cli_actor
from collection.cli.output import amount, drcr, table, to_csv, to_json
from ledger import periods as period_service
from ledger.check import check_ledger
from ledger.errors import ValidationError
from ledger.journal import LineDraft, get_voucher
from ledger.money import format_rupees, parse_rupees
from ledger.reports import balance as account_balance, statement as gl_statement, trial_balance

DATE = click.DateTime(formats=["%Y-%m-%d"])
FORMAT = click.Choice(["table", "csv", "json"])
SEGMENT_OPTIONS = ("fund", "function", "functionary", "department", "fund_source")


def _segment_options(f):
    for name in reversed(SEGMENT_OPTIONS):
        f = click.option(f"--{name.replace('_', '-')}", name, default=None,
                         help=f"Only lines of this {name.replace('_', ' ')} code.")(f)
    return f


def _segments(kwargs) -> dict[str, str]:
    return {name: kwargs[name] for name in SEGMENT_OPTIONS if kwargs.get(name)}


@click.group()
def ledger() -> None:
    """Trial balance, GL statements, balances, postings and the integrity check."""


@ledger.command("trial-balance")
@click.option("--tenant", required=True)
@click.option("--from", "date_from", type=DATE, required=True)
@click.option("--to", "date_to", type=DATE, required=True)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@_segment_options
@click.pass_obj
def trial_balance_cmd(ctx, tenant, date_from, date_to, fmt, **kwargs) -> None:
    """Per GL code: opening, debit, credit and closing balance for a period."""
    with ctx.session() as session:
        tb = trial_balance(session, tenant, date_from.date(), date_to.date(), _segments(kwargs))
    if fmt == "json":
        click.echo(to_json({
            "tenantId": tb.tenant_id, "from": tb.date_from, "to": tb.date_to, "balanced": tb.balanced,
            "rows": [{"glcode": r.glcode, "name": r.name, "type": r.type, "openingPaise": r.opening,
                      "debitPaise": r.debit, "creditPaise": r.credit, "closingPaise": r.closing,
                      "opening": format_rupees(r.opening), "debit": format_rupees(r.debit),
                      "credit": format_rupees(r.credit), "closing": format_rupees(r.closing)}
                     for r in tb.rows],
            "totals": {"debitPaise": tb.debit, "creditPaise": tb.credit,
                       "closingDebitPaise": tb.closing_debit, "closingCreditPaise": tb.closing_credit},
        }))
    elif fmt == "csv":
        click.echo(to_csv(["GL code", "Account", "Opening", "Debit", "Credit", "Closing", "Type"], [
            [r.glcode, r.name, format_rupees(r.opening), format_rupees(r.debit),
             format_rupees(r.credit), format_rupees(r.closing), r.type] for r in tb.rows]), nl=False)
    else:
        _print_trial_balance(tb)
    if not tb.balanced:  # books that do not balance are a failure, whatever the format
        click.echo("NOT BALANCED", err=fmt != "table")
        sys.exit(1)


def _print_trial_balance(tb) -> None:
    headers = ["GL code", "Account", "Opening", "Debit", "Credit", "Closing"]
    rows = [[r.glcode, r.name[:48], drcr(r.opening), amount(r.debit), amount(r.credit), drcr(r.closing)]
            for r in tb.rows]
    rows.append(["", "Total", "", amount(tb.debit), amount(tb.credit), ""])
    rows.append(["", "Closing balances", "", amount(tb.closing_debit), amount(tb.closing_credit), ""])
    click.echo(f"Trial balance of {tb.tenant_id}, {tb.date_from} to {tb.date_to}")
    click.echo(table(headers, rows, right={2, 3, 4, 5}))
    if tb.balanced:
        click.echo("Balanced: debits equal credits.")


@ledger.command("statement")
@click.option("--tenant", required=True)
@click.option("--glcode", required=True)
@click.option("--from", "date_from", type=DATE, required=True)
@click.option("--to", "date_to", type=DATE, required=True)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@_segment_options
@click.pass_obj
def statement_cmd(ctx, tenant, glcode, date_from, date_to, fmt, **kwargs) -> None:
    """Every posting to one GL code in a period, with the running balance."""
    with ctx.session() as session:
        st = gl_statement(session, tenant, glcode, date_from.date(), date_to.date(), _segments(kwargs))
    if fmt == "json":
        click.echo(to_json({"tenantId": tenant, "glcode": st.glcode, "name": st.name,
                            "openingPaise": st.opening, "closingPaise": st.closing,
                            "entries": [{"date": e.voucher_date, "voucherNumber": e.voucher_number,
                                         "voucherType": e.voucher_type, "narration": e.narration,
                                         "debitPaise": e.debit, "creditPaise": e.credit,
                                         "balancePaise": e.balance} for e in st.entries]}))
        return
    headers = ["Date", "Voucher", "Narration", "Debit", "Credit", "Balance"]
    rows = [[e.voucher_date, e.voucher_number, (e.narration or "")[:40], amount(e.debit),
             amount(e.credit), drcr(e.balance)] for e in st.entries]
    if fmt == "csv":
        opening = [st.date_from, "", "Opening balance", "", "", format_rupees(st.opening)]
        click.echo(to_csv(headers, [opening] + [[e.voucher_date, e.voucher_number, e.narration or "",
                                                 format_rupees(e.debit), format_rupees(e.credit),
                                                 format_rupees(e.balance)] for e in st.entries]),
                   nl=False)
        return
    click.echo(f"{st.glcode} {st.name} ({tenant}), {st.date_from} to {st.date_to}")
    click.echo(f"Opening balance: {drcr(st.opening)}")
    click.echo(table(headers, rows, right={3, 4, 5}))
    click.echo(f"Closing balance: {drcr(st.closing)}")


@ledger.command("balance")
@click.option("--tenant", required=True)
@click.option("--glcode", required=True)
@click.option("--as-of", type=DATE, required=True)
@_segment_options
@click.pass_obj
def balance_cmd(ctx, tenant, glcode, as_of, **kwargs) -> None:
    """Balance of one GL code at the end of a day, optionally for one segment."""
    with ctx.session() as session:
        value = account_balance(session, tenant, glcode, as_of.date(), _segments(kwargs))
    click.echo(f"{glcode} as of {as_of.date()}: {drcr(value)}")


@ledger.command("check")
@click.option("--tenant", default=None, help="Check one tenant only.")
@click.pass_obj
def check_cmd(ctx, tenant) -> None:
    """Recompute kept balances, voucher totals, numbering and the hash chain from the lines."""
    with ctx.session() as session:
        problems = check_ledger(session, tenant)
    for problem in problems:
        click.echo(f"{problem.kind}: {problem.tenant_id}: {problem.message}", err=True)
    if problems:
        click.echo(f"ledger check FAILED: {len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("ledger check passed: balances, vouchers, numbering and hash chains agree with the lines")


@ledger.command("post")
@click.argument("path", type=click.File("r"))
@click.pass_obj
def post_cmd(ctx, path) -> None:
    """Post a voucher described by a JSON file (see README: "Posting a journal voucher")."""
    voucher = _read_voucher(path)
    with ctx.session() as session:
        posted = vouchers.post(session, **voucher)
    click.echo(f"{'already posted' if posted.replayed else 'posted'} {posted.number} "
               f"for {format_rupees(posted.total)}")


def _read_voucher(path) -> dict:
    """The arguments of ``vouchers.post`` from a voucher file; anything missing or of the wrong
    type is VOUCHER_FILE_INVALID (a number as narration would post a voucher that never verifies)."""
    try:
        spec = json.load(path)
        if not isinstance(spec, dict) or not isinstance(spec.get("lines"), list):
            raise TypeError("a voucher file is a JSON object with a list of lines")
        return {"tenant_id": _text(spec, "tenant", required=True),
                "voucher_type": _text(spec, "type", default="JOURNAL"),
                "voucher_date": dt.date.fromisoformat(_text(spec, "date", required=True)),
                "lines": [_line(ln, i) for i, ln in enumerate(spec["lines"], start=1)],
                "narration": _text(spec, "narration"), "source_ref": _text(spec, "sourceRef"),
                "idempotency_key": _text(spec, "idempotencyKey"), "created_by": _text(spec, "createdBy")}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"{path.name}: not a voucher file ({type(exc).__name__}: {exc})",
                              code="VOUCHER_FILE_INVALID") from None


def _line(ln, i: int) -> LineDraft:
    if not isinstance(ln, dict):
        raise TypeError(f"lines[{i}] is not an object")
    return LineDraft(str(ln["glcode"]), str(ln["fund"]), str(ln["function"]), str(ln["functionary"]),
                     str(ln["department"]), str(ln["fundSource"]),
                     debit=parse_rupees(ln.get("debit", "0"), field=f"lines[{i}].debit"),
                     credit=parse_rupees(ln.get("credit", "0"), field=f"lines[{i}].credit"),
                     narration=_text(ln, "narration", where=f"lines[{i}]."))


def _text(obj: dict, key: str, *, required: bool = False, default: str | None = None,
          where: str = "") -> str | None:
    """``obj[key]`` if it is a string, ``default`` if absent or null; else a TypeError naming it."""
    value = obj.get(key)
    if value is None and required:
        raise TypeError(f"{where}{key} is missing")
    if value is None:
        return default
    if not isinstance(value, str):
        raise TypeError(f"{where}{key} must be a string, not {json.dumps(value)[:60]}")
    return value


@ledger.command("reverse")
@click.option("--tenant", required=True)
@click.argument("number")
@click.option("--date", "on", type=DATE, required=True)
@click.option("--reason", required=True)
@click.pass_obj
def reverse_cmd(ctx, tenant, number, on, reason) -> None:
    """Post the exact mirror of a voucher (at most once)."""
    with ctx.session() as session:
        posted = vouchers.reverse(session, get_voucher(session, tenant, number), on.date(), reason)
    click.echo(f"reversed {number} by {posted.number}")


@click.group()
def periods() -> None:
    """Financial periods: list, close, reopen."""


@periods.command("list")
@click.option("--tenant", required=True)
@click.pass_obj
def periods_list(ctx, tenant) -> None:
    with ctx.session() as session:
        rows = [[p.code, p.start_date, p.end_date, p.status, p.changed_by or ""]
                for p in period_service.list_periods(session, tenant)]
    click.echo(table(["Period", "From", "To", "Status", "Changed by"], rows))


@periods.command("close")
@click.option("--tenant", required=True)
@click.argument("period")
@click.option("--by", "changed_by", default=None, help="Who closes it (recorded; default: cli:<login>).")
@click.pass_obj
def periods_close(ctx, tenant, period, changed_by) -> None:
    """Close a month (e.g. 2026-04): postings dated in it are refused from now on."""
    with ctx.session() as session:
        master_writes.set_period_status(session, cli_actor(changed_by), tenant, period, "closed")
    click.echo(f"period {period} of {tenant} closed")


@periods.command("reopen")
@click.option("--tenant", required=True)
@click.argument("period")
@click.option("--by", "changed_by", default=None, help="Who reopens it (recorded; default: cli:<login>).")
@click.pass_obj
def periods_reopen(ctx, tenant, period, changed_by) -> None:
    """Reopen a closed month."""
    with ctx.session() as session:
        master_writes.set_period_status(session, cli_actor(changed_by), tenant, period, "open")
    click.echo(f"period {period} of {tenant} reopened")
