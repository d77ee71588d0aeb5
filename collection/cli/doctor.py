"""``rasid doctor``: can this machine run rasid well?"""
from __future__ import annotations

import sys

import click

import migrations


@click.command()
@click.pass_obj
def doctor(ctx) -> None:
    """Check the database, the schema, and fast receipt printing (fonts, harfbuzz subsetting)."""
    from receipt_templates import doctor as receipt_checks

    checks: list[tuple[str, bool, str]] = []
    try:
        current, head = migrations.current_revision(ctx.engine), migrations.head_revision()
        checks.append(("database", True, ctx.engine.url.render_as_string()))
        checks.append(("schema", current == head,
                       f"at {current or '(empty)'}, head {head}"
                       + ("" if current == head else " — run `rasid db upgrade`")))
    except Exception as exc:  # noqa: BLE001 - any connection failure is a finding, not a crash
        checks.append(("database", False, f"{ctx.url}: {type(exc).__name__}: {exc}".splitlines()[0]))
    checks += [(c.name, c.ok, c.detail) for c in receipt_checks()]
    width = max(len(name) for name, _, _ in checks)
    for name, ok, detail in checks:
        click.echo(f"{'ok  ' if ok else 'FAIL'}  {name:<{width}}  {detail}")
    if not all(ok for _, ok, _ in checks):
        sys.exit(1)
