"""Rupee amounts as written in Bill XML <-> int paise, exactly, without floats.

Parsing works on the digits themselves (the XSD has already vouched for the lexical form,
and this is the hot path); `Decimal` is not needed for two fixed decimals.
"""

from __future__ import annotations


class SubPaisaAmount(ValueError):
    """An amount with a fraction of a paisa (the XSD refuses these before they get here)."""


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


_SCALE = (100, 10, 1)
"""Paise per unit of the last digit, by the number of digits after the point."""


def to_paise(text: str) -> int:
    """'1000.0' -> 100000, '598' -> 59800, '.05' -> 5, '1.230' -> 123 (xs:decimal forms).

    More than two significant decimals raises SubPaisaAmount; anything else not an xs:decimal
    raises ValueError.
    """
    whole, _, fraction = text.partition(".")
    digits = whole + fraction
    if len(fraction) <= 2 and digits.isdigit() and digits.isascii():
        # the usual forms (598, 1000.0, 100.50), with one int() (the costly step)
        return int(digits) * _SCALE[len(fraction)]
    return _general_to_paise(text)


def _general_to_paise(text: str) -> int:
    value = text.strip(" \t\r\n")
    negative = value.startswith("-")
    if value[:1] in ("+", "-"):
        value = value[1:]
    whole, _, fraction = value.partition(".")
    if not (whole or fraction) or (whole and not _digits(whole)) \
            or (fraction and not _digits(fraction)):
        raise ValueError(f"not an amount: {text!r}")
    significant = fraction.rstrip("0")
    if len(significant) > 2:
        raise SubPaisaAmount(f"{text.strip()} has a fraction of a paisa")
    paise = int(whole or "0") * 100 + (int(significant.ljust(2, "0")) if significant else 0)
    return -paise if negative else paise


def to_rupees(paise: int) -> str:
    """100000 -> '1000.00', 5 -> '0.05', -150 -> '-1.50': always two decimals."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    return f"{sign}{rupees}.{rest:02d}"
