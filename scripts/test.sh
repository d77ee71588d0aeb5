#!/usr/bin/env bash
# The test command: the whole suite on the embedded SQLite default, then again on
# PostgreSQL. Fails if either fails. Starts the local PostgreSQL if it is
# installed and down; RASID_TEST_DATABASE_URL points at the server to use
# (each test creates and drops its own throw-away database there).
set -uo pipefail
cd "$(dirname "$0")/.."
PG_URL="${RASID_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"

pg_up() { .venv/bin/python - "$PG_URL" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
PY
}

if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "starting the local PostgreSQL"
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi

# Both cores: each test already gets its own database, so workers never share state.
WORKERS="${RASID_TEST_WORKERS:-2}"
set -- -n "$WORKERS" "$@"

echo "== tests on SQLite =="
env -u RASID_TEST_DATABASE_URL .venv/bin/python -m pytest "$@"
sqlite_status=$?

echo "== tests on PostgreSQL ($PG_URL) =="
if pg_up; then
    RASID_TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest "$@"
    pg_status=$?
else
    echo "PostgreSQL is not reachable at $PG_URL" >&2
    pg_status=1
fi

echo "SQLite run exit $sqlite_status, PostgreSQL run exit $pg_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
