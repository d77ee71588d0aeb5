"""Ledger reads over HTTP: vouchers, trial balance, GL statement. Money as paise and rupees."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator

from collection.api.schemas.common import ApiModel, ApiQuery, PageQuery, Rupees, Timestamp
from collection.api.schemas.masters import Code, VoucherTypeCode

DateFrom = Annotated[dt.date, Field(alias="from", description="First day (inclusive).")]
DateTo = Annotated[dt.date, Field(alias="to", description="Last day (inclusive).")]


class _DateRange(ApiQuery):
    @model_validator(mode="after")
    def _ordered(self):
        start, end = getattr(self, "date_from", None), getattr(self, "date_to", None)
        if start and end and start > end:
            raise ValueError("'from' must not be after 'to'")
        if start and end and (end - start).days > 3660:
            raise ValueError("a date range spans at most ten years")
        return self


class VoucherQuery(_DateRange, PageQuery):
    date_from: dt.date | None = Field(None, alias="from", description="First day (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last day (inclusive).")
    type: VoucherTypeCode | None = None
    number: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    source_ref: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class VoucherOut(ApiModel):
    id: int
    number: str = Field(examples=["RV/2026-27/000001"])
    type: str
    date: dt.date
    narration: str | None
    source_ref: str | None
    total_paise: int
    total: Rupees
    line_count: int
    reversal_of_id: int | None
    created_by: str | None
    created_at: Timestamp
    hash: str = Field(description="SHA-256 of the voucher chained to the previous of its series.")


class VoucherLineOut(ApiModel):
    line_no: int
    glcode: str
    fund: str
    function: str
    functionary: str
    department: str
    fund_source: str
    debit_paise: int
    debit: Rupees
    credit_paise: int
    credit: Rupees
    narration: str | None


class VoucherDetail(VoucherOut):
    lines: list[VoucherLineOut]


class SegmentFilter(ApiQuery):
    """Only lines of these segment codes."""

    fund: Code | None = None
    function: Code | None = None
    functionary: Code | None = None
    department: Code | None = None
    fund_source: Code | None = None

    def segments(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in
                ("fund", "function", "functionary", "department", "fund_source")
                if getattr(self, name) is not None}


class TrialBalanceQuery(_DateRange, SegmentFilter):
    date_from: DateFrom
    date_to: DateTo


class TrialBalanceRowOut(ApiModel):
    glcode: str
    name: str
    type: str
    opening_paise: int = Field(description="Debit-positive balance before 'from'.")
    opening: Rupees
    debit_paise: int
    debit: Rupees
    credit_paise: int
    credit: Rupees
    closing_paise: int = Field(description="Debit-positive balance at the end of 'to'.")
    closing: Rupees


class TrialBalanceTotals(ApiModel):
    opening_debit_paise: int
    opening_debit: Rupees
    opening_credit_paise: int
    opening_credit: Rupees
    debit_paise: int
    debit: Rupees
    credit_paise: int
    credit: Rupees
    closing_debit_paise: int
    closing_debit: Rupees
    closing_credit_paise: int
    closing_credit: Rupees


class TrialBalanceOut(ApiModel):
    tenant_id: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    balanced: bool
    rows: list[TrialBalanceRowOut]
    totals: TrialBalanceTotals


class StatementQuery(_DateRange, SegmentFilter):
    glcode: Code
    date_from: DateFrom
    date_to: DateTo


class StatementEntryOut(ApiModel):
    date: dt.date
    voucher_number: str
    voucher_type: str
    narration: str | None
    debit_paise: int
    debit: Rupees
    credit_paise: int
    credit: Rupees
    balance_paise: int = Field(description="Running debit-positive balance after this entry.")
    balance: Rupees


class StatementOut(ApiModel):
    tenant_id: str
    glcode: str
    name: str
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    opening_paise: int
    opening: Rupees
    closing_paise: int
    closing: Rupees
    entries: list[StatementEntryOut]
