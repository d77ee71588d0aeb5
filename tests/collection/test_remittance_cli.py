"""``rasid remit``, ``remittances reverse``, ``dishonour``, ``bank …`` and ``reports`` as typed."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from collection.cli import main
from tests.collection.bank_support import sbi_statement
from tests.collection.remittance_support import DAY, add_bills, pay_cash, pay_cheque


def run(url, *args):
    return CliRunner().invoke(main, ["--database-url", url, *args], catch_exceptions=False)


@pytest.fixture
def collected(session, tenant):
    add_bills(session, tenant, {"A1": 100000, "A2": 250050})
    pay_cash(session, tenant, "A1", 100000)
    return pay_cheque(session, tenant, ("A2", 250050)).receipts[0].number


def test_remit_bounce_import_and_report_from_the_command_line(db_url, collected, tmp_path):
    tenant = ["--tenant", "pb.amritsar"]
    dry = run(db_url, "remit", *tenant, "--bank-account", "SBI-MAIN", "--slip", "778812", "--date",
              DAY.isoformat(), "--dry-run")
    assert "would remit 2 receipt(s): cash 1,000.00, cheques/DD 2,500.50" in dry.output
    done = run(db_url, "remit", *tenant, "--bank-account", "SBI-MAIN", "--slip", "778812", "--date",
               DAY.isoformat(), "--batch-size", "100")
    assert done.exit_code == 0, done.output
    assert "2 receipt(s) to SBI-MAIN with slip 778812, 3,500.50" in done.output
    assert "voucher CV/2026-27/000001" in done.output and "remitting" not in done.output  # no bar when piped
    again = run(db_url, "remit", *tenant, "--bank-account", "SBI-MAIN", "--slip", "778813", "--date",
                DAY.isoformat())
    assert again.exit_code == 2 and "error NOTHING_TO_REMIT" in again.output
    bounced = run(db_url, "dishonour", *tenant, "--receipt", collected, "--reason", "funds insufficient",
                  "--date", DAY.isoformat())
    assert bounced.exit_code == 0, bounced.output
    assert "journal JV/2026-27/000001 for 2,500.50" in bounced.output and "penalty bill CHQBOUNCE/" in bounced.output
    statement = tmp_path / "sbi.txt"
    statement.write_bytes(sbi_statement([(DAY, "BY CASH 778812", "778812", 0, 350050),
                                         (DAY, "CHQ RET 004512", "004512", 250050, 0),
                                         (DAY, "INTEREST", "", 0, 1200)]))
    imported = run(db_url, "bank", "import", *tenant, "--bank-account", "SBI-MAIN", str(statement))
    assert "3 new line(s) of 3; matched 1 to remittances, 1 to dishonours; 1 unmatched" in imported.output
    assert "already imported" in run(db_url, "bank", "import", *tenant, "--bank-account", "SBI-MAIN",
                                     str(statement)).output
    open_lines = run(db_url, "bank", "unmatched", *tenant, "--bank-account", "SBI-MAIN").output
    assert "INTEREST" in open_lines and "CHQ RET" not in open_lines

    brs = run(db_url, "reports", "bank-reconciliation", *tenant, "--bank-account", "SBI-MAIN", "--as-of",
              DAY.isoformat(), "--format", "json")
    summary = {x["label"]: x["valuePaise"] for x in json.loads(brs.output)["summary"]}
    assert summary["Less: credits by the bank not in the books"] == 1200
    assert summary["Difference not explained"] == 0
    table = run(db_url, "reports", "remittance-register", *tenant, "--from", "2026-11-01", "--to", "2026-11-30")
    assert "778812" in table.output and "3,500.50" in table.output
    csv_text = run(db_url, "reports", "dishonoured-instruments", *tenant, "--from", "2026-11-01", "--to",
                   "2026-11-30", "--format", "csv").output
    assert csv_text.splitlines()[1].startswith("2026-11-23,cheque,004512")
    pdf = tmp_path / "summary.pdf"
    written = run(db_url, "reports", "collection-summary", *tenant, "--from", "2026-11-01", "--to", "2026-11-30",
                  "--format", "pdf", "--output", str(pdf))
    assert written.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    needs = run(db_url, "reports", "collection-summary", *tenant, "--format", "pdf")
    assert needs.exit_code == 2 and "error OUTPUT_REQUIRED" in needs.output
    missing = run(db_url, "reports", "receipt-register", *tenant, "--from", "2026-11-01")
    assert missing.exit_code == 2 and "error REPORT_PARAMETER_REQUIRED: the receipt-register report needs to" \
        in missing.output


def test_reverse_and_refusals(db_url, collected):
    tenant = ["--tenant", "pb.amritsar"]
    run(db_url, "remit", *tenant, "--bank-account", "SBI-MAIN", "--slip", "1", "--date", DAY.isoformat())
    reversed_ = run(db_url, "remittances", "reverse", *tenant, "1", "--reason", "wrong bank",
                    "--date", DAY.isoformat())
    assert reversed_.exit_code == 0 and "2 receipt(s) back to APPROVED" in reversed_.output
    again = run(db_url, "remittances", "reverse", *tenant, "1", "--reason", "wrong bank")
    assert again.exit_code == 2 and "error REMITTANCE_ALREADY_REVERSED" in again.output
    cash = run(db_url, "dishonour", *tenant, "--instrument", "1", "--reason", "x")
    assert cash.exit_code == 2 and "error INSTRUMENT_NOT_DISHONOURABLE" in cash.output
    neither = run(db_url, "dishonour", *tenant, "--reason", "x")
    assert neither.exit_code == 2 and "error INSTRUMENT_REQUIRED" in neither.output
    card = run(db_url, "remit", *tenant, "--bank-account", "SBI-MAIN", "--slip", "2", "--date", DAY.isoformat(),
               "--instrument", "card")
    assert card.exit_code == 2  # not a remittable type: click refuses it
