"""Bank statements: ACCOUNTANT imports and matches them; AUDITOR reads their lines.

A statement is sent as the bank gave it (CSV/text export, or camt.053 XML), with the bank
account and format in the query. Importing the same file, or lines already stored, changes
nothing: 200 instead of 201.
"""
from __future__ import annotations

from collection.api.context import Call
from collection.api.registry import RawBody, Reply, Routes
from collection.api.schemas.common import Page, money, page
from collection.api.schemas.remittances import (
    AutoMatchQuery,
    ImportOut,
    LineOut,
    LineQuery,
    MatchIn,
    MatchReportOut,
    StatementQuery,
)
from collection.auth.roles import ACCOUNTANT, AUDITOR
from collection.bank import matching, reads
from collection.bank.statement_import import import_statement
from collection.remittance.remit import find_bank_account

routes = Routes("bank statements")
STATEMENTS = "/api/v1/tenants/<tenant_id>/bank-statements"
LINE = f"{STATEMENTS}/lines/<int(max={2**63 - 1}):line_id>"

STATEMENT_FILE = RawBody(
    media_types=("text/csv", "text/plain", "text/tab-separated-values", "application/xml", "text/xml"),
    limit_setting="MAX_CONTENT_LENGTH", too_large_code="STATEMENT_TOO_LARGE",
    description="The statement file as the bank exported it: CSV or tab-separated text (format sbi, hdfc "
                "or generic) or ISO 20022 camt.053 XML (format camt053), UTF-8.",
    example="Txn Date,Value Date,Description,Ref No./Cheque No.,Debit,Credit,Balance\n"
            "24 Nov 2026,24 Nov 2026,BY CASH SLIP 778812,778812,,1000.00,1000.00\n")


def _line(view: dict) -> dict:
    balance = view["balance"]
    return {**view, **money("amount", view["amount"]), "balance_paise": balance}


@routes.endpoint("POST", STATEMENTS, roles={ACCOUNTANT}, query=StatementQuery, body=STATEMENT_FILE,
                 response=ImportOut, status=201,
                 also={200: "This file, or every line of it, was imported before: nothing changed"})
def import_bank_statement(call: Call, tenant_id: str):
    """Import a bank statement and match its new lines to remittances and dishonours.

    The statement must be the bank account's (422 STATEMENT_ACCOUNT_MISMATCH) and in rupees;
    an unreadable file is refused with its line (422 STATEMENT_ROW_INVALID, ...).
    """
    q = call.query
    done = import_statement(call.session, tenant_id, q.bank_account, call.body, q.format, call.actor,
                            file_name=q.file_name)
    body = {"statement_id": done.statement.id if done.statement else None, "lines_in_file": done.lines_in_file,
            "new_lines": done.new_lines, "replayed": done.replayed,
            "matched": done.matched._asdict() if done.matched else None}
    return Reply(201 if done.new_lines else 200, body)


@routes.endpoint("GET", f"{STATEMENTS}/lines", roles={ACCOUNTANT, AUDITOR}, query=LineQuery,
                 response=Page[LineOut])
def list_lines(call: Call, tenant_id: str):
    """Statement lines of a bank account, oldest first; ``matched=false`` lists what waits for a
    person to match it."""
    q = call.query
    found = reads.search_lines(call.session, tenant_id, reads.LineFilter(q.bank_account, q.matched, q.date_from,
                                                                         q.date_to), q.limit, q.offset)
    return page(found._replace(items=[_line(v) for v in found.items]), q)


@routes.endpoint("POST", f"{STATEMENTS}/match", roles={ACCOUNTANT}, query=AutoMatchQuery,
                 response=MatchReportOut)
def auto_match(call: Call, tenant_id: str):
    """Match a bank account's unmatched lines again (after new remittances or dishonours)."""
    bank = find_bank_account(call.session, tenant_id, call.query.bank_account, active=False)
    return matching.auto_match(call.session, tenant_id, bank, call.actor)._asdict()


@routes.endpoint("POST", f"{LINE}/match", roles={ACCOUNTANT}, body=MatchIn, response=LineOut)
def match_line(call: Call, tenant_id: str, line_id: int):
    """Match one line by hand: a credit to a remittance (or a part of it) or to one of its
    cheques, a debit to a dishonour, or either to a voucher that booked it otherwise (bank
    charges, interest)."""
    b = call.body
    line = matching.match_line(call.session, tenant_id, line_id, call.actor, remittance_id=b.remittance_id,
                               part=b.part, instrument_id=b.instrument_id, dishonour_id=b.dishonour_id,
                               voucher_number=b.voucher_number)
    return _line(reads.line_view(call.session, line))


@routes.endpoint("POST", f"{LINE}/unmatch", roles={ACCOUNTANT}, response=LineOut)
def unmatch_line(call: Call, tenant_id: str, line_id: int):
    """Undo a line's match; a remittance it confirmed waits for the bank again."""
    line = matching.unmatch_line(call.session, tenant_id, line_id, call.actor)
    return _line(reads.line_view(call.session, line))
