"""Bills over HTTP: submitting Bill XML (every status), searching, one bill, the published XSD."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select, update

from billxml import XSD_PATH
from billxml.schema import explainer_schema
from collection.api import create_app
from collection.audit import AuditEntry
from collection.bills.models import Bill, BillDocument
from ledger.db import unit_of_work
from tests.api.conftest import OTHER, Api
from tests.api.requests_table import AMRITSAR, BILLS_XML
from tests.conftest import SHARED

BILLS = f"/api/v1/tenants/{AMRITSAR}/bills"
XSD_URL = "/api/v1/schema/bill-collect.xsd"
BPA_XML = (Path(__file__).resolve().parents[2] / "examples" / "bills" / "bpa-permit-fees.xml").read_bytes()
SAMPLES = SHARED / "research" / "contracts" / "egov-smartcity-suite"
needs_shared = pytest.mark.skipif(not SAMPLES.is_dir(),
                                  reason="../shared (eGov samples) is not beside the checkout")


@pytest.fixture
def system(api):
    api.user("pt-system", ["REVENUE_SYSTEM"])
    return api.login("pt-system")


@pytest.fixture
def reader(api):
    api.user("counter1", ["CASHIER"])
    return api.login("counter1")


def submit(api, token, data: bytes, content_type: str = "application/xml", url: str = BILLS):
    return api.call("POST", url, token, data=data, content_type=content_type)


def count(api, model) -> int:
    with unit_of_work(api.factory) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_document_is_stored_and_answered_with_its_bills(api, system):
    response = submit(api, system, BILLS_XML)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["created"], body["superseded"], body["unchanged"]) == (2, 0, 0)
    assert body["documentId"] is not None
    first, second = body["bills"]
    assert (first["outcome"], first["service"], first["consumerCode"], first["refNo"]) == (
        "created", "PT", "PT-AMR-07-0451-002", "PT/2026-27/088812")
    assert (first["totalPaise"], first["total"], first["minimum"]) == (1418575, "14185.75", "2000.00")
    assert (first["paid"], first["outstanding"], first["version"], first["status"]) == (
        "0.00", "14185.75", 1, "active")
    assert second["total"] == "38500.00" and second["billDate"] == "2026-04-01"
    with unit_of_work(api.factory) as session:
        doc = session.get(BillDocument, body["documentId"])
        assert doc.content == BILLS_XML and doc.submitted_by == "pb.amritsar/pt-system"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "bills.submit")).one()
        assert entry.entity_id == str(doc.id) and entry.after["created"] == 2
        assert entry.actor == "pb.amritsar/pt-system"


def test_text_xml_is_accepted_too(api, system):
    response = submit(api, system, BPA_XML, "text/xml; charset=utf-8")
    assert response.status_code == 201 and response.get_json()["bills"][0]["service"] == "BPA"


def test_resubmitting_the_same_document_is_200_and_writes_nothing(api, system):
    first = submit(api, system, BILLS_XML).get_json()
    again = submit(api, system, BILLS_XML)
    assert again.status_code == 200
    body = again.get_json()
    assert (body["documentId"], body["created"], body["unchanged"]) == (None, 0, 2)
    assert [b["id"] for b in body["bills"]] == [b["id"] for b in first["bills"]]
    assert {b["outcome"] for b in body["bills"]} == {"unchanged"}
    assert count(api, BillDocument) == 1 and count(api, Bill) == 2


def test_a_changed_bill_supersedes_the_active_version(api, system, reader):
    old = submit(api, system, BILLS_XML).get_json()["bills"][1]
    changed = BILLS_XML.replace(b"<totalAmount>38500</totalAmount>", b"<totalAmount>38600</totalAmount>") \
        .replace(b"<crAmount>2500</crAmount>", b"<crAmount>2600</crAmount>")
    response = submit(api, system, changed)
    assert response.status_code == 201
    body = response.get_json()
    assert [b["outcome"] for b in body["bills"]] == ["unchanged", "superseded"]
    new = body["bills"][1]
    assert (new["version"], new["total"], new["status"]) == (2, "38600.00", "active")
    before = api.get(f"{BILLS}/{old['id']}", reader).get_json()
    assert (before["status"], before["supersededById"]) == ("superseded", new["id"])
    versions = api.get(BILLS, reader, query_string={"consumerCode": new["consumerCode"]}).get_json()
    assert [(b["version"], b["status"]) for b in versions["items"]] == [(1, "superseded"), (2, "active")]


def test_every_changed_bill_of_a_document_is_superseded_by_its_own_new_version(api, system, reader):
    old = submit(api, system, BILLS_XML).get_json()["bills"]
    changed = BILLS_XML.replace(b"<payeeName>", b"<payeeName>Late ")
    new = submit(api, system, changed).get_json()
    assert (new["created"], new["superseded"], new["unchanged"]) == (0, 2, 0)
    for before, after in zip(old, new["bills"]):
        assert after["refNo"] == before["refNo"] and after["payeeName"].startswith("Late ")
        assert api.get(f"{BILLS}/{before['id']}", reader).get_json()["supersededById"] == after["id"]


def test_keys_are_consumer_and_reference_together(api, system, reader):
    """Bills that share a consumer code or a reference with stored ones, but not both, are new."""
    submit(api, system, BILLS_XML)
    crossed = BILLS_XML.replace(b'consumerCode="PT-AMR-07-0451-002"', b'consumerCode="SWAP"') \
        .replace(b'consumerCode="PT-AMR-07-0452-001"', b'consumerCode="PT-AMR-07-0451-002"') \
        .replace(b'consumerCode="SWAP"', b'consumerCode="PT-AMR-07-0452-001"')
    body = submit(api, system, crossed).get_json()
    assert (body["created"], body["superseded"]) == (2, 0)
    active = api.get(BILLS, reader, query_string={"status": "active"}).get_json()
    assert active["total"] == 4


def test_a_bill_with_a_live_receipt_is_locked(api, system):
    bill = submit(api, system, BPA_XML).get_json()["bills"][0]
    with unit_of_work(api.factory) as session:
        session.execute(update(Bill).where(Bill.id == bill["id"]).values(live_receipts=1))
    response = submit(api, system, BPA_XML.replace(b"Labour cess", b"Labour welfare cess"))
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["code"] == "BILL_LOCKED"
    assert count(api, BillDocument) == 1


def test_an_invalid_document_gets_every_error_with_line_and_path(api, system):
    bad = BILLS_XML.replace(b'glCode="1718001"', b'glCode="9999999"') \
        .replace(b"<totalAmount>38500</totalAmount>", b"<totalAmount>38000</totalAmount>")
    response = submit(api, system, bad)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    for item in errors:
        assert set(item) == {"code", "message", "field", "line", "path"}
    by_code = {e["code"]: e for e in errors}
    assert set(by_code) == {"GL_UNKNOWN", "TOTAL_MISMATCH"}
    gl = by_code["GL_UNKNOWN"]
    assert gl["path"] == "/bill-collect/payees/payee[1]/bills/bill[1]/accounts/account[2]/@glCode"
    assert gl["field"] == gl["path"] and gl["line"] == BILLS_XML[:BILLS_XML.index(b"1718001")].count(b"\n") + 1
    assert "bill[1]" in by_code["TOTAL_MISMATCH"]["path"] and "payee[2]" in by_code["TOTAL_MISMATCH"]["path"]
    assert count(api, Bill) == 0 and count(api, BillDocument) == 0


@pytest.mark.parametrize(("data", "code"), [
    (b"<bill-collect><serviceCode>PT</serviceCode></bill-collect>", "XSD_MISSING_ELEMENT"),
    (b"<bill-collect><unclosed></bill-collect>", "XML_MALFORMED"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><bill-collect/>', "XML_DTD_FORBIDDEN"),
    (b"", "XML_EMPTY"),
    (b"<invoice/>", "XML_WRONG_ROOT"),
])
def test_structural_and_security_refusals_are_422_with_their_code(api, system, data, code):
    response = submit(api, system, data)
    assert response.status_code == 422
    assert code in {e["code"] for e in response.get_json()["errors"]}


def test_wrong_content_type_is_415(api, system):
    for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded",
                         "application/xml; charset=iso-8859-1"):
        response = submit(api, system, BPA_XML, content_type)
        assert response.status_code == 415, content_type
        assert response.get_json()["errors"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    json_body = api.call("POST", BILLS, system, json={"bill": 1})
    assert json_body.status_code == 415
    assert count(api, BillDocument) == 0


def test_a_document_over_the_limit_is_413(db_url, clock):
    app = create_app({"DATABASE_URL": db_url, "CLOCK": clock, "TESTING": True,
                      "BILL_XML_MAX_BYTES": len(BPA_XML) - 1})
    try:
        api = Api(app, app.extensions["rasid"].factory)
        api.user("pt-system", ["REVENUE_SYSTEM"])
        token = api.login("pt-system")
        response = submit(api, token, BPA_XML)
        assert response.status_code == 413
        [error] = response.get_json()["errors"]
        assert error["code"] == "XML_TOO_LARGE" and f"{len(BPA_XML) - 1:,}" in error["message"]
        assert submit(api, token, BPA_XML.replace(b"  ", b" ")).status_code == 201
    finally:
        app.extensions["rasid"].engine.dispose()


def test_the_bill_limit_not_the_json_limit_applies(api, system):
    """A 1.2 MB document is past MAX_CONTENT_LENGTH (1 MB) but within the 5 MB Bill XML limit."""
    padding = b"<!--" + b"x" * 1_200_000 + b"-->"
    big = BPA_XML.replace(b"<bill-collect>", padding + b"<bill-collect>", 1)
    assert len(big) > api.app.config["MAX_CONTENT_LENGTH"]
    assert submit(api, system, big).status_code == 201
    huge = BPA_XML.replace(b"<bill-collect>", b"<!--" + b"x" * 5_300_000 + b"-->" + b"<bill-collect>", 1)
    response = submit(api, system, huge)
    assert response.status_code == 413 and response.get_json()["errors"][0]["code"] == "XML_TOO_LARGE"


def test_search_by_consumer_service_status_and_date(api, system, reader):
    submit(api, system, BILLS_XML)
    submit(api, system, BPA_XML)

    def found(**query) -> list[str]:
        response = api.get(BILLS, reader, query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["total"] == len(body["items"]) or query.get("limit")
        return [b["refNo"] for b in body["items"]]

    assert found() == ["PT/2026-27/088812", "PT/2026-27/088813", "BPA/2026-27/0412"]
    assert found(service="BPA") == ["BPA/2026-27/0412"]
    assert found(consumerCode="PT-AMR-07-0452-001") == ["PT/2026-27/088813"]
    assert found(status="superseded") == []
    assert found(**{"from": "2026-11-01"}) == ["BPA/2026-27/0412"]
    assert found(**{"from": "2026-04-01", "to": "2026-04-01"}) == ["PT/2026-27/088812",
                                                                   "PT/2026-27/088813"]
    page = api.get(BILLS, reader, query_string={"limit": 1, "offset": 1}).get_json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert [b["refNo"] for b in page["items"]] == ["PT/2026-27/088813"]
    for bad in ({"status": "paid"}, {"from": "2026-12-01", "to": "2026-01-01"}, {"colour": "red"},
                {"from": "01/04/2026"}):
        assert api.get(BILLS, reader, query_string=bad).status_code == 422, bad


def test_one_bill_with_its_heads(api, system, reader):
    bill_id = submit(api, system, BILLS_XML).get_json()["bills"][0]["id"]
    bill = api.get(f"{BILLS}/{bill_id}", reader).get_json()
    assert (bill["fund"], bill["department"], bill["functionary"], bill["fundSource"]) == (
        "01", "REV", "999", "01")
    assert bill["modesNotAllowed"] == ["bankchallan"] and bill["collectionType"] == "C"
    assert bill["payeeEmail"] == "harpreet.sandhu@example.in" and bill["boundaryNum"] == 7
    heads = [(h["lineNo"], h["glcode"], h["function"], h["credit"], h["debit"], h["paid"],
              h["outstanding"]) for h in bill["accounts"]]
    assert heads == [(1, "1100101", "91", "2400.00", "0.00", "0.00", "2400.00"),
                     (2, "1718001", "91", "185.75", "0.00", "0.00", "185.75"),
                     (3, "1100101", "91", "12200.00", "0.00", "0.00", "12200.00"),
                     (4, "1109002", "91", "0.00", "600.00", "0.00", "-600.00")]
    assert sum(h["outstandingPaise"] for h in bill["accounts"]) == bill["outstandingPaise"] == 1418575
    assert bill["accounts"][3]["purpose"] == "REBATE"
    missing = api.get(f"{BILLS}/999999", reader)
    assert missing.status_code == 404 and missing.get_json()["errors"][0]["code"] == "BILL_NOT_FOUND"


@pytest.mark.parametrize(("service", "flag", "in_force"), [
    ("BPA", None, False), ("PT", None, True), ("PT", "0", False), ("BPA", "1", True)])
def test_part_payment_shown_is_the_bills_own_or_else_its_services_default(api, system, reader, service,
                                                                          flag, in_force):
    stated = b"" if flag is None else f"<partPaymentAllowed>{flag}</partPaymentAllowed>".encode()
    data = BPA_XML.replace(b"<serviceCode>BPA", f"<serviceCode>{service}".encode()).replace(
        b"<partPaymentAllowed>0</partPaymentAllowed>", stated)
    response = submit(api, system, data)
    assert response.status_code == 201, response.get_json()
    [bill] = response.get_json()["bills"]
    assert bill["partPaymentAllowed"] is in_force
    assert api.get(f"{BILLS}/{bill['id']}", reader).get_json()["partPaymentAllowed"] is in_force
    [listed] = api.get(BILLS, reader).get_json()["items"]
    assert listed["partPaymentAllowed"] is in_force
    with unit_of_work(api.factory) as session:
        assert session.get(Bill, bill["id"]).part_payment_allowed is (None if flag is None else flag == "1")


def test_another_ulbs_bill_is_not_found(api, two_ulbs):
    api.user("jal-cashier", ["CASHIER"], tenant=OTHER)
    token = api.login("jal-cashier", OTHER)
    assert api.get(f"{BILLS}/1", token).status_code == 403
    response = api.get(f"/api/v1/tenants/{OTHER}/bills/1", token)
    assert response.status_code == 404
    assert api.get(f"/api/v1/tenants/{OTHER}/bills", token).get_json()["total"] == 0


def test_the_xsd_is_public(api, reader):
    for token in (None, reader):
        response = api.get(XSD_URL, token)
        assert response.status_code == 200 and response.mimetype == "application/xml"
        assert response.get_data() == XSD_PATH.read_bytes()
    etree.XMLSchema(etree.fromstring(api.get(XSD_URL, None).get_data()))


def test_openapi_describes_the_xml_body_and_both_success_statuses(api):
    doc = api.http.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/tenants/{tenantId}/bills"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/xml", "text/xml"}
    assert {"200", "201", "409", "413", "415", "422"} <= set(post["responses"])
    assert post["x-roles"] == ["ADMIN", "REVENUE_SYSTEM"]
    assert doc["paths"][XSD_URL]["get"]["security"] == []
    assert "application/xml" in doc["paths"][XSD_URL]["get"]["responses"]["200"]["content"]
    assert {"line", "path"} <= set(doc["components"]["schemas"]["ErrorItem"]["properties"])


def test_the_explainer_is_built_when_the_app_is(app):
    assert explainer_schema.cache_info().currsize == 1


@needs_shared
def test_real_egov_samples_over_http(api, system):
    accepted = submit(api, system, (SAMPLES / "sample-bill-collect_billingstub-default.xml").read_bytes())
    assert accepted.status_code == 201 and accepted.get_json()["bills"][0]["total"] == "400.00"
    refused = submit(api, system, (SAMPLES / "sample-bill-collect_ReceiptActionTest.xml").read_bytes())
    assert refused.status_code == 422
    mismatch = next(e for e in refused.get_json()["errors"] if e["code"] == "TOTAL_MISMATCH")
    assert mismatch["line"] and mismatch["path"].endswith("totalAmount")
