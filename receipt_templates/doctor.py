"""Self-checks for ``rasid doctor``: can this machine print receipts, and print them fast?"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

__all__ = ["Check", "doctor", "harfbuzz_subset_available"]

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansDevanagari-Bold.ttf",
)
_RUPEE = 0x20B9
_DEVANAGARI_KA = 0x0915


class Check(NamedTuple):
    """One doctor finding."""

    name: str
    ok: bool
    detail: str


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint subsets fonts with libharfbuzz-subset (fast) or fontTools (~8x slower).

    Mirrors WeasyPrint's own test in ``weasyprint/pdf/fonts.py``: the library was found by
    ``weasyprint.text.ffi`` and HarfBuzz is at least 4.1.0.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def _weasyprint() -> Check:
    try:
        import weasyprint
    except Exception as exc:  # noqa: BLE001 - missing system libraries raise OSError
        return Check("weasyprint", False, f"cannot import WeasyPrint: {exc}")
    return Check("weasyprint", True, f"WeasyPrint {weasyprint.__version__}")


def _subset() -> Check:
    try:
        fast = harfbuzz_subset_available()
    except Exception as exc:  # noqa: BLE001
        return Check("font subsetting", False, f"cannot inspect WeasyPrint: {exc}")
    if fast:
        return Check("font subsetting", True, "libharfbuzz-subset in use (fast PDF writing)")
    return Check(
        "font subsetting", False,
        "libharfbuzz-subset not found: WeasyPrint falls back to fontTools and writes each PDF "
        "~8x slower; install it (Debian/Ubuntu: apt-get install libharfbuzz-subset0)",
    )


def _fonts() -> list[Check]:
    from fontTools.ttLib import TTFont

    checks = []
    for name in FONT_FILES:
        path = FONTS_DIR / name
        if not path.is_file():
            checks.append(Check(f"font {name}", False, f"missing: {path}"))
            continue
        try:
            cmap = TTFont(path, lazy=True).getBestCmap()
        except Exception as exc:  # noqa: BLE001 - a corrupt file
            checks.append(Check(f"font {name}", False, f"unreadable: {exc}"))
            continue
        needed = [_RUPEE] + ([_DEVANAGARI_KA] if "Devanagari" in name else [ord("A")])
        missing = [f"U+{cp:04X}" for cp in needed if cp not in cmap]
        detail = f"{path.stat().st_size // 1024} KiB, {len(cmap)} characters"
        if missing:
            checks.append(Check(f"font {name}", False, f"{detail}; lacks {', '.join(missing)}"))
        else:
            checks.append(Check(f"font {name}", True, detail))
    return checks


def _templates() -> list[Check]:
    from .catalog import list_templates
    from .renderer import Renderer

    try:
        renderer = Renderer()
    except Exception as exc:  # noqa: BLE001 - e.g. a bad RASID_RECEIPT_TEMPLATES folder
        return [Check("templates", False, str(exc))]
    checks = []
    for info in list_templates(renderer.search_path[:-1]):
        where = "shipped" if info.builtin else str(info.path)
        try:
            renderer.load(info.name)
        except Exception as exc:  # noqa: BLE001 - TemplateError, or broken CSS
            checks.append(Check(f"template {info.name}", False, f"{where}: {exc}"))
        else:
            checks.append(Check(f"template {info.name}", True, where))
    return checks


def doctor(*, templates: bool = True) -> list[Check]:
    """Run every check; nothing raises. ``templates=False`` skips compiling the templates."""
    checks = [_weasyprint()]
    if not checks[0].ok:
        return checks
    checks.append(_subset())
    checks.extend(_fonts())
    pdftoppm = shutil.which("pdftoppm")
    checks.append(Check(
        "pdftoppm", pdftoppm is not None,
        pdftoppm or "not found (only tests and previews as PNG need it: apt-get install poppler-utils)",
    ))
    if templates:
        checks.extend(_templates())
    return checks
