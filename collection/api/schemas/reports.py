"""Finance reports over HTTP: one generic shape, a titled table with its summary lines."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from collection.api.schemas.common import ApiModel, Timestamp
from collection.api.schemas.ledger import _DateRange
from collection.api.schemas.masters import Code


class ReportQuery(_DateRange):
    date_from: dt.date | None = Field(None, alias="from", description="Period start (most reports).")
    date_to: dt.date | None = Field(None, alias="to", description="Period end (most reports).")
    as_of: dt.date | None = Field(None, description="pending-remittances, bank-reconciliation.")
    bank_account: Code | None = Field(None, description="bank-reconciliation (required), "
                                                        "remittance-register.")
    service: Code | None = Field(None, description="collection-summary, receipt-register.")
    status: Literal["TO_BE_SUBMITTED", "SUBMITTED", "APPROVED", "REJECTED", "REMITTED", "CANCELLED",
                    "INSTR_BOUNCED"] | None = Field(None, description="receipt-register.")
    collector: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="receipt-register.")


class ReportColumn(ApiModel):
    key: str
    label: str
    kind: Literal["text", "money", "int", "date"] = Field(
        description="A money column's cells are rupee strings, with paise under key + 'Paise'.")


class ReportTotal(ApiModel):
    label: str
    kind: Literal["money", "int"]
    value: str | int
    value_paise: int | None


class ReportOut(ApiModel):
    name: str
    title: str
    tenant_id: str
    parameters: dict[str, str]
    generated_at: Timestamp
    columns: list[ReportColumn]
    rows: list[dict[str, str | int | None]]
    summary: list[ReportTotal]

