"""Bills over HTTP: the Bill XML submission's outcome, searches, one bill with its heads."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from collection.api.schemas.common import ApiModel, PageQuery, Rupees, Timestamp
from collection.api.schemas.ledger import _DateRange
from collection.api.schemas.masters import Code

BillStatus = Literal["active", "superseded", "cancelled"]
Outcome = Literal["created", "superseded", "unchanged"]


class BillQuery(_DateRange, PageQuery):
    consumer_code: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    service: Code | None = Field(None, description="Service code (PT, BPA, ...).")
    status: BillStatus | None = Field(None, description="Every version when absent.")
    date_from: dt.date | None = Field(None, alias="from", description="First bill date (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last bill date (inclusive).")


class BillOut(ApiModel):
    id: int
    service: str = Field(examples=["PT"])
    consumer_code: str
    ref_no: str
    version: int = Field(description="1, then one more each time other content superseded it.")
    status: BillStatus
    bill_date: dt.date
    payee_name: str
    description: str | None
    total_paise: int
    total: Rupees
    minimum_paise: int
    minimum: Rupees
    paid_paise: int = Field(description="Collected by live receipts, over all heads.")
    paid: Rupees
    outstanding_paise: int = Field(description="total - paid.")
    outstanding: Rupees
    part_payment_allowed: bool
    document_id: int = Field(description="The submitted document this version came in.")
    superseded_by_id: int | None
    created_at: Timestamp


class BillAccountOut(ApiModel):
    line_no: int = Field(description="Position in the document, from 1.")
    order: int = Field(description="Apportioning order.")
    glcode: str
    function: str
    description: str | None
    purpose: str | None
    is_actual_demand: bool
    group_id: int | None
    credit_paise: int = Field(description="crAmount: due on this head.")
    credit: Rupees
    debit_paise: int = Field(description="drAmount: allowed on this head (a rebate).")
    debit: Rupees
    paid_paise: int
    paid: Rupees
    outstanding_paise: int = Field(description="credit - debit - paid (negative for a rebate).")
    outstanding: Rupees


class BillDetail(BillOut):
    fund: str
    department: str
    functionary: str
    fund_source: str
    payee_address: str | None
    payee_email: str | None
    paid_by: str | None
    display_message: str | None
    consumer_type: str | None
    boundary_num: int | None
    boundary_type: str | None
    override_account_heads_allowed: bool
    callback_for_apportioning: bool
    collection_type: str | None
    modes_not_allowed: list[str]
    transaction_reference: str | None
    source: str | None
    accounts: list[BillAccountOut]


class SubmittedBillOut(BillOut):
    outcome: Outcome = Field(description="created; superseded (a new version replaced the "
                                         "active one); unchanged (already stored as sent).")


class SubmissionOut(ApiModel):
    document_id: int | None = Field(description="The stored document; null when nothing changed.")
    created: int
    superseded: int
    unchanged: int
    bills: list[SubmittedBillOut]
