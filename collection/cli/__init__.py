"""The ``rasid`` command. Thin: parse options, call one service function, print.

Domain errors are handled once, here: ``error CODE: message`` on stderr and
exit status 2, never a traceback.
"""
from __future__ import annotations

import sys

import click

from ledger.errors import RasidError


class RasidGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RasidError as exc:
            click.echo(f"error {exc.code}: {exc.message}", err=True)
            for detail in exc.details[1:]:
                click.echo(f"error {detail['code']}: {detail.get('field') or ''}: {detail['message']}",
                           err=True)
            ctx.exit(2)


@click.group(cls=RasidGroup)
@click.option("--database-url", envvar="RASID_DATABASE_URL", default=None,
              help="Database URL (default: RASID_DATABASE_URL, else sqlite:///rasid.db).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """rasid: collections, receipts and a double-entry ledger for urban local bodies."""
    from collection.cli.context import Context

    ctx.obj = Context(database_url)


def _register() -> None:
    from collection.cli import bills, db, demo, doctor, ledger_cmds, masters, receipts, serve, users

    main.add_command(db.db)
    main.add_command(masters.masters)
    main.add_command(bills.bills)
    main.add_command(receipts.collect)
    main.add_command(receipts.receipts)
    main.add_command(ledger_cmds.ledger)
    main.add_command(ledger_cmds.periods)
    from collection.cli import bank, remittances, reports  # remittance and reconciliation (issue 7)
    main.add_command(remittances.remit)
    main.add_command(remittances.remittances)
    main.add_command(remittances.dishonour)
    main.add_command(bank.bank)
    main.add_command(reports.reports)
    main.add_command(demo.demo)
    main.add_command(doctor.doctor)
    from collection.cli.templates import templates  # receipt templates (issue 6)
    main.add_command(templates)
    main.add_command(users.users)
    main.add_command(users.clients)
    main.add_command(serve.serve)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
