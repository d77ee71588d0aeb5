"""The reports by name, each with the parameters it needs: one door for the CLI and HTTP."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy.orm import Session

from collection.reports.bank_reconciliation import bank_reconciliation
from collection.reports.collections import collection_summary, receipt_register
from collection.reports.model import Report
from collection.reports.registers import (
    dishonoured_register,
    pending_remittances,
    remittance_register,
)
from ledger.errors import NotFound, ValidationError


class ReportParams(NamedTuple):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    as_of: dt.date | None = None
    bank_account: str | None = None
    service: str | None = None
    status: str | None = None
    collector: str | None = None


class Spec(NamedTuple):
    build: Callable[[Session, str, ReportParams], Report]
    needs: tuple[str, ...]
    description: str


REPORTS: dict[str, Spec] = {
    "remittance-register": Spec(
        lambda s, t, p: remittance_register(s, t, p.date_from, p.date_to, p.bank_account),
        ("date_from", "date_to"), "Remittances of a period (optionally one bank account)"),
    "pending-remittances": Spec(
        lambda s, t, p: pending_remittances(s, t, p.as_of), ("as_of",),
        "Cash and cheques still at the counters, by collector and day"),
    "dishonoured-instruments": Spec(
        lambda s, t, p: dishonoured_register(s, t, p.date_from, p.date_to), ("date_from", "date_to"),
        "Dishonoured cheques and DDs of a period"),
    "bank-reconciliation": Spec(
        lambda s, t, p: bank_reconciliation(s, t, p.bank_account, p.as_of), ("bank_account", "as_of"),
        "Bank reconciliation statement of one account on one day"),
    "collection-summary": Spec(
        lambda s, t, p: collection_summary(s, t, p.date_from, p.date_to, p.service), ("date_from", "date_to"),
        "Collections by day, service and instrument type, with totals"),
    "receipt-register": Spec(
        lambda s, t, p: receipt_register(s, t, p.date_from, p.date_to, service=p.service, status=p.status,
                                         collector=p.collector), ("date_from", "date_to"),
        "Every receipt of a period with its state"),
}
NAMES = tuple(REPORTS)
_OPTION = {"date_from": "from", "date_to": "to", "as_of": "as-of", "bank_account": "bank-account"}


def build_report(session: Session, tenant_id: str, name: str, params: ReportParams) -> Report:
    """Report ``name`` for ``tenant_id``; each missing parameter it needs is refused by name."""
    spec = REPORTS.get(name)
    if spec is None:
        raise NotFound(f"no report {name!r}; one of {', '.join(NAMES)}", code="REPORT_NOT_FOUND")
    missing = [field for field in spec.needs if getattr(params, field) is None]
    if missing:
        raise ValidationError(f"the {name} report needs {', '.join(_OPTION.get(m, m) for m in missing)}",
                              code="REPORT_PARAMETER_REQUIRED", field=missing[0])
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ValidationError("the period starts after it ends", code="DATE_RANGE_INVALID", field="date_from")
    return spec.build(session, tenant_id, params)
