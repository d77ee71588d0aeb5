"""Rebuild the shipped fonts from Debian's ``fonts-noto-core`` (developer tool, not packaged).

The shipped TTFs are Noto Sans 2.004 / Noto Sans Devanagari 2.001 (SIL OFL 1.1, see OFL.txt)
with TrueType hinting removed and Noto Sans cut down to Latin, punctuation and the rupee sign:
PDFs never use the hints, and the smaller files keep the repository and every PDF subset step
small. All OpenType layout features are kept, so kerning and Devanagari shaping are unchanged.

    python receipt_templates/fonts/make_fonts.py [/usr/share/fonts/truetype/noto]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

HERE = Path(__file__).resolve().parent
LATIN = (
    "U+0020-007E,U+00A0-017F,U+0192,U+02C6-02DC,U+2002-200D,U+2010-2027,U+2030-203A,"
    "U+2044,U+20B9,U+2116,U+2122,U+2190-2193,U+2212,U+25CC"
)


def build(source_dir: Path) -> None:
    jobs = {
        "NotoSans-Regular.ttf": LATIN,
        "NotoSans-Bold.ttf": LATIN,
        "NotoSansDevanagari-Regular.ttf": "*",
        "NotoSansDevanagari-Bold.ttf": "*",
    }
    for name, unicodes in jobs.items():
        args = [
            str(source_dir / name),
            f"--unicodes={unicodes}",
            "--layout-features=*",
            "--no-hinting",
            "--name-IDs=*",
            "--name-languages=*",
            "--notdef-outline",
            f"--output-file={HERE / name}",
        ]
        if unicodes == "*":
            args.append("--glyphs=*")
        subset.main(args)
        print(name, (HERE / name).stat().st_size, "bytes")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/noto"))
