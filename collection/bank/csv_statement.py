"""Bank statements exported as CSV or tab-separated text, read through a column mapping.

Indian banks' internet-banking exports put a preamble (account name, number, IFSC, the
opening balance) above the transaction table and a note below it. A mapping names the
table's columns; the header row is found by them, the preamble is searched for the account
number and opening balance, and rows after the table (a lone note, blank lines) are
skipped. Any other row that is not a transaction is refused with its line number.

``sbi`` (OnlineSBI's account statement download), ``hdfc`` (HDFC NetBanking's delimited
statement) and ``generic`` ship with rasid; another bank's layout is a small YAML or JSON
file (``load_mapping``) with the same fields.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticError

from collection.bank.statement import (
    CREDIT,
    DEBIT,
    StatementIn,
    StatementInvalid,
    StatementLineIn,
    paise,
)

MAX_BYTES = 20 * 1024 * 1024


class CsvMapping(BaseModel):
    """Where a bank's export keeps each field (column headers, as printed)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=24)
    date: str                                 #: transaction (booking) date column
    debit: str | None = None                  #: money out column (withdrawals)
    credit: str | None = None                 #: money in column (deposits)
    amount: str | None = None                 #: or one signed amount column …
    direction: str | None = None              #: … with an optional Dr/Cr column
    value_date: str | None = None
    description: str | None = None
    reference: str | None = None              #: cheque / reference number column
    balance: str | None = None                #: running balance column
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    delimiter: str | None = None              #: None: comma, tab, semicolon or pipe, as found
    account_label: str | None = None          #: preamble row naming the account number
    opening_label: str | None = None          #: preamble row giving the opening balance

    @model_validator(mode="after")
    def _amount_columns(self) -> CsvMapping:
        if not ((self.debit and self.credit) or self.amount):
            raise ValueError("a mapping names both debit and credit columns, or an amount column")
        return self


MAPPINGS: dict[str, CsvMapping] = {m.name: m for m in (
    # OnlineSBI → Account Statement → download (.xls, which is tab-separated text), or as CSV.
    CsvMapping(name="sbi", date="Txn Date", value_date="Value Date", description="Description",
               reference="Ref No./Cheque No.", debit="Debit", credit="Credit", balance="Balance",
               date_formats=("%d %b %Y", "%d-%b-%Y", "%d/%m/%Y", "%d-%m-%Y"),
               account_label="Account Number", opening_label="Balance as on"),
    # HDFC NetBanking → Account Statement → "Delimited" download.
    CsvMapping(name="hdfc", date="Date", description="Narration", reference="Chq./Ref.No.",
               value_date="Value Dt", debit="Withdrawal Amt.", credit="Deposit Amt.",
               balance="Closing Balance", date_formats=("%d/%m/%y", "%d/%m/%Y"),
               account_label="Account No", opening_label="Opening Balance"),
    CsvMapping(name="generic", date="Date", value_date="Value Date", description="Description",
               reference="Reference", debit="Debit", credit="Credit", balance="Balance",
               date_formats=("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")),
)}


