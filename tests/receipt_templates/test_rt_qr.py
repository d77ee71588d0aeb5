"""The verification link and its QR code."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import qrcode
from PIL import Image

from receipt_templates.context import printed_receipt
from receipt_templates.qr import qr_matrix, qr_png, verification_url
from receipt_templates.samples import sample_receipt


def test_verification_url_carries_number_amount_and_hash() -> None:
    url = verification_url("https://x.gov.in/verify?ulb=pb.amritsar", "PT/24-25/7", 1_237_325, "ab" * 32)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "x.gov.in", "/verify")
    assert parse_qs(parts.query) == {
        "ulb": ["pb.amritsar"], "no": ["PT/24-25/7"], "paise": ["1237325"], "hash": ["ab" * 32],
    }


def test_png_is_the_qr_matrix_with_quiet_zone() -> None:
    data = "https://x.gov.in/verify?no=1&paise=100&hash=" + "f" * 64
    image = Image.open(io.BytesIO(qr_png(data)))
    matrix = qr_matrix(data)
    size = len(matrix)
    assert image.size == (size + 8, size + 8)
    pixels = image.convert("L").load()
    assert all(
        (pixels[x + 4, y + 4] == 0) == matrix[y][x] for y in range(size) for x in range(size)
    )
    assert all(pixels[x, 0] == 255 and pixels[0, x] == 255 for x in range(size + 8))


def test_matrix_encodes_the_data() -> None:
    """Same modules as qrcode's own encoder for this data, version and mask."""
    data = "https://x.gov.in/verify?no=PT%2F1&paise=5&hash=00"
    reference = qrcode.QRCode(border=0, mask_pattern=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    reference.add_data(data, optimize=0)
    reference.make(fit=True)
    assert qr_matrix(data) == reference.get_matrix()


def test_printed_receipt_qr_points_at_verify_url() -> None:
    printed = printed_receipt(sample_receipt())
    assert printed.qr_uri.startswith("data:image/png;base64,")
    assert printed.verify_url.startswith("https://mcamritsar.gov.in/verify?no=PT%2F2024-25%2F000123")
    assert f"paise={printed.total}" in printed.verify_url
    assert printed.content_hash in printed.verify_url


@pytest.mark.parametrize("make", [lambda n: "1" * n, lambda n: "A" * n, lambda n: "https://x.in/" + "é" * n])
def test_remembered_version_is_the_smallest_that_fits(make) -> None:
    """The version is remembered per mode and length; it must be what qrcode's fit finds."""
    for length in (1, 13, 40, 77, 120, 200, 333):
        data = make(length)
        reference = qrcode.QRCode(border=0, mask_pattern=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        reference.add_data(data, optimize=0)
        reference.make(fit=True)
        assert qr_matrix(data) == reference.get_matrix(), length
