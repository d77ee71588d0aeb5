"""Money is integer paise inside rasid; Decimal rupees only at the edges.

``parse_rupees`` is the one door from the outside world: it refuses floats,
fractions of a paisa and anything that is not a plain number.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ledger.errors import ValidationError

PAISE_PER_RUPEE = 100


def parse_rupees(value: str | int | Decimal, *, field: str | None = None) -> int:
    """Convert a rupee amount (``"1603.50"``, ``Decimal("598")``, ``1000``) to paise.

    Floats are refused outright: a float has already lost the exact value.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError(f"amount {value!r} must be given as a decimal string, not a float",
                              code="AMOUNT_INVALID", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"amount {value!r} is not a number", code="AMOUNT_INVALID",
                              field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"amount {value!r} is not a number", code="AMOUNT_INVALID",
                              field=field)
    paise = amount * PAISE_PER_RUPEE
    if paise != paise.to_integral_value():
        raise ValidationError(f"amount {value} has a fraction of a paisa", code="AMOUNT_SUB_PAISA",
                              field=field)
    return int(paise)


def to_rupees(paise: int) -> Decimal:
    """Paise as an exact two-place Decimal of rupees (for JSON, XML and forms)."""
    return (Decimal(paise) / PAISE_PER_RUPEE).quantize(Decimal("0.01"))


def format_rupees(paise: int) -> str:
    """``123456`` → ``"1234.56"``; sign kept."""
    return f"{to_rupees(paise):.2f}"
