"""Built-in sample receipts: for previews, for checking templates, for tests and benchmarks.

``sample_views()`` exercises every branch a template is likely to have (each instrument mode,
rebates, watermarks, Hindi names present and absent, optional fields empty), so rendering a
template against all of them finds an unknown variable wherever it hides.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from .model import (
    HeadView,
    InstrumentMode,
    InstrumentView,
    PayerView,
    ReceiptStatus,
    ReceiptView,
    ServiceView,
    UlbView,
)

__all__ = ["sample_receipt", "sample_views"]

_ULB = UlbView(
    name="Amritsar Municipal Corporation",
    name_hi="अमृतसर नगर निगम",
    address="Town Hall, Katra Ahluwalia, Amritsar, Punjab 143001",
    contact="Helpline 1800-180-2345  ·  mcamritsar.gov.in",
)
_PROPERTY_TAX = ServiceView(code="PT", name="Property Tax", name_hi="संपत्ति कर")


def _hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def sample_receipt(number: int = 123) -> ReceiptView:
    """A realistic property-tax receipt: three charges, an early-payment rebate, a cheque."""
    receipt_number = f"PT/2024-25/{number:06d}"
    heads = (
        HeadView("Property Tax 2024-25", "1100101", 1_245_000, description_hi="संपत्ति कर 2024-25"),
        HeadView("Fire Cess", "1100201", 62_250, description_hi="अग्नि उपकर"),
        HeadView("Solid Waste User Charges", "1406001", 36_000,
                 description_hi="ठोस अपशिष्ट उपयोगकर्ता शुल्क"),
        HeadView("Interest on Arrears (2023-24)", "1711001", 18_575, description_hi="बकाया पर ब्याज"),
        HeadView("Rebate - Payment by 30 June", "1100501", 124_500, is_rebate=True,
                 description_hi="छूट - 30 जून तक भुगतान"),
    )
    total = sum(head.signed_amount for head in heads)
    return ReceiptView(
        ulb=_ULB,
        receipt_number=receipt_number,
        receipt_date=dt.date(2024, 6, 14),
        status=ReceiptStatus.APPROVED,
        service=_PROPERTY_TAX,
        consumer_code="PT-AMR-07-0451-002",
        bill_reference="BILL/PT/2024-25/088812",
        payer=PayerView(
            name="Smt. Harpreet Kaur Sandhu",
            address="House No. 14, Lawrence Road, Ward 7, Amritsar 143001",
            mobile="98XXXXX210",
        ),
        heads=heads,
        total=total,
        instrument=InstrumentView(
            mode=InstrumentMode.CHEQUE,
            number="004512",
            date=dt.date(2024, 6, 12),
            bank="State Bank of India",
            branch="Hall Bazar, Amritsar",
        ),
        collected_by="Rajinder Singh (Counter 2, Zone B)",
        verification_url_base="https://mcamritsar.gov.in/verify",
        content_hash=_hash(receipt_number, str(total)),
        bill_period="2024-25",
        narration="Property tax for the year 2024-25, paid in full.",
        extra=(("Ward", "7 - Lawrence Road"),),
    )


def sample_views() -> tuple[ReceiptView, ...]:
    """One receipt per instrument mode and per watermark, to reach every template branch."""
    base = sample_receipt()
    replace = dataclasses.replace
    plain_ulb = UlbView(name="Nagar Palika Parishad, Sehore", address="")
    water = ServiceView(code="WS", name="Water Charges")
    water_heads = (HeadView("Water Charges Apr-Jun 2024", "1405001", 45_000),)
    views: list[ReceiptView] = [base]
    instruments = {
        InstrumentMode.CASH: InstrumentView(mode=InstrumentMode.CASH),
        InstrumentMode.DD: InstrumentView(
            InstrumentMode.DD, number="771203", date=dt.date(2024, 6, 10),
            bank="Punjab National Bank", branch="Mall Road"),
        InstrumentMode.CARD: InstrumentView(
            InstrumentMode.CARD, transaction_ref="A81Z3Q", card_last4="4417",
            date=dt.date(2024, 6, 14)),
        InstrumentMode.ONLINE: InstrumentView(
            InstrumentMode.ONLINE, transaction_ref="PAY-8F3K2L9Q1",
            bbps_ref="BBPS2406140012345", date=dt.date(2024, 6, 14), bank="Razorpay"),
        InstrumentMode.BANK_CHALLAN: InstrumentView(
            InstrumentMode.BANK_CHALLAN, number="CH-22817", date=dt.date(2024, 6, 13),
            bank="HDFC Bank", branch="Ranjit Avenue"),
        InstrumentMode.NEFT: InstrumentView(
            InstrumentMode.NEFT, transaction_ref="SBIN224166123456", date=dt.date(2024, 6, 14),
            bank="State Bank of India"),
        InstrumentMode.RTGS: InstrumentView(
            InstrumentMode.RTGS, transaction_ref="HDFCR52024061400012345",
            date=dt.date(2024, 6, 14)),
        InstrumentMode.POSTAL_ORDER: InstrumentView(
            InstrumentMode.POSTAL_ORDER, number="38F 612345", date=dt.date(2024, 6, 1),
            bank="Amritsar GPO"),
    }
    for i, instrument in enumerate(instruments.values(), start=1):
        views.append(replace(base, instrument=instrument, receipt_number=f"PT/2024-25/{900 + i:06d}"))
    views.append(replace(base, status=ReceiptStatus.CANCELLED,
                         status_reason="Wrong consumer code entered at counter"))
    views.append(replace(base, status=ReceiptStatus.DISHONOURED,
                         status_reason="Cheque returned: funds insufficient"))
    views.append(replace(base, print_count=1))
    views.append(replace(base, status=ReceiptStatus.SUBMITTED))
    views.append(replace(
        base, ulb=plain_ulb, service=water, heads=water_heads, total=45_000,
        bill_period=None, narration=None, extra=(), payer=PayerView(name="Ramesh Yadav"),
        instrument=instruments[InstrumentMode.CASH]))
    return tuple(views)
