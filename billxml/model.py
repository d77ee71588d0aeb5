"""The typed, immutable model of one Bill XML document.

Amounts are `int` paise (1 rupee = 100 paise), never floats; dates are `datetime.date`.
Texts and codes hold the value the XSD sees (white space collapsed); an empty optional text is
None. An absent flag is False, except partPaymentAllowed: absent, it is None, and the service's
part payment default decides. Tuples keep document order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CollectionType(StrEnum):
    """Where the money is collected (collectionType)."""

    COUNTER = "C"
    FIELD = "F"
    ONLINE = "O"


class CollectionMode(StrEnum):
    """A payment mode (collectionModeNotAllowed lists the refused ones)."""

    CASH = "cash"
    CHEQUE = "cheque"
    DD = "dd"
    CARD = "card"
    BANK = "bank"
    BANK_CHALLAN = "bankchallan"
    ONLINE = "online"
    ATM = "atm"


class Purpose(StrEnum):
    """What an account head stands for (eGov's PURPOSE)."""

    ARREAR_AMOUNT = "ARREAR_AMOUNT"
    CURRENT_AMOUNT = "CURRENT_AMOUNT"
    ADVANCE_AMOUNT = "ADVANCE_AMOUNT"
    ARREAR_LATEPAYMENT_CHARGES = "ARREAR_LATEPAYMENT_CHARGES"
    CURRENT_LATEPAYMENT_CHARGES = "CURRENT_LATEPAYMENT_CHARGES"
    CHEQUE_BOUNCE_PENALTY = "CHEQUE_BOUNCE_PENALTY"
    REBATE = "REBATE"
    OTHERS = "OTHERS"
    SERVICETAX = "SERVICETAX"
    CG_SERVICETAX = "CG_SERVICETAX"
    SG_SERVICETAX = "SG_SERVICETAX"


@dataclass(frozen=True, slots=True)
class Account:
    """One account head of a bill (<account>)."""

    gl_code: str
    """glCode: the income (credit) or rebate (debit) head."""
    order: int
    """order: part payments are apportioned over heads in ascending order."""
    cr_paise: int
    """crAmount, in paise: the due on this head."""
    dr_paise: int
    """drAmount, in paise: a rebate or adjustment on this head."""
    function_code: str
    """functionCode: the function segment of the posting."""
    description: str | None = None
    is_actual_demand: bool = False
    purpose: Purpose | None = None
    group_id: int | None = None


@dataclass(frozen=True, slots=True)
class Bill:
    """One bill (<bill>): what is due from the payee under one reference."""

    ref_no: str
    bill_date: date
    consumer_code: str
    total_paise: int
    """totalAmount, in paise: must equal sum(cr_paise) - sum(dr_paise)."""
    accounts: tuple[Account, ...]
    minimum_paise: int | None = None
    """minimumAmount, in paise: the least a part payment may be; None when not given."""
    consumer_type: str | None = None
    boundary_num: int | None = None
    boundary_type: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Payee:
    """One payee (<payee>) and the bills they may pay."""

    name: str
    bills: tuple[Bill, ...]
    address: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class BillCollect:
    """A whole Bill XML document (<bill-collect>)."""

    service_code: str
    fund_code: str
    department_code: str
    payees: tuple[Payee, ...]
    functionary_code: str | None = None
    fund_source_code: str | None = None
    display_message: str | None = None
    paid_by: str | None = None
    part_payment_allowed: bool | None = None
    """partPaymentAllowed; None when the document does not say (the service's default holds)."""
    override_account_heads_allowed: bool = False
    callback_for_apportioning: bool = False
    collection_type: CollectionType | None = None
    collection_modes_not_allowed: tuple[CollectionMode, ...] = ()
    transaction_reference_number: str | None = None
    source: str | None = None

    def bills(self) -> list[Bill]:
        """Every bill of every payee, in document order."""
        return [bill for payee in self.payees for bill in payee.bills]
