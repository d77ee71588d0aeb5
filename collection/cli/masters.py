"""``rasid masters load``."""
from __future__ import annotations

import click

from collection import master_writes
from collection.audit import cli_actor
from collection.masters import read_masters_file


@click.group()
def masters() -> None:
    """Tenants, chart of accounts, segments, bank accounts, financial years."""


@masters.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--by", default=None, help="Who loads it, for the audit trail (default: cli:<login>).")
@click.pass_obj
def load(ctx, path: str, by: str | None) -> None:
    """Load (upsert) masters from a YAML or JSON file; loading twice changes nothing."""
    data = read_masters_file(path)
    with ctx.session() as session:
        report = master_writes.load_file(session, cli_actor(by), data, str(path))
    click.echo(f"loaded {path}: {report.summary()}")
