"""Bills: revenue systems submit Bill XML; every role of the tenant searches and reads bills.

Reading is open to every role because everyone downstream of a bill needs it: counters
and integrators collect against it, accountants and auditors trace receipts back to it,
and revenue systems check what was stored.
"""
from __future__ import annotations

from collections import Counter

from flask import current_app

from collection.api.context import Call
from collection.api.registry import RawBody, Reply, Routes
from collection.api.schemas.bills import BillDetail, BillOut, BillQuery, SubmissionOut
from collection.api.schemas.common import Page, money, page
from collection.auth.roles import ADMIN, ALL_ROLES, REVENUE_SYSTEM
from collection.bills import reads
from collection.bills.intake import submit_bill_xml

routes = Routes("bills")
BILLS = "/api/v1/tenants/<tenant_id>/bills"
BIGINT_MAX = 2**63 - 1  # larger ids cannot exist: 404, not a database error
AMOUNTS = ("total", "minimum", "paid", "outstanding")
HEAD_AMOUNTS = ("credit", "debit", "paid", "outstanding")

BILL_XML = RawBody(
    media_types=("application/xml", "text/xml"), limit_setting="BILL_XML_MAX_BYTES",
    too_large_code="XML_TOO_LARGE",
    description="A Bill XML document (<bill-collect>, UTF-8) as defined by "
                "/api/v1/schema/bill-collect.xsd; at most BILL_XML_MAX_BYTES (5 MB by default).",
    example=(
        "<bill-collect><serviceCode>PT</serviceCode><fundCode>01</fundCode>"
        "<departmentCode>REV</departmentCode><partPaymentAllowed>0</partPaymentAllowed>"
        "<payees><payee><payeeName>Smt. Harpreet Kaur</payeeName><bills>"
        '<bill refNo="PT/2026-27/088812" billDate="01/04/2026" consumerCode="PT-AMR-07-0451">'
        "<totalAmount>11600</totalAmount><minimumAmount>0</minimumAmount><accounts>"
        '<account glCode="1100101" order="1" purpose="CURRENT_AMOUNT"><crAmount>12200</crAmount>'
        "<drAmount>0</drAmount><functionCode>91</functionCode></account>"
        '<account glCode="1109002" order="2" purpose="REBATE"><crAmount>0</crAmount>'
        "<drAmount>600</drAmount><functionCode>91</functionCode></account>"
        "</accounts></bill></bills></payee></payees></bill-collect>"))


@routes.endpoint("POST", BILLS, roles={REVENUE_SYSTEM, ADMIN}, body=BILL_XML,
                 response=SubmissionOut, status=201,
                 also={200: "Every bill was already stored as sent: nothing changed"})
def submit_bills(call: Call, tenant_id: str):
    """Submit a Bill XML document: its bills are stored all or none.

    201 when anything was stored (new bills, or new versions superseding the active ones),
    200 when every bill was already stored as sent. A document that breaks the XSD or the
    tenant's masters is refused (422) with every error's code, line and path; a new version
    of a bill with a live receipt is refused (409 BILL_LOCKED). Nothing is written then.
    """
    result = submit_bill_xml(call.session, tenant_id, call.body, actor=call.actor,
                             max_bytes=current_app.config["BILL_XML_MAX_BYTES"])
    views = reads.bills_by_id(call.session, tenant_id, [s.bill.id for s in result.bills])
    outcomes = Counter(s.outcome for s in result.bills)
    body = {"document_id": result.document_id, "created": outcomes["created"],
            "superseded": outcomes["superseded"], "unchanged": outcomes["unchanged"],
            "bills": [{**_amounts(view, AMOUNTS), "outcome": stored.outcome}
                      for view, stored in zip(views, result.bills)]}
    return Reply(201 if result.changed else 200, body)


@routes.endpoint("GET", BILLS, roles=ALL_ROLES, query=BillQuery, response=Page[BillOut])
def list_bills(call: Call, tenant_id: str):
    """Bills by consumer code, service, status or bill date range, by bill date."""
    q = call.query
    where = reads.BillFilter(q.consumer_code, q.service, q.status, q.date_from, q.date_to)
    found = reads.search_bills(call.session, tenant_id, where, q.limit, q.offset)
    return page(found._replace(items=[_amounts(v, AMOUNTS) for v in found.items]), q)


@routes.endpoint("GET", f"{BILLS}/<int(max={BIGINT_MAX}):bill_id>", roles=ALL_ROLES,
                 response=BillDetail)
def get_bill(call: Call, tenant_id: str, bill_id: int):
    """One bill (any version) with its account heads: due, paid and outstanding per head."""
    bill = reads.get_bill(call.session, tenant_id, bill_id)
    return {**_amounts(bill, AMOUNTS),
            "accounts": [_amounts(head, HEAD_AMOUNTS) for head in bill["accounts"]]}


def _amounts(view: dict, names: tuple[str, ...]) -> dict:
    """Paise from the service, as paise and rupee strings at the edge."""
    out = dict(view)
    for name in names:
        out.update(money(name, view[name]))
    return out
