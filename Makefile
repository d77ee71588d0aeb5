# The README's commands. `make demo` and `make test` work on a fresh machine:
# they create .venv and install rasid with its test dependencies first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test test-sqlite test-postgres setup bench clean

$(BIN)/rasid: pyproject.toml
	bash scripts/setup.sh
	@touch $@

setup: $(BIN)/rasid

demo: $(BIN)/rasid
	$(BIN)/rasid demo

test: $(BIN)/rasid
	bash scripts/test.sh

test-sqlite: $(BIN)/rasid
	$(BIN)/python -m pytest

test-postgres: $(BIN)/rasid
	RASID_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest

bench: $(BIN)/rasid
	$(BIN)/python benchmarks/ledger_post.py

clean:
	rm -rf $(VENV) *.egg-info rasid-demo.db*
