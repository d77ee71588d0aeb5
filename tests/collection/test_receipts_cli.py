"""``rasid collect`` and ``rasid receipts`` as a cashier and an approver type them."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from collection.cli import main
from collection.cli import receipts as receipts_cli
from tests.conftest import ROOT

TENANT = "pb.amritsar"
DAY = dt.date(2026, 11, 23)
PT_1, PT_2, BPA = "PT/2026-27/088812", "PT/2026-27/088813", "BPA/2026-27/0412"
CASHIER, APPROVER = "pb.amritsar/cashier1", "pb.amritsar/approver1"


@pytest.fixture
def rasid(db_url, monkeypatch):
    """Run ``rasid`` on this test's database, on 23 November 2026; bills already submitted."""
    monkeypatch.setattr(receipts_cli, "_today", lambda: DAY)

    def run(*args: str, code: int = 0):
        result = CliRunner().invoke(main, list(args), env={"RASID_DATABASE_URL": db_url},
                                    catch_exceptions=False)
        assert result.exit_code == code, result.output + result.stderr
        return result

    run("bills", "submit", "--tenant", TENANT, str(ROOT / "examples" / "bills"))
    return run


def text_of(path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages
                             ).split())


def test_collect_cash_and_retry_with_the_same_key(rasid):
    first = rasid("collect", "--tenant", TENANT, "--bill", PT_1, "--amount", "14185.75",
                  "--idempotency-key", "counter1-0001", "--by", CASHIER)
    assert "collected 14,185.75 by cash in 1 receipt(s)" in first.stdout
    assert "11/2026-27/000001" in first.stdout and "APPROVED" in first.stdout
    assert "RV/2026-27/000001" in first.stdout
    again = rasid("collect", "--tenant", TENANT, "--bill", PT_1, "--amount", "14185.75",
                  "--idempotency-key", "counter1-0001", "--by", CASHIER)
    assert "already collected under idempotency key counter1-0001" in again.stdout
    assert "11/2026-27/000001" in again.stdout
    paid = rasid("collect", "--tenant", TENANT, "--bill", PT_1, "--amount", "14185.75", code=2)
    assert "error BILL_ALREADY_PAID" in paid.stderr


def test_refusals_say_their_code_without_a_traceback(rasid):
    cases = [
        (["--bill", PT_2, "--amount", "100.005"], "error AMOUNT_SUB_PAISA"),
        (["--bill", PT_2, "--amount", "100.00"], "error BELOW_MINIMUM"),
        (["--bill", BPA, "--amount", "100.00"], "error PART_PAYMENT_NOT_ALLOWED"),
        (["--bill", PT_1, "--bill", PT_2, "--amount", "100.00"], "error AMOUNT_PER_BILL"),
        (["--bill", PT_1, "--amount", "14185.75", "--total", "14000"], "error AMOUNT_MISMATCH"),
        (["--bill", "PT/2026-27/000000", "--amount", "1"], "error BILL_NOT_FOUND"),
        (["--bill", BPA, "--amount", "16030", "--mode", "cheque", "--cheque-number", "4512"],
         "error INSTRUMENT_INVALID"),
        (["--bill", PT_1, "--amount", "1.5e3"], "error BELOW_MINIMUM"),
        (["--bill", PT_1, "--amount", "lots"], "error AMOUNT_INVALID"),
    ]
    for args, expected in cases:
        result = rasid("collect", "--tenant", TENANT, *args, code=2)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output
    cheque = rasid("collect", "--tenant", TENANT, "--bill", BPA, "--amount", "16030", "--mode", "cheque",
                   "--cheque-number", "4512", code=2)
    assert "error CHEQUE_NUMBER_INVALID: instrument.number" in cheque.stderr
    assert "error INSTRUMENT_FIELD_REQUIRED: instrument.bank" in cheque.stderr
    listed = rasid("receipts", "list", "--tenant", TENANT, "--format", "json")
    assert json.loads(listed.stdout)["total"] == 0


