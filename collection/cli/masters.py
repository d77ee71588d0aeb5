"""``rasid masters load``."""
from __future__ import annotations

import click

from collection.masters import load_masters, read_masters_file


@click.group()
def masters() -> None:
    """Tenants, chart of accounts, segments, bank accounts, financial years."""


@masters.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def load(ctx, path: str) -> None:
    """Load (upsert) masters from a YAML or JSON file; loading twice changes nothing."""
    data = read_masters_file(path)
    with ctx.session() as session:
        report = load_masters(session, data)
    click.echo(f"loaded {path}: {report.summary()}")
