"""``rasid db``: schema migrations."""
from __future__ import annotations

import click

import migrations


@click.group()
def db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""


@db.command()
@click.pass_obj
def upgrade(ctx) -> None:
    """Upgrade the database to the latest schema."""
    migrations.upgrade(ctx.engine)
    click.echo(f"database at revision {migrations.current_revision(ctx.engine)} ({ctx.engine.url.render_as_string()})")


@db.command()
@click.pass_obj
def current(ctx) -> None:
    """Show the database's schema revision and the latest one."""
    now, head = migrations.current_revision(ctx.engine), migrations.head_revision()
    click.echo(f"current {now or '(empty)'}; head {head}" + ("" if now == head else " — run `rasid db upgrade`"))
