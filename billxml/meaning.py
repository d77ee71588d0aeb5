"""Layer 2, meaning: does a structurally valid document make sense, by itself and against the
tenant's masters?

Each rule is a small function that yields every problem it finds, so one pass reports all of
them. Rules see only the model; they name places by path (line None), and `api` looks the
lines up in the parsed tree. Amounts are compared in paise, shown in rupees.

Decisions:
- totalAmount must equal sum(crAmount) - sum(drAmount): totals are checked, never trusted.
- minimumAmount may not exceed totalAmount. When partPaymentAllowed is 0 the amount paid must
  equal the total, so a minimum says nothing unless it is 0 or equal to the total; any other
  minimum contradicts the flag and is MINIMUM_WITHOUT_PART_PAYMENT. When the flag is absent the
  service's part payment default decides, so that check is a master rule then (without masters
  it cannot be made).
- Negative amounts and duplicate bills are refused by the XSD in a document; MODEL_RULES hold
  models built in code (not parsed) to the same standard, and run in `check_bill_collect`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from billxml.errors import BillXmlError, ErrorCode
from billxml.masters import Masters
from billxml.model import Account, Bill, BillCollect
from billxml.money import to_rupees
from billxml.paths import ROOT

DocumentRule = Callable[[BillCollect], Iterable[BillXmlError]]
MasterRule = Callable[[BillCollect, Masters], Iterable[BillXmlError]]


class Place(NamedTuple):
    """Where a bill or account is (1-based numbers); spelled out as a path only for errors."""

    payee: int
    bill: int
    account: int | None = None

    @property
    def path(self) -> str:
        path = f"/{ROOT}/payees/payee[{self.payee}]/bills/bill[{self.bill}]"
        return path if self.account is None else f"{path}/accounts/account[{self.account}]"


def iter_bills(doc: BillCollect) -> Iterator[tuple[Place, Bill]]:
    """Each bill with its place, in document order."""
    for payee_number, payee in enumerate(doc.payees, start=1):
        for bill_number, bill in enumerate(payee.bills, start=1):
            yield Place(payee_number, bill_number), bill


def iter_accounts(doc: BillCollect) -> Iterator[tuple[Place, Account]]:
    """Each account with its place, in document order."""
    for payee_number, payee in enumerate(doc.payees, start=1):
        for bill_number, bill in enumerate(payee.bills, start=1):
            for number, account in enumerate(bill.accounts, start=1):
                yield Place(payee_number, bill_number, number), account


def _error(code: ErrorCode, message: str, path: str, field: str) -> BillXmlError:
    return BillXmlError(code, message, None, path, field)


# ---------------------------------------------------------------------------- document rules

def check_totals(doc: BillCollect) -> Iterator[BillXmlError]:
    for place, bill in iter_bills(doc):
        credits = sum([account.cr_paise for account in bill.accounts])
        debits = sum([account.dr_paise for account in bill.accounts])
        if bill.total_paise != credits - debits:
            yield _error(
                ErrorCode.TOTAL_MISMATCH,
                f"totalAmount is {to_rupees(bill.total_paise)} but the accounts add up to "
                f"{to_rupees(credits - debits)} (crAmount {to_rupees(credits)} - drAmount "
                f"{to_rupees(debits)}) for bill {bill.ref_no}",
                f"{place.path}/totalAmount", "totalAmount")


def check_one_sided(doc: BillCollect) -> Iterator[BillXmlError]:
    """Each account is a due or a rebate: apportioning fills dues and applies rebates, and a
    receipt head and its voucher line are one-sided, so a head with both would be collected
    beyond the bill's total."""
    for place, bill in iter_bills(doc):
        for number, account in enumerate(bill.accounts, start=1):
            if account.cr_paise > 0 and account.dr_paise > 0:
                at = place._replace(account=number)
                yield _error(
                    ErrorCode.ACCOUNT_BOTH_SIDES,
                    f"account {number} of bill {bill.ref_no} ({account.gl_code}) has crAmount "
                    f"{to_rupees(account.cr_paise)} and drAmount {to_rupees(account.dr_paise)}; send "
                    "the due and the rebate as two accounts",
                    f"{at.path}/drAmount", "drAmount")


