"""Rupee amounts as people in India read them: ₹1,23,45,678.50 (lakh/crore digit grouping).

Money stays int paise until the last moment; it becomes a Decimal only to hand Babel an exact
value, never a float.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal

__all__ = ["format_inr", "format_inr_plain", "paise_to_decimal"]

_LOCALE = "en_IN"
_PLAIN_PATTERN = "#,##,##0.00"


def paise_to_decimal(paise: int) -> Decimal:
    """Exact rupees for int paise: 1234550 -> Decimal('12345.50')."""
    if not isinstance(paise, int) or isinstance(paise, bool):
        raise TypeError(f"paise must be an int, got {type(paise).__name__}")
    return Decimal(paise).scaleb(-2)


def format_inr(paise: int) -> str:
    """Format int paise with the rupee sign: 1234567850 -> "₹1,23,45,678.50", -5000 -> "-₹50.00"."""
    return format_currency(paise_to_decimal(paise), "INR", locale=_LOCALE)


def format_inr_plain(paise: int) -> str:
    """Format int paise without the sign, for amount columns: 1234567850 -> "1,23,45,678.50"."""
    return format_decimal(paise_to_decimal(paise), format=_PLAIN_PATTERN, locale=_LOCALE)
