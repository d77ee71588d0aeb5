"""Read bills for the HTTP API: search a tenant's bills, one bill with its account heads.

Paid and outstanding come from the heads' ``paid_paise`` (what live receipts
collected on a credit head, or the rebate they applied on a debit head), so a
bill's figures always agree with the sum of its heads: an applied rebate counts
against what was paid, as it did against what was due.

``part_payment_allowed`` is the rule in force: the bill's own partPaymentAllowed, or
the service's part payment default when the document did not say.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from collection.bills.models import Bill, BillAccount
from collection.master_reads import Page, paginate
from collection.service_master import Service
from ledger.errors import NotFound
from ledger.models import Department, Function, Functionary, Fund, FundSource


class BillFilter(NamedTuple):
    consumer_code: str | None = None
    service: str | None = None
    status: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _listing(tenant_id: str) -> Select:
    """Bill, its service code, what was paid against it and whether it may be paid in part,
    in one row per bill."""
    paid = (select(func.coalesce(func.sum(case((BillAccount.cr_paise > 0, BillAccount.paid_paise),
                                               else_=-BillAccount.paid_paise)), 0))
            .where(BillAccount.bill_id == Bill.id).scalar_subquery())
    part_payment = func.coalesce(Bill.part_payment_allowed, Service.part_payment_default)
    return (select(Bill, Service.code, paid, part_payment)
            .join(Service, Service.id == Bill.service_id)
            .where(Bill.tenant_id == tenant_id))


def bill_view(bill: Bill, service: str, paid: int, part_payment: bool) -> dict:
    return {"id": bill.id, "service": service, "consumer_code": bill.consumer_code,
            "ref_no": bill.ref_no, "version": bill.version, "status": bill.status,
            "bill_date": bill.bill_date, "payee_name": bill.payee_name,
            "description": bill.description, "total": bill.total_paise,
            "minimum": bill.minimum_paise, "paid": paid, "outstanding": bill.total_paise - paid,
            "part_payment_allowed": bool(part_payment), "document_id": bill.document_id,
            "superseded_by_id": bill.superseded_by_id, "created_at": bill.created_at}


def search_bills(session: Session, tenant_id: str, where: BillFilter, limit: int,
                 offset: int) -> Page:
    """A tenant's bills (every version unless a status is given), by bill date then id."""
    query = _listing(tenant_id)
    for column, value in ((Bill.consumer_code, where.consumer_code), (Service.code, where.service),
                          (Bill.status, where.status)):
        if value is not None:
            query = query.where(column == value)
    if where.date_from is not None:
        query = query.where(Bill.bill_date >= where.date_from)
    if where.date_to is not None:
        query = query.where(Bill.bill_date <= where.date_to)
    total, rows = paginate(session, query.order_by(Bill.bill_date, Bill.id), limit, offset)
    return Page(total, [bill_view(*row) for row in rows])


def bills_by_id(session: Session, tenant_id: str, ids: list[int]) -> list[dict]:
    """The views of these bills, in the order given (one query)."""
    rows = session.execute(_listing(tenant_id).where(Bill.id.in_(ids))) if ids else []
    found = {row[0].id: bill_view(*row) for row in rows}
    return [found[i] for i in ids]


def get_bill(session: Session, tenant_id: str, bill_id: int) -> dict:
    """One bill of the tenant with its segments and heads; another tenant's bill is not found."""
    row = session.execute(
        _listing(tenant_id).add_columns(Fund.code, Department.code, Functionary.code,
                                        FundSource.code)
        .join(Fund, Fund.id == Bill.fund_id).join(Department, Department.id == Bill.department_id)
        .join(Functionary, Functionary.id == Bill.functionary_id)
        .join(FundSource, FundSource.id == Bill.fund_source_id)
        .where(Bill.id == bill_id)).first()
    if row is None:
        raise NotFound(f"no bill {bill_id} in {tenant_id}", code="BILL_NOT_FOUND")
    bill, service, paid, part_payment, fund, department, functionary, fund_source = row
    heads = session.execute(
        select(BillAccount, Function.code).join(Function, Function.id == BillAccount.function_id)
        .where(BillAccount.tenant_id == tenant_id, BillAccount.bill_id == bill.id)
        .order_by(BillAccount.line_no))
    accounts = [{"line_no": a.line_no, "order": a.order, "glcode": a.glcode, "function": function,
                 "description": a.description, "purpose": a.purpose,
                 "is_actual_demand": a.is_actual_demand, "group_id": a.group_id,
                 "credit": a.cr_paise, "debit": a.dr_paise, **_head_figures(a)} for a, function in heads]
    return {**bill_view(bill, service, paid, part_payment), "fund": fund, "department": department,
            "functionary": functionary, "fund_source": fund_source,
            "payee_address": bill.payee_address, "payee_email": bill.payee_email,
            "paid_by": bill.paid_by, "display_message": bill.display_message,
            "consumer_type": bill.consumer_type, "boundary_num": bill.boundary_num,
            "boundary_type": bill.boundary_type,
            "override_account_heads_allowed": bill.override_account_heads_allowed,
            "callback_for_apportioning": bill.callback_for_apportioning,
            "collection_type": bill.collection_type,
            "modes_not_allowed": [m for m in bill.modes_not_allowed.split(",") if m],
            "transaction_reference": bill.transaction_reference, "source": bill.source,
            "accounts": accounts}


def _head_figures(head: BillAccount) -> dict:
    """A credit head's paid and still due; a rebate head's applied and unapplied rebate, negative."""
    if head.cr_paise > 0:
        return {"paid": head.paid_paise, "outstanding": head.cr_paise - head.paid_paise}
    return {"paid": -head.paid_paise, "outstanding": -(head.dr_paise - head.paid_paise)}
