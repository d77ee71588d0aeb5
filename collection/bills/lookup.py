"""The tenant's masters as Bill XML validation (``billxml.Masters``) and bill storage see them.

Each kind of master is read once per document, all codes of the tenant at
once: a document of a hundred bills asks six small queries, not six hundred.
"""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from billxml import GlInfo, ServiceInfo
from collection.service_master import Service
from ledger.models import Department, Function, Functionary, Fund, FundSource, GlAccount


class TenantMasters:
    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id

    def _codes(self, model) -> dict[str, int]:
        rows = self.session.execute(select(model.code, model.id).where(model.tenant_id == self.tenant_id))
        return {code: id_ for code, id_ in rows}

    @cached_property
    def services(self) -> dict[str, Service]:
        return {s.code: s for s in self.session.scalars(
            select(Service).where(Service.tenant_id == self.tenant_id))}

    @cached_property
    def accounts(self) -> dict[str, tuple[int, bool, bool]]:
        rows = self.session.execute(select(GlAccount.glcode, GlAccount.id, GlAccount.active,
                                           GlAccount.postable).where(GlAccount.tenant_id == self.tenant_id))
        return {code: (id_, active, postable) for code, id_, active, postable in rows}

    @cached_property
    def funds(self) -> dict[str, int]:
        return self._codes(Fund)

    @cached_property
    def functions(self) -> dict[str, int]:
        return self._codes(Function)

    @cached_property
    def functionaries(self) -> dict[str, int]:
        return self._codes(Functionary)

    @cached_property
    def departments(self) -> dict[str, int]:
        return self._codes(Department)

    @cached_property
    def fund_sources(self) -> dict[str, int]:
        return self._codes(FundSource)

    # billxml.Masters -------------------------------------------------------------------
    def service(self, code: str) -> ServiceInfo | None:
        service = self.services.get(code)
        return None if service is None else ServiceInfo(code, service.active)

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
