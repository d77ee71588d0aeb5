"""Payments and receipts over HTTP. Amounts come in as rupee strings ("1603.00") and leave
twice, as paise and rupees; a fraction of a paisa is refused (AMOUNT_SUB_PAISA), never rounded."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from collection.api.schemas.common import ApiInput, ApiModel, PageQuery, Rupees, Timestamp
from collection.api.schemas.ledger import _DateRange
from collection.api.schemas.masters import Code
from collection.receipts.models import RECEIPT_STATUSES
from collection.service_master import INSTRUMENT_TYPES

InstrumentType = Literal[INSTRUMENT_TYPES]  # type: ignore[valid-type]
ReceiptStatus = Literal[RECEIPT_STATUSES]  # type: ignore[valid-type]
CollectionType = Literal["C", "F", "O"]
#: Rupees in: digits with a decimal point; more than two decimals is refused by the rules
#: (AMOUNT_SUB_PAISA), not by the schema, so the caller learns why.
RupeesIn = Annotated[str, Field(pattern=r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$", examples=["1603.00"],
                                description="Rupees as a decimal string, at most two decimals.")]
Text = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=2000)]
Reference = Annotated[str, Field(min_length=1, max_length=64)]
#: A receipt number (``11/2026-27/000042``): in URLs its slashes may stay or be sent as %2F.
ReceiptNumber = Annotated[str, Field(min_length=1, max_length=60, examples=["11/2026-27/000042"])]


class InstrumentIn(ApiInput):
    """What the payer handed over. Cheque/DD: number, date, bank, branch; card: last four
    digits and authorisation (transactionReference); online/NEFT/RTGS: transactionReference;
    bank challan: bankAccount, number, date; postal order: number, date."""

    type: InstrumentType
    amount: RupeesIn = Field(description="The instrument's amount; the bills' amounts must add "
                                         "up to it.")
    number: Annotated[str, Field(max_length=64)] | None = None
    date: dt.date | None = None
    bank: Text | None = None
    branch: Text | None = None
    card_last4: Annotated[str, Field(max_length=4)] | None = None
    transaction_reference: Annotated[str, Field(max_length=100)] | None = None
    gateway: Annotated[str, Field(max_length=64)] | None = None
    bank_account: Code | None = Field(None, description="Bank challan: the ULB's bank account code.")


class BillPaymentIn(ApiInput):
    """One bill and what is paid on it: name it by ``billId``, or by ``refNo`` (with
    ``consumerCode`` and ``service`` when the reference alone is ambiguous)."""

    amount: RupeesIn
    bill_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None
    ref_no: Reference | None = None
    consumer_code: Reference | None = None
    service: Code | None = None
    version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        None, description="The version the payer was shown; refused if superseded.")


class PaymentIn(ApiInput):
    instrument: InstrumentIn
    bills: Annotated[list[BillPaymentIn], Field(min_length=1, max_length=100)]
    collection_type: CollectionType = Field("C", description="C counter, F field, O online.")
    payer_name: Text | None = Field(None, description="Defaults to the bill's payer.")
    payer_address: LongText | None = None
    receipt_date: dt.date | None = Field(None, description="Defaults to today (India).")
    narration: LongText | None = None
    manual_receipt_number: Annotated[str, Field(max_length=60)] | None = None
    manual_receipt_date: dt.date | None = None
    idempotency_key: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="Or the Idempotency-Key header: a retry returns the original receipts.")


class ReceiptQuery(_DateRange, PageQuery):
    number: ReceiptNumber | None = None
    consumer_code: Reference | None = None
    bill_ref_no: Reference | None = None
    service: Code | None = None
    status: ReceiptStatus | None = None
    instrument_type: InstrumentType | None = None
    collected_by: Annotated[str, Field(min_length=1, max_length=200,
                                       examples=["pb.amritsar/cashier1"])] | None = None
    date_from: dt.date | None = Field(None, alias="from", description="First receipt date (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last receipt date (inclusive).")


class ReasonIn(ApiInput):
    reason: Annotated[str, Field(max_length=2000, description="Why; required.")]


class SubmitDayIn(ApiInput):
    date: dt.date | None = Field(None, description="The day collected; today (India) when absent.")


class ReceiptCorrection(ApiInput):
    """Only what does not touch money; any other field is refused (RECEIPT_FIELD_IMMUTABLE)."""

    model_config = ConfigDict(extra="allow")

    payer_name: Text | None = None
    payer_address: LongText | None = None
    narration: LongText | None = None
    manual_receipt_number: Annotated[str, Field(max_length=60)] | None = None
    manual_receipt_date: dt.date | None = None


class InstrumentOut(ApiModel):
    id: int
    type: InstrumentType
    amount_paise: int
    amount: Rupees
    status: str = Field(description="NEW, DEPOSITED, RECONCILED, DISHONOURED or CANCELLED.")
    number: str | None
    card_last4: str | None
    date: dt.date | None
    bank: str | None
    branch: str | None
    transaction_reference: str | None
    gateway: str | None
    bank_account: str | None
    collected_by: str


class ReceiptOut(ApiModel):
    number: str = Field(examples=["11/2026-27/000042"])
    date: dt.date
    status: ReceiptStatus
    service: str
    bill_id: int
    bill_ref_no: str
    bill_version: int
    consumer_code: str
    payer_name: str
    payer_address: str | None
    collection_type: CollectionType
    collected_by: str
    amount_paise: int
    amount: Rupees
    advance_paise: int = Field(description="Part of the amount credited to the advance head.")
    advance: Rupees
    instrument_type: InstrumentType
    narration: str | None
    manual_receipt_number: str | None
    manual_receipt_date: dt.date | None
    print_count: int = Field(description="Times printed; every print after the first is a duplicate.")
    created_at: Timestamp


class ReceiptHeadOut(ApiModel):
    line_no: int
    glcode: str
    function: str
    description: str | None
    purpose: str | None
    advance: bool = Field(description="The excess over the bill, credited to the advance head.")
    credit_paise: int
    credit: Rupees
    debit_paise: int = Field(description="A rebate allowed.")
    debit: Rupees


class ReceiptDetail(ReceiptOut):
    financial_year: str
    hash: str = Field(description="SHA-256 of number, date, amount, bill and heads (in the QR code).")
    heads: list[ReceiptHeadOut]
    instrument: InstrumentOut
    voucher_number: str | None = Field(description="The receipt voucher (none yet when the "
                                                   "service posts on approval).")
    reversal_voucher_number: str | None
    submitted_by: str | None
    submitted_at: Timestamp | None
    approved_by: str | None
    approved_at: Timestamp | None
    rejection_reason: str | None
    cancel_reason: str | None
    cancelled_by: str | None
    cancelled_at: Timestamp | None


class PaymentOut(ApiModel):
    replayed: bool = Field(description="True when the idempotency key returned an earlier payment.")
    instrument: InstrumentOut
    receipts: list[ReceiptDetail]


class SubmittedOut(ApiModel):
    count: int
    receipts: list[ReceiptOut]


class CancellationOut(ApiModel):
    receipt: ReceiptDetail
    reversal_voucher_number: str | None
    instrument_shortfall_paise: int = Field(description="Of the instrument's amount, what live "
                                                        "receipts no longer cover.")
    instrument_shortfall: Rupees
