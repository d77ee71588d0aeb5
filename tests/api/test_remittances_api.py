"""Remittance, dishonour, bank statements and reports over HTTP: the whole flow, and refusals."""
from __future__ import annotations

import pytest

from tests.collection.bank_support import sbi_statement
from tests.collection.remittance_support import DAY, add_bills, pay_cash, pay_cheque

T = "/api/v1/tenants/pb.amritsar"


@pytest.fixture
def collected(api):
    with api.factory() as session:
        add_bills(session, "pb.amritsar", {"A1": 100000, "A2": 250050, "A3": 70000})
        cash = pay_cash(session, "pb.amritsar", "A1", 100000)
        cheque = pay_cheque(session, "pb.amritsar", ("A2", 250050), number="004512")
        other = pay_cheque(session, "pb.amritsar", ("A3", 70000), number="004513")
        return cash.number, cheque.instrument.id, other.instrument.id


@pytest.fixture
def accountant(api):
    api.user("acc1", ["ACCOUNTANT"])
    return api.login("acc1")


def post(api, token, url, **kwargs):
    return api.call("POST", url, token, **kwargs)


def code_of(response) -> str:
    return response.get_json()["errors"][0]["code"]


def test_remit_dishonour_import_match_and_report(api, collected, accountant):
    _cash_receipt, bounced, _cleared = collected
    body = {"bankAccount": "SBI-MAIN", "payInSlip": "778812", "payInDate": DAY.isoformat(),
            "selection": {"instrumentTypes": ["cash", "cheque"], "services": ["PT"]}}
    created = post(api, accountant, f"{T}/remittances", json=body)
    assert created.status_code == 201, created.get_json()
    r = created.get_json()
    assert (r["receiptCount"], r["cashPaise"], r["chequesPaise"], r["amount"], r["status"], r["voucherNumber"]) == (
        3, 100000, 320050, "4200.50", "REMITTED", "CV/2026-27/000001")
    again = post(api, accountant, f"{T}/remittances", json=body)
    assert (again.status_code, code_of(again)) == (409, "PAY_IN_SLIP_USED")
    empty = post(api, accountant, f"{T}/remittances", json={**body, "payInSlip": "778813"})
    assert (empty.status_code, code_of(empty)) == (422, "NOTHING_TO_REMIT")
    listed = api.get(f"{T}/remittances", accountant, query_string={"status": "REMITTED"}).get_json()
    assert listed["total"] == 1 and listed["items"][0]["payInSlip"] == "778812"

    done = post(api, accountant, f"{T}/instruments/{bounced}/dishonour",
                json={"reason": "funds insufficient", "date": DAY.isoformat()})
    assert done.status_code == 201, done.get_json()
    d = done.get_json()
    assert (d["amountPaise"], d["voucherNumber"], d["penaltyBillRefNo"]) == (250050, "JV/2026-27/000001",
                                                                            f"CHQBOUNCE/{bounced}")
    twice = post(api, accountant, f"{T}/instruments/{bounced}/dishonour", json={"reason": "again"})
    assert (twice.status_code, code_of(twice)) == (409, "INSTRUMENT_ALREADY_DISHONOURED")
    reversal = post(api, accountant, f"{T}/remittances/{r['id']}/reverse", json={"reason": "late"})
    assert (reversal.status_code, code_of(reversal)) == (409, "REMITTANCE_HAS_DISHONOUR")

    statement = sbi_statement([(DAY, "BY CASH+CLG SLIP 778812", "778812", 0, 420050),
                               (DAY, "CHQ RET 004512", "004512", 250050, 0),
                               (DAY, "SMS CHARGES", "", 1770, 0)])
    url = f"{T}/bank-statements"
    query = {"bankAccount": "SBI-MAIN", "format": "sbi", "fileName": "nov.txt"}
    imported = post(api, accountant, url, data=statement, content_type="text/plain", query_string=query)
    assert imported.status_code == 201, imported.get_json()
    assert imported.get_json()["matched"] == {"remittanceLines": 1, "dishonourLines": 1, "unmatched": 1}
    repeat = post(api, accountant, url, data=statement, content_type="text/plain", query_string=query)
    assert repeat.status_code == 200 and repeat.get_json()["replayed"] is True
    waiting = api.get(f"{url}/lines", accountant, query_string={"bankAccount": "SBI-MAIN", "matched": "false"})
    [charge] = waiting.get_json()["items"]
    assert (charge["direction"], charge["amountPaise"], charge["description"]) == ("DR", 1770, "SMS CHARGES")
    wrong = post(api, accountant, f"{url}/lines/{charge['id']}/match", json={"remittanceId": r["id"]})
    assert (wrong.status_code, code_of(wrong)) == (422, "MATCH_DIRECTION")

    assert api.get(f"{T}/remittances/{r['id']}", accountant).get_json()["status"] == "RECONCILED"
    brs = api.get(f"{T}/reports/bank-reconciliation", accountant,
                  query_string={"bankAccount": "SBI-MAIN", "asOf": DAY.isoformat()}).get_json()
    summary = {line["label"]: line["valuePaise"] for line in brs["summary"]}
    assert summary["Balance per bank statement"] == 420050 - 250050 - 1770
    assert summary["Balance per books (GL 4502101)"] == 420050 - 250050
    assert summary["Difference not explained"] == 0
    assert [row["amountPaise"] for row in brs["rows"]] == [1770]


