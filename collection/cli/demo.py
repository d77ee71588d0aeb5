"""``rasid demo``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from collection import demo as demo_service
from collection.cli.context import Context
from ledger.db import session_factory


@click.command()
@click.option("--file", "path", default="rasid-demo.db", show_default=True,
              help="SQLite file to build the demo in (replaced if it exists).")
@click.pass_context
def demo(ctx: click.Context, path: str) -> None:
    """Build a demo municipality from nothing in a SQLite file and show its books."""
    from collection.cli.ledger_cmds import check_cmd, trial_balance_cmd

    target = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    ctx.obj = Context(f"sqlite:///{target}")  # the commands below read the demo file
    click.echo(f"building the demo municipality {demo_service.TENANT} in {target}")
    factory = session_factory(ctx.obj.engine)
    demo_service.run_demo(ctx.obj.engine, factory, click.echo)
    demo_service.print_receipts(factory, target.with_name(f"{target.stem}-receipts"), click.echo)

    start, end = demo_service.DEMO_MONTH
    click.echo("")
    ctx.invoke(trial_balance_cmd, tenant=demo_service.TENANT,
               date_from=dt.datetime.combine(start, dt.time()),
               date_to=dt.datetime.combine(end, dt.time()), fmt="table")
    click.echo("")
    ctx.invoke(check_cmd, tenant=None)
    click.echo(f"\nexplore it: RASID_DATABASE_URL={ctx.obj.url} rasid ledger statement --tenant "
               f"{demo_service.TENANT} --glcode 4501001 --from {start} --to {end}")
