"""The verification QR code printed on every receipt.

It encodes a link to the ULB's verification page carrying the receipt number, the amount in
paise and the content hash, so anyone can check a paper receipt against the ledger.

The code is a tiny 1-bit PNG (one pixel per module) that the stylesheet scales up without
smoothing: crisp on a thermal printer and the cheapest image for WeasyPrint to embed.
qrcode normally tries all eight masks and keeps the one with the lowest penalty, which costs
~20 ms in pure Python; every mask is valid per ISO/IEC 18004 and decodes the same, so a fixed
mask is used. Finding the smallest version means encoding the data once more; the version
depends only on the data's mode and length, so it is remembered per (mode, length)
(~2.0 -> 1.5 ms a code, for every receipt of a batch).
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import qrcode
import qrcode.constants
import qrcode.util

__all__ = ["qr_matrix", "qr_png", "qr_png_data_uri", "verification_url"]

_MASK = 2
_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
_QUIET_ZONE = 4  # modules, as the standard asks


def verification_url(base: str, receipt_number: str, paise: int, content_hash: str) -> str:
    """The link the QR code carries: ``base`` plus ``no``, ``paise`` and ``hash`` query fields.

    Existing query fields of ``base`` are kept, so a tenant can point at
    ``https://example.gov.in/verify?ulb=pb.amritsar``.
    """
    parts = urlsplit(base)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [("no", receipt_number), ("paise", str(paise)), ("hash", content_hash)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@lru_cache(maxsize=512)
def _version(mode: int, length: int) -> int:
    """The smallest version that holds ``length`` units of data in ``mode``."""
    filler = {qrcode.util.MODE_NUMBER: "1", qrcode.util.MODE_ALPHA_NUM: "A"}.get(mode, "a")
    code = qrcode.QRCode(error_correction=_ERROR_CORRECTION)
    code.add_data(qrcode.util.QRData(filler * length, mode=mode))
    return code.best_fit()


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), without the quiet zone."""
    segment = qrcode.util.QRData(data)  # one segment in the mode its characters need
    code = qrcode.QRCode(
        version=_version(segment.mode, len(segment)),
        error_correction=_ERROR_CORRECTION, border=0, mask_pattern=_MASK, box_size=1,
    )
    code.add_data(segment)
    code.make(fit=False)
    return code.get_matrix()


def qr_png(data: str) -> bytes:
    """A 1-bit PNG with one pixel per module and the quiet zone; scale it up in CSS.

    WeasyPrint embeds a raster image in one step, while it parses an SVG path in Python
    point by point (~40 ms for a version-8 code); with ``image-rendering: pixelated`` the
    PDF asks viewers not to smooth it, so the modules stay sharp at any size.
    """
    matrix = qr_matrix(data)
    size = len(matrix) + 2 * _QUIET_ZONE
    light_row = b"\x00" + _pack_bits([False] * size)
    pad = [False] * _QUIET_ZONE
    rows = [light_row] * _QUIET_ZONE
    rows += [b"\x00" + _pack_bits(pad + row + pad) for row in matrix]
    rows += [light_row] * _QUIET_ZONE
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", header),
        _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)),
        _chunk(b"IEND", b""),
    ))


def _pack_bits(dark: list[bool]) -> bytes:
    """PNG greyscale 1-bit: 0 is black, so a dark module is a 0 bit."""
    out = bytearray()
    for start in range(0, len(dark), 8):
        byte = 0
        for bit, is_dark in enumerate(dark[start:start + 8]):
            if not is_dark:
                byte |= 0x80 >> bit
        if len(dark) - start < 8:  # light padding bits at the end of the row
            byte |= (1 << (8 - (len(dark) - start))) - 1
        out.append(byte)
    return bytes(out)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload)) + kind + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def qr_png_data_uri(data: str) -> str:
    """``qr_png(data)`` as a ``data:`` URI for an ``<img src>``."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode("ascii")
