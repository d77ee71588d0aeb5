"""Triggers of revision 0005: what a remittance, a dishonour and a bank statement say stays said.

Remittance items, dishonours and bank statements are append-only. A remittance is never
deleted; its bank account, fund, slip and date are fixed at insert, its vouchers are set
once, and its amounts are fixed once its contra voucher is posted (they are filled in the
same transaction, after its items). A statement line's bank data never changes: only what
it is matched to. Frozen with the revision that installs them.
"""
from __future__ import annotations

REMITTANCE_FIXED = ("tenant_id", "bank_account_id", "fund_id", "pay_in_slip", "pay_in_date", "remitted_by")
REMITTANCE_SET_ONCE = ("voucher_id", "reversal_voucher_id")
REMITTANCE_MONEY = ("receipt_count", "cash_paise", "cheque_paise", "amount_paise")
LINE_FIXED = ("tenant_id", "statement_id", "bank_account_id", "line_no", "txn_date", "value_date",
              "direction", "amount_paise", "reference", "description", "balance_paise", "fingerprint")

APPEND_ONLY = ("remittance_items", "dishonours", "bank_statements")
TRIGGERS: list[tuple[str, str]] = [
    *((f"{table}_no_{event}", table) for table in APPEND_ONLY for event in ("update", "delete")),
    ("remittances_no_delete", "remittances"),
    ("remittances_fixed", "remittances"),
    ("bank_statement_lines_no_delete", "bank_statement_lines"),
    ("bank_statement_lines_fixed", "bank_statement_lines"),
]
POSTGRESQL_FUNCTIONS = ["remittance_refuse_change", "remittances_keep_fixed", "bank_statement_lines_keep_fixed"]


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _reset(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})" for c in columns)


_REMITTANCE_CHANGED = (f"{_changed(REMITTANCE_FIXED)} OR {_reset(REMITTANCE_SET_ONCE)} OR "
                       f"(OLD.voucher_id IS NOT NULL AND ({_changed(REMITTANCE_MONEY)}))")

POSTGRESQL_TRIGGERS: list[str] = [
    """
    CREATE FUNCTION remittance_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'REMITTANCE_IMMUTABLE: % rows cannot be changed or deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    f"""
    CREATE FUNCTION remittances_keep_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {_REMITTANCE_CHANGED} THEN
            RAISE EXCEPTION 'REMITTANCE_IMMUTABLE: the bank account, slip, amounts and vouchers of remittance % never change', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""
    CREATE FUNCTION bank_statement_lines_keep_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF {_changed(LINE_FIXED)} THEN
            RAISE EXCEPTION 'REMITTANCE_IMMUTABLE: what the bank said in statement line % never changes', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    *(f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} "
      "FOR EACH ROW EXECUTE FUNCTION remittance_refuse_change()"
      for table in APPEND_ONLY for event in ("update", "delete")),
    "CREATE TRIGGER remittances_no_delete BEFORE DELETE ON remittances "
    "FOR EACH ROW EXECUTE FUNCTION remittance_refuse_change()",
    "CREATE TRIGGER remittances_fixed BEFORE UPDATE ON remittances "
    "FOR EACH ROW EXECUTE FUNCTION remittances_keep_fixed()",
    "CREATE TRIGGER bank_statement_lines_no_delete BEFORE DELETE ON bank_statement_lines "
    "FOR EACH ROW EXECUTE FUNCTION remittance_refuse_change()",
    "CREATE TRIGGER bank_statement_lines_fixed BEFORE UPDATE ON bank_statement_lines "
    "FOR EACH ROW EXECUTE FUNCTION bank_statement_lines_keep_fixed()",
]


def _sqlite(columns: tuple[str, ...], reset: bool = False) -> str:
    if reset:
        return " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in columns)
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _sqlite_refuse(name: str, event: str, table: str, message: str, when: str | None = None) -> str:
    condition = f" WHEN {when}" if when else ""
    return (f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW{condition} "
            f"BEGIN SELECT RAISE(ABORT, 'REMITTANCE_IMMUTABLE: {message}'); END")


SQLITE_TRIGGERS: list[str] = [
    *(_sqlite_refuse(f"{table}_no_{event}", event.upper(), table, f"{table} rows cannot be {event}d")
      for table in APPEND_ONLY for event in ("update", "delete")),
    _sqlite_refuse("remittances_no_delete", "DELETE", "remittances", "remittances rows cannot be deleted"),
    _sqlite_refuse("remittances_fixed", "UPDATE", "remittances",
                   "the bank account, slip, amounts and vouchers of a remittance never change",
                   f"{_sqlite(REMITTANCE_FIXED)} OR {_sqlite(REMITTANCE_SET_ONCE, reset=True)} OR "
                   f"(OLD.voucher_id IS NOT NULL AND ({_sqlite(REMITTANCE_MONEY)}))"),
    _sqlite_refuse("bank_statement_lines_no_delete", "DELETE", "bank_statement_lines",
                   "bank_statement_lines rows cannot be deleted"),
    _sqlite_refuse("bank_statement_lines_fixed", "UPDATE", "bank_statement_lines",
                   "what the bank said in a statement line never changes", _sqlite(LINE_FIXED)),
]
