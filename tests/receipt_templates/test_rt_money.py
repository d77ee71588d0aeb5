"""Rupee formatting with Indian digit grouping."""

from __future__ import annotations

import pytest

from receipt_templates import format_inr, format_inr_plain


@pytest.mark.parametrize(
    ("paise", "expected"),
    [
        (0, "₹0.00"),
        (1, "₹0.01"),
        (9_999, "₹99.99"),
        (10_000_000, "₹1,00,000.00"),
        (1_234_567_850, "₹1,23,45,678.50"),
        (99_999_999_999, "₹99,99,99,999.99"),
        (-124_500, "-₹1,245.00"),
    ],
)
def test_format_inr(paise: int, expected: str) -> None:
    assert format_inr(paise) == expected


def test_format_inr_plain() -> None:
    assert format_inr_plain(1_234_567_850) == "1,23,45,678.50"
    assert format_inr_plain(-124_500) == "-1,245.00"


@pytest.mark.parametrize("bad", [12.5, "12", True])
def test_format_inr_rejects_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_inr(bad)  # type: ignore[arg-type]
