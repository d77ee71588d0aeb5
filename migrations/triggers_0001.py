"""Triggers of revision 0001: the ledger invariants, enforced by the database.

Kept beside the revision that installs them (and frozen with it): a later
change to a trigger is a new revision, never an edit here.

How a voucher is checked: its lines are inserted first, numbered 1, 2, 3, …
(line 1's deferred foreign key to the header proves at commit that the header
exists; a line after a gap is refused, so every line has a line 1), then the
header. The header's insert trigger sees
all lines and refuses the voucher unless

* Σ debit = Σ credit = the header's total and the line count matches (1),
* every account is active and postable, every segment active (4),
* its period is open (5),
* it takes exactly the next number of its series and links to the series'
  last hash (8);

and in the same transaction it adds the lines to the kept daily balances (7)
and advances the series. The header's tenant, series and period are therefore
not foreign keys (three referential checks and row locks per posting): the
trigger finds them or refuses, and neither series nor a period with postings
can be deleted. Lines and headers refuse UPDATE and DELETE (3); a line
cannot be added to a header that already exists (3). CHECK constraints on the
table keep each line one-sided (2). Idempotency (6) is a unique key.

On PostgreSQL all of a header's checks and bookkeeping are one AFTER INSERT
function: one pass over the lines (grouped by balance key, joined to their
masters) both checks them and upserts the kept balances, and one UPDATE of the
series row – the row the posting already holds locked – checks the period and
the number and advances the series. Guards that do not need each row
(lines added to a posted voucher, direct writes to kept balances) fire once per
statement; the guards of the kept balances and of the series row let the
voucher trigger's own writes through by a ``WHEN (pg_trigger_depth() < 1)``
clause, so no guard function runs per posting. On SQLite the same checks are
plain trigger statements.
"""
from __future__ import annotations

SEGMENT_TABLES = ("funds", "functions", "functionaries", "departments", "fund_sources")
SEGMENT_COLUMNS = ("fund_id", "function_id", "functionary_id", "department_id", "fund_source_id")
KEY = "gl_account_id, fund_id, function_id, functionary_id, department_id, fund_source_id"

# Every master a line names must exist in the line's tenant and be active; the
# account must also be postable. One pass over the voucher's lines, so a
# posting pays one indexed lookup per master instead of a foreign-key check.
_MASTER_JOINS = " ".join(
    f"LEFT JOIN {table} m{i} ON m{i}.id = l.{column} AND m{i}.tenant_id = l.tenant_id"
    for i, (table, column) in enumerate(zip(SEGMENT_TABLES, SEGMENT_COLUMNS))
)
_MASTERS_CHECK = f"""
    SELECT coalesce(max(CASE WHEN a.id IS NULL OR {" OR ".join(f"m{i}.id IS NULL" for i in range(5))}
                             THEN 1 ELSE 0 END), 0) AS missing,
           coalesce(max(CASE WHEN NOT (a.active AND a.postable) THEN 1 ELSE 0 END), 0) AS not_postable,
           coalesce(max(CASE WHEN NOT ({" AND ".join(f"m{i}.active" for i in range(5))})
                             THEN 1 ELSE 0 END), 0) AS inactive
      FROM voucher_lines l
      LEFT JOIN gl_accounts a ON a.id = l.gl_account_id AND a.tenant_id = l.tenant_id
      {_MASTER_JOINS}
     WHERE l.voucher_id = NEW.id
"""

# Reversal lines must be the mirror of the original's, key by key.
_NOT_A_MIRROR = f"""
    SELECT 1 FROM (
        SELECT {KEY}, SUM(debit) - SUM(credit) AS net FROM voucher_lines
         WHERE voucher_id = NEW.reversal_of_id GROUP BY {KEY}
        EXCEPT
        SELECT {KEY}, SUM(credit) - SUM(debit) AS net FROM voucher_lines
         WHERE voucher_id = NEW.id GROUP BY {KEY}
    ) AS a
    UNION ALL
    SELECT 1 FROM (
        SELECT {KEY}, SUM(credit) - SUM(debit) AS net FROM voucher_lines
         WHERE voucher_id = NEW.id GROUP BY {KEY}
        EXCEPT
        SELECT {KEY}, SUM(debit) - SUM(credit) AS net FROM voucher_lines
         WHERE voucher_id = NEW.reversal_of_id GROUP BY {KEY}
    ) AS b
"""

