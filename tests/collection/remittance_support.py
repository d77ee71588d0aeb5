"""Builders for remittance, dishonour and reconciliation tests: bills of any fund, payments."""
from __future__ import annotations

import datetime as dt

from collection.audit import Actor
from collection.bills.intake import submit_bill_xml
from collection.receipts.instruments import InstrumentIn
from collection.receipts.payments import BillPayment, PaymentIn, collect
from ledger import reports

DAY = dt.date(2026, 11, 23)
CASHIER = Actor("pb.amritsar/cashier1")
CASHIER_2 = Actor("pb.amritsar/cashier2")
ACCOUNTANT = Actor("pb.amritsar/accountant1")
HEADS = (("1100101", "Property tax 2026-27", 1), ("1718001", "Interest on arrears", 2))


def bill_xml(bills: dict[str, int], *, fund: str = "01", service: str = "PT", function: str = "91") -> bytes:
    """Property-tax bills ``{ref: paise}``, each split 90 % tax / 10 % interest, part payment allowed."""
    parts = []
    for ref, total in bills.items():
        interest = total // 10
        amounts = (total - interest, interest)
        accounts = "".join(
            f'<account glCode="{gl}" order="{order}" description="{name}" isActualDemand="1" purpose="OTHERS">'
            f"<crAmount>{paise // 100}.{paise % 100:02d}</crAmount><drAmount>0</drAmount>"
            f"<functionCode>{function}</functionCode></account>"
            for (gl, name, order), paise in zip(HEADS, amounts) if paise)
        parts.append(f'<bill refNo="{ref}" billDate="01/11/2026" consumerCode="C-{ref}">'
                     f"<totalAmount>{total // 100}.{total % 100:02d}</totalAmount><minimumAmount>0</minimumAmount>"
                     f"<accounts>{accounts}</accounts></bill>")
    return (f"<bill-collect><serviceCode>{service}</serviceCode><fundCode>{fund}</fundCode>"
            "<functionaryCode>999</functionaryCode><fundSourceCode>01</fundSourceCode>"
            "<departmentCode>REV</departmentCode><partPaymentAllowed>1</partPaymentAllowed>"
            "<payees><payee><payeeName>Sardar Gurdev Singh</payeeName><bills>" + "".join(parts)
            + "</bills></payee></payees></bill-collect>").encode()


def add_bills(session, tenant: str, bills: dict[str, int], **kwargs) -> None:
    submit_bill_xml(session, tenant, bill_xml(bills, **kwargs))
    session.commit()


def pay_cash(session, tenant, ref: str, amount: int, *, actor: Actor = CASHIER, day: dt.date = DAY):
    payment = PaymentIn(InstrumentIn("cash", amount), [BillPayment(amount, ref_no=ref)], receipt_date=day)
    result = collect(session, tenant, payment, actor, today=DAY)
    session.commit()
    return result.receipts[0]


def pay_cheque(session, tenant, *bills: tuple[str, int], number: str = "004512", kind: str = "cheque",
               actor: Actor = CASHIER, day: dt.date = DAY):
    instrument = InstrumentIn(kind, sum(a for _, a in bills), number=number, date=day - dt.timedelta(days=1),
                              bank="Punjab National Bank", branch="Hall Bazar, Amritsar")
    result = collect(session, tenant, PaymentIn(instrument, [BillPayment(a, ref_no=r) for r, a in bills],
                                                receipt_date=day), actor, today=DAY)
    session.commit()
    return result


def balances(session, tenant, day: dt.date = DAY) -> dict[str, int]:
    """Closing balance (debit-positive paise) of every GL code with postings up to ``day``."""
    return {r.glcode: r.closing for r in reports.trial_balance(session, tenant, dt.date(2026, 4, 1), day).rows}
