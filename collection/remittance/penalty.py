"""The cheque-bounce penalty bill: a new demand on the payer, raised as Bill XML.

The bill goes through the same intake as a revenue system's (``submit_bill_xml``): it is
validated against the tenant's masters, stored with its document, versioned and collected
like any other bill. One per dishonoured instrument (its reference names the instrument).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from billxml import Account, BillCollect, Payee, Purpose, write_bill_xml
from billxml import Bill as BillIn
from collection.audit import Actor
from collection.bills.intake import submit_bill_xml
from collection.bills.models import Bill
from collection.receipts.models import Instrument, Receipt, ReceiptHead
from collection.service_master import Service, ServiceBouncePenalty, get_service
from ledger.models import Department, Functionary, Fund, FundSource, GlAccount


def penalty_of(session: Session, service: Service) -> ServiceBouncePenalty | None:
    return session.get(ServiceBouncePenalty, (service.tenant_id, service.id))


def remove_penalty(session: Session, tenant_id: str, service_code: str) -> None:
    """The service bills no penalty for bounced cheques from now on (bills raised stay)."""
    found = penalty_of(session, get_service(session, tenant_id, service_code))
    if found is not None:
        session.delete(found)
        session.flush()


def raise_penalty_bill(session: Session, receipt: Receipt, instrument: Instrument, day: dt.date,
                       actor: Actor) -> Bill | None:
    """Bill the payer of ``receipt`` the penalty of its service, if the service has one."""
    service = session.get(Service, receipt.service_id)
    penalty = penalty_of(session, service)
    if penalty is None:
        return None
    bill = session.get(Bill, receipt.bill_id)
    glcode = session.scalar(select(GlAccount.glcode).where(GlAccount.id == penalty.gl_account_id))
    function = session.scalar(select(ReceiptHead.function_code).where(ReceiptHead.receipt_id == receipt.id)
                              .order_by(ReceiptHead.line_no).limit(1))
    what = f"{instrument.instrument_type} {instrument.number or instrument.id}"
    document = BillCollect(
        service_code=service.code, fund_code=_code(session, Fund, bill.fund_id),
        department_code=_code(session, Department, bill.department_id),
        functionary_code=_code(session, Functionary, bill.functionary_id),
        fund_source_code=_code(session, FundSource, bill.fund_source_id),
        display_message=f"Penalty for the dishonoured {what}", source="rasid-dishonour",
        payees=(Payee(name=receipt.payer_name, address=receipt.payer_address, bills=(BillIn(
            ref_no=f"CHQBOUNCE/{instrument.id}", bill_date=day, consumer_code=receipt.consumer_code,
            total_paise=penalty.amount_paise, minimum_paise=penalty.amount_paise,
            description=f"Penalty: {what} dated {instrument.instrument_date} on {instrument.bank_name} "
                        f"was returned unpaid (receipt {receipt.number})",
            accounts=(Account(gl_code=glcode, order=1, cr_paise=penalty.amount_paise, dr_paise=0,
                              function_code=function, description="Cheque bounce penalty",
                              is_actual_demand=True, purpose=Purpose.CHEQUE_BOUNCE_PENALTY),)),)),))
    submission = submit_bill_xml(session, receipt.tenant_id, write_bill_xml(document),
                                 submitted_by=actor.name[:100], actor=actor)
    return submission.bills[0].bill


def _code(session: Session, model, id_: int) -> str:
    return session.scalar(select(model.code).where(model.id == id_))
