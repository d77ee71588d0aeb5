"""Preview and check receipt templates from a shell (for tenants writing their own).

    python -m receipt_templates list [--dir FOLDER]
    python -m receipt_templates preview TEMPLATE OUT.pdf|OUT.png [--dir FOLDER] [--dpi 150]
    python -m receipt_templates doctor

A PNG is made with poppler's ``pdftoppm``. Exit status 1 on a broken template or failed check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .catalog import list_templates
from .doctor import doctor
from .errors import TemplateError
from .preview import write_preview


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m receipt_templates", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="templates on the search path")
    listing.add_argument("--dir", action="append", default=[], help="a tenant template folder")
    preview = commands.add_parser("preview", help="render a template with sample data")
    preview.add_argument("template")
    preview.add_argument("out", type=Path)
    preview.add_argument("--dir", action="append", default=[], help="a tenant template folder")
    preview.add_argument("--dpi", type=int, default=150)
    commands.add_parser("doctor", help="check fonts, fast subsetting and templates")
    args = parser.parse_args(argv)

    if args.command == "list":
        for info in list_templates(args.dir):
            origin = "shipped" if info.builtin else str(info.path)
            print(f"{info.name:16} {origin:24} {info.description}")
        return 0
    if args.command == "doctor":
        checks = doctor()
        for check in checks:
            print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        return 0 if all(check.ok for check in checks) else 1

    try:
        write_preview(args.template, args.out, extra_dirs=args.dir, dpi=args.dpi)
    except (TemplateError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
