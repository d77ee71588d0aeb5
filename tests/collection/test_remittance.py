"""Remitting receipts: the contra voucher line by line, states, filters, and every refusal."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from collection.receipts import workflow
from collection.receipts.instruments import InstrumentIn
from collection.receipts.models import Instrument, Receipt
from collection.receipts.payments import BillPayment, PaymentIn, collect
from collection.remittance.models import Remittance, RemittanceItem
from collection.remittance.remit import RemittanceIn, remit
from collection.remittance.selection import ReceiptSelection, preview
from ledger.check import check_ledger
from ledger.errors import RasidError
from ledger.models import Voucher
from tests.collection.receipts_support import APPROVER, submit_examples
from tests.collection.remittance_support import (
    ACCOUNTANT,
    CASHIER,
    CASHIER_2,
    DAY,
    add_bills,
    balances,
    pay_cash,
    pay_cheque,
)
from vouchers.posting import voucher_lines

BPA = "BPA/2026-27/0412"


@pytest.fixture
def bills(session, tenant):
    add_bills(session, tenant, {"A1": 100000, "A2": 250050, "A3": 70000, "A4": 12345})
    return submit_examples(session, tenant)


def do_remit(session, tenant, slip="778812", bank="SBI-MAIN", day=DAY, **selection):
    result = remit(session, tenant, RemittanceIn(bank, slip, day, ReceiptSelection(**selection)), ACCOUNTANT,
                   today=DAY, batch_size=2)
    session.commit()
    return result


def refused(session, tenant, code, slip="778812", bank="SBI-MAIN", day=DAY, **selection) -> RasidError:
    with pytest.raises(RasidError) as caught:
        remit(session, tenant, RemittanceIn(bank, slip, day, ReceiptSelection(**selection)), ACCOUNTANT, today=DAY)
    session.rollback()
    assert caught.value.code == code, caught.value
    return caught.value


def lines(session, voucher_id):
    return [(ln.glcode, ln.function, ln.department, ln.debit, ln.credit) for ln in voucher_lines(session, voucher_id)]


def test_cash_and_cheques_go_to_the_bank_in_one_contra_voucher(session, tenant, bills):
    cash = pay_cash(session, tenant, "A1", 100000)
    cheque = pay_cheque(session, tenant, ("A2", 250050), ("A3", 70000))
    done = do_remit(session, tenant)
    r = done.remittance
    assert (r.status, r.receipt_count, r.cash_paise, r.cheque_paise, r.amount_paise) == (
        "REMITTED", 3, 100000, 320050, 420050)
    voucher = session.get(Voucher, r.voucher_id)
    assert voucher.voucher_type == "CONTRA" and voucher.number == done.voucher_number == "CV/2026-27/000001"
    assert voucher.voucher_date == DAY and voucher.total == 420050
    assert lines(session, r.voucher_id) == [("4502101", "91", "REV", 420050, 0),
                                            ("4501001", "91", "REV", 0, 100000),
                                            ("4501051", "91", "REV", 0, 320050)]
    session.refresh(cash)
    assert cash.status == "REMITTED"
    assert session.get(Instrument, cash.instrument_id).status == "RECONCILED"
    assert session.get(Instrument, cheque.instrument.id).status == "DEPOSITED"
    assert {x.status for x in cheque.receipts if session.refresh(x) is None} == {"REMITTED"}
    tb = balances(session, tenant)
    assert (tb["4501001"], tb["4501051"], tb["4502101"]) == (0, 0, 420050)
    items = session.execute(select(RemittanceItem.receipt_id, RemittanceItem.instrument_type,
                                   RemittanceItem.amount_paise).order_by(RemittanceItem.receipt_id)).all()
    assert [(t, a) for _, t, a in items] == [("cash", 100000), ("cheque", 250050), ("cheque", 70000)]
    assert check_ledger(session) == []


def test_segments_are_kept_per_function_and_department(session, tenant, bills):
    pay_cash(session, tenant, "A1", 100000)
    [bpa] = collect(session, tenant, PaymentIn(InstrumentIn("cash", 1603000), [BillPayment(1603000, ref_no=BPA)]),
                    CASHIER, today=DAY).receipts
    session.commit()
    workflow.submit(session, tenant, [bpa.number], CASHIER)
    workflow.approve(session, tenant, [bpa.number], APPROVER)
    session.commit()
    done = do_remit(session, tenant)
    assert lines(session, done.remittance.voucher_id) == [
        ("4502101", "101200", "TP", 1603000, 0), ("4502101", "91", "REV", 100000, 0),
        ("4501001", "101200", "TP", 0, 1603000), ("4501001", "91", "REV", 0, 100000)]


def test_only_approved_remittable_receipts_up_to_the_slip_date_are_taken(session, tenant, bills):
    early = pay_cash(session, tenant, "A1", 100000, day=DAY - dt.timedelta(days=2))
    pay_cash(session, tenant, "A4", 12345)  # dated after the slip below
    online = collect(session, tenant, PaymentIn(InstrumentIn("online", 70000, transaction_reference="PAY-1"),
                                                [BillPayment(70000, ref_no="A3")]), CASHIER, today=DAY)
    [waiting] = collect(session, tenant, PaymentIn(InstrumentIn("cash", 1603000), [BillPayment(1603000, ref_no=BPA)]),
                        CASHIER, today=DAY).receipts  # BPA: awaiting approval
    session.commit()
    assert preview(session, tenant, ReceiptSelection(), until=DAY - dt.timedelta(days=1)).total == 100000
    done = do_remit(session, tenant, day=DAY - dt.timedelta(days=1))
    assert done.remittance.receipt_count == 1
    for receipt, status in ((early, "REMITTED"), (waiting, "TO_BE_SUBMITTED"), (online.receipts[0], "APPROVED")):
        session.refresh(receipt)
        assert receipt.status == status


def test_filters_by_collector_service_and_dates(session, tenant, bills):
    pay_cash(session, tenant, "A1", 100000, actor=CASHIER)
    second = pay_cash(session, tenant, "A2", 50000, actor=CASHIER_2, day=DAY - dt.timedelta(days=1))
    assert refused(session, tenant, "NOTHING_TO_REMIT", collector="pb.amritsar/nobody").field == "selection"
    done = do_remit(session, tenant, collector=CASHIER_2.name, services=["PT"],
                    date_from=DAY - dt.timedelta(days=1), date_to=DAY - dt.timedelta(days=1))
    assert done.remittance.receipt_count == 1 and done.remittance.amount_paise == 50000
    session.refresh(second)
    assert second.status == "REMITTED"
    assert do_remit(session, tenant, slip="778813", instrument_types=["cash"]).remittance.amount_paise == 100000


def test_many_receipts_stream_in_batches_and_report_progress(session, tenant):
    add_bills(session, tenant, {f"M{n}": 1000 + n for n in range(7)})
    for n in range(7):
        pay_cash(session, tenant, f"M{n}", 1000 + n)
    seen = []
    done = remit(session, tenant, RemittanceIn("SBI-MAIN", "S-7", DAY), ACCOUNTANT, today=DAY, batch_size=3,
                 progress=seen.append)
    session.commit()
    assert seen == [3, 3, 1] and done.remittance.receipt_count == 7
    assert done.remittance.amount_paise == sum(1000 + n for n in range(7))


def test_receipts_of_another_fund_cannot_go_to_the_bank_account(session, tenant, bills):
    add_bills(session, tenant, {"CAP-1": 500000}, fund="02")
    pay_cash(session, tenant, "A1", 100000)
    pay_cash(session, tenant, "CAP-1", 500000)
    error = refused(session, tenant, "REMITTANCE_FUND_MISMATCH")
    assert "fund 02" in error.message and "SBI-MAIN" in error.message
    assert refused(session, tenant, "REMITTANCE_FUND_MISMATCH", fund="02").field == "fund"
    assert session.scalar(select(func.count()).select_from(Voucher).where(Voucher.voucher_type == "CONTRA")) == 0
    capital = do_remit(session, tenant, bank="CANARA-CAP", fund="02")
    assert lines(session, capital.remittance.voucher_id)[0][0] == "4502104"
    assert do_remit(session, tenant, slip="778813", fund="01").remittance.amount_paise == 100000


def test_double_remittance_is_refused(session, tenant, bills):
    receipt = pay_cash(session, tenant, "A1", 100000)
    do_remit(session, tenant, receipts=[receipt.number])
    refused(session, tenant, "RECEIPT_ALREADY_REMITTED", slip="2", receipts=[receipt.number])
    refused(session, tenant, "NOTHING_TO_REMIT", slip="3")
    pay_cash(session, tenant, "A2", 1000)
    refused(session, tenant, "PAY_IN_SLIP_USED")  # the slip is SBI-MAIN's already
    assert do_remit(session, tenant, bank="HDFC-COLL").remittance.amount_paise == 1000  # another bank's slip
    assert session.scalar(select(func.count()).select_from(Remittance)) == 2


@pytest.mark.parametrize("kind, extra", [("card", {"card_last4": "4242", "transaction_reference": "AUTH1"}),
                                         ("online", {"transaction_reference": "PG-1"}),
                                         ("neft", {"transaction_reference": "N-1"})])
def test_card_online_and_neft_are_not_remitted_by_hand(session, tenant, bills, kind, extra):
    [receipt] = collect(session, tenant, PaymentIn(InstrumentIn(kind, 100000, **extra),
                                                   [BillPayment(100000, ref_no="A1")]), CASHIER, today=DAY).receipts
    session.commit()
    assert refused(session, tenant, "INSTRUMENT_NOT_REMITTABLE", instrument_types=[kind]).field == "instrument_types"
    refused(session, tenant, "INSTRUMENT_NOT_REMITTABLE", receipts=[receipt.number])
    refused(session, tenant, "NOTHING_TO_REMIT")


def test_a_cheque_is_deposited_whole(session, tenant, bills):
    cheque = pay_cheque(session, tenant, ("A1", 100000), (BPA, 1603000))  # BPA's receipt waits for approval
    error = refused(session, tenant, "INSTRUMENT_PARTLY_SELECTED")
    assert cheque.receipts[1].number in error.message
    refused(session, tenant, "INSTRUMENT_PARTLY_SELECTED", receipts=[cheque.receipts[0].number])


def test_cash_paying_several_bills_is_counted_once_all_its_receipts_are_remitted(session, tenant, bills):
    """Cash for a bill awaiting approval stays in hand; cash whose other receipt was cancelled does not."""
    payment = PaymentIn(InstrumentIn("cash", 1703000), [BillPayment(100000, ref_no="A1"),
                                                        BillPayment(1603000, ref_no=BPA)], receipt_date=DAY)
    first, waiting = collect(session, tenant, payment, CASHIER, today=DAY).receipts
    session.commit()
    do_remit(session, tenant, slip="1")
    assert session.get(Instrument, first.instrument_id).status == "NEW"  # BPA's part is still at the counter
    workflow.submit(session, tenant, [waiting.number], CASHIER)
    workflow.approve(session, tenant, [waiting.number], APPROVER)
    session.commit()
    assert do_remit(session, tenant, slip="2").remittance.amount_paise == 1603000
    assert session.get(Instrument, first.instrument_id).status == "RECONCILED"

    payment = PaymentIn(InstrumentIn("cash", 320050), [BillPayment(250050, ref_no="A2"),
                                                       BillPayment(70000, ref_no="A3")], receipt_date=DAY)
    kept, dropped = collect(session, tenant, payment, CASHIER, today=DAY).receipts
    workflow.cancel(session, tenant, dropped.number, "entered twice", APPROVER, today=DAY)
    session.commit()
    assert do_remit(session, tenant, slip="3").remittance.amount_paise == 250050
    assert session.get(Instrument, kept.instrument_id).status == "RECONCILED"


@pytest.mark.parametrize("change, code", [
    ({"bank": "NO-SUCH"}, "BANK_ACCOUNT_NOT_FOUND"),
    ({"slip": "  "}, "PAY_IN_SLIP_INVALID"),
    ({"slip": "x" * 33}, "PAY_IN_SLIP_INVALID"),
    ({"day": DAY + dt.timedelta(days=1)}, "REMITTANCE_DATE_FUTURE"),
    ({"services": ["NOPE"]}, "SERVICE_NOT_FOUND"),
    ({"fund": "99"}, "FUND_NOT_FOUND"),
    ({"date_from": DAY, "date_to": DAY - dt.timedelta(days=1)}, "DATE_RANGE_INVALID"),
    ({"receipts": ["11/2026-27/999999"]}, "RECEIPT_NOT_FOUND"),
    ({"day": dt.date(2024, 11, 1)}, "NOTHING_TO_REMIT"),
])
def test_bad_requests_are_refused_and_nothing_is_written(session, tenant, bills, change, code):
    pay_cash(session, tenant, "A1", 100000)
    refused(session, tenant, code, **change)
    assert session.scalar(select(func.count()).select_from(Remittance)) == 0
    assert session.scalar(select(func.count()).select_from(RemittanceItem)) == 0
    assert session.scalar(select(Receipt.status)) == "APPROVED"


def test_a_closed_period_refuses_the_remittance(session, tenant, bills):
    from ledger.periods import set_period_status
    pay_cash(session, tenant, "A1", 100000)
    set_period_status(session, tenant, "2026-11", "closed", "CAO")
    session.commit()
    refused(session, tenant, "LEDGER_PERIOD_CLOSED")
    assert session.scalar(select(Receipt.status)) == "APPROVED"


def test_the_database_keeps_remittances_as_posted(session, tenant, bills):
    pay_cash(session, tenant, "A1", 100000)
    done = do_remit(session, tenant)
    for statement in ("UPDATE remittances SET amount_paise = 1, cash_paise = 1",
                      "UPDATE remittances SET pay_in_slip = 'other'",
                      "UPDATE remittances SET voucher_id = NULL",
                      "DELETE FROM remittances",
                      "UPDATE remittance_items SET amount_paise = 1",
                      "DELETE FROM remittance_items"):
        with pytest.raises(DBAPIError, match="REMITTANCE_IMMUTABLE"):
            session.execute(text(statement))
        session.rollback()
    assert session.get(Remittance, done.remittance.id).amount_paise == 100000


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(payments=st.lists(st.tuples(st.sampled_from(["cash", "cheque", "dd"]), st.integers(1, 5_000_000)),
                         min_size=1, max_size=6))
def test_the_contra_voucher_always_balances_and_equals_the_receipts(factory, tenant, payments):
    with factory() as session:
        start = session.scalar(select(func.count()).select_from(Receipt))
        refs = {f"H{start}-{n}": amount for n, (_, amount) in enumerate(payments)}
        add_bills(session, tenant, refs)
        numbers = []
        for n, ((kind, amount), ref) in enumerate(zip(payments, refs)):
            if kind == "cash":
                numbers.append(pay_cash(session, tenant, ref, amount).number)
            else:
                numbers += [r.number for r in pay_cheque(session, tenant, (ref, amount), kind=kind,
                                                         number=f"{100000 + start + n}").receipts]
        done = remit(session, tenant, RemittanceIn("SBI-MAIN", f"P{start}", DAY, ReceiptSelection(receipts=numbers)),
                     ACCOUNTANT, today=DAY, batch_size=4)
        session.commit()
        posted = voucher_lines(session, done.remittance.voucher_id)
        debit, credit = sum(x.debit for x in posted), sum(x.credit for x in posted)
        cash = sum(a for k, a in payments if k == "cash")
        assert debit == credit == done.remittance.amount_paise == sum(refs.values())
        assert [x.debit for x in posted if x.glcode == "4502101"] == [sum(refs.values())]
        assert sum(x.credit for x in posted if x.glcode == "4501001") == cash == done.remittance.cash_paise
        assert sum(x.credit for x in posted if x.glcode == "4501051") == sum(refs.values()) - cash


def test_concurrent_remittances_and_cancellations_never_remit_a_receipt_twice(factory, tenant):
    """Eight accountants remit the same receipts while an approver cancels one: each receipt is
    remitted once or cancelled, never both, and the books agree (both databases)."""
    import threading
    from collections import Counter

    from ledger.db import unit_of_work

    with factory() as session:
        add_bills(session, tenant, {f"C{n}": 10000 + n for n in range(6)})
        numbers = [pay_cash(session, tenant, f"C{n}", 10000 + n).number for n in range(6)]
    start, outcomes, crashes = threading.Barrier(9), Counter(), []

    def accountant(n: int) -> None:
        try:
            start.wait()
            with unit_of_work(factory) as session:
                remit(session, tenant, RemittanceIn("SBI-MAIN", f"R{n}", DAY), ACCOUNTANT, today=DAY, batch_size=2)
            outcomes["remitted"] += 1
        except RasidError as exc:
            outcomes[exc.code] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            crashes.append(exc)

    def approver() -> None:
        try:
            start.wait()
            with unit_of_work(factory) as session:
                workflow.cancel(session, tenant, numbers[3], "wrong bill", APPROVER, today=DAY)
            outcomes["cancelled"] += 1
        except RasidError as exc:
            outcomes[exc.code] += 1

    threads = [threading.Thread(target=accountant, args=(n,)) for n in range(8)]
    threads.append(threading.Thread(target=approver))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not crashes, crashes
    assert outcomes["remitted"] >= 1 and outcomes["remitted"] + outcomes["NOTHING_TO_REMIT"] == 8, outcomes
    with factory() as session:
        statuses = Counter(session.scalars(select(Receipt.status).where(Receipt.number.in_(numbers))))
        remitted = session.scalar(select(func.sum(Remittance.amount_paise)))
        assert statuses["REMITTED"] + statuses["CANCELLED"] == 6 and statuses["CANCELLED"] <= 1
        assert remitted == sum(10000 + n for n in range(6) if outcomes["cancelled"] == 0 or n != 3)
        assert balances(session, tenant)["4501001"] == 0 and check_ledger(session) == []
