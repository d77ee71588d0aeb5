"""Finance reports: what each counts, and the same report as JSON, CSV and PDF."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from collection.receipts import workflow
from collection.remittance.dishonour import dishonour
from collection.remittance.remit import RemittanceIn, remit
from collection.remittance.reversal import reverse_remittance
from collection.reports import render
from collection.reports.catalog import ReportParams, build_report
from ledger.errors import RasidError
from tests.collection.receipts_support import APPROVER
from tests.collection.remittance_support import (
    ACCOUNTANT,
    CASHIER,
    CASHIER_2,
    DAY,
    add_bills,
    pay_cash,
    pay_cheque,
)

NOV = ReportParams(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30), as_of=DAY)
YESTERDAY = DAY - dt.timedelta(days=1)


@pytest.fixture
def day_of_collections(session, tenant):
    """Two cashiers over two days; one cheque bounces, one remittance is reversed, one cancelled."""
    add_bills(session, tenant, {f"A{n}": 10000 * n for n in range(1, 7)})
    pay_cash(session, tenant, "A1", 10000, actor=CASHIER, day=YESTERDAY)
    cheque = pay_cheque(session, tenant, ("A2", 20000), actor=CASHIER, day=YESTERDAY)
    first = remit(session, tenant, RemittanceIn("SBI-MAIN", "S1", YESTERDAY), ACCOUNTANT, today=DAY).remittance
    session.commit()
    dishonour(session, tenant, cheque.instrument.id, "funds insufficient", ACCOUNTANT, today=DAY, on=DAY)
    pay_cash(session, tenant, "A3", 30000, actor=CASHIER_2)
    wrong = remit(session, tenant, RemittanceIn("HDFC-COLL", "H1", DAY), ACCOUNTANT, today=DAY).remittance
    session.commit()
    reverse_remittance(session, tenant, wrong.id, "wrong bank", ACCOUNTANT, today=DAY)
    pay_cash(session, tenant, "A4", 40000, actor=CASHIER_2)
    cancelled = pay_cash(session, tenant, "A5", 50000, actor=CASHIER)
    workflow.cancel(session, tenant, cancelled.number, "wrong bill", APPROVER, today=DAY)
    pay_cheque(session, tenant, ("A6", 60000), actor=CASHIER, number="777777")
    session.commit()
    return first


def report(session, tenant, name, params=NOV):
    return build_report(session, tenant, name, params)


def totals(rep) -> dict[str, int]:
    return {t.label: t.value for t in rep.summary}


def test_remittance_register_counts_what_was_not_reversed(session, tenant, day_of_collections):
    rep = report(session, tenant, "remittance-register")
    assert [(r["slip"], r["bank_account"], r["status"], r["amount"], r["reversal"]) for r in rep.rows] == [
        ("S1", "SBI-MAIN", "REMITTED", 30000, ""), ("H1", "HDFC-COLL", "REVERSED", 30000, "XV/2026-27/000001")]
    assert totals(rep)["Total remitted (not reversed)"] == 30000
    only = report(session, tenant, "remittance-register", NOV._replace(bank_account="HDFC-COLL"))
    assert [r["slip"] for r in only.rows] == ["H1"]


def test_pending_remittances_by_collector_and_day(session, tenant, day_of_collections):
    rep = report(session, tenant, "pending-remittances")
    assert [(r["collector"], r["date"], r["receipts"], r["cash"], r["cheques"]) for r in rep.rows] == [
        (CASHIER.name, DAY, 1, 0, 60000), (CASHIER_2.name, DAY, 2, 70000, 0)]
    assert totals(rep)["Total ready to remit"] == 130000


def test_dishonoured_register(session, tenant, day_of_collections):
    [row] = report(session, tenant, "dishonoured-instruments").rows
    assert (row["number"], row["amount"], row["slip"], row["journal"], row["bank_debit"]) == (
        "004512", 20000, "S1", "JV/2026-27/000001", None)
    assert row["penalty_bill"].startswith("CHQBOUNCE/")


def test_collection_summary_leaves_out_cancelled_and_bounced_receipts(session, tenant, day_of_collections):
    rep = report(session, tenant, "collection-summary")
    assert [(r["date"], r["instrument"], r["receipts"], r["amount"]) for r in rep.rows] == [
        (YESTERDAY, "cash", 1, 10000), (DAY, "cash", 2, 70000), (DAY, "cheque", 1, 60000)]
    t = totals(rep)
    assert (t["Total collected"], t["By cash"], t["By cheque"], t["Service PT"], t["Receipts"]) == (
        140000, 80000, 60000, 140000, 4)
    assert t[f"On {DAY.isoformat()}"] == 130000


def test_receipt_register_lists_every_receipt_with_its_state(session, tenant, day_of_collections):
    rep = report(session, tenant, "receipt-register")
    assert [r["status"] for r in rep.rows] == ["REMITTED", "INSTR_BOUNCED", "APPROVED", "APPROVED", "CANCELLED",
                                               "APPROVED"]
    assert totals(rep)["Receipts that stand (not cancelled or bounced)"] == 140000
    mine = report(session, tenant, "receipt-register", NOV._replace(collector=CASHIER_2.name, status="APPROVED"))
    assert len(mine.rows) == 2


def test_the_same_report_as_json_csv_and_pdf(session, tenant, day_of_collections, tmp_path):
    rep = report(session, tenant, "collection-summary")
    shown = render.as_json(rep)
    assert shown["rows"][0] == {"date": YESTERDAY.isoformat(), "service": "PT", "instrument": "cash",
                                "receipts": 1, "amount": "100.00", "amountPaise": 10000}
    assert shown["summary"][-1] == {"label": "Receipts", "kind": "int", "value": 4, "valuePaise": None}
    lines = render.as_csv(rep).splitlines()
    assert lines[0] == "Date,Service,Instrument,Receipts,Amount" and "Total collected,1400.00" in lines
    pdf = render.as_pdf(rep)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        (tmp_path / "r.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Collection summary" in text and "1,400.00" in text


@pytest.mark.parametrize("name, params, code", [
    ("collection-summary", ReportParams(), "REPORT_PARAMETER_REQUIRED"),
    ("bank-reconciliation", ReportParams(as_of=DAY), "REPORT_PARAMETER_REQUIRED"),
    ("bank-reconciliation", ReportParams(as_of=DAY, bank_account="SBI-MAIN"), "BANK_STATEMENT_MISSING"),
    ("receipt-register", ReportParams(date_from=DAY, date_to=YESTERDAY), "DATE_RANGE_INVALID"),
    ("ledger", NOV, "REPORT_NOT_FOUND"),
])
def test_report_refusals(session, tenant, name, params, code):
    with pytest.raises(RasidError) as caught:
        build_report(session, tenant, name, params)
    assert caught.value.code == code
