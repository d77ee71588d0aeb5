"""ISO 20022 camt.053 (bank-to-customer statement) XML, any version, read safely.

The bytes go through billxml's locked-down parser (no DTD, no entities, no network, size and
depth limits); schema hints are ignored, never fetched. Elements are found by local name, so
camt.053.001.02 to .13 read alike. Only booked entries (``Sts`` BOOK) are statement lines:
pending and information entries are not money moved yet. A line's reference is the cheque
number, else the end-to-end id, else the bank's own references; its description the
additional entry information or the remittance information.
"""
from __future__ import annotations

import datetime as dt

from lxml import etree

from billxml.errors import BillXmlInvalid
from billxml.parsing import parse_untrusted
from collection.bank.statement import (
    CREDIT,
    DEBIT,
    StatementIn,
    StatementInvalid,
    StatementLineIn,
    paise,
)

MAX_BYTES = 20 * 1024 * 1024
_MESSAGES = {
    "XML_DTD_FORBIDDEN": "the statement declares a DTD or entities; they are refused for security",
    "XML_ENCODING_UNSUPPORTED": "the statement is not UTF-8",
}


def parse_camt053(data: bytes, *, max_bytes: int = MAX_BYTES) -> StatementIn:
    """The first statement (``Stmt``) of a camt.053 document, with its booked entries."""
    try:
        root = parse_untrusted(data, max_bytes=max_bytes)
    except BillXmlInvalid as exc:
        error = exc.errors[0]
        code = str(error.code)
        where = f" (line {error.line})" if error.line else ""
        raise StatementInvalid(_MESSAGES.get(code, error.message) + where, code=f"STATEMENT_{code}",
                               status=413 if code == "XML_TOO_LARGE" else None) from None
    if _local(root) != "Document" or not (etree.QName(root).namespace or "").startswith(
            "urn:iso:std:iso:20022:tech:xsd:camt.053"):
        raise StatementInvalid("not a camt.053 document (the root must be Document in a camt.053 namespace)",
                               code="STATEMENT_NOT_CAMT053")
    statements = _all(root, "BkToCstmrStmt", "Stmt")
    if not statements:
        raise StatementInvalid("the document holds no statement (BkToCstmrStmt/Stmt)", code="STATEMENT_NOT_CAMT053")
    stmt = statements[0]
    account = _text(stmt, "Acct", "Id", "Othr", "Id") or _text(stmt, "Acct", "Id", "IBAN")
    balances = {}
    currencies = set()
    for bal in _all(stmt, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd")
        amount = _signed_amount(bal, f"line {bal.sourceline}")
        currencies.add(_first(bal, "Amt").get("Ccy"))
        balances.setdefault(code, amount)
    lines = []
    for entry in _all(stmt, "Ntry"):
        line = _entry(entry)
        if line is not None:
            lines.append(line)
            currencies.add(_first(entry, "Amt").get("Ccy"))
    currencies.discard(None)
    if len(currencies) > 1:
        raise StatementInvalid(f"the statement mixes currencies {sorted(currencies)}",
                               code="STATEMENT_CURRENCY_UNSUPPORTED")
    period_from = _date(_text(stmt, "FrToDt", "FrDtTm"))
    period_to = _date(_text(stmt, "FrToDt", "ToDtTm"))
    dates = [line.txn_date for line in lines]
    return StatementIn(
        "camt053", lines, account_number=account, reference=_text(stmt, "Id"),
        currency=next(iter(currencies), None),
        date_from=period_from or min(dates, default=None), date_to=period_to or max(dates, default=None),
        opening_balance=balances.get("OPBD", balances.get("PRCD")),
        closing_balance=balances.get("CLBD"))


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _all(element, *path: str) -> list:
    found = [element]
    for name in path:
        found = [child for parent in found for child in _children(parent, name)]
    return found


def _first(element, *path: str):
    found = _all(element, *path)
    return found[0] if found else None


def _text(element, *path: str) -> str | None:
    found = _first(element, *path)
    text = " ".join((found.text or "").split()) if found is not None else ""
    return text or None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise StatementInvalid(f"{text!r} is not an ISO date", code="STATEMENT_ROW_INVALID") from None


def _signed_amount(element, where: str) -> int:
    amount = _text(element, "Amt")
    indicator = _text(element, "CdtDbtInd")
    if amount is None or indicator not in ("CRDT", "DBIT"):
        raise StatementInvalid(f"{where}: an amount needs Amt and CdtDbtInd (CRDT or DBIT)",
                               code="STATEMENT_ROW_INVALID", field=where)
    value = paise(amount, where=where)
    return value if indicator == "CRDT" else -value


def _entry(entry) -> StatementLineIn | None:
    where = f"line {entry.sourceline}"
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
    if status not in (None, "BOOK"):
        return None
    signed = _signed_amount(entry, where)
    if signed == 0:
        return None
    booked = _date(_text(entry, "BookgDt", "Dt") or _text(entry, "BookgDt", "DtTm"))
    valued = _date(_text(entry, "ValDt", "Dt") or _text(entry, "ValDt", "DtTm"))
    if booked is None and valued is None:
        raise StatementInvalid(f"{where}: an entry without a booking or value date", code="STATEMENT_ROW_INVALID",
                               field=where)
    refs = _all(entry, "NtryDtls", "TxDtls", "Refs")
    reference = None
    for name in ("ChqNb", "EndToEndId", "AcctSvcrRef", "InstrId", "TxId"):
        values = [_text(ref, name) for ref in refs]
        reference = next((v for v in values if v and v != "NOTPROVIDED"), None)
        if reference:
            break
    reference = reference or _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    texts = [_text(entry, "AddtlNtryInf")]
    for details in _all(entry, "NtryDtls", "TxDtls"):
        texts += [_text(details, "RmtInf", "Ustrd"), _text(details, "AddtlTxInf")]
    description = " | ".join(dict.fromkeys(t for t in texts if t)) or None
    return StatementLineIn(txn_date=booked or valued, direction=CREDIT if signed > 0 else DEBIT,
                           amount=abs(signed), value_date=valued, reference=(reference or "")[:200] or None,
                           description=description, source_line=entry.sourceline)
