"""Payments and receipts over HTTP: collecting, retrying, refusals, search, the workflow,
cancellation, corrections and the printed PDF, as a counter app or a gateway sees them."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from collection.audit import AuditEntry
from collection.bills.intake import submit_bill_xml
from ledger.db import unit_of_work
from tests.api.requests_table import (
    AMRITSAR,
    BPA_XML,
    RECEIPT_OWN,
    RECEIPT_SUBMITTED,
    RECEIPT_TO_CANCEL,
    RECEIPT_TO_REJECT,
    RECEIPT_TO_SUBMIT,
)

BASE = f"/api/v1/tenants/{AMRITSAR}"
PAYMENTS, RECEIPTS = f"{BASE}/payments", f"{BASE}/receipts"
TODAY = dt.date(2026, 11, 23)
PT_1, PT_2, BPA = "PT/2026-27/088812", "PT/2026-27/088813", "BPA/2026-27/0412"
BIG = "PT/2026-27/100001"
#: A property-tax bill above a lakh, to see Indian digit grouping and words on the receipt.
BIG_BILL_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<bill-collect>
  <serviceCode>PT</serviceCode><fundCode>01</fundCode><functionaryCode>999</functionaryCode>
  <fundSourceCode>01</fundSourceCode><departmentCode>REV</departmentCode>
  <partPaymentAllowed>0</partPaymentAllowed><overrideAccountHeadsAllowed>0</overrideAccountHeadsAllowed>
  <callbackForApportioning>0</callbackForApportioning><collectionType>C</collectionType>
  <collectionModeNotAllowed>bankchallan</collectionModeNotAllowed>
  <payees><payee><payeeName>M/s Hall Bazar Cloth House</payeeName>
    <payeeAddress>22 Hall Bazar, Amritsar 143006</payeeAddress>
    <bills><bill refNo="{BIG}" billDate="01/04/2026" consumerCode="PT-AMR-01-0007-001">
      <totalAmount>123456.50</totalAmount><minimumAmount>0</minimumAmount>
      <accounts><account glCode="1100101" order="1" description="Property Tax 2026-27 (commercial)"
                         isActualDemand="1" purpose="CURRENT_AMOUNT">
        <crAmount>123456.50</crAmount><drAmount>0</drAmount><functionCode>91</functionCode>
      </account></accounts>
    </bill></bills></payee></payees>
</bill-collect>""".encode()


@pytest.fixture
def users(api, two_ulbs, clock):
    """A fixed day (23 November 2026 in India), the example bills plus BPA and a big PT bill,
    and a user per part: two cashiers (the second also approves), an approver, a gateway."""
    clock.now = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    with unit_of_work(api.factory) as session:
        submit_bill_xml(session, AMRITSAR, BPA_XML)
        submit_bill_xml(session, AMRITSAR, BIG_BILL_XML)
    api.user("cashier1", ["CASHIER"])
    api.user("cashier2", ["CASHIER", "APPROVER"])
    api.user("approver1", ["APPROVER"])
    api.user("gateway", ["INTEGRATOR"])
    api.user("auditor1", ["AUDITOR"])
    api.user("pt-system", ["REVENUE_SYSTEM"])
    return {name: api.login(name) for name in
            ("cashier1", "cashier2", "approver1", "gateway", "auditor1", "pt-system")}


def cash(*bills: tuple[str, str], **extra) -> dict:
    total = sum(int(a.replace(".", "")) for _, a in bills)
    return {"instrument": {"type": "cash", "amount": f"{total // 100}.{total % 100:02d}"},
            "bills": [{"refNo": ref, "amount": a} for ref, a in bills], **extra}


def cheque(*bills: tuple[str, str], **extra) -> dict:
    body = cash(*bills, **extra)
    body["instrument"].update(type="cheque", number="004512", date="2026-11-21",
                              bank="State Bank of India", branch="Hall Bazar, Amritsar")
    return body


def post(api, token, url, body=None, **kwargs):
    return api.call("POST", url, token, json=body, **kwargs)


def error(response) -> dict:
    return response.get_json()["errors"][0]


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def outstanding(api, token, bill_id: int = 1) -> str:
    return api.get(f"{BASE}/bills/{bill_id}", token).get_json()["outstanding"]


