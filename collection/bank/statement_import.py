"""Importing a bank statement: parse, check it is this account's, store each line once, match.

Idempotent twice over: the same file (by SHA-256) returns the statement stored the first
time, and every line carries a fingerprint unique per bank account, so an overlapping or
re-exported statement adds only the lines not yet stored; when none are new, nothing at all
is written. New lines are then matched to remittances and dishonours (``matching``).
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from collection import audit
from collection.audit import Actor
from collection.bank import matching
from collection.bank.camt053 import parse_camt053
from collection.bank.csv_statement import CsvMapping, mapping_named, parse_csv
from collection.bank.models import BankStatement, BankStatementLine
from collection.bank.statement import StatementIn, StatementInvalid, same_account
from collection.models import BankAccount
from collection.remittance.remit import find_bank_account

FORMATS = ("sbi", "hdfc", "generic", "camt053")
_CHUNK = 500


class Imported(NamedTuple):
    statement: BankStatement | None  #: None when every line was already stored
    lines_in_file: int
    new_lines: int
    replayed: bool                  #: the very same file was imported before
    matched: matching.MatchReport | None


def parse_statement(data: bytes, fmt: str, mapping: CsvMapping | None = None) -> StatementIn:
    """``fmt``: camt053, or the name of a CSV mapping (sbi, hdfc, generic); ``mapping`` overrides it."""
    if mapping is not None:
        return parse_csv(data, mapping)
    if fmt == "camt053":
        return parse_camt053(data)
    return parse_csv(data, mapping_named(fmt))


def import_statement(session: Session, tenant_id: str, bank_account: str, data: bytes, fmt: str,
                     actor: Actor, *, file_name: str | None = None, mapping: CsvMapping | None = None,
                     match: bool = True) -> Imported:
    """Store the statement ``data`` of ``bank_account`` and match its new lines."""
    bank = find_bank_account(session, tenant_id, bank_account, active=False)
    digest = hashlib.sha256(data).hexdigest()
    earlier = session.scalars(select(BankStatement).where(
        BankStatement.tenant_id == tenant_id, BankStatement.bank_account_id == bank.id,
        BankStatement.sha256 == digest)).first()
    if earlier is not None:
        return Imported(earlier, earlier.line_count, 0, True, None)
    parsed = parse_statement(data, fmt, mapping)
    _check_account(parsed, bank)
    fingerprints = line_fingerprints(bank.id, parsed)
    known = _known(session, tenant_id, bank.id, fingerprints)
    new = [(n, line, fp) for n, (line, fp) in enumerate(zip(parsed.lines, fingerprints), start=1) if fp not in known]
    if not new:
        return Imported(None, len(parsed.lines), 0, False, None)
    statement = BankStatement(
        tenant_id=tenant_id, bank_account_id=bank.id, format=parsed.format, reference=parsed.reference,
        file_name=(file_name or "")[:200] or None, sha256=digest, date_from=parsed.date_from,
        date_to=parsed.date_to, opening_balance_paise=parsed.opening_balance,
        closing_balance_paise=parsed.closing_balance, line_count=len(parsed.lines), new_line_count=len(new),
        imported_by=actor.name)
    session.add(statement)
    session.flush()
    session.connection().execute(insert(BankStatementLine.__table__), [
        {"tenant_id": tenant_id, "statement_id": statement.id, "bank_account_id": bank.id, "line_no": n,
         "txn_date": line.txn_date, "value_date": line.value_date, "direction": line.direction,
         "amount_paise": line.amount, "reference": line.reference, "description": line.description,
         "balance_paise": line.balance, "fingerprint": fp} for n, line, fp in new])
    audit.record(session, actor, "bank_statement.import", tenant_id=tenant_id, entity_type="bank_statement",
                 entity_id=str(statement.id),
                 after={"bank_account": bank.code, "format": parsed.format, "sha256": digest,
                        "lines": len(parsed.lines), "new_lines": len(new)})
    report = matching.auto_match(session, tenant_id, bank, actor) if match else None
    return Imported(statement, len(parsed.lines), len(new), False, report)


def line_fingerprints(bank_account_id: int, statement: StatementIn) -> list[str]:
    """What makes a line the same line in any export of it: its bank data, and for lines that
    are identical even in that, their order among themselves."""
    seen: Counter = Counter()
    out = []
    for line in statement.lines:
        key = (line.txn_date.isoformat(), line.value_date.isoformat() if line.value_date else None,
               line.direction, line.amount, line.reference, line.description, line.balance)
        seen[key] += 1
        content = json.dumps([bank_account_id, *key, seen[key]], ensure_ascii=False)
        out.append(hashlib.sha256(content.encode()).hexdigest())
    return out


def _check_account(parsed: StatementIn, bank: BankAccount) -> None:
    if parsed.currency not in (None, "INR"):
        raise StatementInvalid(f"the statement is in {parsed.currency}; rasid's books are in rupees (INR)",
                               code="STATEMENT_CURRENCY_UNSUPPORTED")
    if parsed.account_number and not same_account(parsed.account_number, bank.account_number):
        raise StatementInvalid(f"the statement is of account {parsed.account_number}, not {bank.code} "
                               f"({bank.account_number})", code="STATEMENT_ACCOUNT_MISMATCH", field="bank_account")


def _known(session: Session, tenant_id: str, bank_account_id: int, fingerprints: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(fingerprints), _CHUNK):
        chunk = fingerprints[start:start + _CHUNK]
        known.update(session.scalars(select(BankStatementLine.fingerprint).where(
            BankStatementLine.tenant_id == tenant_id, BankStatementLine.bank_account_id == bank_account_id,
            BankStatementLine.fingerprint.in_(chunk))))
    return known
