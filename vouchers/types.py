"""The voucher types rasid posts, with their number prefixes."""
from __future__ import annotations

from typing import NamedTuple


class VoucherType(NamedTuple):
    code: str
    prefix: str
    name: str


RECEIPT = VoucherType("RECEIPT", "RV", "Receipt voucher")
CONTRA = VoucherType("CONTRA", "CV", "Contra voucher (remittance of collections to bank)")
JOURNAL = VoucherType("JOURNAL", "JV", "Journal voucher")
REVERSAL = VoucherType("REVERSAL", "XV", "Reversal voucher (cancellation, dishonour, correction)")
PAYMENT = VoucherType("PAYMENT", "PV", "Payment voucher")

VOUCHER_TYPES: dict[str, VoucherType] = {t.code: t for t in (RECEIPT, CONTRA, JOURNAL, REVERSAL, PAYMENT)}