def test_a_payment_is_201_with_its_receipts_and_a_retry_is_200_with_the_same(api, users):
    cashier = users["cashier1"]
    body = cash((PT_1, "14185.75"))
    made = post(api, cashier, PAYMENTS, body, headers={"Idempotency-Key": "counter1-0001"})
    assert made.status_code == 201, made.get_json()
    paid = made.get_json()
    assert paid["replayed"] is False
    [receipt] = paid["receipts"]
    assert receipt["number"] == "11/2026-27/000006"  # after the five October receipts
    assert (receipt["date"], receipt["status"], receipt["service"]) == ("2026-11-23", "APPROVED", "PT")
    assert (receipt["amount"], receipt["amountPaise"], receipt["advance"]) == ("14185.75", 1418575, "0.00")
    assert (receipt["payerName"], receipt["consumerCode"]) == ("Smt. Harpreet Kaur Sandhu",
                                                               "PT-AMR-07-0451-002")
    assert receipt["collectedBy"] == "pb.amritsar/cashier1" and receipt["printCount"] == 0
    assert [(h["glcode"], h["credit"], h["debit"]) for h in receipt["heads"]] == [
        ("1109002", "0.00", "600.00"), ("1100101", "2400.00", "0.00"),
        ("1718001", "185.75", "0.00"), ("1100101", "12200.00", "0.00")]
    assert receipt["voucherNumber"].startswith("RV/2026-27/")
    assert (paid["instrument"]["type"], paid["instrument"]["amount"]) == ("cash", "14185.75")

    again = post(api, cashier, PAYMENTS, body, headers={"Idempotency-Key": "counter1-0001"})
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert [r["number"] for r in again.get_json()["receipts"]] == ["11/2026-27/000006"]
    in_body = post(api, cashier, PAYMENTS, {**body, "idempotencyKey": "counter1-0001"})
    assert in_body.status_code == 200 and in_body.get_json()["receipts"][0]["number"] == receipt["number"]

    other = post(api, cashier, PAYMENTS, cash((PT_1, "14185.75"), payerName="Someone Else"),
                 headers={"Idempotency-Key": "counter1-0001"})
    assert other.status_code == 409 and error(other)["code"] == "IDEMPOTENCY_KEY_REUSED"
    clash = post(api, cashier, PAYMENTS, {**body, "idempotencyKey": "a"}, headers={"Idempotency-Key": "b"})
    assert clash.status_code == 422 and error(clash)["code"] == "IDEMPOTENCY_KEY_CONFLICT"
    twice = post(api, cashier, PAYMENTS, body)
    assert twice.status_code == 409 and error(twice)["code"] == "BILL_ALREADY_PAID"
    listed = api.get(RECEIPTS, cashier, query_string={"billRefNo": PT_1}).get_json()
    assert listed["total"] == 1


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    (cash((PT_1, "1.005")), 422, "AMOUNT_SUB_PAISA", "bills[0].amount"),
    (cash((PT_1, "1000.00")), 422, "BELOW_MINIMUM", "bills[0].amount"),
    ({**cash((PT_1, "14185.75")), "instrument": {"type": "cash", "amount": "100.00"}}, 422,
     "AMOUNT_MISMATCH", "instrument.amount"),
    (cash(("PT/2026-27/000000", "10.00")), 404, "BILL_NOT_FOUND", "bills[0]"),
    (cash((BPA, "100.00")), 422, "PART_PAYMENT_NOT_ALLOWED", "bills[0].amount"),
    (cash((BPA, "20000.00")), 422, "AMOUNT_EXCEEDS_OUTSTANDING", "bills[0].amount"),
    (cash((PT_1, "2000.00"), (PT_1, "3000.00")), 422, "BILL_REPEATED", "bills[1]"),
    (cash((PT_1, "0.00")), 422, "AMOUNT_ZERO", "bills[0].amount"),
    (cash((PT_1, "14185.75"), receiptDate="2026-11-24"), 422, "RECEIPT_DATE_FUTURE", "receiptDate"),
    ({**cash((PT_1, "14185.75")), "instrument": {"type": "bankchallan", "amount": "14185.75",
                                                 "bankAccount": "SBI-MAIN", "number": "CH-1",
                                                 "date": "2026-11-20"}},
     422, "INSTRUMENT_NOT_ALLOWED", "instrument.type"),
    ({**cash((PT_1, "14185.75")), "instrument": {"type": "card", "amount": "14185.75",
                                                 "cardLast4": "12a4", "transactionReference": "A81Z3Q"}},
     422, "CARD_LAST4_INVALID", "instrument.cardLast4"),
    (cash((PT_1, "14185.75"), discount="10"), 422, "FIELD_UNKNOWN", "discount"),
    ({**cash((PT_1, "14185.75")), "bills": [{"refNo": PT_1, "amount": 14185.75}]}, 422,
     "FIELD_INVALID", "bills[0].amount"),
    (cash((PT_1, "14185.75"), collectionType="X"), 422, "FIELD_INVALID", "collectionType"),
])
def test_a_refused_payment_names_its_rule_and_writes_nothing(api, users, body, status, code, field):
    cashier = users["cashier1"]
    response = post(api, cashier, PAYMENTS, body)
    assert response.status_code == status, response.get_json()
    assert (error(response)["code"], error(response)["field"]) == (code, field)
    assert api.get(RECEIPTS, cashier).get_json()["total"] == 5
    assert outstanding(api, cashier) == "14185.75"


