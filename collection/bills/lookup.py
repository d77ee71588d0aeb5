"""The tenant's masters as Bill XML validation (``billxml.Masters``) and bill storage see them.

The tenant's codes are read once per document, all kinds in one query (and the
services in another): a document of a hundred bills asks two queries, not six hundred.
"""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import literal, select, true, union_all
from sqlalchemy.orm import Session

from billxml import GlInfo, ServiceInfo
from collection.service_master import Service
from ledger.models import Department, Function, Functionary, Fund, FundSource, GlAccount


class TenantMasters:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    @cached_property
    def _codes(self) -> dict[str, dict]:
        """Every segment code and GL code of the tenant: kind → code → id (GL: (id, active, postable))."""
        segments = [select(literal(model.__tablename__).label("kind"), model.code, model.id,
                           true().label("active"), true().label("postable"))
                    .where(model.tenant_id == self.tenant_id)
                    for model in (Fund, Function, Functionary, Department, FundSource)]
        accounts = select(literal(GlAccount.__tablename__), GlAccount.glcode, GlAccount.id,
                          GlAccount.active, GlAccount.postable).where(GlAccount.tenant_id == self.tenant_id)
        found: dict[str, dict] = {model.__tablename__: {} for model in
                                  (Fund, Function, Functionary, Department, FundSource, GlAccount)}
        for kind, code, id_, active, postable in self.session.execute(union_all(*segments, accounts)):
            found[kind][code] = (id_, active, postable) if kind == GlAccount.__tablename__ else id_
        return found

    @cached_property
    def services(self) -> dict[str, Service]:
        return {s.code: s for s in self.session.scalars(
            select(Service).where(Service.tenant_id == self.tenant_id))}

    @property
    def accounts(self) -> dict[str, tuple[int, bool, bool]]:
        return self._codes[GlAccount.__tablename__]

    @property
    def funds(self) -> dict[str, int]:
        return self._codes[Fund.__tablename__]

    @property
    def functions(self) -> dict[str, int]:
        return self._codes[Function.__tablename__]

    @property
    def functionaries(self) -> dict[str, int]:
        return self._codes[Functionary.__tablename__]

    @property
    def departments(self) -> dict[str, int]:
        return self._codes[Department.__tablename__]

    @property
    def fund_sources(self) -> dict[str, int]:
        return self._codes[FundSource.__tablename__]

    # billxml.Masters -------------------------------------------------------------------
    def service(self, code: str) -> ServiceInfo | None:
        service = self.services.get(code)
        return None if service is None else ServiceInfo(code, service.active,
                                                        service.part_payment_default)

    def gl_account(self, code: str) -> GlInfo | None:
        hit = self.accounts.get(code)
        return None if hit is None else GlInfo(code, hit[1], hit[2])

    def has_fund(self, code: str) -> bool:
        return code in self.funds

    def has_function(self, code: str) -> bool:
        return code in self.functions

    def has_functionary(self, code: str) -> bool:
        return code in self.functionaries

    def has_department(self, code: str) -> bool:
        return code in self.departments

    def has_fund_source(self, code: str) -> bool:
        return code in self.fund_sources
