"""``rasid templates list|preview``: the receipt templates a tenant can print with.

Thin over receipt_templates (the same calls as ``python -m receipt_templates``); tenant
folders come from ``--dir`` and ``$RASID_RECEIPT_TEMPLATES``, searched before the shipped ones.
"""
from __future__ import annotations

import click

from collection.cli.output import table
from ledger.errors import RasidError

_DIRS = click.option(
    "--dir", "dirs", multiple=True, type=click.Path(file_okay=False),
    help="A tenant template folder, searched first (repeatable; also $RASID_RECEIPT_TEMPLATES).",
)


@click.group()
def templates() -> None:
    """Receipt templates: list them, preview one with a sample receipt."""


@templates.command("list")
@_DIRS
def list_cmd(dirs: tuple[str, ...]) -> None:
    """The templates on the search path, tenant folders first, with where each comes from."""
    from receipt_templates import list_templates

    try:
        infos = list_templates(dirs)
    except FileNotFoundError as exc:
        raise RasidError(str(exc), code="FILE_NOT_FOUND", status=404) from exc
    rows = [[info.name,
             "shipped" if info.builtin
             else f"{info.path}{' (replaces shipped)' if info.overrides_builtin else ''}",
             info.description] for info in infos]
    click.echo(table(["Template", "From", "Description"], rows))


@templates.command()
@click.argument("name")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write: a PDF, or a .png image of the first page.")
@_DIRS
@click.option("--dpi", type=click.IntRange(30, 600), default=150, show_default=True,
              help="Resolution of a PNG.")
def preview(name: str, output: str, dirs: tuple[str, ...], dpi: int) -> None:
    """Render template NAME with the sample receipt; a broken template names its line."""
    from receipt_templates import TemplateError
    from receipt_templates.preview import write_preview

    try:
        path = write_preview(name, output, extra_dirs=dirs, dpi=dpi)
    except TemplateError as exc:
        raise RasidError(str(exc), code="RECEIPT_TEMPLATE_ERROR", status=422) from exc
    except FileNotFoundError as exc:
        raise RasidError(str(exc), code="FILE_NOT_FOUND", status=404) from exc
    except ValueError as exc:  # a name that is not a template's (e.g. "a/b")
        raise RasidError(str(exc), code="TEMPLATE_NAME_INVALID", status=422) from exc
    click.echo(f"wrote {path}")