def test_a_cheque_without_its_details_lists_every_missing_field(api, users):
    body = cash((BPA, "16030.00"))
    body["instrument"]["type"] = "cheque"
    response = post(api, users["cashier1"], PAYMENTS, body)
    assert response.status_code == 422
    assert {(e["code"], e["field"]) for e in response.get_json()["errors"]} == {
        ("INSTRUMENT_FIELD_REQUIRED", f"instrument.{name}") for name in ("number", "date", "bank", "branch")}
    stale = cheque((BPA, "16030.00"))
    stale["instrument"]["date"] = "2026-08-01"
    assert error(post(api, users["cashier1"], PAYMENTS, stale))["field"] == "instrument.date"


def test_an_integrator_collects_online_and_sees_only_its_own_payments(api, users):
    gateway, cashier = users["gateway"], users["cashier1"]
    body = cash((PT_2, "18500.00"), collectionType="O")
    body["instrument"].update(type="online", transactionReference="PAY-8F3K2L9Q1", gateway="razorpay")
    made = post(api, gateway, PAYMENTS, body, headers={"Idempotency-Key": "razorpay:PAY-8F3K2L9Q1"})
    assert made.status_code == 201, made.get_json()
    number = made.get_json()["receipts"][0]["number"]
    mine = api.get(RECEIPTS, gateway).get_json()
    assert [r["number"] for r in mine["items"]] == [number] and mine["total"] == 1
    assert api.get(RECEIPTS, gateway, query_string={"collectedBy": "pb.amritsar/counter1"}
                   ).get_json()["total"] == 0
    assert api.get(f"{RECEIPTS}/{number}", gateway).get_json()["instrument"]["transactionReference"] == (
        "PAY-8F3K2L9Q1")
    assert "PAY-8F3K2L9Q1" in pdf_text(api.get(f"{RECEIPTS}/{number}.pdf", gateway))
    for url in (f"{RECEIPTS}/{RECEIPT_TO_CANCEL}", f"{RECEIPTS}/{RECEIPT_TO_CANCEL}.pdf"):
        refused = api.get(url, gateway)
        assert refused.status_code == 404 and error(refused)["code"] == "RECEIPT_NOT_FOUND"
    assert api.get(RECEIPTS, cashier).get_json()["total"] == 6
    assert api.get(f"{BASE}/bills/2", cashier).get_json()["outstanding"] == "0.00"


