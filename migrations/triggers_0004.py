"""Triggers of revision 0004: what a receipt says about money never changes.

Receipt heads are append-only. A receipt and an instrument are never deleted;
their amounts, number, bill, instrument and collector are fixed at insert, and
the vouchers a receipt points to are set once. Only states and the fields
issue 5 lets a clerk correct (payer, narration, manual receipt number and
date) may change. Frozen with the revision that installs them.

The guards fire only for an UPDATE that names a guarded column (``UPDATE OF``) and
changes it (``WHEN``), on both engines: the status changes of approval, remittance and
reconciliation, hundreds of thousands of rows at a time, run no trigger at all.
"""
from __future__ import annotations

RECEIPT_FIXED = ("tenant_id", "number", "financial_year", "seq", "receipt_date", "service_id", "bill_id",
                 "bill_version", "bill_ref_no", "consumer_code", "collection_type", "collected_by",
                 "amount_paise", "advance_paise", "instrument_id", "hash")
RECEIPT_SET_ONCE = ("voucher_id", "reversal_voucher_id")
INSTRUMENT_FIXED = ("tenant_id", "instrument_type", "amount_paise", "idempotency_key", "request_digest",
                    "collected_by")

TRIGGERS: list[tuple[str, str]] = [
    ("receipt_heads_no_update", "receipt_heads"),
    ("receipt_heads_no_delete", "receipt_heads"),
    ("receipts_no_delete", "receipts"),
    ("receipts_fixed", "receipts"),
    ("instruments_no_delete", "instruments"),
    ("instruments_fixed", "instruments"),
]
POSTGRESQL_FUNCTIONS = ["receipt_refuse_change", "receipts_keep_fixed", "instruments_keep_fixed"]


def _of(columns: tuple[str, ...]) -> str:
    return ", ".join(columns)


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _reset(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS DISTINCT FROM OLD.{c})" for c in columns)


POSTGRESQL_TRIGGERS: list[str] = [
    """
    CREATE FUNCTION receipt_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'RECEIPT_IMMUTABLE: % rows cannot be changed or deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    """
    CREATE FUNCTION receipts_keep_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'RECEIPT_IMMUTABLE: the amount, number, bill, instrument and vouchers of receipt % never change', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    """
    CREATE FUNCTION instruments_keep_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'RECEIPT_IMMUTABLE: the type and amount of instrument % never change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    "CREATE TRIGGER receipt_heads_no_update BEFORE UPDATE ON receipt_heads "
    "FOR EACH ROW EXECUTE FUNCTION receipt_refuse_change()",
    "CREATE TRIGGER receipt_heads_no_delete BEFORE DELETE ON receipt_heads "
    "FOR EACH ROW EXECUTE FUNCTION receipt_refuse_change()",
    "CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts "
    "FOR EACH ROW EXECUTE FUNCTION receipt_refuse_change()",
    f"CREATE TRIGGER receipts_fixed BEFORE UPDATE OF {_of(RECEIPT_FIXED + RECEIPT_SET_ONCE)} ON receipts "
    f"FOR EACH ROW WHEN ({_changed(RECEIPT_FIXED)} OR {_reset(RECEIPT_SET_ONCE)}) "
    "EXECUTE FUNCTION receipts_keep_fixed()",
    "CREATE TRIGGER instruments_no_delete BEFORE DELETE ON instruments "
    "FOR EACH ROW EXECUTE FUNCTION receipt_refuse_change()",
    f"CREATE TRIGGER instruments_fixed BEFORE UPDATE OF {_of(INSTRUMENT_FIXED)} ON instruments "
    f"FOR EACH ROW WHEN ({_changed(INSTRUMENT_FIXED)}) EXECUTE FUNCTION instruments_keep_fixed()",
]


def _sqlite_changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _sqlite_reset(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"(OLD.{c} IS NOT NULL AND NEW.{c} IS NOT OLD.{c})" for c in columns)


def _sqlite_refuse(name: str, event: str, table: str, message: str, when: str | None = None,
                   of: tuple[str, ...] = ()) -> str:
    condition = f" WHEN {when}" if when else ""
    columns = f" OF {_of(of)}" if of else ""
    return (f"CREATE TRIGGER {name} BEFORE {event}{columns} ON {table} FOR EACH ROW{condition} "
            f"BEGIN SELECT RAISE(ABORT, 'RECEIPT_IMMUTABLE: {message}'); END")


SQLITE_TRIGGERS: list[str] = [
    _sqlite_refuse("receipt_heads_no_update", "UPDATE", "receipt_heads", "receipt_heads rows cannot be changed"),
    _sqlite_refuse("receipt_heads_no_delete", "DELETE", "receipt_heads", "receipt_heads rows cannot be deleted"),
    _sqlite_refuse("receipts_no_delete", "DELETE", "receipts", "receipts rows cannot be deleted"),
    _sqlite_refuse("receipts_fixed", "UPDATE", "receipts",
                   "the amount, number, bill, instrument and vouchers of a receipt never change",
                   f"{_sqlite_changed(RECEIPT_FIXED)} OR {_sqlite_reset(RECEIPT_SET_ONCE)}",
                   RECEIPT_FIXED + RECEIPT_SET_ONCE),
    _sqlite_refuse("instruments_no_delete", "DELETE", "instruments", "instruments rows cannot be deleted"),
    _sqlite_refuse("instruments_fixed", "UPDATE", "instruments",
                   "the type and amount of an instrument never change", _sqlite_changed(INSTRUMENT_FIXED),
                   INSTRUMENT_FIXED),
]
