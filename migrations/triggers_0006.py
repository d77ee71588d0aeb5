"""Triggers of revision 0006: the guards closed against the ways round them a review found.

Frozen with the revision that installs them; a later change is a new revision.

* **SQLite: ``INSERT OR REPLACE`` and ``UPDATE OR REPLACE``.** SQLite resolves a REPLACE
  conflict by deleting the other row without firing its DELETE triggers (unless
  ``recursive_triggers`` is on, which a ``sqlite3`` shell is not), so a posted voucher, a used
  account or a receipt could be rewritten, or deleted by moving another row onto its key, past
  every guard. Each guarded table now refuses an insert, or an update of a key column, that
  lands on a taken key, with the message SQLite itself gives a plain statement there ("UNIQUE
  constraint failed: ..."): a duplicate is refused exactly as before, and REPLACE becomes plain.
  Kept balances are left out: their upsert (``ON CONFLICT DO UPDATE``) is an insert of a taken
  key by design, and ``rasid ledger check`` recomputes them from the lines. A financial year
  that periods name is never deleted (PostgreSQL's foreign keys already refuse it; a ``sqlite3``
  shell has them off).
* **PostgreSQL: ``TRUNCATE``.** Row triggers do not fire on TRUNCATE; vouchers, lines, kept
  balances and the audit log refused it already. Now every table whose rows are guarded
  does: numbering series, periods and years, tenants, the chart of accounts and segments, and
  the collection records (a TRUNCATE … CASCADE from bills or services reaches them and is
  refused too).
* **PostgreSQL: closing a period waits for postings in flight.** A posting holds its series
  row locked from numbering to commit and checks the period's status in its header trigger;
  a status change now locks the year's series rows first, so it waits for postings already
  numbered, and postings that queue behind it see the new status and are refused.
"""
from __future__ import annotations

from migrations.triggers_0001 import POSTGRESQL_TRIGGERS as _TRIGGERS_0001

# Every unique key of each guarded table, as (columns, partial-index condition or None); keys
# that contain another (tenant_id, id) are implied by it and left out.
UNIQUE_KEYS: dict[str, list[tuple[tuple[str, ...], str | None]]] = {
    "vouchers": [(("id",), None), (("number", "tenant_id"), None), (("series_id", "seq"), None),
                 (("tenant_id", "idempotency_key"), None), (("reversal_of_id",), None)],
    "voucher_lines": [(("voucher_id", "line_no"), None)],
    "voucher_series": [(("id",), None), (("tenant_id", "voucher_type", "financial_year_id"), None)],
    "periods": [(("id",), None), (("tenant_id", "code"), None)],
    "financial_years": [(("id",), None), (("tenant_id", "code"), None)],
    "tenants": [(("id",), None)],
    "gl_accounts": [(("id",), None), (("tenant_id", "glcode"), None)],
    "funds": [(("id",), None), (("tenant_id", "code"), None)],
    "functions": [(("id",), None), (("tenant_id", "code"), None)],
    "functionaries": [(("id",), None), (("tenant_id", "code"), None)],
    "departments": [(("id",), None), (("tenant_id", "code"), None)],
    "fund_sources": [(("id",), None), (("tenant_id", "code"), None)],
    "audit_log": [(("id",), None)],
    "receipts": [(("id",), None), (("tenant_id", "number"), None)],
    "receipt_heads": [(("receipt_id", "line_no"), None)],
    "instruments": [(("id",), None), (("tenant_id", "collected_by", "idempotency_key"), None)],
    "remittances": [(("id",), None),
                    (("tenant_id", "bank_account_id", "pay_in_slip"), "status <> 'REVERSED'")],
    "remittance_items": [(("remittance_id", "receipt_id"), None)],
    "dishonours": [(("id",), None), (("tenant_id", "instrument_id"), None)],
    "bank_statements": [(("id",), None), (("tenant_id", "bank_account_id", "sha256"), None)],
    "bank_statement_lines": [(("id",), None), (("tenant_id", "bank_account_id", "fingerprint"), None),
                             (("instrument_id",), None)],
}

#: Tables that refuse TRUNCATE on PostgreSQL from this revision (the others did already).
TRUNCATE_GUARDED = (
    "voucher_series", "periods", "financial_years", "tenants", "gl_accounts", "funds", "functions",
    "functionaries", "departments", "fund_sources", "receipts", "receipt_heads", "instruments",
    "remittances", "remittance_items", "dishonours", "bank_statements", "bank_statement_lines",
)