def check_minimum(doc: BillCollect) -> Iterator[BillXmlError]:
    for place, bill in iter_bills(doc):
        minimum = bill.minimum_paise
        if minimum is None:
            continue
        if minimum > bill.total_paise:
            yield _error(
                ErrorCode.MINIMUM_ABOVE_TOTAL,
                f"minimumAmount {to_rupees(minimum)} is above totalAmount "
                f"{to_rupees(bill.total_paise)} for bill {bill.ref_no}",
                f"{place.path}/minimumAmount", "minimumAmount")
    if doc.part_payment_allowed is False:
        yield from _minimums_paid_in_full(doc, "partPaymentAllowed is 0")


def _minimums_paid_in_full(doc: BillCollect, why: str) -> Iterator[BillXmlError]:
    """A minimum between 0 and the total, on bills that can only be paid in full (`why`)."""
    for place, bill in iter_bills(doc):
        minimum = bill.minimum_paise
        if minimum is not None and 0 < minimum < bill.total_paise:
            yield _error(
                ErrorCode.MINIMUM_WITHOUT_PART_PAYMENT,
                f"minimumAmount is {to_rupees(minimum)} but {why}, so bill {bill.ref_no} can "
                f"only be paid in full ({to_rupees(bill.total_paise)}); send minimumAmount 0 "
                "or allow part payment",
                f"{place.path}/minimumAmount", "minimumAmount")


def _negative(name: str, paise: int, place: Place) -> BillXmlError:
    return _error(ErrorCode.AMOUNT_NEGATIVE,
                  f"{name} is {to_rupees(paise)}; amounts cannot be negative",
                  f"{place.path}/{name}", name)


def check_not_negative(doc: BillCollect) -> Iterator[BillXmlError]:
    for place, bill in iter_bills(doc):
        if bill.total_paise < 0:
            yield _negative("totalAmount", bill.total_paise, place)
        if bill.minimum_paise is not None and bill.minimum_paise < 0:
            yield _negative("minimumAmount", bill.minimum_paise, place)
        for number, account in enumerate(bill.accounts, start=1):
            if account.cr_paise < 0:
                yield _negative("crAmount", account.cr_paise, place._replace(account=number))
            if account.dr_paise < 0:
                yield _negative("drAmount", account.dr_paise, place._replace(account=number))


def check_unique_bills(doc: BillCollect) -> Iterator[BillXmlError]:
    first: dict[tuple[str, str], Place] = {}
    for place, bill in iter_bills(doc):
        key = (bill.ref_no, bill.consumer_code)
        if key in first:
            yield _error(
                ErrorCode.DUPLICATE_BILL,
                f"a second bill with refNo={bill.ref_no}, consumerCode={bill.consumer_code}; "
                f"the first is at {first[key].path}. Each bill must appear once in a document",
                place.path, "bill")
        else:
            first[key] = place


# ------------------------------------------------------------------------------ master rules

def check_service(doc: BillCollect, masters: Masters) -> Iterator[BillXmlError]:
    path = f"/{ROOT}/serviceCode"
    service = masters.service(doc.service_code)
    if service is None:
        yield _error(ErrorCode.SERVICE_UNKNOWN,
                     f"serviceCode {doc.service_code} is not a service registered for "
                     "collection in this ULB", path, "serviceCode")
    elif not service.active:
        yield _error(ErrorCode.SERVICE_INACTIVE,
                     f"serviceCode {doc.service_code} is registered but not active; "
                     "bills of an inactive service cannot be collected", path, "serviceCode")


