"""The bank reconciliation statement as a report: its reconciling items, then the sums."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from collection.audit import utcnow
from collection.bank.brs import reconcile
from collection.reports.model import Column, Report, Total
from ledger.errors import Conflict

SECTIONS = (("deposits_not_credited", "Add: deposits not yet credited by the bank"),
            ("dishonours_not_debited", "Less: dishonoured cheques not yet debited by the bank"),
            ("credits_not_in_books", "Less: credits by the bank not in the books"),
            ("debits_not_in_books", "Add: debits by the bank not in the books"))


def bank_reconciliation(session: Session, tenant_id: str, bank_account: str, as_of: dt.date) -> Report:
    brs = reconcile(session, tenant_id, bank_account, as_of)
    if brs.balance_per_bank is None:
        raise Conflict(f"no statement of {bank_account} gives its balance on {as_of}; import one first",
                       code="BANK_STATEMENT_MISSING")
    rows = [{"section": label, "date": item.date, "reference": item.reference,
             "description": item.description, "amount": item.amount, "line": item.line_id or ""}
            for key, label in SECTIONS for item in getattr(brs, key)]
    summary = [Total("Balance per bank statement", brs.balance_per_bank)]
    summary += [Total(label, sum(i.amount for i in getattr(brs, key))) for key, label in SECTIONS]
    summary += [Total("Adjusted balance per bank", brs.adjusted_bank_balance),
                Total(f"Balance per books (GL {brs.glcode})", brs.balance_per_books),
                Total("Difference not explained", brs.difference)]
    return Report("bank-reconciliation", f"Bank reconciliation statement: {brs.bank_account}", tenant_id,
                  {"bank_account": brs.bank_account, "as_of": as_of.isoformat()},
                  [Column("section", "Item"), Column("date", "Date", "date"), Column("reference", "Reference"),
                   Column("description", "Particulars"), Column("amount", "Amount", "money"),
                   Column("line", "Statement line")],
                  rows, summary, utcnow())
