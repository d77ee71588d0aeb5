"""``rasid bills validate|submit``."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click
from tqdm import tqdm

import billxml
from collection.bills.intake import BillXmlRejected, submit_bill_xml
from collection.bills.lookup import TenantMasters
from ledger.errors import RasidError


def _files(paths: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.xml") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise RasidError(f"{raw}: no such file or directory", code="FILE_NOT_FOUND", status=404)
    return found


def _progress(items, label: str):
    """A progress bar on a terminal; nothing when piped."""
    return tqdm(items, desc=label, unit="file", disable=None, file=sys.stderr, leave=False)


@click.group()
def bills() -> None:
    """Bill XML: validate documents, submit them."""


@bills.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--tenant", default=None, help="Also check codes against this tenant's masters (reads the database).")
@click.pass_obj
def validate(ctx, paths, tenant) -> None:
    """Validate Bill XML files without writing anything; exit 1 if any is invalid."""
    files = _files(paths)
    session = ctx.read_session() if tenant else None
    masters = TenantMasters(session, tenant) if tenant else None
    bad = 0
    try:
        for path in _progress(files, "validating"):
            errors = billxml.validate(path.read_bytes(), masters)
            if errors:
                bad += 1
                for e in errors:
                    click.echo(f"{path}:{e.line or '-'}: {e.code}: {e.message} [{e.path}]")
            else:
                click.echo(f"{path}: valid")
    finally:
        if session is not None:
            session.rollback()
            session.close()
    click.echo(f"{len(files) - bad} valid, {bad} invalid")
    if bad:
        sys.exit(1)


@bills.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--tenant", required=True)
@click.option("--submitted-by", default=None, help="Recorded with each stored document.")
@click.pass_obj
def submit(ctx, paths, tenant, submitted_by) -> None:
    """Submit Bill XML files (or folders of them); each file is stored whole or not at all."""
    files = _files(paths)
    outcomes: Counter[str] = Counter()
    rejected: list[tuple[Path, RasidError]] = []
    for path in _progress(files, "submitting"):
        try:
            with ctx.session() as session:
                result = submit_bill_xml(session, tenant, path.read_bytes(), submitted_by=submitted_by)
        except RasidError as exc:
            rejected.append((path, exc))
            continue
        outcomes.update(stored.outcome for stored in result.bills)
    accepted = len(files) - len(rejected)
    click.echo(f"accepted {accepted} file(s): {outcomes['created']} bill(s) created, "
               f"{outcomes['superseded']} new version(s), {outcomes['unchanged']} unchanged")
    if rejected:
        click.echo(f"rejected {len(rejected)} file(s):")
        for path, exc in rejected:
            click.echo(f"  {path}: {exc.code}: {exc.message}")
            for detail in exc.details[1:6] if isinstance(exc, BillXmlRejected) else []:
                click.echo(f"      line {detail.get('line') or '-'}: {detail['code']}: {detail['message']}")
        sys.exit(1)