def test_search_by_every_filter_newest_first_and_paginated(api, users):
    auditor = users["auditor1"]

    def numbers(**query) -> list[str]:
        response = api.get(RECEIPTS, auditor, query_string=query)
        assert response.status_code == 200, response.get_json()
        return [r["number"] for r in response.get_json()["items"]]

    assert numbers() == [RECEIPT_TO_REJECT, RECEIPT_SUBMITTED, RECEIPT_TO_SUBMIT, RECEIPT_TO_CANCEL,
                         RECEIPT_OWN]
    assert numbers(service="BPA") == [RECEIPT_TO_REJECT, RECEIPT_SUBMITTED, RECEIPT_TO_SUBMIT]
    assert numbers(status="SUBMITTED") == [RECEIPT_TO_REJECT, RECEIPT_SUBMITTED]
    assert numbers(consumerCode="PT-AMR-07-0452-001") == [RECEIPT_TO_CANCEL, RECEIPT_OWN]
    assert numbers(billRefNo="BPA/2026-27/0501") == [RECEIPT_TO_SUBMIT]
    assert numbers(number=RECEIPT_OWN, collectedBy="pb.amritsar/only-integrator") == [RECEIPT_OWN]
    assert len(numbers(instrumentType="cheque", collectedBy="pb.amritsar/counter1")) == 4
    assert numbers(instrumentType="cash") == [] and numbers(**{"from": "2026-11-01"}) == []
    assert len(numbers(**{"from": "2026-10-20", "to": "2026-10-20"})) == 5
    page = api.get(RECEIPTS, auditor, query_string={"limit": 2, "offset": 1}).get_json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert [r["number"] for r in page["items"]] == [RECEIPT_SUBMITTED, RECEIPT_TO_SUBMIT]
    first = page["items"][0]
    assert (first["amount"], first["amountPaise"], first["instrumentType"]) == ("16030.00", 1603000, "cheque")
    for bad in ({"status": "PAID"}, {"from": "2026-12-01", "to": "2026-11-01"}, {"colour": "red"},
                {"instrumentType": "bitcoin"}, {"limit": 501}):
        assert api.get(RECEIPTS, auditor, query_string=bad).status_code == 422, bad


def test_one_receipt_in_full_with_its_number_as_a_path_or_encoded(api, users):
    token = users["auditor1"]
    plain = api.get(f"{RECEIPTS}/{RECEIPT_TO_CANCEL}", token)
    encoded = api.get(f"{RECEIPTS}/{RECEIPT_TO_CANCEL.replace('/', '%2F')}", token)
    assert plain.status_code == encoded.status_code == 200 and plain.get_json() == encoded.get_json()
    receipt = plain.get_json()
    assert (receipt["number"], receipt["billRefNo"], receipt["amount"]) == (RECEIPT_TO_CANCEL, PT_2, "10000.00")
    assert receipt["voucherNumber"].startswith("RV/2026-27/") and receipt["reversalVoucherNumber"] is None
    assert sum(h["creditPaise"] - h["debitPaise"] for h in receipt["heads"]) == receipt["amountPaise"]
    assert receipt["instrument"]["type"] == "cheque" and len(receipt["hash"]) == 64
    assert (receipt["approvedBy"], receipt["financialYear"]) == ("pb.amritsar/counter1", "2026-27")
    missing = api.get(f"{RECEIPTS}/11/2026-27/999999", token)
    assert missing.status_code == 404 and error(missing)["code"] == "RECEIPT_NOT_FOUND"
    assert api.get(f"{RECEIPTS}/{RECEIPT_OWN}", users["pt-system"]).status_code == 403


def test_submit_approve_reject_and_who_may_do_what(api, users):
    cashier, collector, approver = users["cashier1"], users["cashier2"], users["approver1"]
    made = post(api, collector, PAYMENTS, cheque((BPA, "16030.00")))
    assert made.status_code == 201, made.get_json()
    receipt = made.get_json()["receipts"][0]
    number = receipt["number"]
    assert receipt["status"] == "TO_BE_SUBMITTED" and receipt["voucherNumber"].startswith("RV/")
    one = f"{RECEIPTS}/{number}"

    early = post(api, approver, f"{one}/approve")
    assert early.status_code == 409 and error(early)["code"] == "RECEIPT_STATE"
    assert error(post(api, approver, f"{one}/submit"))["code"] == "ROLE_FORBIDDEN"
    submitted = post(api, collector, f"{one}/submit")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "SUBMITTED"
    assert submitted.get_json()["submittedBy"] == "pb.amritsar/cashier2"
    own = post(api, collector, f"{one}/approve")
    assert own.status_code == 409 and error(own)["code"] == "SELF_APPROVAL"
    assert error(post(api, cashier, f"{one}/approve"))["code"] == "ROLE_FORBIDDEN"

    no_reason = post(api, approver, f"{one}/reject", {})
    assert no_reason.status_code == 422 and error(no_reason)["code"] == "FIELD_REQUIRED"
    blank = post(api, approver, f"{one}/reject", {"reason": "   "})
    assert blank.status_code == 422 and error(blank)["code"] == "REASON_REQUIRED"
    rejected = post(api, approver, f"{one}/reject", {"reason": "cheque not signed"})
    assert rejected.status_code == 200, rejected.get_json()
    assert (rejected.get_json()["status"], rejected.get_json()["rejectionReason"]) == (
        "REJECTED", "cheque not signed")
    again = post(api, collector, f"{one}/submit")
    assert again.get_json()["status"] == "SUBMITTED" and again.get_json()["rejectionReason"] is None
    approved = post(api, approver, f"{one}/approve")
    assert approved.status_code == 200
    assert (approved.get_json()["status"], approved.get_json()["approvedBy"]) == (
        "APPROVED", "pb.amritsar/approver1")
    assert error(post(api, approver, f"{RECEIPTS}/11/2026-27/999999/approve"))["code"] == "RECEIPT_NOT_FOUND"


