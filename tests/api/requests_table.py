"""One valid request per endpoint, so generic tests (roles, tenants) can call every route.

A new endpoint without an entry here fails ``test_every_endpoint_has_an_example``:
it cannot join the API without joining the role matrix and the cross-tenant suite.
A body is JSON (``body``) or raw bytes with their content type (``raw``, ``content_type``:
Bill XML); ``ok`` lists the success statuses a permitted caller may get.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

AMRITSAR = "pb.amritsar"
#: Strings only Amritsar's data contains: none may reach a user of another tenant.
AMRITSAR_MARKERS = ("Municipal Corporation Amritsar", "Ranjit Avenue", "SBI-MAIN", "BILL-1",
                    "Property tax, cash", "State Bank of India", "Harpreet Kaur Sandhu",
                    "PT-AMR-07-0451-002", "Gurpreet Singh Aulakh", "Golden Temple Traders")
#: Amritsar's example bills, which ``two_ulbs`` submits (the first stored bill has this id).
BILLS_XML = (Path(__file__).resolve().parents[2] / "examples" / "bills" /
             "property-tax-ward-7.xml").read_bytes()
AMRITSAR_BILL_ID = 1
#: A bill document that the example masters accept and that ``two_ulbs`` did not submit.
NEW_BILL_XML = BILLS_XML.replace(b"PT/2026-27/088812", b"PT/2026-27/099901").replace(
    b"PT/2026-27/088813", b"PT/2026-27/099902")
BPA_XML = (Path(__file__).resolve().parents[2] / "examples" / "bills" /
           "bpa-permit-fees.xml").read_bytes()
#: Receipts ``two_ulbs`` makes (conftest.example_receipts), dated RECEIPT_DAY, one per state the
#: examples need: its own integrator's approved PT receipt, an approved PT receipt to cancel,
#: BPA receipts (submit-approve workflow) waiting to be submitted, submitted, submitted.
RECEIPT_DAY = dt.date(2026, 10, 20)
RECEIPT_OWN, RECEIPT_TO_CANCEL, RECEIPT_TO_SUBMIT, RECEIPT_SUBMITTED, RECEIPT_TO_REJECT = (
    f"10/2026-27/{n:06d}" for n in range(1, 6))


def bpa_ref(n: int) -> str:
    return f"BPA/2026-27/050{n}"


def bpa_bill_xml(n: int) -> bytes:
    """The example BPA bill as another application's, billed on 1 October."""
    return (BPA_XML.replace(b"BPA/2026-27/0412", bpa_ref(n).encode())
            .replace(b"BPA-AMR-2026-01365", f"BPA-AMR-2026-0150{n}".encode())
            .replace(b'billDate="18/11/2026"', b'billDate="01/10/2026"'))


class Example(NamedTuple):
    path: dict
    query: dict | None = None
    body: dict | None = None
    raw: bytes | None = None
    content_type: str | None = None
    ok: tuple[int, ...] = (200,)


