"""Voucher types, numbering and the posting entry points (``post``, ``reverse``)."""
from vouchers.posting import post, reverse, voucher_lines
from vouchers.types import VOUCHER_TYPES, VoucherType

__all__ = ["post", "reverse", "voucher_lines", "VOUCHER_TYPES", "VoucherType"]
