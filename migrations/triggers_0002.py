"""Triggers of revision 0002: the audit trail is append-only, like the ledger's lines.

Frozen with the revision that installs them; a later change is a new revision.
"""
from __future__ import annotations

TRIGGERS: list[tuple[str, str]] = [
    ("audit_log_no_update", "audit_log"),
    ("audit_log_no_delete", "audit_log"),
    ("audit_log_no_truncate", "audit_log"),
]
POSTGRESQL_FUNCTIONS = ["audit_log_refuse_change"]

POSTGRESQL_TRIGGERS: list[str] = [
    """
    CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'AUDIT_APPEND_ONLY: the audit trail is append-only'
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()",
]

SQLITE_TRIGGERS: list[str] = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW "
    "BEGIN SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: the audit trail is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW "
    "BEGIN SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY: the audit trail is append-only'); END",
]