# PostgreSQL: one pass over the voucher's lines, grouped by balance key. The
# grouped rows are upserted into the kept balances and, joined to their
# masters, checked; a refusal afterwards rolls the whole statement back.
_PG_MASTER_JOINS = " ".join(
    f"LEFT JOIN {table} m{i} ON m{i}.id = k.{column} AND m{i}.tenant_id = NEW.tenant_id"
    for i, (table, column) in enumerate(zip(SEGMENT_TABLES, SEGMENT_COLUMNS))
)
_PG_CHECK_AND_KEEP = f"""
    WITH k AS (
        SELECT {KEY}, sum(debit) AS debit, sum(credit) AS credit, count(*) AS n,
               count(*) FILTER (WHERE tenant_id <> NEW.tenant_id OR voucher_date <> NEW.voucher_date)
               AS stray
          FROM voucher_lines WHERE voucher_id = NEW.id
         GROUP BY {KEY}
    ), kept AS (
        INSERT INTO ledger_balances (tenant_id, balance_date, {KEY}, series_id, debit, credit)
        SELECT NEW.tenant_id, NEW.voucher_date, {KEY}, NEW.series_id, debit, credit
          FROM k ORDER BY {KEY}
        ON CONFLICT (tenant_id, balance_date, {KEY}, series_id)
        DO UPDATE SET debit = ledger_balances.debit + excluded.debit,
                      credit = ledger_balances.credit + excluded.credit
    )
    SELECT coalesce(sum(k.n), 0), coalesce(sum(k.debit), 0), coalesce(sum(k.credit), 0),
           coalesce(sum(k.stray), 0),
           count(*) FILTER (WHERE a.id IS NULL OR {" OR ".join(f"m{i}.id IS NULL" for i in range(5))}),
           count(*) FILTER (WHERE NOT (a.active AND a.postable)),
           count(*) FILTER (WHERE NOT ({" AND ".join(f"m{i}.active" for i in range(5))}))
      INTO n, d, c, stray, missing, not_postable, inactive
      FROM k
      LEFT JOIN gl_accounts a ON a.id = k.gl_account_id AND a.tenant_id = NEW.tenant_id
      {_PG_MASTER_JOINS}
"""

_KEEP_BALANCES = f"""
    INSERT INTO ledger_balances (tenant_id, balance_date, {KEY}, series_id, debit, credit)
    SELECT NEW.tenant_id, NEW.voucher_date, {KEY}, NEW.series_id, SUM(debit), SUM(credit)
      FROM voucher_lines WHERE voucher_id = NEW.id
     GROUP BY {KEY}
     ORDER BY {KEY}
    ON CONFLICT (tenant_id, balance_date, {KEY}, series_id)
    DO UPDATE SET debit = ledger_balances.debit + excluded.debit,
                  credit = ledger_balances.credit + excluded.credit
"""

# A voucher names its period without a foreign key (the insert trigger checks it),
# so a period that vouchers name is never deleted; found by the vouchers' date index.
_PERIOD_USED = """
    SELECT 1 FROM vouchers
     WHERE voucher_date BETWEEN OLD.start_date AND OLD.end_date AND tenant_id = OLD.tenant_id
       AND period_id = OLD.id
"""

# Masters whose identity a posting relies on: their code (and an account's type)
# cannot change once a line uses them. Only accounts have an index on the lines
# (GL statements need it); a segment's guard scans the tenant's lines, which
# costs a rare recode or delete of a master instead of five index entries per
# posted line.
_RECODE_GUARDS = (
    ("gl_accounts", "gl_account_id", "NEW.glcode <> OLD.glcode OR NEW.type <> OLD.type "
                                     "OR NEW.tenant_id <> OLD.tenant_id"),
) + tuple(
    (table, column, "NEW.code <> OLD.code OR NEW.tenant_id <> OLD.tenant_id")
    for table, column in zip(SEGMENT_TABLES, SEGMENT_COLUMNS)
)

