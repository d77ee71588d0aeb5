"""Ledger reads for ACCOUNTANT and AUDITOR: vouchers, trial balance, GL statement."""
from __future__ import annotations

from collection import ledger_reads
from collection.api.context import Call
from collection.api.registry import Routes
from collection.api.schemas.common import Page, money, page
from collection.api.schemas.ledger import (
    StatementOut,
    StatementQuery,
    TrialBalanceOut,
    TrialBalanceQuery,
    VoucherDetail,
    VoucherOut,
    VoucherQuery,
)
from collection.auth.roles import ACCOUNTANT, AUDITOR
from ledger import reports

routes = Routes("ledger")
READERS = {ACCOUNTANT, AUDITOR}
BIGINT_MAX = 2**63 - 1  # larger ids cannot exist: 404, not a database error
TENANT = "/api/v1/tenants/<tenant_id>"


@routes.endpoint("GET", f"{TENANT}/vouchers", roles=READERS, query=VoucherQuery,
                 response=Page[VoucherOut])
def list_vouchers(call: Call, tenant_id: str):
    """Vouchers by date range, type, number or source reference, in posting order."""
    q = call.query
    where = ledger_reads.VoucherFilter(q.date_from, q.date_to, q.type, q.number, q.source_ref)
    result = ledger_reads.search_vouchers(call.session, tenant_id, where, q.limit, q.offset)
    return page(result._replace(items=[_voucher(v) for v in result.items]), q)


@routes.endpoint("GET", f"{TENANT}/vouchers/<int(max={BIGINT_MAX}):voucher_id>", roles=READERS,
                 response=VoucherDetail)
def get_voucher(call: Call, tenant_id: str, voucher_id: int):
    """One voucher with its lines."""
    found = ledger_reads.get_voucher(call.session, tenant_id, voucher_id)
    lines = [{"line_no": n, "glcode": ln.glcode, "fund": ln.fund, "function": ln.function,
              "functionary": ln.functionary, "department": ln.department,
              "fund_source": ln.fund_source, **money("debit", ln.debit),
              **money("credit", ln.credit), "narration": ln.narration}
             for n, ln in enumerate(found.lines, start=1)]
    return {**_voucher(found.voucher), "lines": lines}


@routes.endpoint("GET", f"{TENANT}/trial-balance", roles=READERS, query=TrialBalanceQuery,
                 response=TrialBalanceOut)
def trial_balance(call: Call, tenant_id: str):
    """Per GL code: opening, debit, credit and closing, optionally for some segments."""
    q = call.query
    tb = reports.trial_balance(call.session, tenant_id, q.date_from, q.date_to, q.segments())
    rows = [{"glcode": r.glcode, "name": r.name, "type": r.type, **money("opening", r.opening),
             **money("debit", r.debit), **money("credit", r.credit), **money("closing", r.closing)}
            for r in tb.rows]
    totals = {**money("opening_debit", tb.opening_debit), **money("opening_credit", tb.opening_credit),
              **money("debit", tb.debit), **money("credit", tb.credit),
              **money("closing_debit", tb.closing_debit),
              **money("closing_credit", tb.closing_credit)}
    return {"tenant_id": tb.tenant_id, "date_from": tb.date_from, "date_to": tb.date_to,
            "balanced": tb.balanced, "rows": rows, "totals": totals}


@routes.endpoint("GET", f"{TENANT}/gl-statement", roles=READERS, query=StatementQuery,
                 response=StatementOut)
def gl_statement(call: Call, tenant_id: str):
    """Every posting to one GL code in a date range, with the running balance."""
    q = call.query
    st = reports.statement(call.session, tenant_id, q.glcode, q.date_from, q.date_to, q.segments())
    entries = [{"date": e.voucher_date, "voucher_number": e.voucher_number,
                "voucher_type": e.voucher_type, "narration": e.narration, **money("debit", e.debit),
                **money("credit", e.credit), **money("balance", e.balance)} for e in st.entries]
    return {"tenant_id": st.tenant_id, "glcode": st.glcode, "name": st.name,
            "date_from": st.date_from, "date_to": st.date_to, **money("opening", st.opening),
            **money("closing", st.closing), "entries": entries}


def _voucher(view: dict) -> dict:
    return {**view, **money("total", view["total"])}
