"""Remittances, dishonours and bank statements over HTTP."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from collection.api.schemas.common import ApiInput, ApiModel, ApiQuery, PageQuery, Rupees, Timestamp
from collection.api.schemas.ledger import _DateRange
from collection.api.schemas.masters import Code

Remittable = Literal["cash", "cheque", "dd", "postal_order"]
RemittanceStatus = Literal["REMITTED", "RECONCILED", "REVERSED"]
Part = Literal["ALL", "CASH", "CHEQUES", "NET_ALL", "NET_CHEQUES"]
#: What a matched credit confirms: a part of a slip, or one cheque of it (``instrument_id``).
LinePart = Literal["ALL", "CASH", "CHEQUES", "NET_ALL", "NET_CHEQUES", "CHEQUE"]
Reason = Annotated[str, Field(max_length=2000, description="Why; required.")]
ReceiptNumber = Annotated[str, Field(min_length=1, max_length=60)]
BigId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class SelectionIn(ApiInput):
    """Which approved receipts to remit; every filter given must hold."""

    services: Annotated[list[Code], Field(max_length=50)] = Field(default_factory=list)
    fund: Code | None = None
    instrument_types: Annotated[list[Remittable], Field(max_length=4)] = Field(
        [], description="Default: cash, cheque, dd and postal_order. Card, online, NEFT and RTGS "
                        "receipts settle through their clearing accounts and are refused.")
    date_from: dt.date | None = Field(None, description="First receipt date (inclusive).")
    date_to: dt.date | None = Field(None, description="Last receipt date (inclusive).")
    collector: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, examples=["pb.amritsar/cashier1"])
    receipts: Annotated[list[ReceiptNumber], Field(max_length=1000)] = Field(
        [], description="Explicit receipt numbers (each must be remittable).")


class RemittanceIn(ApiInput):
    bank_account: Code = Field(examples=["SBI-MAIN"], description="Of the receipts' fund.")
    pay_in_slip: Annotated[str, Field(min_length=1, max_length=32)] = Field(examples=["778812"])
    pay_in_date: dt.date | None = Field(None, description="The contra voucher's date; today (India) "
                                                          "when absent.")
    selection: SelectionIn = SelectionIn()


class RemittanceOut(ApiModel):
    id: int
    bank_account: str
    pay_in_slip: str
    pay_in_date: dt.date
    status: RemittanceStatus = Field(description="REMITTED; RECONCILED once the bank's statement "
                                                 "confirmed it; REVERSED.")
    receipt_count: int
    cash_paise: int
    cash: Rupees
    cheques_paise: int = Field(description="Cheques, DDs and postal orders.")
    cheques: Rupees
    amount_paise: int
    amount: Rupees
    voucher_number: str | None = Field(description="The contra voucher.")
    reversal_voucher_number: str | None
    remitted_by: str
    created_at: Timestamp
    reversal_date: dt.date | None
    reversal_reason: str | None


class RemittanceQuery(_DateRange, PageQuery):
    date_from: dt.date | None = Field(None, alias="from", description="First pay-in date (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last pay-in date (inclusive).")
    bank_account: Code | None = None
    status: RemittanceStatus | None = None


class ReversalIn(ApiInput):
    reason: Reason
    date: dt.date | None = Field(None, description="Today (India), or the pay-in date if later, when absent.")


class DishonourIn(ApiInput):
    reason: Reason = Field(examples=["refer to drawer: funds insufficient"])
    date: dt.date | None = Field(None, description="The day it bounced; today (India) when absent.")
    penalty: bool = Field(True, description="Bill the service's cheque-bounce penalty, if it has one.")


class DishonourOut(ApiModel):
    id: int
    instrument_id: int
    remittance_id: int
    date: dt.date
    reason: str
    amount_paise: int
    amount: Rupees
    receipts: list[str] = Field(description="The receipts now INSTR_BOUNCED; their bills owe again.")
    voucher_number: str = Field(description="The reversal journal.")
    penalty_bill_id: int | None
    penalty_bill_ref_no: str | None


class StatementQuery(ApiQuery):
    bank_account: Code = Field(examples=["SBI-MAIN"])
    format: Literal["sbi", "hdfc", "generic", "camt053"] = Field(
        "sbi", description="camt053 (ISO 20022 XML), or the CSV layout of a bank's export.")
    file_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class MatchReportOut(ApiModel):
    remittance_lines: int
    dishonour_lines: int
    unmatched: int


class ImportOut(ApiModel):
    statement_id: int | None = Field(description="Null when every line was already stored.")
    lines_in_file: int
    new_lines: int
    replayed: bool = Field(description="This very file was imported before.")
    matched: MatchReportOut | None


class LineQuery(_DateRange, PageQuery):
    bank_account: Code
    matched: bool | None = Field(None, description="false: only lines waiting for a match.")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


class LineOut(ApiModel):
    id: int
    statement_id: int
    line_no: int
    date: dt.date
    value_date: dt.date | None
    direction: Literal["CR", "DR"]
    amount_paise: int
    amount: Rupees
    reference: str | None
    description: str | None
    balance_paise: int | None
    remittance_id: int | None
    match_part: LinePart | None
    instrument_id: int | None = Field(description="The cheque or DD a CHEQUE credit confirms.")
    dishonour_id: int | None
    voucher_number: str | None
    matched_by: str | None


class MatchIn(ApiInput):
    """Exactly one target."""

    remittance_id: BigId | None = None
    part: Part | None = Field(None, description="Default: the part the line's amount fits.")
    instrument_id: BigId | None = Field(None, description="One deposited cheque or DD, for banks that credit "
                                                          "each cheque by itself.")
    dishonour_id: BigId | None = None
    voucher_number: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        None, description="A voucher that booked the line otherwise (bank charges, interest).")


class AutoMatchQuery(ApiQuery):
    bank_account: Code