def test_counter_close_submits_the_callers_day_only(api, users):
    mine, theirs = users["cashier1"], users["cashier2"]
    first = post(api, mine, PAYMENTS, cheque((BPA, "16030.00"))).get_json()["receipts"][0]["number"]
    bills = [r["refNo"] for r in api.get(f"{BASE}/bills", mine, query_string={"service": "BPA"}
                                         ).get_json()["items"]]
    assert first and len(bills) == 4
    closed = post(api, theirs, f"{RECEIPTS}/submit", {})
    assert closed.status_code == 200 and closed.get_json()["count"] == 0
    closed = post(api, mine, f"{RECEIPTS}/submit", {"date": "2026-11-23"})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["count"] == 1
    assert [(r["number"], r["status"]) for r in closed.get_json()["receipts"]] == [(first, "SUBMITTED")]
    assert post(api, mine, f"{RECEIPTS}/submit", {}).get_json()["count"] == 0
    assert post(api, mine, f"{RECEIPTS}/submit", {"date": "23/11/2026"}).status_code == 422


def test_cancelling_one_receipt_of_a_two_bill_payment(api, users):
    cashier, approver = users["cashier1"], users["approver1"]
    made = post(api, cashier, PAYMENTS, cheque((PT_1, "14185.75"), (BPA, "16030.00")))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["instrument"]["amount"] == "30215.75"
    pt, bpa = made.get_json()["receipts"]
    assert (pt["status"], bpa["status"]) == ("APPROVED", "TO_BE_SUBMITTED")
    one = f"{RECEIPTS}/{pt['number']}"

    assert error(post(api, cashier, f"{one}/cancel", {"reason": "wrong bill"}))["code"] == "ROLE_FORBIDDEN"
    blank = post(api, approver, f"{one}/cancel", {"reason": ""})
    assert blank.status_code == 422 and error(blank)["code"] == "REASON_REQUIRED"
    cancelled = post(api, approver, f"{one}/cancel", {"reason": "paid against the wrong assessment"})
    assert cancelled.status_code == 200, cancelled.get_json()
    done = cancelled.get_json()
    assert done["receipt"]["status"] == "CANCELLED"
    assert done["receipt"]["cancelReason"] == "paid against the wrong assessment"
    assert done["reversalVoucherNumber"].startswith("XV/2026-27/")
    assert done["receipt"]["reversalVoucherNumber"] == done["reversalVoucherNumber"]
    assert (done["instrumentShortfall"], done["instrumentShortfallPaise"]) == ("14185.75", 1418575)
    assert outstanding(api, cashier) == "14185.75"
    twice = post(api, approver, f"{one}/cancel", {"reason": "again"})
    assert twice.status_code == 409 and error(twice)["code"] == "RECEIPT_STATE"
    found = api.get(RECEIPTS, cashier, query_string={"status": "CANCELLED"}).get_json()
    assert [r["number"] for r in found["items"]] == [pt["number"]]
    assert api.get(f"{RECEIPTS}/{bpa['number']}", cashier).get_json()["status"] == "TO_BE_SUBMITTED"
    assert "CANCELLED" in pdf_text(api.get(f"{one}.pdf", approver))


