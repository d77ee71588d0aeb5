"""The `rasid` command as a user types it."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import text

from collection.cli import main
from ledger.db import make_engine
from tests.conftest import ROOT


def run(*args, url=None):
    env = {"RASID_DATABASE_URL": url} if url else {}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_demo_builds_books_that_balance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "receipt 11/2026-27/000005" in result.output
    assert "receipt 11/2026-27/000002 cancelled (reversal XV/2026-27/000001)" in result.output
    assert "Balanced: debits equal credits." in result.output
    assert "ledger check passed" in result.output
    pdfs = sorted((tmp_path / "rasid-demo-receipts").glob("*.pdf"))
    assert "receipts printed as PDF" in result.output and len(pdfs) >= 5
    first = PdfReader(pdfs[0]).pages[0].extract_text()
    assert "11/2026-27/000001" in first and "5,000.00" in first and "Five Thousand" in first
    url = f"sqlite:///{tmp_path / 'rasid-demo.db'}"
    tb = json.loads(run("ledger", "trial-balance", "--tenant", "pb.amritsar", "--from", "2026-11-01",
                        "--to", "2026-11-30", "--format", "json", url=url).output)
    rows = {r["glcode"]: r for r in tb["rows"]}
    assert tb["balanced"]
    # Cash 5,000 + 4,185.75 (the 2,000 receipt was cancelled) and the cheques 16,030 + 5,000 were
    # remitted to SBI, so cash- and cheques-in-hand are empty; the 5,000 cheque bounced; the card
    # waits in card clearing; the SBI statement reconciles to the books but for its charges.
    assert rows["4501001"]["closingPaise"] == 0 and rows["4501051"]["closingPaise"] == 0
    assert rows["4501061"]["closingPaise"] == 38_500_00
    assert rows["4502101"]["closingPaise"] == 25_00_000_00 + 9_185_75 + 21_030_00 - 5_000_00
    assert "remittance 1: 4 receipts with pay-in slip 778812" in result.output
    assert "penalty bill CHQBOUNCE/6 for 500.00" in result.output
    assert "difference 0.00" in result.output
    assert rows["1109002"]["closingPaise"] == 600_00  # the rebate, applied with the first part payment
    csv_out = run("ledger", "trial-balance", "--tenant", "pb.amritsar", "--from", "2026-11-01",
                  "--to", "2026-11-30", "--format", "csv", url=url).output
    assert csv_out.splitlines()[0].startswith("GL code,Account,Opening")
    st = run("ledger", "statement", "--tenant", "pb.amritsar", "--glcode", "4501001", "--from",
             "2026-11-01", "--to", "2026-11-30", url=url).output
    assert "XV/2026-27/000001" in st

    # Tampering (SQLite cannot refuse direct writes to kept balances) → check fails.
    with make_engine(url).begin() as conn:
        conn.execute(text("UPDATE ledger_balances SET debit = debit + 1"))
    result = CliRunner().invoke(main, ["ledger", "check"], env={"RASID_DATABASE_URL": url})
    assert result.exit_code == 1
    assert "ledger check FAILED" in result.output


def test_masters_load_post_reverse_and_periods(db_url, tmp_path):
    assert "unchanged" in run("masters", "load", str(ROOT / "examples" / "masters.yaml"), url=db_url).output
    voucher = tmp_path / "jv.json"
    voucher.write_text(json.dumps({
        "tenant": "pb.amritsar", "type": "JOURNAL", "date": "2026-11-20", "narration": "Accrual",
        "idempotencyKey": "jv-1",
        "lines": [{"glcode": "4311001", "fund": "01", "function": "91", "functionary": "999",
                   "department": "REV", "fundSource": "01", "debit": "1200.50"},
                  {"glcode": "1100101", "fund": "01", "function": "91", "functionary": "999",
                   "department": "REV", "fundSource": "01", "credit": "1200.50"}]}))
    assert run("ledger", "post", str(voucher), url=db_url).output.strip() == "posted JV/2026-27/000001 for 1200.50"
    assert "already posted JV/2026-27/000001" in run("ledger", "post", str(voucher), url=db_url).output
    assert "by XV/2026-27/000001" in run("ledger", "reverse", "--tenant", "pb.amritsar", "JV/2026-27/000001",
                                         "--date", "2026-11-21", "--reason", "duplicate", url=db_url).output
    assert "closed" in run("periods", "close", "--tenant", "pb.amritsar", "2026-11", url=db_url).output
    assert "already posted" in run("ledger", "post", str(voucher), url=db_url).output  # a replay still answers
    spec = json.loads(voucher.read_text())
    voucher.write_text(json.dumps({**spec, "idempotencyKey": "jv-2"}))
    result = CliRunner().invoke(main, ["ledger", "post", str(voucher)], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "error LEDGER_PERIOD_CLOSED" in result.output
    listing = run("periods", "list", "--tenant", "pb.amritsar", url=db_url).output
    assert "2026-11" in listing and "closed" in listing
    assert run("ledger", "check", url=db_url).exit_code == 0


def test_bad_input_gets_a_code_not_a_traceback(db_url, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenants:\n  - code: Not A Code\n    name: x\n")
    result = CliRunner().invoke(main, ["masters", "load", str(bad)], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 2
    assert "error MASTERS_INVALID: " in result.output and "tenants[0].code" in result.output
    result = CliRunner().invoke(main, ["ledger", "balance", "--tenant", "pb.amritsar", "--glcode", "nope",
                                       "--as-of", "2026-11-01"], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "error LEDGER_UNKNOWN_GL" in result.output
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    result = CliRunner().invoke(main, ["ledger", "post", str(junk)], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "error VOUCHER_FILE_INVALID" in result.output


def test_period_changes_and_masters_loads_from_the_cli_are_audited(db_url, tmp_path):
    from sqlalchemy import select

    from collection.audit import AuditEntry
    from ledger.db import session_factory
    changed = tmp_path / "m.yaml"
    changed.write_text((ROOT / "examples" / "masters.yaml").read_text().replace(
        "Property Tax-Properties", "Property Tax - Properties", 1).replace(
        'gateway_accounts: {BBPS: "4501072"}', 'gateway_accounts: {BBPS: "4501071"}', 1).replace(
        '"2027-28"]', '"2027-28", "2028-29"]', 1))
    run("masters", "load", str(changed), "--by", "pb.amritsar/accountant", url=db_url)
    run("masters", "load", str(changed), url=db_url)  # nothing changes: nothing recorded
    run("periods", "close", "--tenant", "pb.amritsar", "2026-10", "--by", "CAO", url=db_url)
    run("periods", "reopen", "--tenant", "pb.amritsar", "2026-10", url=db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    engine.dispose()
    loads = [e for e in entries if e.action == "master.file.load"]
    assert [(e.actor, e.tenant_id) for e in loads] == [("pb.amritsar/accountant", "pb.amritsar")]
    assert loads[0].after == {"changes": {"accounts.updated": 1, "financial_years.created": 1,
                                          "services.updated": 1}}
    close, reopen = [e for e in entries if e.entity_type == "period"]
    assert (close.action, close.actor, close.after["status"]) == ("period.close", "CAO", "closed")
    assert reopen.action == "period.reopen" and reopen.actor.startswith("cli:")


@pytest.mark.parametrize("text, field", [
    ("tenants:\n  - {code: x, name: X, funds: [{code: '01', name: A}, {code: '01', name: B}]}\n",
     "tenants[0].funds[1].code"),
    ("tenants:\n  - {code: x, name: X}\n  - {code: x, name: Y}\n", "tenants[1].code"),
])
def test_a_masters_file_naming_a_code_twice_is_refused_with_the_place(db_url, tmp_path, text, field):
    bad = tmp_path / "twice.yaml"
    bad.write_text(text)
    result = CliRunner().invoke(main, ["masters", "load", str(bad)], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "error MASTERS_INVALID" in result.output and field in result.output


def test_a_masters_file_that_is_not_utf8_is_refused(db_url, tmp_path):
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("tenants:\n  - {code: x, name: Sh\u00e9}\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["masters", "load", str(bad)], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "error MASTERS_INVALID" in result.output and "not UTF-8" in result.output


def test_doctor_reports_database_schema_and_printing(db_url):
    result = CliRunner().invoke(main, ["doctor"], env={"RASID_DATABASE_URL": db_url})
    lines = result.output.splitlines()
    assert any(line.startswith("ok    database") for line in lines), result.output
    assert any(line.startswith("ok    schema") for line in lines), result.output
    assert any("font subsetting" in line for line in lines)
    assert any("template default" in line for line in lines)
    assert result.exit_code == (0 if all(line.startswith("ok") for line in lines) else 1)


def test_bills_validate_and_submit(db_url, tmp_path):
    examples = ROOT / "examples" / "bills"
    result = CliRunner().invoke(main, ["bills", "validate", str(examples)], env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 0 and "2 valid, 0 invalid" in result.output
    bad = tmp_path / "bad.xml"
    bad.write_text((examples / "bpa-permit-fees.xml").read_text().replace("<totalAmount>16030", "<totalAmount>16031"))
    result = CliRunner().invoke(main, ["bills", "validate", "--tenant", "pb.amritsar", str(bad)],
                                env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 1 and "TOTAL_MISMATCH" in result.output
    result = CliRunner().invoke(main, ["bills", "submit", "--tenant", "pb.amritsar", str(examples), str(bad)],
                                env={"RASID_DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert "accepted 2 file(s): 3 bill(s) created, 0 new version(s), 0 unchanged" in result.output
    assert "rejected 1 file(s):" in result.output and "bad.xml: BILL_XML_INVALID: TOTAL_MISMATCH" in result.output
    again = CliRunner().invoke(main, ["bills", "submit", "--tenant", "pb.amritsar", str(examples)],
                               env={"RASID_DATABASE_URL": db_url})
    assert again.exit_code == 0 and "0 bill(s) created, 0 new version(s), 3 unchanged" in again.output


def _voucher(**changes) -> dict:
    line = {"fund": "01", "function": "91", "functionary": "999", "department": "REV", "fundSource": "01"}
    return {"tenant": "pb.amritsar", "date": "2026-11-20",
            "lines": [{**line, "glcode": "4311001", "debit": "10.00"},
                      {**line, "glcode": "1100101", "credit": "10.00"}], **changes}


def test_ledger_post_refuses_ill_typed_voucher_files(db_url, tmp_path):
    """Each gets its code and exit 2, never a traceback, and nothing is posted."""
    good = _voucher()
    bad = {
        "VOUCHER_FILE_INVALID": [
            {"narration": 2026}, {"sourceRef": 12345}, {"idempotencyKey": 7}, {"createdBy": ["x"]},
            {"type": ["JOURNAL"]}, {"tenant": 5}, {"tenant": None}, {"lines": "none"},
            {"lines": [*good["lines"], 3]},
            {"lines": [good["lines"][0], {**good["lines"][1], "narration": ["x"]}]}],
        "IDEMPOTENCY_KEY_INVALID": [{"idempotencyKey": "reversal:1"}],
        "AMOUNT_TOO_LARGE": [{"lines": [{**good["lines"][0], "debit": "1e17"},
                                        {**good["lines"][1], "credit": "1e17"}]}],
    }
    path = tmp_path / "v.json"
    no_tenant = {k: v for k, v in good.items() if k != "tenant"}
    for code, spec in [(code, _voucher(**c)) for code, cs in bad.items() for c in cs] + [
            ("VOUCHER_FILE_INVALID", no_tenant), ("VOUCHER_FILE_INVALID", [good])]:
        path.write_text(json.dumps(spec))
        result = CliRunner().invoke(main, ["ledger", "post", str(path)], env={"RASID_DATABASE_URL": db_url})
        assert result.exit_code == 2 and f"error {code}: " in result.output, (spec, result.output)
    path.write_text(json.dumps(good))
    assert run("ledger", "post", str(path), url=db_url).output.strip() == "posted JV/2026-27/000001 for 10.00"
    assert run("ledger", "check", url=db_url).exit_code == 0


def test_ledger_reports_refuse_an_unknown_tenant_and_fail_on_unbalanced_books(db_url, tmp_path):
    env = {"RASID_DATABASE_URL": db_url}
    for args in [["trial-balance", "--from", "2026-11-01", "--to", "2026-11-30"], ["check"],
                 ["statement", "--glcode", "4311001", "--from", "2026-11-01", "--to", "2026-11-30"],
                 ["balance", "--glcode", "4311001", "--as-of", "2026-11-30"]]:
        result = CliRunner().invoke(main, ["ledger", *args, "--tenant", "pb.amritser"], env=env)
        assert result.exit_code == 2 and "error TENANT_NOT_FOUND: " in result.output, (args, result.output)
    voucher = tmp_path / "v.json"
    voucher.write_text(json.dumps(_voucher()))
    run("ledger", "post", str(voucher), url=db_url)
    csv_out = run("ledger", "statement", "--tenant", "pb.amritsar", "--glcode", "4311001", "--from",
                  "2026-11-21", "--to", "2026-11-30", "--format", "csv", url=db_url).output
    assert csv_out.splitlines()[1] == "2026-11-21,,Opening balance,,,10.00"

    tb = ["ledger", "trial-balance", "--tenant", "pb.amritsar", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert run(*tb, url=db_url).exit_code == 0
    engine = make_engine(db_url)
    with engine.begin() as conn:  # PostgreSQL refuses this unless its triggers are off
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("UPDATE ledger_balances SET debit = debit + 1 WHERE debit > 0"))
    engine.dispose()
    for fmt in ("table", "json", "csv"):
        result = CliRunner().invoke(main, [*tb, "--format", fmt], env=env)
        assert result.exit_code == 1 and "NOT BALANCED" in result.output, (fmt, result.output)