def test_list_and_show(rasid):
    rasid("collect", "--tenant", TENANT, "--bill", PT_2, "--amount", "10000", "--by", CASHIER)
    rasid("collect", "--tenant", TENANT, "--bill", BPA, "--amount", "16030.00", "--mode", "cheque",
          "--cheque-number", "004512", "--cheque-date", "2026-11-21", "--bank", "State Bank of India",
          "--branch", "Hall Bazar", "--payer", "Gurpreet Singh Aulakh", "--by", CASHIER)
    table = rasid("receipts", "list", "--tenant", TENANT).stdout
    lines = table.splitlines()
    assert lines[2].startswith("11/2026-27/000002") and "16,030.00" in lines[2] and "TO_BE_SUBMITTED" in lines[2]
    assert lines[3].startswith("11/2026-27/000001") and "10,000.00" in lines[3]
    assert lines[-1] == "2 of 2 receipt(s)"
    found = json.loads(rasid("receipts", "list", "--tenant", TENANT, "--mode", "cheque",
                             "--format", "json").stdout)
    assert found["total"] == 1
    item = found["items"][0]
    assert (item["number"], item["amount"], item["amountPaise"]) == ("11/2026-27/000002", "16030.00", 1603000)
    csv = rasid("receipts", "list", "--tenant", TENANT, "--status", "APPROVED", "--format", "csv").stdout
    assert csv.splitlines()[1].startswith("11/2026-27/000001,2026-11-23,PT,PT/2026-27/088813")
    shown = rasid("receipts", "show", "--tenant", TENANT, "11/2026-27/000002").stdout
    assert "Receipt:          11/2026-27/000002 of 2026-11-23, TO_BE_SUBMITTED" in shown
    assert "cheque 004512 2026-11-21 State Bank of India Hall Bazar" in shown
    assert "Scrutiny fee" in shown and "10,000.00" in shown
    detail = json.loads(rasid("receipts", "show", "--tenant", TENANT, "11/2026-27/000002",
                              "--format", "json").stdout)
    assert detail["voucher_number"].startswith("RV/") and detail["instrument"]["amount"] == "16030.00"
    missing = rasid("receipts", "show", "--tenant", TENANT, "11/2026-27/000099", code=2)
    assert "error RECEIPT_NOT_FOUND" in missing.stderr


def test_workflow_and_cancellation(rasid):
    rasid("collect", "--tenant", TENANT, "--bill", BPA, "--amount", "16030", "--by", CASHIER)
    number = "11/2026-27/000001"
    early = rasid("receipts", "approve", "--tenant", TENANT, number, "--by", APPROVER, code=2)
    assert "error RECEIPT_STATE" in early.stderr
    assert "1 receipt(s) submitted" in rasid("receipts", "submit", "--tenant", TENANT, "--day",
                                             "2026-11-23", "--by", CASHIER).stdout
    own = rasid("receipts", "approve", "--tenant", TENANT, number, "--by", CASHIER, code=2)
    assert "error SELF_APPROVAL" in own.stderr
    rejected = rasid("receipts", "reject", "--tenant", TENANT, number, "--reason", "cash short",
                     "--by", APPROVER)
    assert f"{number} rejected (REJECTED)" in rejected.stdout
    rasid("receipts", "submit", "--tenant", TENANT, number, "--by", CASHIER)
    assert f"{number} approved (APPROVED)" in rasid("receipts", "approve", "--tenant", TENANT, number,
                                                    "--by", APPROVER).stdout
    blank = rasid("receipts", "cancel", "--tenant", TENANT, number, "--reason", " ", code=2)
    assert "error REASON_REQUIRED" in blank.stderr
    cancelled = rasid("receipts", "cancel", "--tenant", TENANT, number, "--reason", "wrong application",
                      "--by", APPROVER)
    assert f"receipt {number} cancelled (reversal XV/2026-27/000001)" in cancelled.stdout
    assert "16,030.00 of the instrument is no longer covered" in cancelled.stdout
    shown = rasid("receipts", "show", "--tenant", TENANT, number).stdout
    assert "CANCELLED" in shown and "by pb.amritsar/approver1: wrong application" in shown
    assert "error NUMBERS_OR_DAY" in rasid("receipts", "submit", "--tenant", TENANT, code=2).stderr


