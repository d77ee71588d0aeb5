"""A template filled with the sample receipt, as a PDF or PNG file: how tenants check theirs.

Shared by ``python -m receipt_templates preview`` and ``rasid templates preview``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["pdf_to_png", "write_preview"]


def pdf_to_png(pdf: bytes, out: Path, dpi: int = 150) -> None:
    """The first page of ``pdf`` as a PNG at ``out``, with poppler's ``pdftoppm``."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise FileNotFoundError("pdftoppm not found (Debian: apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "receipt.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-png", "-singlefile", "-f", "1", "-l", "1",
             str(source), str(out.with_suffix(""))],
            check=True, capture_output=True,
        )


def write_preview(
    template: str,
    out: str | os.PathLike[str],
    *,
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    dpi: int = 150,
) -> Path:
    """Render ``template`` with the sample receipt to ``out`` (.png: an image, else a PDF).

    Raises TemplateError (naming the template and line) before anything is written.
    """
    from .renderer import Renderer

    path = Path(out)
    pdf = Renderer(extra_dirs).preview(template)
    if path.suffix.lower() == ".png":
        pdf_to_png(pdf, path, dpi)
    else:
        path.write_bytes(pdf)
    return path
