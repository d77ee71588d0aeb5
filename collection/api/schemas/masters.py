"""Masters over HTTP: tenants, chart of accounts, segments, bank accounts, periods."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from collection.api.schemas.common import ApiInput, ApiModel, PageQuery, Rupees, TenantCode, Timestamp
from ledger.models import ACCOUNT_PURPOSES

AccountType = Literal["asset", "liability", "income", "expense", "equity"]
AccountLevel = Literal["major", "minor", "detailed"]
Purpose = Literal[ACCOUNT_PURPOSES]  # type: ignore[valid-type]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=32)]
FinancialYearCode = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-27"])]
VoucherTypeCode = Literal["RECEIPT", "CONTRA", "JOURNAL", "REVERSAL", "PAYMENT"]


class TenantOut(ApiModel):
    code: str
    name: str
    name_local: str | None
    parent: str | None
    address: str | None
    active: bool


class TenantWrite(ApiInput):
    """A tenant's header; financial years and number formats are added, never removed."""

    name: Name
    name_local: Annotated[str, Field(max_length=200)] | None = None
    parent: TenantCode | None = None
    address: Annotated[str, Field(max_length=2000)] | None = None
    active: bool = True
    financial_years: Annotated[list[FinancialYearCode], Field(max_length=50)] = []
    voucher_numbering: dict[VoucherTypeCode, Annotated[str, Field(min_length=1, max_length=100)]] = {}


class TenantQuery(PageQuery):
    pass


class AccountOut(ApiModel):
    glcode: str
    name: str
    type: AccountType
    level: AccountLevel
    parent: str | None
    postable: bool
    active: bool
    purpose: Purpose | None


class AccountWrite(ApiInput):
    """A GL account; level follows the code's length and only detailed heads are postable
    unless said otherwise. A used account keeps its type and stays postable."""

    name: Name
    type: AccountType
    level: AccountLevel | None = None
    parent: Code | None = None
    postable: bool | None = None
    active: bool = True
    purpose: Purpose | None = None


class AccountQuery(PageQuery):
    type: AccountType | None = None
    purpose: Purpose | None = None
    level: AccountLevel | None = None
    postable: bool | None = None
    active: bool | None = None
    q: Annotated[str, Field(min_length=1, max_length=100,
                            description="Part of the GL code or name.")] | None = None


class SegmentOut(ApiModel):
    code: str
    name: str
    active: bool
    parent: str | None = Field(description="Parent function code (functions only).")


class SegmentWrite(ApiInput):
    name: Name
    active: bool = True
    parent: Code | None = None


class SegmentQuery(PageQuery):
    active: bool | None = None
    q: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class BankAccountOut(ApiModel):
    code: str
    bank: str
    branch: str
    account_number: str
    ifsc: str
    account_type: Literal["current", "savings"]
    fund: str
    glcode: str
    active: bool


class BankAccountWrite(ApiInput):
    """A ULB's bank account; its GL code must be a detailed asset head. Once it has
    postings its GL code and fund cannot change."""

    bank: Name
    branch: Name
    account_number: Annotated[str, Field(pattern=r"^[0-9A-Za-z]{6,34}$")]
    ifsc: Annotated[str, Field(pattern=r"^[A-Z]{4}0[A-Z0-9]{6}$", examples=["SBIN0000609"])]
    account_type: Literal["current", "savings"] = "current"
    fund: Code
    glcode: Code
    active: bool = True


class BankAccountQuery(PageQuery):
    active: bool | None = None


Instrument = Literal["cash", "cheque", "dd", "card", "online", "bankchallan", "neft", "rtgs",
                     "postal_order"]


class BouncePenalty(ApiInput):
    """What a payer is billed when one of the service's cheques or DDs bounces."""

    amount: Annotated[Rupees, Field(description="Rupees, more than zero.")]
    glcode: Annotated[Code, Field(description="A detailed income head.", examples=["1808002"])]


class ServiceOut(ApiModel):
    code: str
    name: str
    active: bool
    fund: str
    department: str
    functionary: str
    fund_source: str
    instruments: list[Instrument]
    part_payment: bool
    receipt_template: str
    workflow: Literal["none", "submit-approve"]
    post_voucher_on: Literal["creation", "approval"]
    receipt_number_format: str = Field(examples=["{mm}/{fy}/{seq:06d}"])
    advance_glcode: str | None
    holding_accounts: dict[str, str]
    gateway_accounts: dict[str, str] = Field(examples=[{"BBPS": "4501072"}])
    cheque_bounce_penalty: BouncePenalty | None


class ServiceWrite(ApiInput):
    """A service the ULB collects for. Every accepted instrument needs a holding account (a
    detailed asset head); the advance account, if any, is a detailed liability head."""

    name: Name
    active: bool = True
    fund: Code
    department: Code
    functionary: Code
    fund_source: Code
    instruments: Annotated[list[Instrument], Field(min_length=1)]
    part_payment: bool = False
    receipt_template: Annotated[str, Field(min_length=1, max_length=64)] = "default"
    workflow: Literal["none", "submit-approve"] = "none"
    post_voucher_on: Literal["creation", "approval"] = "creation"
    receipt_number_format: Annotated[str, Field(min_length=1, max_length=100)] = "{mm}/{fy}/{seq:06d}"
    advance_glcode: Code | None = None
    holding_accounts: dict[Instrument, Code]
    gateway_accounts: dict[Code, Code] = Field(
        {}, description="Online payments through a gateway (BBPS, a bank's gateway; matched without regard "
                        "to case) go to its clearing head instead of the online holding account.")
    cheque_bounce_penalty: BouncePenalty | None = Field(
        None, description="Billed when a cheque or DD of the service bounces; none (absent or null) removes it.")


class ServiceQuery(PageQuery):
    active: bool | None = None


class PeriodOut(ApiModel):
    code: str = Field(examples=["2026-11"])
    financial_year: str
    start_date: dt.date
    end_date: dt.date
    status: Literal["open", "closed"]
    changed_by: str | None
    changed_at: Timestamp | None


class PeriodQuery(PageQuery):
    status: Literal["open", "closed"] | None = None
    financial_year: FinancialYearCode | None = None
