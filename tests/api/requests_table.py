"""One valid request per endpoint, so generic tests (roles, tenants) can call every route.

A new endpoint without an entry here fails ``test_every_endpoint_has_an_example``:
it cannot join the API without joining the role matrix and the cross-tenant suite.
"""
from __future__ import annotations

import re
from typing import NamedTuple

AMRITSAR = "pb.amritsar"
#: Strings only Amritsar's data contains: none may reach a user of another tenant.
AMRITSAR_MARKERS = ("Municipal Corporation Amritsar", "Ranjit Avenue", "SBI-MAIN", "BILL-1",
                    "Property tax, cash", "State Bank of India")


class Example(NamedTuple):
    path: dict
    query: dict | None = None
    body: dict | None = None


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
    "api.audit.list_audit": Example({}, {"tenantId": AMRITSAR}),
}


def url(rule: str, path: dict, voucher_id: int = 1) -> str:
    """Fill a Flask rule's ``<conv:name>`` placeholders."""
    def fill(match: re.Match) -> str:
        value = str(path[match.group(1)])
        return value.replace("{voucher_id}", str(voucher_id))
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", fill, rule)


def call(api, spec, token: str, example: Example, voucher_id: int, ip: str = "127.0.0.1"):
    return api.call(spec.method, url(spec.rule, example.path, voucher_id), token, ip=ip,
                    query_string=example.query, json=example.body)
