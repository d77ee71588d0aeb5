"""``rasid demo``."""
from __future__ import annotations

from pathlib import Path

import click

from collection import demo as demo_service
from ledger.db import make_engine, session_factory


@click.command()
@click.option("--file", "path", default="rasid-demo.db", show_default=True,
              help="SQLite file to build the demo in (replaced if it exists).")
@click.pass_context
def demo(ctx: click.Context, path: str) -> None:
    """Build a demo municipality from nothing in a SQLite file and show its books."""
    target = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{target}"
    click.echo(f"building the demo municipality {demo_service.TENANT} in {target}")
    engine = make_engine(url)
    demo_service.run_demo(engine, session_factory(engine), click.echo)
    ctx.obj.url = url
    ctx.obj.__dict__["engine"] = engine
    start, end = demo_service.DEMO_MONTH
    from collection.cli.ledger_cmds import check_cmd, trial_balance_cmd

    click.echo("")
    ctx.invoke(trial_balance_cmd, tenant=demo_service.TENANT, date_from=_dt(start), date_to=_dt(end),
               fmt="table")
    click.echo("")
    ctx.invoke(check_cmd, tenant=None)
    click.echo(f"\nexplore it: RASID_DATABASE_URL={url} rasid ledger statement --tenant "
               f"{demo_service.TENANT} --glcode 4501001 --from {start} --to {end}")


def _dt(day):
    import datetime as dt

    return dt.datetime.combine(day, dt.time())