# Names of both dialects' triggers (PostgreSQL has fewer: see above), for downgrade.
TRIGGERS: list[tuple[str, str]] = [
    ("ledger_lines_before_insert", "voucher_lines"),
    ("ledger_lines_after_insert", "voucher_lines"),
    ("ledger_lines_append_only", "voucher_lines"),
    ("ledger_lines_no_delete", "voucher_lines"),
    ("ledger_lines_no_truncate", "voucher_lines"),
    ("ledger_vouchers_before_insert", "vouchers"),
    ("ledger_vouchers_after_insert", "vouchers"),
    ("ledger_vouchers_append_only", "vouchers"),
    ("ledger_vouchers_no_delete", "vouchers"),
    ("ledger_vouchers_no_truncate", "vouchers"),
    ("ledger_series_guard_insert", "voucher_series"),
    ("ledger_series_guard_update", "voucher_series"),
    ("ledger_series_no_delete", "voucher_series"),
    ("ledger_balances_guard", "ledger_balances"),
    ("ledger_periods_guard", "periods"),
    ("ledger_periods_delete_guard", "periods"),
] + [(f"master_{table}_recode_guard", table) for table, _, _ in _RECODE_GUARDS] + [
    (f"master_{table}_delete_guard", table) for table, _, _ in _RECODE_GUARDS]

POSTGRESQL_FUNCTIONS = [
    "ledger_refuse_change", "ledger_lines_after_insert", "ledger_vouchers_after_insert",
    "ledger_series_guard", "ledger_balances_guard", "ledger_periods_guard",
] + [f"master_{table}_recode_guard" for table, _, _ in _RECODE_GUARDS]


# --------------------------------------------------------------------------- PostgreSQL