EXAMPLES: dict[str, Example] = {
    "api.account.me": Example({}),
    "api.account.logout": Example({}),
    "api.masters.list_tenants": Example({}, {"limit": 10}),
    "api.masters.get_tenant": Example({"tenant_id": AMRITSAR}),
    "api.masters.put_tenant": Example({"tenant_id": AMRITSAR}, body={
        "name": "Municipal Corporation Amritsar", "parent": "pb", "financialYears": ["2026-27"]}),
    "api.masters.list_accounts": Example({"tenant_id": AMRITSAR}, {"type": "asset"}),
    "api.masters.get_account": Example({"tenant_id": AMRITSAR, "glcode": "4501001"}),
    "api.masters.put_account": Example({"tenant_id": AMRITSAR, "glcode": "1100199"}, body={
        "name": "Property Tax-Other", "type": "income", "parent": "11001"}),
    "api.masters.list_segments": Example({"tenant_id": AMRITSAR, "kind": "functions"}),
    "api.masters.get_segment": Example({"tenant_id": AMRITSAR, "kind": "funds", "code": "01"}),
    "api.masters.put_segment": Example({"tenant_id": AMRITSAR, "kind": "departments", "code": "LIB"},
                                       body={"name": "Libraries"}),
    "api.masters.list_bank_accounts": Example({"tenant_id": AMRITSAR}),
    "api.masters.get_bank_account": Example({"tenant_id": AMRITSAR, "code": "SBI-MAIN"}),
    "api.masters.put_bank_account": Example({"tenant_id": AMRITSAR, "code": "PNB-NEW"}, body={
        "bank": "Punjab National Bank", "branch": "Hall Bazaar", "accountNumber": "0123456789",
        "ifsc": "PUNB0012300", "fund": "01", "glcode": "4502101"}),
    "api.masters.list_services": Example({"tenant_id": AMRITSAR}, {"active": "true"}),
    "api.masters.get_service": Example({"tenant_id": AMRITSAR, "code": "PT"}),
    "api.masters.put_service": Example({"tenant_id": AMRITSAR, "code": "ADV"}, body={
        "name": "Advertisement Tax", "fund": "01", "department": "REV", "functionary": "999",
        "fundSource": "01", "instruments": ["cash", "cheque"],
        "holdingAccounts": {"cash": "4501001", "cheque": "4501051"}}),
    "api.periods.list_periods": Example({"tenant_id": AMRITSAR}, {"financialYear": "2026-27"}),
    "api.periods.get_period": Example({"tenant_id": AMRITSAR, "code": "2026-11"}),
    "api.periods.close_period": Example({"tenant_id": AMRITSAR, "code": "2026-05"}),
    "api.periods.reopen_period": Example({"tenant_id": AMRITSAR, "code": "2026-05"}),
    "api.ledger.list_vouchers": Example({"tenant_id": AMRITSAR}, {"from": "2026-11-01"}),
    "api.ledger.get_voucher": Example({"tenant_id": AMRITSAR, "voucher_id": "{voucher_id}"}),
    "api.ledger.trial_balance": Example({"tenant_id": AMRITSAR},
                                        {"from": "2026-11-01", "to": "2026-11-30"}),
    "api.ledger.gl_statement": Example({"tenant_id": AMRITSAR}, {
        "glcode": "4501001", "from": "2026-11-01", "to": "2026-11-30"}),
    "api.bills.submit_bills": Example({"tenant_id": AMRITSAR}, raw=NEW_BILL_XML,
                                      content_type="application/xml", ok=(200, 201)),
    "api.bills.list_bills": Example({"tenant_id": AMRITSAR}, {"service": "PT", "status": "active"}),
    "api.bills.get_bill": Example({"tenant_id": AMRITSAR, "bill_id": AMRITSAR_BILL_ID}),
    "api.payments.collect_payment": Example({"tenant_id": AMRITSAR}, body={
        "instrument": {"type": "cash", "amount": "14185.75"},
        "bills": [{"refNo": "PT/2026-27/088812", "amount": "14185.75"}],
        # Idempotency keys belong to their collector: the first allowed role collects (201), a
        # retry by the same user replays (200), another role's user finds the bill paid (409).
        "idempotencyKey": "example-payment-1"}, ok=(200, 201, 409)),
    "api.receipts.list_receipts": Example({"tenant_id": AMRITSAR}, {"service": "PT",
                                                                    "status": "APPROVED"}),
    "api.receipts.get_receipt": Example({"tenant_id": AMRITSAR, "number": RECEIPT_OWN}),
    "api.receipts.receipt_pdf": Example({"tenant_id": AMRITSAR, "number": RECEIPT_OWN}),
    "api.receipts.submit_day": Example({"tenant_id": AMRITSAR},
                                       body={"date": RECEIPT_DAY.isoformat()}),
    "api.receipts.submit_receipt": Example({"tenant_id": AMRITSAR, "number": RECEIPT_TO_SUBMIT}),
    "api.receipts.approve_receipt": Example({"tenant_id": AMRITSAR, "number": RECEIPT_SUBMITTED}),
    "api.receipts.reject_receipt": Example({"tenant_id": AMRITSAR, "number": RECEIPT_TO_REJECT},
                                           body={"reason": "cash short by ten rupees"}),
    "api.receipts.cancel_receipt": Example({"tenant_id": AMRITSAR, "number": RECEIPT_TO_CANCEL},
                                           body={"reason": "entered against the wrong bill"}),
    "api.receipts.correct_receipt": Example({"tenant_id": AMRITSAR, "number": RECEIPT_OWN},
                                            body={"payerAddress": "14 Lawrence Road, Amritsar"}),
    # Remittance and reconciliation (issue 7). The role matrix calls these in name order on one
    # database: the statement (a credit of ₹1, booked by two_ulbs' contra voucher) is imported,
    # matched to that voucher and unmatched; RECEIPT_OWN is remitted, its cheque dishonoured,
    # and the remittance then cannot be reversed (409 REMITTANCE_HAS_DISHONOUR).
    "api.bank_statements.auto_match": Example({"tenant_id": AMRITSAR}, {"bankAccount": "SBI-MAIN"}),
    "api.bank_statements.import_bank_statement": Example(
        {"tenant_id": AMRITSAR}, {"bankAccount": "SBI-MAIN", "format": "generic"}, content_type="text/csv",
        raw=b"Date,Description,Reference,Debit,Credit,Balance\n2026-11-23,TRANSFER,T1,,1.00,1.00\n",
        ok=(200, 201)),
    "api.bank_statements.list_lines": Example({"tenant_id": AMRITSAR}, {"bankAccount": "SBI-MAIN"}),
    "api.bank_statements.match_line": Example({"tenant_id": AMRITSAR, "line_id": 1},
                                              body={"voucherNumber": "CV/2026-27/000001"}),
    "api.bank_statements.unmatch_line": Example({"tenant_id": AMRITSAR, "line_id": 1}),
    "api.remittances.create_remittance": Example({"tenant_id": AMRITSAR}, body={
        "bankAccount": "SBI-MAIN", "payInSlip": "778812", "payInDate": "2026-10-21",
        "selection": {"receipts": [RECEIPT_OWN]}}, ok=(201,)),
    "api.remittances.dishonour_instrument": Example({"tenant_id": AMRITSAR, "instrument_id": 1},
                                                    body={"reason": "funds insufficient",
                                                          "date": "2026-10-22"}, ok=(201,)),
    "api.remittances.get_remittance_view": Example({"tenant_id": AMRITSAR, "remittance_id": 1}),
    "api.remittances.list_remittances": Example({"tenant_id": AMRITSAR}, {"status": "REMITTED"}),
    "api.remittances.reverse": Example({"tenant_id": AMRITSAR, "remittance_id": 1},
                                       body={"reason": "paid into the wrong account"}, ok=(409,)),
    "api.reports.get_report": Example({"tenant_id": AMRITSAR, "report": "collection-summary"},
                                      {"from": "2026-10-01", "to": "2026-11-30"}),
    "api.reports.get_report_csv": Example({"tenant_id": AMRITSAR, "report": "receipt-register"},
                                          {"from": "2026-10-01", "to": "2026-11-30"}),
    "api.reports.get_report_pdf": Example({"tenant_id": AMRITSAR, "report": "remittance-register"},
                                          {"from": "2026-10-01", "to": "2026-11-30"}),
    "api.audit.list_audit": Example({}, {"tenantId": AMRITSAR}),
}


def url(rule: str, path: dict, voucher_id: int = 1) -> str:
    """Fill a Flask rule's ``<conv:name>`` placeholders."""
    def fill(match: re.Match) -> str:
        value = str(path[match.group(1)])
        return value.replace("{voucher_id}", str(voucher_id))
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", fill, rule)


def call(api, spec, token: str, example: Example, voucher_id: int, ip: str = "127.0.0.1"):
    body = ({"data": example.raw, "content_type": example.content_type} if example.raw is not None
            else {"json": example.body})
    return api.call(spec.method, url(spec.rule, example.path, voucher_id), token, ip=ip,
                    query_string=example.query, **body)