def test_corrections_touch_only_what_is_not_money_and_are_audited(api, users):
    cashier = users["cashier1"]
    one = f"{RECEIPTS}/{RECEIPT_OWN}"
    fixed = api.call("PATCH", one, cashier, json={
        "payerName": "M/s Golden Temple Traders (Prop. J. S. Bedi)", "narration": "counter 2",
        "manualReceiptNumber": "MR-7/0042", "manualReceiptDate": "2026-10-19"})
    assert fixed.status_code == 200, fixed.get_json()
    receipt = fixed.get_json()
    assert receipt["payerName"] == "M/s Golden Temple Traders (Prop. J. S. Bedi)"
    assert (receipt["narration"], receipt["manualReceiptNumber"], receipt["manualReceiptDate"]) == (
        "counter 2", "MR-7/0042", "2026-10-19")
    for body, field in (({"amount": "1.00"}, "amount"),
                        ({"status": "CANCELLED", "payerName": "Nobody"}, "status"),
                        ({"amountPaise": 1}, "amountPaise")):
        refused = api.call("PATCH", one, cashier, json=body)
        assert refused.status_code == 422, body
        assert (error(refused)["code"], error(refused)["field"]) == ("RECEIPT_FIELD_IMMUTABLE", field)
    blank = api.call("PATCH", one, cashier, json={"payerName": " "})
    assert (blank.status_code, error(blank)["code"], error(blank)["field"]) == (
        422, "PAYER_NAME_REQUIRED", "payerName")
    after = api.get(one, cashier).get_json()
    assert after["payerName"] == receipt["payerName"] and after["amount"] == "10000.00"
    assert api.call("PATCH", one, users["auditor1"], json={"narration": "x"}).status_code == 403
    assert api.call("PATCH", f"{RECEIPTS}/11/2026-27/999999", cashier, json={}).status_code == 404
    with unit_of_work(api.factory) as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "receipt.correct")).all()
        assert (entry.entity_id, entry.actor) == (RECEIPT_OWN, "pb.amritsar/cashier1")
        assert entry.before["payer_name"] == "M/s Golden Temple Traders"
        assert entry.after["manual_receipt_date"] == "2026-10-19"


def test_the_pdf_is_the_receipt_and_every_later_print_is_a_duplicate(api, users):
    cashier = users["cashier1"]
    made = post(api, cashier, PAYMENTS, cheque((BIG, "123456.50")))
    assert made.status_code == 201, made.get_json()
    number = made.get_json()["receipts"][0]["number"]
    first = api.get(f"{RECEIPTS}/{number}.pdf", cashier)
    text = pdf_text(first)
    assert first.headers["Content-Disposition"] == (
        f'inline; filename="receipt-{number.replace("/", "-")}.pdf"')
    assert number in text and "Property Tax (PT)" in text and "M/s Hall Bazar Cloth House" in text
    assert "₹1,23,456.50" in text and "1,23,456.50" in text
    assert ("Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Fifty Paise Only"
            in " ".join(text.split()))
    assert "Property Tax 2026-27 (commercial)" in text and "004512" in text
    assert "ORIGINAL" in text and "DUPLICATE" not in text
    assert "Cashier1 (cashier1)" in text  # the collector's name, not only the login

    second = pdf_text(api.get(f"{RECEIPTS}/{number.replace('/', '%2F')}.pdf", users["auditor1"]))
    assert "DUPLICATE" in second and number in second
    assert api.get(f"{RECEIPTS}/{number}", cashier).get_json()["printCount"] == 2
    head = api.call("HEAD", f"{RECEIPTS}/{number}.pdf", cashier)
    assert head.status_code == 200
    assert api.get(f"{RECEIPTS}/{number}", cashier).get_json()["printCount"] == 2
    assert api.get(f"{RECEIPTS}/{number}.pdf", users["pt-system"]).status_code == 403
    missing = api.get(f"{RECEIPTS}/11/2026-27/999999.pdf", cashier)
    assert missing.status_code == 404 and missing.mimetype == "application/json"
    with unit_of_work(api.factory) as session:
        reprints = session.scalars(select(AuditEntry).where(AuditEntry.action == "receipt.reprint")).all()
        assert [(e.entity_id, e.after["print_count"]) for e in reprints] == [(number, 2)]


def test_a_submitted_receipt_prints_provisional(api, users):
    text = pdf_text(api.get(f"{RECEIPTS}/{RECEIPT_SUBMITTED}.pdf", users["approver1"]))
    assert RECEIPT_SUBMITTED in text and "PROVISIONAL" in re.sub(r"\s+", "", text)
    assert "Rupees Sixteen Thousand Thirty Only" in " ".join(text.split())
