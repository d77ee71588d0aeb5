"""Read masters for the HTTP API: tenants, chart of accounts, segments, bank accounts, periods.

Each ``*_view`` turns a row into the plain dict that listings return and that
the audit trail stores as "before"/"after", so both show the same thing.
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from collection.models import BankAccount
from collection.service_master import (
    Service, ServiceBouncePenalty, ServiceGatewayAccount, ServiceHoldingAccount,
)
from ledger.errors import NotFound
from ledger.money import format_rupees
from ledger.models import (
    Department,
    FinancialYear,
    Function,
    Functionary,
    Fund,
    FundSource,
    GlAccount,
    Period,
    Tenant,
)

#: URL name of each segment → (model, the masters file's section name)
SEGMENT_KINDS: dict[str, tuple[type, str]] = {
    "funds": (Fund, "funds"), "functions": (Function, "functions"),
    "functionaries": (Functionary, "functionaries"), "departments": (Department, "departments"),
    "fund-sources": (FundSource, "fund_sources"),
}


class Page(NamedTuple):
    total: int
    items: list


def paginate(session: Session, query: Select, limit: int, offset: int) -> tuple[int, list]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return total, list(session.execute(query.limit(limit).offset(offset)))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --------------------------------------------------------------------------- tenants

def tenant_view(t: Tenant) -> dict:
    return {"code": t.id, "name": t.name, "name_local": t.name_local, "parent": t.parent_id,
            "address": t.address, "active": t.active}


def list_tenants(session: Session, tenant_ids: list[str], limit: int, offset: int) -> Page:
    total, rows = paginate(session, select(Tenant).where(Tenant.id.in_(tenant_ids))
                           .order_by(Tenant.id), limit, offset)
    return Page(total, [tenant_view(t) for (t,) in rows])


def get_tenant(session: Session, tenant_id: str) -> dict:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"no tenant {tenant_id!r}", code="TENANT_NOT_FOUND")
    return tenant_view(tenant)


# --------------------------------------------------------------------------- chart of accounts

class AccountFilter(NamedTuple):
    type: str | None = None
    purpose: str | None = None
    level: str | None = None
    postable: bool | None = None
    active: bool | None = None
    q: str | None = None  #: part of the GL code or name


def account_view(a: GlAccount) -> dict:
    return {"glcode": a.glcode, "name": a.name, "type": a.type, "level": a.level,
            "parent": a.parent_glcode, "postable": a.postable, "active": a.active,
            "purpose": a.purpose}


def list_accounts(session: Session, tenant_id: str, where: AccountFilter, limit: int,
                  offset: int) -> Page:
    query = select(GlAccount).where(GlAccount.tenant_id == tenant_id)
    for column, value in ((GlAccount.type, where.type), (GlAccount.purpose, where.purpose),
                          (GlAccount.level, where.level), (GlAccount.postable, where.postable),
                          (GlAccount.active, where.active)):
        if value is not None:
            query = query.where(column == value)
    if where.q:
        pattern = _like(where.q)
        query = query.where(or_(GlAccount.glcode.like(pattern, escape="\\"),
                                GlAccount.name.ilike(pattern, escape="\\")))
    total, rows = paginate(session, query.order_by(GlAccount.glcode), limit, offset)
    return Page(total, [account_view(a) for (a,) in rows])


def find_account(session: Session, tenant_id: str, glcode: str) -> GlAccount | None:
    return session.scalars(select(GlAccount).where(GlAccount.tenant_id == tenant_id,
                                                   GlAccount.glcode == glcode)).first()


def get_account(session: Session, tenant_id: str, glcode: str) -> dict:
    account = find_account(session, tenant_id, glcode)
    if account is None:
        raise NotFound(f"no GL code {glcode!r} in {tenant_id}", code="ACCOUNT_NOT_FOUND")
    return account_view(account)


# --------------------------------------------------------------------------- segments

def segment_view(row) -> dict:
    return {"code": row.code, "name": row.name, "active": row.active,
            "parent": getattr(row, "parent_code", None)}


def list_segments(session: Session, tenant_id: str, kind: str, active: bool | None, q: str | None,
                  limit: int, offset: int) -> Page:
    model = SEGMENT_KINDS[kind][0]
    query = select(model).where(model.tenant_id == tenant_id)
    if active is not None:
        query = query.where(model.active == active)
    if q:
        pattern = _like(q)
        query = query.where(or_(model.code.like(pattern, escape="\\"),
                                model.name.ilike(pattern, escape="\\")))
    total, rows = paginate(session, query.order_by(model.code), limit, offset)
    return Page(total, [segment_view(r) for (r,) in rows])


def find_segment(session: Session, tenant_id: str, kind: str, code: str):
    model = SEGMENT_KINDS[kind][0]
    return session.scalars(select(model).where(model.tenant_id == tenant_id,
                                               model.code == code)).first()


def get_segment(session: Session, tenant_id: str, kind: str, code: str) -> dict:
    row = find_segment(session, tenant_id, kind, code)
    if row is None:
        raise NotFound(f"no {kind.rstrip('s').replace('-', ' ')} {code!r} in {tenant_id}",
                       code="SEGMENT_NOT_FOUND")
    return segment_view(row)


# --------------------------------------------------------------------------- bank accounts

_BANK = (select(BankAccount, Fund.code, GlAccount.glcode)
         .join(Fund, Fund.id == BankAccount.fund_id)
         .join(GlAccount, GlAccount.id == BankAccount.gl_account_id))


def bank_account_view(b: BankAccount, fund_code: str, glcode: str) -> dict:
    return {"code": b.code, "bank": b.bank_name, "branch": b.branch_name,
            "account_number": b.account_number, "ifsc": b.ifsc, "account_type": b.account_type,
            "fund": fund_code, "glcode": glcode, "active": b.active}


def list_bank_accounts(session: Session, tenant_id: str, active: bool | None, limit: int,
                       offset: int) -> Page:
    query = _BANK.where(BankAccount.tenant_id == tenant_id)
    if active is not None:
        query = query.where(BankAccount.active == active)
    total, rows = paginate(session, query.order_by(BankAccount.code), limit, offset)
    return Page(total, [bank_account_view(*row) for row in rows])


def find_bank_account(session: Session, tenant_id: str, code: str) -> dict | None:
    row = session.execute(_BANK.where(BankAccount.tenant_id == tenant_id,
                                      BankAccount.code == code)).first()
    return bank_account_view(*row) if row else None


def get_bank_account(session: Session, tenant_id: str, code: str) -> dict:
    view = find_bank_account(session, tenant_id, code)
    if view is None:
        raise NotFound(f"no bank account {code!r} in {tenant_id}", code="BANK_ACCOUNT_NOT_FOUND")
    return view


# --------------------------------------------------------------------------- periods

def period_view(p: Period, financial_year: str) -> dict:
    return {"code": p.code, "financial_year": financial_year, "start_date": p.start_date,
            "end_date": p.end_date, "status": p.status, "changed_by": p.changed_by,
            "changed_at": p.changed_at}


def list_periods(session: Session, tenant_id: str, status: str | None, financial_year: str | None,
                 limit: int, offset: int) -> Page:
    fy = aliased(FinancialYear)
    query = (select(Period, fy.code).join(fy, fy.id == Period.financial_year_id)
             .where(Period.tenant_id == tenant_id))
    if status is not None:
        query = query.where(Period.status == status)
    if financial_year is not None:
        query = query.where(fy.code == financial_year)
    total, rows = paginate(session, query.order_by(Period.start_date), limit, offset)
    return Page(total, [period_view(p, code) for p, code in rows])


def get_period(session: Session, tenant_id: str, code: str) -> dict:
    row = session.execute(select(Period, FinancialYear.code)
                          .join(FinancialYear, FinancialYear.id == Period.financial_year_id)
                          .where(Period.tenant_id == tenant_id, Period.code == code)).first()
    if row is None:
        raise NotFound(f"no period {code!r} for {tenant_id}", code="PERIOD_NOT_FOUND")
    return period_view(*row)


# --------------------------------------------------------------------------- services

def _service_views(session: Session, tenant_id: str, services: list[Service]) -> list[dict]:
    """Services as the masters file describes them (codes, not ids), in a fixed number of queries."""
    def codes(model, code_column) -> dict[int, str]:
        return {id_: code for id_, code in session.execute(
            select(model.id, code_column).where(model.tenant_id == tenant_id))}

    segment = {name: codes(model, model.code) for name, model in (
        ("fund", Fund), ("department", Department), ("functionary", Functionary),
        ("fund_source", FundSource))}
    glcode = codes(GlAccount, GlAccount.glcode)
    holding: dict[int, dict[str, str]] = {s.id: {} for s in services}
    for service_id, instrument, gl_id in session.execute(
            select(ServiceHoldingAccount.service_id, ServiceHoldingAccount.instrument_type,
                   ServiceHoldingAccount.gl_account_id)
            .where(ServiceHoldingAccount.service_id.in_(list(holding)))
            .order_by(ServiceHoldingAccount.instrument_type)):
        holding[service_id][instrument] = glcode[gl_id]
    gateways: dict[int, dict[str, str]] = {s.id: {} for s in services}
    for service_id, gateway, gl_id in session.execute(
            select(ServiceGatewayAccount.service_id, ServiceGatewayAccount.gateway,
                   ServiceGatewayAccount.gl_account_id)
            .where(ServiceGatewayAccount.tenant_id == tenant_id,
                   ServiceGatewayAccount.service_id.in_(list(gateways)))
            .order_by(ServiceGatewayAccount.gateway)):
        gateways[service_id][gateway] = glcode[gl_id]
    penalty = {service_id: {"amount": format_rupees(paise), "glcode": glcode[gl_id]}
               for service_id, paise, gl_id in session.execute(
                   select(ServiceBouncePenalty.service_id, ServiceBouncePenalty.amount_paise,
                          ServiceBouncePenalty.gl_account_id)
                   .where(ServiceBouncePenalty.tenant_id == tenant_id,
                          ServiceBouncePenalty.service_id.in_(list(holding))))}
    return [{"code": s.code, "name": s.name, "active": s.active,
             **{name: segment[name][getattr(s, f"{name}_id")] for name in segment},
             "instruments": list(s.instrument_types), "part_payment": s.part_payment_default,
             "receipt_template": s.receipt_template, "workflow": s.workflow,
             "post_voucher_on": s.post_voucher_on,
             "receipt_number_format": s.receipt_number_format,
             "advance_glcode": glcode.get(s.advance_gl_account_id),
             "holding_accounts": holding[s.id], "gateway_accounts": gateways[s.id],
             "cheque_bounce_penalty": penalty.get(s.id)}
            for s in services]


def list_services(session: Session, tenant_id: str, active: bool | None, limit: int,
                  offset: int) -> Page:
    query = select(Service).where(Service.tenant_id == tenant_id)
    if active is not None:
        query = query.where(Service.active == active)
    total, rows = paginate(session, query.order_by(Service.code), limit, offset)
    return Page(total, _service_views(session, tenant_id, [row[0] for row in rows]))


def find_service(session: Session, tenant_id: str, code: str) -> dict | None:
    service = session.scalars(select(Service).where(Service.tenant_id == tenant_id,
                                                    Service.code == code)).first()
    return _service_views(session, tenant_id, [service])[0] if service else None


def get_service(session: Session, tenant_id: str, code: str) -> dict:
    view = find_service(session, tenant_id, code)
    if view is None:
        raise NotFound(f"no service {code!r} in {tenant_id}", code="SERVICE_NOT_FOUND")
    return view