TRIGGERS: list[tuple[str, str]] = (
    [(f"{table}_no_replace", table) for table in UNIQUE_KEYS]
    + [(f"{table}_no_replace_update", table) for table in UNIQUE_KEYS]
    + [("financial_years_delete_guard", "financial_years")]
    + [(f"{table}_no_truncate", table) for table in TRUNCATE_GUARDED]
)
POSTGRESQL_FUNCTIONS = ["refuse_truncate"]


# --------------------------------------------------------------------------- SQLite

def _no_replace(table: str, keys: list[tuple[tuple[str, ...], str | None]], *, update: bool) -> str:
    """The trigger refusing an insert (or an update of a key column) onto another row's key."""
    checks = []
    for columns, condition in keys:
        match = " AND ".join(f"{c} = NEW.{c}" for c in columns)
        if condition is not None:
            match += f" AND {condition} AND " + condition.replace("status", "NEW.status")
        if update:  # the row itself keeps its key
            match += " AND rowid <> OLD.rowid"
        failed = ", ".join(f"{table}.{c}" for c in columns)
        checks.append(f"SELECT RAISE(ABORT, 'UNIQUE constraint failed: {failed}') "
                      f"WHERE EXISTS (SELECT 1 FROM {table} WHERE {match});")
    body = "\n        ".join(checks)
    if not update:
        return (f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} FOR EACH ROW\n"
                f"    BEGIN\n        {body}\n    END")
    key_columns = sorted({c for columns, condition in keys for c in columns}
                         | ({"status"} if any(condition for _, condition in keys) else set()))
    return (f"CREATE TRIGGER {table}_no_replace_update BEFORE UPDATE OF {', '.join(key_columns)} "
            f"ON {table} FOR EACH ROW\n    BEGIN\n        {body}\n    END")


SQLITE_TRIGGERS: list[str] = [
    *(_no_replace(table, keys, update=False) for table, keys in UNIQUE_KEYS.items()),
    *(_no_replace(table, keys, update=True) for table, keys in UNIQUE_KEYS.items()),
    "CREATE TRIGGER financial_years_delete_guard BEFORE DELETE ON financial_years FOR EACH ROW\n"
    "    BEGIN\n        SELECT RAISE(ABORT, 'MASTER_IN_USE: a financial year with periods is never deleted')\n"
    "         WHERE EXISTS (SELECT 1 FROM periods WHERE financial_year_id = OLD.id);\n    END",
]


# --------------------------------------------------------------------------- PostgreSQL

_PERIODS_GUARD = """
    CREATE OR REPLACE FUNCTION ledger_periods_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF EXISTS (SELECT 1 FROM vouchers
                        WHERE voucher_date BETWEEN OLD.start_date AND OLD.end_date
                          AND tenant_id = OLD.tenant_id AND period_id = OLD.id) THEN
                RAISE EXCEPTION 'MASTER_IN_USE: period % has postings; it cannot be deleted', OLD.code
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF NEW.start_date <> OLD.start_date OR NEW.end_date <> OLD.end_date
           OR NEW.tenant_id <> OLD.tenant_id OR NEW.financial_year_id <> OLD.financial_year_id
           OR NEW.code <> OLD.code THEN
            RAISE EXCEPTION 'MASTER_IN_USE: a period''s dates never change; only its status does'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.status <> OLD.status THEN
            -- wait for the postings of this year already numbered (each holds its series row
            -- until commit); those that queue behind this change see the new status
            PERFORM 1 FROM voucher_series
              WHERE tenant_id = NEW.tenant_id AND financial_year_id = NEW.financial_year_id
              ORDER BY id FOR UPDATE;
        END IF;
        RETURN NEW;
    END $$
"""

#: revision 0001's function, which the downgrade restores
PERIODS_GUARD_0001 = next(s for s in _TRIGGERS_0001 if "CREATE FUNCTION ledger_periods_guard()" in s
                          ).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)

POSTGRESQL_TRIGGERS: list[str] = [
    _PERIODS_GUARD,
    """
    CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'LEDGER_APPEND_ONLY: % is never truncated: its rows are kept for the books', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
] + [f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
     "FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate()" for table in TRUNCATE_GUARDED]
