"""Submit, approve, reject, cancel and correct receipts; what each does to bills and books."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from collection.audit import AuditEntry
from collection.bills.models import Bill, BillAccount
from collection.receipts import workflow
from collection.receipts.models import Instrument
from collection.receipts.payments import collect
from collection.service_master import Service
from ledger import reports
from ledger.errors import RasidError
from ledger.models import Voucher
from tests.collection.receipts_support import (
    APPROVER, CASHIER, DAY, PT_1, PT_2, cash, cheque, submit_examples,
)
from vouchers.posting import voucher_lines

BPA = "BPA/2026-27/0412"


@pytest.fixture
def bills(session, tenant):
    return submit_examples(session, tenant)


def pay(session, tenant, payment):
    result = collect(session, tenant, payment, CASHIER, today=DAY)
    session.commit()
    return result


def fails(code, fn, *args, **kwargs):
    with pytest.raises(RasidError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def cash_in_hand(session, tenant) -> int:
    rows = {r.glcode: r for r in reports.trial_balance(session, tenant, DAY, DAY).rows}
    return rows["4501001"].closing if "4501001" in rows else 0


def test_submit_approve_with_a_voucher_at_creation(session, tenant, bills):
    [receipt] = pay(session, tenant, cheque((BPA, 1603000))).receipts
    assert receipt.status == "TO_BE_SUBMITTED" and receipt.voucher_id is not None
    fails("RECEIPT_STATE", workflow.approve, session, tenant, [receipt.number], APPROVER)
    session.rollback()
    workflow.submit(session, tenant, [receipt.number], CASHIER)
    session.commit()
    assert receipt.status == "SUBMITTED" and receipt.submitted_by == CASHIER.name
    fails("SELF_APPROVAL", workflow.approve, session, tenant, [receipt.number], CASHIER)
    session.rollback()
    workflow.approve(session, tenant, [receipt.number], APPROVER)
    session.commit()
    assert (receipt.status, receipt.approved_by) == ("APPROVED", APPROVER.name)


def test_rejected_receipts_go_back_to_the_cashier_and_can_be_resubmitted(session, tenant, bills):
    [receipt] = pay(session, tenant, cash((BPA, 1603000))).receipts
    workflow.submit(session, tenant, [receipt.number], CASHIER)
    fails("REASON_REQUIRED", workflow.reject, session, tenant, [receipt.number], " ", APPROVER)
    workflow.reject(session, tenant, [receipt.number], "cash short by ₹10 at counter close", APPROVER)
    session.commit()
    assert (receipt.status, receipt.rejection_reason) == ("REJECTED", "cash short by ₹10 at counter close")
    workflow.submit(session, tenant, [receipt.number], CASHIER)
    session.commit()
    assert receipt.status == "SUBMITTED" and receipt.rejection_reason is None


def test_counter_close_submits_the_days_waiting_receipts_of_one_collector(session, tenant, bills):
    [receipt] = pay(session, tenant, cash((BPA, 1603000))).receipts
    pay(session, tenant, cash((PT_2, 3850000)))  # PT has no workflow: approved already
    submitted = workflow.submit_day(session, tenant, CASHIER.name, DAY, CASHIER)
    session.commit()
    assert [r.number for r in submitted] == [receipt.number] and receipt.status == "SUBMITTED"
    assert workflow.submit_day(session, tenant, CASHIER.name, DAY, CASHIER) == []


def test_a_service_can_post_its_receipt_vouchers_on_approval(session, tenant, bills):
    session.scalars(select(Service).where(Service.code == "BPA")).one().post_voucher_on = "approval"
    session.commit()
    [receipt] = pay(session, tenant, cash((BPA, 1603000))).receipts
    assert receipt.voucher_id is None and cash_in_hand(session, tenant) == 0
    workflow.submit(session, tenant, [receipt.number], CASHIER)
    workflow.approve(session, tenant, [receipt.number], APPROVER)
    session.commit()
    assert receipt.voucher_id is not None and cash_in_hand(session, tenant) == 1603000
    lines = voucher_lines(session, receipt.voucher_id)
    assert [(ln.glcode, ln.function, ln.department, ln.debit, ln.credit) for ln in lines] == [
        ("4501001", "101200", "TP", 1603000, 0), ("1401202", "101200", "TP", 0, 1000000),
        ("1401202", "101200", "TP", 0, 598000), ("1401202", "101200", "TP", 0, 5000)]


def test_cancelling_reverses_the_voucher_and_restores_the_outstanding(session, tenant, bills):
    first = pay(session, tenant, cash((PT_1, 500000))).receipts[0]
    assert cash_in_hand(session, tenant) == 500000
    fails("REASON_REQUIRED", workflow.cancel, session, tenant, first.number, "", APPROVER, today=DAY)
    result = workflow.cancel(session, tenant, first.number, "wrong assessment paid", APPROVER, today=DAY)
    session.commit()
    assert result.receipt.status == "CANCELLED" and result.instrument_shortfall == 500000
    assert result.reversal_number.startswith("XV/2026-27/")
    reversal = session.scalars(select(Voucher).where(Voucher.number == result.reversal_number)).one()
    assert reversal.reversal_of_id == first.voucher_id
    assert cash_in_hand(session, tenant) == 0
    assert all(a.paid_paise == 0 for a in session.scalars(
        select(BillAccount).where(BillAccount.bill_id == bills[PT_1].id)))
    assert session.get(Bill, bills[PT_1].id).live_receipts == 0
    assert session.get(Instrument, first.instrument_id).status == "CANCELLED"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "receipt.cancel")).one()
    assert entry.after["reversal"] == result.reversal_number
    fails("RECEIPT_STATE", workflow.cancel, session, tenant, first.number, "again", APPROVER, today=DAY)
    session.rollback()
    # the bill can be paid in full again, rebate and all; the cancelled number is not reused
    again = pay(session, tenant, cash((PT_1, 1418575))).receipts[0]
    assert again.number == "11/2026-27/000002"


def test_whoever_collected_a_receipt_cannot_cancel_it(session, tenant, bills):
    receipt = pay(session, tenant, cash((PT_1, 500000))).receipts[0]
    error = fails("SELF_CANCELLATION", workflow.cancel, session, tenant, receipt.number, "my mistake",
                  CASHIER, today=DAY)
    assert error.field == "number"
    session.rollback()
    assert cash_in_hand(session, tenant) == 500000
    assert workflow.cancel(session, tenant, receipt.number, "my mistake", APPROVER, today=DAY
                           ).receipt.status == "CANCELLED"


def test_cancelling_one_receipt_of_a_cheque_reports_the_shortfall(session, tenant, bills):
    payment = pay(session, tenant, cheque((PT_1, 1418575), (PT_2, 3850000)))
    result = workflow.cancel(session, tenant, payment.receipts[1].number, "second bill paid twice", APPROVER,
                             today=DAY)
    session.commit()
    assert result.instrument_shortfall == 3850000
    assert payment.receipts[0].status == "APPROVED"
    assert session.get(Instrument, payment.instrument.id).status == "NEW"


def test_corrections_touch_only_what_is_not_money_and_are_audited(session, tenant, bills):
    [receipt] = pay(session, tenant, cash((PT_2, 3850000))).receipts
    workflow.correct(session, tenant, receipt.number, {"payer_name": "Golden Temple Traders (Prop. A. Singh)",
                                                       "narration": "paid at ward office"}, CASHIER)
    session.commit()
    assert receipt.payer_name == "Golden Temple Traders (Prop. A. Singh)"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "receipt.correct")).one()
    assert entry.before == {"payer_name": "M/s Golden Temple Traders", "narration": None}
    assert entry.after["narration"] == "paid at ward office"
    fails("RECEIPT_FIELD_IMMUTABLE", workflow.correct, session, tenant, receipt.number,
          {"amount_paise": 1}, CASHIER)
    fails("PAYER_NAME_REQUIRED", workflow.correct, session, tenant, receipt.number, {"payer_name": " "}, CASHIER)
    fails("RECEIPT_NOT_FOUND", workflow.correct, session, tenant, "11/2026-27/999999", {"narration": "x"}, CASHIER)
