"""PDF inspection helpers for the receipt_templates tests (pypdf, pdftoppm)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

PDFTOPPM = shutil.which("pdftoppm")


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def flat(s: str) -> str:
    """Whitespace-insensitive form: pypdf breaks lines where the layout wrapped them."""
    return " ".join(s.split())


def rotated_texts(pdf: bytes, page_number: int = 0) -> list[str]:
    """Text drawn under a rotation (neither horizontal nor vertical): the watermark."""
    found: list[str] = []

    def visit(txt, cm, tm, font_dict, font_size):
        a, b = cm[0] * tm[0] + cm[2] * tm[1], cm[1] * tm[0] + cm[3] * tm[1]
        if txt.strip() and abs(a) > 0.05 and abs(b) > 0.05:
            found.append(txt.strip())

    reader(pdf).pages[page_number].extract_text(visitor_text=visit)
    return found


def base_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in reader(pdf).pages:
        fonts = page["/Resources"].get("/Font", {})
        for key in fonts:
            names.add(str(fonts[key].get_object()["/BaseFont"]))
    return names


def glyph_runs(pdf: bytes, page_number: int = 0) -> list[tuple[str, int]]:
    """(font name, glyph id) for every glyph shown on the page, in content-stream order.

    WeasyPrint writes text as 2-byte glyph ids of fonts it subsets with their glyph ids kept
    (HB_SUBSET_FLAGS_RETAIN_GIDS / fontTools retain_gids), so they are the shipped font's ids.
    """
    pdf_reader = reader(pdf)
    page = pdf_reader.pages[page_number]
    fonts = page["/Resources"]["/Font"]
    current = ""
    glyphs: list[tuple[str, int]] = []
    for operands, operator in ContentStream(page.get_contents(), pdf_reader).operations:
        if operator == b"Tf":
            current = str(fonts[operands[0]].get_object()["/BaseFont"])
        elif operator in (b"TJ", b"Tj"):
            items = operands[0] if operator == b"TJ" else [operands[0]]
            for item in items:
                data = getattr(item, "original_bytes", item)
                if isinstance(data, bytes):
                    glyphs += [
                        (current, int.from_bytes(data[i:i + 2], "big"))
                        for i in range(0, len(data), 2)
                    ]
    return glyphs


def render_png(pdf: bytes, out_dir: Path, dpi: int = 50, page: int = 1) -> Path:
    """One page (the first unless told) as PNG via poppler's pdftoppm."""
    assert PDFTOPPM is not None
    source = out_dir / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [PDFTOPPM, "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
         str(source), str(out_dir / "page")],
        check=True, capture_output=True, timeout=60,
    )
    return out_dir / "page.png"
