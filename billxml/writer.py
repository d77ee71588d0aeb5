"""Write the model back out as Bill XML (UTF-8), in the element order of eGov's own samples.

Amounts are written with two decimals, flags as 1/0, dates as dd/MM/yyyy; absent optional
values (and a part payment flag of None) are left out. The output is checked against the XSD before it is returned, so what
leaves here is always valid Bill XML (a model that cannot be, e.g. with a negative amount,
raises BillXmlInvalid). parse(write(model)) == model for every valid model.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from billxml.errors import BillXmlInvalid
from billxml.model import Account, Bill, BillCollect, Payee
from billxml.money import to_rupees
from billxml.paths import ROOT
from billxml.structure import check_structure


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _child(parent: etree._Element, tag: str, text: str | None) -> None:
    if text is not None:
        etree.SubElement(parent, tag).text = text


def _account(parent: etree._Element, account: Account) -> None:
    attributes = {"glCode": account.gl_code, "order": str(account.order)}
    if account.description is not None:
        attributes["description"] = account.description
    attributes["isActualDemand"] = _flag(account.is_actual_demand)
    if account.purpose is not None:
        attributes["purpose"] = account.purpose.value
    if account.group_id is not None:
        attributes["groupId"] = str(account.group_id)
    element = etree.SubElement(parent, "account", attributes)
    _child(element, "crAmount", to_rupees(account.cr_paise))
    _child(element, "drAmount", to_rupees(account.dr_paise))
    _child(element, "functionCode", account.function_code)


def _bill(parent: etree._Element, bill: Bill) -> None:
    element = etree.SubElement(parent, "bill", {
        "refNo": bill.ref_no, "billDate": _date(bill.bill_date),
        "consumerCode": bill.consumer_code,
    })
    _child(element, "consumerType", bill.consumer_type)
    _child(element, "boundaryNum", None if bill.boundary_num is None else str(bill.boundary_num))
    _child(element, "boundaryType", bill.boundary_type)
    _child(element, "description", bill.description)
    _child(element, "totalAmount", to_rupees(bill.total_paise))
    _child(element, "minimumAmount",
           None if bill.minimum_paise is None else to_rupees(bill.minimum_paise))
    accounts = etree.SubElement(element, "accounts")
    for account in bill.accounts:
        _account(accounts, account)


def _payee(parent: etree._Element, payee: Payee) -> None:
    element = etree.SubElement(parent, "payee")
    _child(element, "payeeName", payee.name)
    _child(element, "payeeAddress", payee.address)
    _child(element, "payeeEmail", payee.email)
    bills = etree.SubElement(element, "bills")
    for bill in payee.bills:
        _bill(bills, bill)


def to_element(doc: BillCollect) -> etree._Element:
    """The <bill-collect> element of a model (not yet checked against the XSD)."""
    root = etree.Element(ROOT)
    _child(root, "serviceCode", doc.service_code)
    _child(root, "fundCode", doc.fund_code)
    _child(root, "functionaryCode", doc.functionary_code)
    _child(root, "fundSourceCode", doc.fund_source_code)
    _child(root, "departmentCode", doc.department_code)
    _child(root, "displayMessage", doc.display_message)
    _child(root, "paidBy", doc.paid_by)
    _child(root, "partPaymentAllowed",
           None if doc.part_payment_allowed is None else _flag(doc.part_payment_allowed))
    _child(root, "callbackForApportioning", _flag(doc.callback_for_apportioning))
    _child(root, "overrideAccountHeadsAllowed", _flag(doc.override_account_heads_allowed))
    _child(root, "collectionType",
           None if doc.collection_type is None else doc.collection_type.value)
    for mode in doc.collection_modes_not_allowed:
        _child(root, "collectionModeNotAllowed", mode.value)
    _child(root, "transactionReferenceNumber", doc.transaction_reference_number)
    _child(root, "source", doc.source)
    payees = etree.SubElement(root, "payees")
    for payee in doc.payees:
        _payee(payees, payee)
    return root


def write_bill_xml(doc: BillCollect, *, pretty: bool = True) -> bytes:
    """Bill XML bytes for a model; raises BillXmlInvalid if the result would not be valid."""
    data: bytes = etree.tostring(to_element(doc), xml_declaration=True, encoding="UTF-8",
                                 pretty_print=pretty)
    # Re-parsed, so that errors carry the lines of the bytes returned.
    errors = check_structure(etree.fromstring(data))
    if errors:
        raise BillXmlInvalid(errors)
    return data