def test_reports_as_json_csv_and_pdf(api, collected, accountant):
    api.user("aud1", ["AUDITOR"])
    auditor = api.login("aud1")
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    summary = api.get(f"{T}/reports/collection-summary", auditor, query_string=period).get_json()
    assert summary["rows"] == [{"date": "2026-11-23", "service": "PT", "instrument": "cash", "receipts": 1,
                                "amount": "1000.00", "amountPaise": 100000},
                               {"date": "2026-11-23", "service": "PT", "instrument": "cheque", "receipts": 2,
                                "amount": "3200.50", "amountPaise": 320050}]
    csv_file = api.get(f"{T}/reports/receipt-register.csv", auditor, query_string=period)
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    assert csv_file.get_data(as_text=True).splitlines()[0].startswith("Receipt,Date,Service")
    pdf = api.get(f"{T}/reports/pending-remittances.pdf", auditor, query_string={"asOf": DAY.isoformat()})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    missing = api.get(f"{T}/reports/bank-reconciliation", auditor, query_string={"asOf": DAY.isoformat()})
    assert (missing.status_code, code_of(missing)) == (422, "REPORT_PARAMETER_REQUIRED")
    assert api.get(f"{T}/reports/no-such-report", auditor).status_code == 404
    refused = post(api, auditor, f"{T}/remittances", json={"bankAccount": "SBI-MAIN", "payInSlip": "1"})
    assert (refused.status_code, code_of(refused)) == (403, "ROLE_FORBIDDEN")


@pytest.mark.parametrize("body, status, code", [
    ({"bankAccount": "SBI-MAIN", "payInSlip": "1", "selection": {"instrumentTypes": ["card"]}}, 422,
     "FIELD_INVALID"),
    ({"bankAccount": "CANARA-CAP", "payInSlip": "1"}, 422, "REMITTANCE_FUND_MISMATCH"),
    ({"bankAccount": "NOPE", "payInSlip": "1"}, 404, "BANK_ACCOUNT_NOT_FOUND"),
    ({"bankAccount": "SBI-MAIN", "payInSlip": "1", "payInDate": "2099-01-01"}, 422, "REMITTANCE_DATE_FUTURE"),
    ({"bankAccount": "SBI-MAIN", "payInSlip": "1", "amount": "5"}, 422, "FIELD_UNKNOWN"),
    ({"bankAccount": "SBI-MAIN", "payInSlip": "1", "selection": {"receipts": ["11/2026-27/999999"]}}, 404,
     "RECEIPT_NOT_FOUND"),
])
def test_bad_remittances_get_clear_errors(api, collected, accountant, body, status, code):
    response = post(api, accountant, f"{T}/remittances", json=body)
    assert (response.status_code, code_of(response)) == (status, code), response.get_json()
    assert api.get(f"{T}/remittances", accountant).get_json()["total"] == 0


def test_bad_statements_are_refused_with_their_line(api, accountant):
    url = f"{T}/bank-statements"
    bad = b"Date,Description,Reference,Debit,Credit,Balance\n2026-11-23,X,,1.001,,1.00\n"
    response = post(api, accountant, url, data=bad, content_type="text/csv",
                    query_string={"bankAccount": "SBI-MAIN", "format": "generic"})
    assert (response.status_code, code_of(response)) == (422, "STATEMENT_AMOUNT_INVALID")
    assert response.get_json()["errors"][0]["field"] == "line 2"
    xml = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document>&e;</Document>'
    response = post(api, accountant, url, data=xml, content_type="application/xml",
                    query_string={"bankAccount": "SBI-MAIN", "format": "camt053"})
    assert (response.status_code, code_of(response)) == (422, "STATEMENT_XML_DTD_FORBIDDEN")
    response = post(api, accountant, url, data=b"{}", content_type="application/json",
                    query_string={"bankAccount": "SBI-MAIN"})
    assert response.status_code == 415


def test_cheques_credited_one_by_one_over_http(api, collected, accountant):
    _cash_receipt, first, second = collected
    body = {"bankAccount": "SBI-MAIN", "payInSlip": "778812", "payInDate": DAY.isoformat()}
    r = post(api, accountant, f"{T}/remittances", json=body).get_json()
    statement = sbi_statement([(DAY, "BY CASH SLIP 778812", "778812", 0, 100000),
                               (DAY, "CLG CHQ 004512", "004512", 0, 250050),
                               (DAY, "CLG", "", 0, 1)])  # not the other cheque: waits for a person
    url = f"{T}/bank-statements"
    imported = post(api, accountant, url, data=statement, content_type="text/plain",
                    query_string={"bankAccount": "SBI-MAIN", "format": "sbi"})
    assert imported.get_json()["matched"] == {"remittanceLines": 2, "dishonourLines": 0, "unmatched": 1}
    lines = api.get(f"{url}/lines", accountant, query_string={"bankAccount": "SBI-MAIN"}).get_json()["items"]
    assert [(x["matchPart"], x["instrumentId"]) for x in lines] == [("CASH", None), ("CHEQUE", first), (None, None)]
    wrong = post(api, accountant, f"{url}/lines/{lines[2]['id']}/match", json={"instrumentId": second})
    assert (wrong.status_code, code_of(wrong)) == (422, "MATCH_AMOUNT_MISMATCH")
    assert api.get(f"{T}/remittances/{r['id']}", accountant).get_json()["status"] == "REMITTED"
    undone = post(api, accountant, f"{url}/lines/{lines[1]['id']}/unmatch")
    assert undone.get_json()["instrumentId"] is None
    again = post(api, accountant, f"{url}/lines/{lines[1]['id']}/match", json={"instrumentId": first})
    assert (again.status_code, again.get_json()["matchPart"]) == (200, "CHEQUE")