POSTGRESQL_TRIGGERS: list[str] = [
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'LEDGER_APPEND_ONLY: % is append-only; post a reversal instead', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    """
    CREATE FUNCTION ledger_lines_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        voucher bigint;
        gap boolean;
    BEGIN
        -- Per voucher of the statement (one, when rasid posts): no header yet, and
        -- lines 1..n. With the key (voucher_id, line_no) the second means that all
        -- of a voucher's lines come in one statement, so they include line 1.
        FOR voucher, gap IN
            SELECT voucher_id, min(line_no) <> 1 OR max(line_no) <> count(*)
              FROM inserted_lines GROUP BY voucher_id
        LOOP
            IF EXISTS (SELECT 1 FROM vouchers WHERE id = voucher) THEN
                RAISE EXCEPTION 'LEDGER_APPEND_ONLY: voucher % is posted; its lines cannot change',
                    voucher USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF gap THEN
                RAISE EXCEPTION 'LEDGER_LINES_MISMATCH: the lines of voucher % are not numbered 1, 2, 3, …',
                    voucher USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END LOOP;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER ledger_lines_after_insert AFTER INSERT ON voucher_lines "
    "REFERENCING NEW TABLE AS inserted_lines "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_lines_after_insert()",
    "CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE ON voucher_lines "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_lines_no_delete BEFORE DELETE ON voucher_lines "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON voucher_lines "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    f"""
    CREATE FUNCTION ledger_vouchers_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n bigint;
        d bigint;
        c bigint;
        stray bigint;
        missing bigint;
        not_postable bigint;
        inactive bigint;
    BEGIN
        {_PG_CHECK_AND_KEEP};
        IF n <> NEW.line_count OR stray > 0 THEN
            RAISE EXCEPTION 'LEDGER_LINES_MISMATCH: voucher % declares % lines, has % (% stray)',
                NEW.number, NEW.line_count, n, stray USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF d <> c OR d <> NEW.total THEN
            RAISE EXCEPTION 'LEDGER_UNBALANCED: voucher % debits % paise, credits % paise',
                NEW.number, d, c USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF missing > 0 THEN
            RAISE EXCEPTION 'LEDGER_UNKNOWN_MASTER: voucher % names an account or segment its tenant does not have',
                NEW.number USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF not_postable > 0 THEN
            RAISE EXCEPTION 'LEDGER_ACCOUNT_NOT_POSTABLE: voucher % posts to an inactive or group account',
                NEW.number USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF inactive > 0 THEN
            RAISE EXCEPTION 'LEDGER_SEGMENT_INACTIVE: voucher % uses an inactive segment',
                NEW.number USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.reversal_of_id IS NOT NULL THEN
            IF EXISTS ({_NOT_A_MIRROR}) THEN
                RAISE EXCEPTION 'LEDGER_REVERSAL_MISMATCH: voucher % is not the mirror of the voucher it reverses',
                    NEW.number USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        -- The period is open and the voucher takes the next number of its series:
        -- checked on the series row the posting holds locked, and advanced there.
        UPDATE voucher_series s SET last_seq = NEW.seq, last_hash = NEW.hash
          FROM periods p
         WHERE s.id = NEW.series_id AND s.tenant_id = NEW.tenant_id
           AND s.voucher_type = NEW.voucher_type AND s.last_seq + 1 = NEW.seq
           AND s.last_hash = NEW.prev_hash
           AND p.id = NEW.period_id AND p.tenant_id = NEW.tenant_id AND p.status = 'open'
           AND NEW.voucher_date BETWEEN p.start_date AND p.end_date
           AND p.financial_year_id = s.financial_year_id;
        IF NOT FOUND THEN
            PERFORM 1 FROM periods p
             WHERE p.id = NEW.period_id AND p.tenant_id = NEW.tenant_id AND p.status = 'open'
               AND NEW.voucher_date BETWEEN p.start_date AND p.end_date;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'LEDGER_PERIOD_CLOSED: no open period of % contains %',
                    NEW.tenant_id, NEW.voucher_date USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RAISE EXCEPTION 'LEDGER_SEQUENCE_BROKEN: % is not the next number of its series',
                NEW.number USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER ledger_vouchers_after_insert AFTER INSERT ON vouchers "
    "FOR EACH ROW EXECUTE FUNCTION ledger_vouchers_after_insert()",
    "CREATE TRIGGER ledger_vouchers_append_only BEFORE UPDATE ON vouchers "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_vouchers_no_delete BEFORE DELETE ON vouchers "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
    "CREATE TRIGGER ledger_vouchers_no_truncate BEFORE TRUNCATE ON vouchers "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    """
    CREATE FUNCTION ledger_series_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.last_seq <> 0 OR NEW.last_hash <> '' THEN
                RAISE EXCEPTION 'LEDGER_SEQUENCE_BROKEN: a series starts at zero'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'LEDGER_APPEND_ONLY: numbering series are never deleted'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.id <> OLD.id OR NEW.tenant_id <> OLD.tenant_id OR NEW.voucher_type <> OLD.voucher_type
           OR NEW.financial_year_id <> OLD.financial_year_id OR NEW.number_format <> OLD.number_format
           OR NEW.last_seq <> OLD.last_seq + 1
           OR NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.series_id = NEW.id
                           AND v.seq = NEW.last_seq AND v.hash = NEW.last_hash) THEN
            RAISE EXCEPTION 'LEDGER_SEQUENCE_BROKEN: a series advances only when its next voucher is posted'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER ledger_series_guard_insert BEFORE INSERT ON voucher_series "
    "FOR EACH ROW EXECUTE FUNCTION ledger_series_guard()",
    # The voucher trigger's own advance (depth 1) is checked by that UPDATE's conditions
    # (next number, hash link, open period), so the guard runs only for other writes.
    "CREATE TRIGGER ledger_series_guard_update BEFORE UPDATE ON voucher_series "
    "FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION ledger_series_guard()",
    "CREATE TRIGGER ledger_series_no_delete BEFORE DELETE ON voucher_series "
    "FOR EACH ROW EXECUTE FUNCTION ledger_series_guard()",
    # Kept balances change only from inside the voucher trigger, never directly: the
    # WHEN clause (evaluated before the guard runs, so no function call per posting)
    # lets through only statements issued by a trigger.
    """
    CREATE FUNCTION ledger_balances_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'LEDGER_APPEND_ONLY: kept balances change only by posting vouchers'
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    "CREATE TRIGGER ledger_balances_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
    "ON ledger_balances FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) "
    "EXECUTE FUNCTION ledger_balances_guard()",
    f"""
    CREATE FUNCTION ledger_periods_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF EXISTS ({_PERIOD_USED}) THEN
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
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER ledger_periods_guard BEFORE UPDATE ON periods "
    "FOR EACH ROW EXECUTE FUNCTION ledger_periods_guard()",
    "CREATE TRIGGER ledger_periods_delete_guard BEFORE DELETE ON periods "
    "FOR EACH ROW EXECUTE FUNCTION ledger_periods_guard()",
]
for _table, _column, _changed in _RECODE_GUARDS:
    POSTGRESQL_TRIGGERS += [
        f"""
        CREATE FUNCTION master_{_table}_recode_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (TG_OP = 'DELETE' OR ({_changed}))
               AND EXISTS (SELECT 1 FROM voucher_lines
                            WHERE tenant_id = OLD.tenant_id AND {_column} = OLD.id) THEN
                RAISE EXCEPTION 'MASTER_IN_USE: % % is used by postings; it cannot be deleted or recoded',
                    TG_TABLE_NAME, OLD.id USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$
        """,
        f"CREATE TRIGGER master_{_table}_recode_guard BEFORE UPDATE OR DELETE ON {_table} "
        f"FOR EACH ROW EXECUTE FUNCTION master_{_table}_recode_guard()",
    ]


# --------------------------------------------------------------------------- SQLite

def _sqlite_refuse(name: str, when: str, table: str, message: str) -> str:
    return (f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


SQLITE_TRIGGERS: list[str] = [
    """
    CREATE TRIGGER ledger_lines_before_insert BEFORE INSERT ON voucher_lines FOR EACH ROW
    BEGIN
        SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: the voucher is posted; its lines cannot change')
         WHERE EXISTS (SELECT 1 FROM vouchers WHERE id = NEW.voucher_id);
        SELECT RAISE(ABORT, 'LEDGER_LINES_MISMATCH: the lines of a voucher are numbered 1, 2, 3, …')
         WHERE NEW.line_no > 1 AND NOT EXISTS (SELECT 1 FROM voucher_lines
                                                WHERE voucher_id = NEW.voucher_id
                                                  AND line_no = NEW.line_no - 1);
    END
    """,
    _sqlite_refuse("ledger_lines_append_only", "BEFORE UPDATE", "voucher_lines",
                   "LEDGER_APPEND_ONLY: voucher_lines is append-only; post a reversal instead"),
    _sqlite_refuse("ledger_lines_no_delete", "BEFORE DELETE", "voucher_lines",
                   "LEDGER_APPEND_ONLY: voucher_lines is append-only; post a reversal instead"),
    f"""
    CREATE TRIGGER ledger_vouchers_before_insert BEFORE INSERT ON vouchers FOR EACH ROW
    BEGIN
        SELECT RAISE(ABORT, 'LEDGER_PERIOD_CLOSED: no open period contains the voucher date')
         WHERE NOT EXISTS (SELECT 1 FROM periods p
                            WHERE p.id = NEW.period_id AND p.tenant_id = NEW.tenant_id
                              AND p.status = 'open'
                              AND NEW.voucher_date BETWEEN p.start_date AND p.end_date);
        SELECT RAISE(ABORT, 'LEDGER_SEQUENCE_BROKEN: not the next number of its series')
         WHERE NOT EXISTS (SELECT 1 FROM voucher_series s JOIN periods p ON p.id = NEW.period_id
                            WHERE s.id = NEW.series_id AND s.tenant_id = NEW.tenant_id
                              AND s.voucher_type = NEW.voucher_type
                              AND s.financial_year_id = p.financial_year_id
                              AND s.last_seq + 1 = NEW.seq AND s.last_hash = NEW.prev_hash);
        SELECT RAISE(ABORT, 'LEDGER_LINES_MISMATCH: the voucher does not have the lines it declares')
          FROM (SELECT count(*) AS n,
                       coalesce(sum(CASE WHEN tenant_id <> NEW.tenant_id
                                          OR voucher_date <> NEW.voucher_date THEN 1 ELSE 0 END), 0)
                       AS stray
                  FROM voucher_lines WHERE voucher_id = NEW.id)
         WHERE n <> NEW.line_count OR stray > 0;
        SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: debits do not equal credits')
          FROM (SELECT coalesce(sum(debit), 0) AS d, coalesce(sum(credit), 0) AS c
                  FROM voucher_lines WHERE voucher_id = NEW.id)
         WHERE d <> c OR d <> NEW.total;
        SELECT RAISE(ABORT, 'LEDGER_UNKNOWN_MASTER: an account or segment the tenant does not have')
          FROM ({_MASTERS_CHECK}) WHERE missing > 0;
        SELECT RAISE(ABORT, 'LEDGER_ACCOUNT_NOT_POSTABLE: posting to an inactive or group account')
          FROM ({_MASTERS_CHECK}) WHERE not_postable > 0;
        SELECT RAISE(ABORT, 'LEDGER_SEGMENT_INACTIVE: posting with an inactive segment')
          FROM ({_MASTERS_CHECK}) WHERE inactive > 0;
        SELECT RAISE(ABORT, 'LEDGER_REVERSAL_MISMATCH: not the mirror of the voucher it reverses')
         WHERE NEW.reversal_of_id IS NOT NULL AND EXISTS ({_NOT_A_MIRROR});
    END
    """,
    f"""
    CREATE TRIGGER ledger_vouchers_after_insert AFTER INSERT ON vouchers FOR EACH ROW
    BEGIN
        {_KEEP_BALANCES};
        UPDATE voucher_series SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = NEW.series_id;
    END
    """,
    _sqlite_refuse("ledger_vouchers_append_only", "BEFORE UPDATE", "vouchers",
                   "LEDGER_APPEND_ONLY: vouchers is append-only; post a reversal instead"),
    _sqlite_refuse("ledger_vouchers_no_delete", "BEFORE DELETE", "vouchers",
                   "LEDGER_APPEND_ONLY: vouchers is append-only; post a reversal instead"),
    """
    CREATE TRIGGER ledger_series_guard_insert BEFORE INSERT ON voucher_series FOR EACH ROW
    WHEN NEW.last_seq <> 0 OR NEW.last_hash <> ''
    BEGIN SELECT RAISE(ABORT, 'LEDGER_SEQUENCE_BROKEN: a series starts at zero'); END
    """,
    """
    CREATE TRIGGER ledger_series_guard_update BEFORE UPDATE ON voucher_series FOR EACH ROW
    WHEN NEW.id <> OLD.id OR NEW.tenant_id <> OLD.tenant_id OR NEW.voucher_type <> OLD.voucher_type
      OR NEW.financial_year_id <> OLD.financial_year_id OR NEW.number_format <> OLD.number_format
      OR NEW.last_seq <> OLD.last_seq + 1
      OR NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.series_id = NEW.id
                      AND v.seq = NEW.last_seq AND v.hash = NEW.last_hash)
    BEGIN SELECT RAISE(ABORT, 'LEDGER_SEQUENCE_BROKEN: a series advances only when its next voucher is posted'); END
    """,
    _sqlite_refuse("ledger_series_no_delete", "BEFORE DELETE", "voucher_series",
                   "LEDGER_APPEND_ONLY: numbering series are never deleted"),
    # SQLite cannot tell a trigger's write from a direct one, so kept balances
    # refuse deletion only; `rasid ledger check` detects any other tampering.
    _sqlite_refuse("ledger_balances_guard", "BEFORE DELETE", "ledger_balances",
                   "LEDGER_APPEND_ONLY: kept balances change only by posting vouchers"),
    """
    CREATE TRIGGER ledger_periods_guard BEFORE UPDATE ON periods FOR EACH ROW
    WHEN NEW.start_date <> OLD.start_date OR NEW.end_date <> OLD.end_date
      OR NEW.tenant_id <> OLD.tenant_id OR NEW.financial_year_id <> OLD.financial_year_id
      OR NEW.code <> OLD.code
    BEGIN SELECT RAISE(ABORT, 'MASTER_IN_USE: a period''s dates never change; only its status does'); END
    """,
    f"""
    CREATE TRIGGER ledger_periods_delete_guard BEFORE DELETE ON periods FOR EACH ROW
    WHEN EXISTS ({_PERIOD_USED})
    BEGIN SELECT RAISE(ABORT, 'MASTER_IN_USE: a period with postings cannot be deleted'); END
    """,
]
for _table, _column, _changed in _RECODE_GUARDS:
    SQLITE_TRIGGERS += [f"""
    CREATE TRIGGER master_{_table}_recode_guard BEFORE UPDATE ON {_table} FOR EACH ROW
    WHEN ({_changed}) AND EXISTS (SELECT 1 FROM voucher_lines
                                   WHERE tenant_id = OLD.tenant_id AND {_column} = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'MASTER_IN_USE: used by postings; it cannot be recoded'); END
    """, f"""
    CREATE TRIGGER master_{_table}_delete_guard BEFORE DELETE ON {_table} FOR EACH ROW
    WHEN EXISTS (SELECT 1 FROM voucher_lines WHERE tenant_id = OLD.tenant_id AND {_column} = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'MASTER_IN_USE: used by postings; it cannot be deleted'); END
    """]