def load_mapping(path: str | Path) -> CsvMapping:
    """A bank's column mapping from a YAML or JSON file (the fields of ``CsvMapping``)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return CsvMapping.model_validate(raw)
    except FileNotFoundError:
        raise StatementInvalid(f"{path}: no such file", code="MAPPING_INVALID", field="mapping") from None
    except (yaml.YAMLError, PydanticError, ValueError) as exc:
        raise StatementInvalid(f"{path}: not a column mapping: {exc}".splitlines()[0], code="MAPPING_INVALID",
                               field="mapping") from None


def mapping_named(name: str) -> CsvMapping:
    if name not in MAPPINGS:
        raise StatementInvalid(f"no statement format {name!r}; one of {', '.join(sorted(MAPPINGS))}, camt053",
                               code="STATEMENT_FORMAT_UNKNOWN", field="format")
    return MAPPINGS[name]


def parse_csv(data: bytes, mapping: CsvMapping, *, max_bytes: int = MAX_BYTES) -> StatementIn:
    """Read a delimited statement export with ``mapping``; every refusal names its line."""
    text = _decode(data, max_bytes)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=mapping.delimiter or _delimiter(text)))
    except csv.Error as exc:  # a field past csv's size limit, a stray quote at the end …
        raise StatementInvalid(f"not a readable CSV table: {exc}", code="STATEMENT_ROW_INVALID") from None
    header_at, columns = _header(rows, mapping)
    account, opening = _preamble(rows[:header_at], mapping)
    lines = []
    for n, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        line = _line(row, columns, mapping, n)
        if line is not None:
            lines.append(line)
    dates = [line.txn_date for line in lines]
    closing = lines[-1].balance if lines and lines[-1].balance is not None else None
    return StatementIn(f"csv:{mapping.name}", lines, account_number=account,
                       date_from=min(dates, default=None), date_to=max(dates, default=None),
                       opening_balance=opening, closing_balance=closing)


def _decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise StatementInvalid(f"the statement is {len(data):,} bytes; the limit is {max_bytes:,}",
                               code="STATEMENT_TOO_LARGE", status=413)
    if not data.strip():
        raise StatementInvalid("the statement file is empty", code="STATEMENT_EMPTY")
    if b"\x00" in data:
        raise StatementInvalid("the statement is not text (it holds NUL bytes; is it a real .xls or .xlsx "
                               "workbook? export it as CSV or text)", code="STATEMENT_NOT_TEXT")
    for encoding in ("utf-8-sig", "cp1252"):  # banks' exports are UTF-8 or Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementInvalid("the statement is neither UTF-8 nor Windows-1252 text", code="STATEMENT_NOT_TEXT")


def _delimiter(text: str) -> str:
    """The delimiter of the table: the candidate most common in the first lines."""
    sample = text[:8192]
    return max(("\t", ",", ";", "|"), key=sample.count)


def _norm(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def _header(rows: list[list[str]], mapping: CsvMapping) -> tuple[int, dict[str, int]]:
    """The header row: it names the date and amount columns; the others are used when present."""
    needed = {field: getattr(mapping, field) for field in ("date", "debit", "credit", "amount")
              if getattr(mapping, field)}
    wanted = {field: getattr(mapping, field) for field in
              ("direction", "value_date", "description", "reference", "balance") if getattr(mapping, field)}
    for at, row in enumerate(rows):
        cells = {_norm(cell): i for i, cell in enumerate(row) if cell.strip()}
        if all(_norm(h) in cells for h in needed.values()):
            return at, {field: cells[_norm(header)] for field, header in {**needed, **wanted}.items()
                        if _norm(header) in cells}
    raise StatementInvalid(f"no table header with the columns {', '.join(needed.values())} "
                           f"(statement format {mapping.name!r}); is this the right format?",
                           code="STATEMENT_HEADER_MISSING", field="format")


def _preamble(rows: list[list[str]], mapping: CsvMapping) -> tuple[str | None, int | None]:
    account = opening = None
    for n, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row if c.strip() and c.strip() != ":"]
        if len(cells) < 2:
            continue
        label, value = cells[0].rstrip(":").strip(), cells[-1].lstrip(":").strip()
        if mapping.account_label and _norm(label).startswith(_norm(mapping.account_label)) and account is None:
            account = value.lstrip("'").strip()
        elif mapping.opening_label and _norm(label).startswith(_norm(mapping.opening_label)):
            opening = paise(value, where=f"line {n}")
    return account, opening


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    at = columns.get(field)
    return row[at].strip() if at is not None and at < len(row) else ""


def _date(text: str, mapping: CsvMapping) -> dt.date | None:
    for fmt in mapping.date_formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _line(row: list[str], columns: dict[str, int], mapping: CsvMapping, n: int) -> StatementLineIn | None:
    """One transaction row, or None for a blank row or a note after the table."""
    filled = [cell for cell in row if cell.strip()]
    if not filled:
        return None
    when = _cell(row, columns, "date")
    txn_date = _date(when, mapping) if when else None
    if txn_date is None:
        if len(filled) == 1:  # "**This is a computer generated statement", a lone page note
            return None
        raise StatementInvalid(f"line {n}: {when!r} is not a date in the format {mapping.date_formats[0]}"
                               if when else f"line {n}: a row without a date", code="STATEMENT_ROW_INVALID",
                               field=f"line {n}")
    direction, amount = _amount(row, columns, mapping, n)
    if amount == 0:
        return None
    value_text = _cell(row, columns, "value_date")
    balance_text = _cell(row, columns, "balance")
    return StatementLineIn(
        txn_date=txn_date, direction=direction, amount=amount,
        value_date=(_date(value_text, mapping) if value_text else None),
        reference=_cell(row, columns, "reference")[:200] or None,
        description=" ".join(_cell(row, columns, "description").split()) or None,
        balance=paise(balance_text, where=f"line {n}") if balance_text else None, source_line=n)


def _amount(row, columns, mapping: CsvMapping, n: int) -> tuple[str, int]:
    where = f"line {n}"
    if mapping.amount:
        value = paise(_cell(row, columns, "amount") or "0", where=where)
        marker = _cell(row, columns, "direction").upper()
        if marker.startswith(("DR", "D")):
            return DEBIT, abs(value)
        if marker.startswith(("CR", "C")):
            return CREDIT, abs(value)
        return (CREDIT, value) if value >= 0 else (DEBIT, -value)
    debit_text, credit_text = _cell(row, columns, "debit"), _cell(row, columns, "credit")
    debit = paise(debit_text, where=where) if debit_text else 0
    credit = paise(credit_text, where=where) if credit_text else 0
    if debit < 0 or credit < 0:
        raise StatementInvalid(f"{where}: a negative amount in the debit or credit column",
                               code="STATEMENT_ROW_INVALID", field=where)
    if debit and credit:
        raise StatementInvalid(f"{where}: both a debit and a credit", code="STATEMENT_ROW_INVALID", field=where)
    return (DEBIT, debit) if debit else (CREDIT, credit)