def test_pdf_then_a_duplicate(rasid, tmp_path):
    rasid("collect", "--tenant", TENANT, "--bill", PT_1, "--amount", "14185.75", "--by", CASHIER)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    out = rasid("receipts", "pdf", "--tenant", TENANT, "11/2026-27/000001", "-o", str(first)).stdout
    assert f"wrote {first} (original)" in out
    text = text_of(first)
    assert "11/2026-27/000001" in text and "₹14,185.75" in text and "ORIGINAL" in text
    assert "Rupees Fourteen Thousand One Hundred Eighty-Five and Seventy-Five Paise Only" in text
    assert "Rebate for payment by 30 June" in text and "DUPLICATE" not in text
    out = rasid("receipts", "pdf", "--tenant", TENANT, "11/2026-27/000001", "-o", str(second)).stdout
    assert "duplicate, print 2" in out and "DUPLICATE" in text_of(second)


def test_a_service_whose_template_is_gone_prints_nothing_and_says_why(rasid, db_url, tmp_path):
    from sqlalchemy import text

    from ledger.db import make_engine
    rasid("collect", "--tenant", TENANT, "--bill", PT_1, "--amount", "14185.75", "--by", CASHIER)
    engine = make_engine(db_url)  # the template folder was removed after the service was set up
    with engine.begin() as connection:
        connection.execute(text("UPDATE services SET receipt_template = 'gone' WHERE code = 'PT'"))
    engine.dispose()
    target = tmp_path / "r.pdf"
    one = rasid("receipts", "pdf", "--tenant", TENANT, "11/2026-27/000001", "-o", str(target), code=2)
    assert "error RECEIPT_TEMPLATE_ERROR: receipt template 'gone' cannot print" in one.stderr
    many = rasid("receipts", "print", "--tenant", TENANT, "--from", "2026-11-01", "--to", "2026-11-30",
                 "-o", str(target), code=2)
    assert "error RECEIPT_TEMPLATE_ERROR" in many.stderr and not target.exists()
    assert "Printed:          0 time(s)" in rasid("receipts", "show", "--tenant", TENANT,
                                                  "11/2026-27/000001").stdout


def test_print_a_date_range_into_one_pdf_quietly_when_piped(rasid, tmp_path):
    rasid("collect", "--tenant", TENANT, "--bill", PT_1, "--amount", "14185.75", "--by", CASHIER)
    rasid("collect", "--tenant", TENANT, "--bill", PT_2, "--amount", "38500", "--mode", "card",
          "--card-last4", "4417", "--txn-ref", "A81Z3Q", "--by", CASHIER)
    rasid("collect", "--tenant", TENANT, "--bill", BPA, "--amount", "16030", "--by", CASHIER)
    target = tmp_path / "day.pdf"
    result = rasid("receipts", "print", "--tenant", TENANT, "--from", "2026-11-01", "--to", "2026-11-30",
                   "--service", "PT", "-o", str(target))
    assert result.stdout == f"wrote 2 receipt(s) to {target}\n" and result.stderr == ""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(target.read_bytes())).pages]
    assert len(pages) == 2 and "11/2026-27/000001" in pages[0] and "XXXX XXXX XXXX 4417" in pages[1]
    assert "Printed:          1 time(s)" in rasid("receipts", "show", "--tenant", TENANT,
                                                  "11/2026-27/000002").stdout
    none = rasid("receipts", "print", "--tenant", TENANT, "--from", "2026-12-01", "--to", "2026-12-31",
                 "-o", str(tmp_path / "none.pdf"), code=2)
    assert "error NO_RECEIPTS" in none.stderr and not (tmp_path / "none.pdf").exists()