_SEGMENTS: tuple[tuple[str, str, str, ErrorCode, str], ...] = (
    # model attribute, XML element, Masters method, code, what it is
    ("fund_code", "fundCode", "has_fund", ErrorCode.FUND_UNKNOWN, "fund"),
    ("functionary_code", "functionaryCode", "has_functionary", ErrorCode.FUNCTIONARY_UNKNOWN,
     "functionary"),
    ("fund_source_code", "fundSourceCode", "has_fund_source", ErrorCode.FUND_SOURCE_UNKNOWN,
     "fund source"),
    ("department_code", "departmentCode", "has_department", ErrorCode.DEPARTMENT_UNKNOWN,
     "department"),
)


def check_minimum_by_service(doc: BillCollect, masters: Masters) -> Iterator[BillXmlError]:
    """check_minimum's part payment rule for a document that does not say: the service's."""
    service = masters.service(doc.service_code)
    if doc.part_payment_allowed is None and service is not None \
            and not service.part_payment_default:
        yield from _minimums_paid_in_full(
            doc, f"partPaymentAllowed is not given and service {doc.service_code} does not "
                 "allow part payment by default")


def check_header_segments(doc: BillCollect, masters: Masters) -> Iterator[BillXmlError]:
    for attribute, element, method, code, what in _SEGMENTS:
        value: str | None = getattr(doc, attribute)
        if value is not None and not getattr(masters, method)(value):
            yield _error(code, f"{element} {value} is not a {what} in this ULB's masters",
                         f"/{ROOT}/{element}", element)


def _distinct(doc: BillCollect, attribute: str) -> set[str]:
    """The distinct values of an account attribute over the whole document."""
    return {getattr(account, attribute) for bill in doc.bills() for account in bill.accounts}


def check_gl_codes(doc: BillCollect, masters: Masters) -> Iterator[BillXmlError]:
    known = {code: masters.gl_account(code) for code in _distinct(doc, "gl_code")}
    if all(head is not None and head.active and head.postable for head in known.values()):
        return  # the usual case: no need to place the accounts one by one
    for place, account in iter_accounts(doc):
        head = known[account.gl_code]
        where = f"{place.path}/@glCode"
        if head is None:
            yield _error(ErrorCode.GL_UNKNOWN,
                         f"glCode {account.gl_code} is not in the chart of accounts",
                         where, "glCode")
        elif not head.active:
            yield _error(ErrorCode.GL_INACTIVE,
                         f"glCode {account.gl_code} is in the chart of accounts but not active",
                         where, "glCode")
        elif not head.postable:
            yield _error(ErrorCode.GL_NOT_POSTABLE,
                         f"glCode {account.gl_code} is a group head that takes no postings; "
                         "use one of its detailed heads", where, "glCode")


def check_function_codes(doc: BillCollect, masters: Masters) -> Iterator[BillXmlError]:
    known = {code: masters.has_function(code) for code in _distinct(doc, "function_code")}
    if all(known.values()):
        return
    for place, account in iter_accounts(doc):
        if not known[account.function_code]:
            yield _error(ErrorCode.FUNCTION_UNKNOWN,
                         f"functionCode {account.function_code} is not a function in this "
                         "ULB's masters", f"{place.path}/functionCode", "functionCode")


MODEL_RULES: tuple[DocumentRule, ...] = (check_not_negative, check_unique_bills)
"""What the XSD already guarantees for a parsed document; needed for models built in code."""
DOCUMENT_RULES: tuple[DocumentRule, ...] = (check_totals, check_one_sided, check_minimum)
MASTER_RULES: tuple[MasterRule, ...] = (
    check_service, check_minimum_by_service, check_header_segments, check_gl_codes,
    check_function_codes,
)


def check_meaning(doc: BillCollect, masters: Masters | None = None, *,
                  parsed: bool = True) -> list[BillXmlError]:
    """Every layer-2 problem of a model; the master rules run only when masters are given.

    `parsed=False` adds MODEL_RULES, for a model that did not come through the XSD.
    """
    rules = DOCUMENT_RULES if parsed else MODEL_RULES + DOCUMENT_RULES
    errors = [error for rule in rules for error in rule(doc)]
    if masters is not None:
        errors.extend(error for rule in MASTER_RULES for error in rule(doc, masters))
    return errors
