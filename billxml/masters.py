"""What layer 2 needs to know about a tenant's masters, as a small Protocol.

rasid's database-backed implementation lives with the masters (in `collection`); `DictMasters`
holds them in memory, for tests and tools. An implementation answers for one tenant. The rules
ask once per distinct code of a document, so an implementation need not cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """A service registered in the collection system."""

    code: str
    active: bool = True
    part_payment_default: bool = False
    """Whether its bills may be paid in part when a document does not say (partPaymentAllowed)."""


@dataclass(frozen=True, slots=True)
class GlInfo:
    """An account head of the chart of accounts."""

    code: str
    active: bool = True
    postable: bool = True
    """False for group (major/minor) heads, which take no postings of their own."""


@runtime_checkable
class Masters(Protocol):
    """The tenant's masters, as far as Bill XML validation needs them."""

    def service(self, code: str) -> ServiceInfo | None:
        """The service with this code, or None when it is not registered."""
        ...

    def has_fund(self, code: str) -> bool: ...

    def has_function(self, code: str) -> bool: ...

    def has_functionary(self, code: str) -> bool: ...

    def has_department(self, code: str) -> bool: ...

    def has_fund_source(self, code: str) -> bool: ...

    def gl_account(self, code: str) -> GlInfo | None:
        """The account head with this GL code, or None when it is not in the chart."""
        ...


@dataclass(frozen=True)
class DictMasters:
    """Masters held in memory. Build it with `DictMasters.of(...)`."""

    services: Mapping[str, ServiceInfo] = field(default_factory=dict)
    gl_accounts: Mapping[str, GlInfo] = field(default_factory=dict)
    funds: frozenset[str] = frozenset()
    functions: frozenset[str] = frozenset()
    functionaries: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    fund_sources: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *, services: Iterable[str | ServiceInfo] = (),
           gl_accounts: Iterable[str | GlInfo] = (), funds: Iterable[str] = (),
           functions: Iterable[str] = (), functionaries: Iterable[str] = (),
           departments: Iterable[str] = (), fund_sources: Iterable[str] = ()) -> DictMasters:
        """Plain codes stand for active (and postable) entries."""
        service_infos = [s if isinstance(s, ServiceInfo) else ServiceInfo(s) for s in services]
        gl_infos = [g if isinstance(g, GlInfo) else GlInfo(g) for g in gl_accounts]
        return cls(
            services={s.code: s for s in service_infos},
            gl_accounts={g.code: g for g in gl_infos},
            funds=frozenset(funds),
            functions=frozenset(functions),
            functionaries=frozenset(functionaries),
            departments=frozenset(departments),
            fund_sources=frozenset(fund_sources),
        )

    def service(self, code: str) -> ServiceInfo | None:
        return self.services.get(code)

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

    def gl_account(self, code: str) -> GlInfo | None:
        return self.gl_accounts.get(code)
