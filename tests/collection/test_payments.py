"""Collecting payments: receipts, numbering, apportioning, vouchers, every refusal code."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from collection.bills.intake import submit_bill_xml
from collection.bills.models import BillAccount
from collection.receipts.instruments import InstrumentIn
from collection.receipts.models import Instrument, Receipt
from collection.receipts.payments import BillPayment, PaymentIn, collect
from collection.receipts.search import ReceiptFilter, receipt_heads, search
from ledger import reports
from ledger.errors import RasidError
from ledger.models import Voucher
from tests.conftest import ROOT
from tests.collection.receipts_support import (
    CASHIER, DAY, PT_1, PT_2, cash, cheque, submit_examples,
)
from vouchers.posting import voucher_lines


ROOT_BILLS = ROOT / "examples" / "bills"


@pytest.fixture
def bills(session, tenant):
    return submit_examples(session, tenant)


def pay(session, tenant, payment, **kw):
    result = collect(session, tenant, payment, CASHIER, today=DAY, **kw)
    session.commit()
    return result


def refused(session, tenant, payment) -> RasidError:
    with pytest.raises(RasidError) as caught:
        collect(session, tenant, payment, CASHIER, today=DAY)
    session.rollback()
    return caught.value


def lines_of(session, receipt):
    voucher = session.get(Voucher, receipt.voucher_id)
    return voucher, [(ln.glcode, ln.function, ln.debit, ln.credit) for ln in voucher_lines(session, voucher.id)]


def test_a_full_cash_payment_makes_an_approved_numbered_receipt_and_a_balanced_voucher(session, tenant, bills):
    [receipt] = pay(session, tenant, cash((PT_1, 1418575))).receipts
    assert receipt.number == "11/2026-27/000001"
    assert (receipt.status, receipt.amount_paise, receipt.consumer_code) == ("APPROVED", 1418575, "PT-AMR-07-0451-002")
    assert receipt.payer_name == "Smt. Harpreet Kaur Sandhu" and receipt.bill_version == 1
    voucher, lines = lines_of(session, receipt)
    assert voucher.number.startswith("RV/2026-27/") and voucher.total == 1478575
    assert lines == [("4501001", "91", 1418575, 0),     # cash in hand, net
                     ("1109002", "91", 60000, 0),       # rebate applied in full
                     ("1100101", "91", 0, 240000),      # arrears first (order 1)
                     ("1718001", "91", 0, 18575),       # interest (order 2)
                     ("1100101", "91", 0, 1220000)]     # current tax (order 3)
    heads = receipt_heads(session, receipt.id)
    assert sum(h.cr_paise for h in heads) - sum(h.dr_paise for h in heads) == 1418575
    tb = {row.glcode: row for row in reports.trial_balance(session, tenant, DAY, DAY).rows}
    assert tb["4501001"].debit == 1418575


def test_numbers_follow_the_service_format_in_one_gapless_series_per_year(session, tenant, bills):
    first = pay(session, tenant, cash((PT_2, 1000000))).receipts[0]
    second = pay(session, tenant, cheque(("BPA/2026-27/0412", 1603000))).receipts[0]
    third = pay(session, tenant, cash((PT_2, 2850000))).receipts[0]
    assert [r.number for r in (first, second, third)] == ["11/2026-27/000001", "11/2026-27/000002",
                                                          "11/2026-27/000003"]


def test_part_payments_fill_heads_in_order_and_continue_where_the_last_stopped(session, tenant, bills):
    first = pay(session, tenant, cash((PT_1, 200000))).receipts[0]
    # 2,000 paid + 600 rebate fill arrears (2,400), interest (185.75), then 14.25 of the current tax
    assert [(h.glcode, h.cr_paise, h.dr_paise) for h in receipt_heads(session, first.id)] == [
        ("1109002", 0, 60000), ("1100101", 240000, 0), ("1718001", 18575, 0), ("1100101", 1425, 0)]
    second = pay(session, tenant, cash((PT_1, 300000))).receipts[0]
    assert [(h.glcode, h.cr_paise, h.dr_paise) for h in receipt_heads(session, second.id)] == [
        ("1100101", 300000, 0)]
    paid = {a.order: a.paid_paise for a in session.scalars(select(BillAccount).where(
        BillAccount.bill_id == bills[PT_1].id))}
    assert paid == {1: 240000, 2: 18575, 3: 301425, 4: 60000}
    assert refused(session, tenant, cash((PT_1, 100))).code == "BELOW_MINIMUM"  # minimum 2,000 still applies
    last = pay(session, tenant, cash((PT_1, 918575))).receipts[0]
    assert [(h.glcode, h.cr_paise) for h in receipt_heads(session, last.id)] == [("1100101", 918575)]
    assert refused(session, tenant, cash((PT_1, 100))).code == "BILL_ALREADY_PAID"


def test_an_excess_goes_to_the_advance_head_when_the_service_takes_advances(session, tenant, bills):
    [receipt] = pay(session, tenant, cash((PT_2, 4000000))).receipts
    assert receipt.advance_paise == 150000
    _, lines = lines_of(session, receipt)
    assert lines[-1] == ("3504101", "91", 0, 150000) and lines[0] == ("4501001", "91", 4000000, 0)


def test_an_excess_is_refused_where_the_service_takes_no_advance(session, tenant, bills):
    error = refused(session, tenant, cheque(("BPA/2026-27/0412", 1603001)))
    assert error.code == "AMOUNT_EXCEEDS_OUTSTANDING" and error.field == "bills[0].amount"


@pytest.mark.parametrize("payment, code", [
    (cash(("NO-SUCH-BILL", 100)), "BILL_NOT_FOUND"),
    (PaymentIn(InstrumentIn("card", 1603000, card_last4="4242", transaction_reference="AUTH77"),
               [BillPayment(1603000, ref_no="BPA/2026-27/0412")]), "INSTRUMENT_NOT_ALLOWED"),  # BPA takes no cards
    (cheque(("BPA/2026-27/0412", 1000000)), "PART_PAYMENT_NOT_ALLOWED"),
    (cash((PT_2, 500000)), "BELOW_MINIMUM"),
    (cash((PT_2, 0)), "AMOUNT_ZERO"),
    (cash((PT_2, 1000000), (PT_2, 1000000)), "BILL_REPEATED"),
    (PaymentIn(InstrumentIn("cash", 999), [BillPayment(1000, ref_no=PT_2)]), "AMOUNT_MISMATCH"),
    (PaymentIn(InstrumentIn("bitcoin", 1000), [BillPayment(1000, ref_no=PT_2)]), "INSTRUMENT_TYPE_UNKNOWN"),
    (PaymentIn(InstrumentIn("bankchallan", 1000000, number="C1", date=DAY, bank_account="SBI-MAIN"),
               [BillPayment(1000000, ref_no=PT_2)]), "INSTRUMENT_NOT_ALLOWED"),
    (PaymentIn(InstrumentIn("bankchallan", 1603000, number="C1", date=DAY, bank_account="CANARA-CAP"),
               [BillPayment(1603000, ref_no="BPA/2026-27/0412")]), "BANK_ACCOUNT_FUND_MISMATCH"),  # fund 02's
    (cheque((PT_2, 1000000), date=DAY + dt.timedelta(days=1)), "INSTRUMENT_INVALID"),
    (cheque((PT_2, 1000000), date=dt.date(2026, 8, 22)), "INSTRUMENT_INVALID"),
    (PaymentIn(InstrumentIn("card", 1000000, card_last4="12345"), [BillPayment(1000000, ref_no=PT_2)]),
     "INSTRUMENT_INVALID"),
    (PaymentIn(InstrumentIn("online", 1000000), [BillPayment(1000000, ref_no=PT_2)]), "INSTRUMENT_INVALID"),
    (cash((PT_2, 1000000), collection_type="X"), "COLLECTION_TYPE_INVALID"),
    (cash((PT_2, 1000000), receipt_date=DAY + dt.timedelta(days=1)), "RECEIPT_DATE_FUTURE"),
    (PaymentIn(InstrumentIn("cash", 0), []), "NO_BILLS"),
    (PaymentIn(InstrumentIn("cash", 1000), [BillPayment(1000)]), "BILL_REFERENCE_MISSING"),
])
def test_refusals_have_stable_codes_and_write_nothing(session, tenant, bills, payment, code):
    assert refused(session, tenant, payment).code == code
    assert session.scalar(select(Receipt.id)) is None and session.scalar(select(Instrument.id)) is None
    assert session.scalar(select(Voucher.id)) is None


def test_instrument_errors_are_listed_all_at_once(session, tenant, bills):
    payment = PaymentIn(InstrumentIn("cheque", 1000000, number="12AB", date=DAY + dt.timedelta(days=3)),
                        [BillPayment(1000000, ref_no=PT_2)])
    error = refused(session, tenant, payment)
    assert {d["code"] for d in error.details} == {"INSTRUMENT_FIELD_REQUIRED", "CHEQUE_NUMBER_INVALID",
                                                  "INSTRUMENT_POSTDATED"}
    assert {d["field"] for d in error.details if d["code"] == "INSTRUMENT_FIELD_REQUIRED"} == {
        "instrument.bank", "instrument.branch"}


def test_a_backdated_receipt_cannot_acknowledge_a_later_cheque(session, tenant, bills):
    payment = cheque((PT_2, 1000000), date=DAY - dt.timedelta(days=1), receipt_date=DAY - dt.timedelta(days=3))
    error = refused(session, tenant, payment)
    assert error.code == "INSTRUMENT_INVALID" and [d["code"] for d in error.details] == ["INSTRUMENT_POSTDATED"]
    assert "after the receipt's date (2026-11-20)" in error.message
    assert pay(session, tenant, cheque((PT_2, 1000000), date=DAY - dt.timedelta(days=3),
                                       receipt_date=DAY - dt.timedelta(days=3))).receipts


@pytest.mark.parametrize("gateway, holding", [("BBPS", "4501072"), ("bbps", "4501072"),
                                              ("SBIEPAY", "4501071"), (None, "4501071")])
def test_online_money_waits_in_its_gateways_clearing_account(session, tenant, bills, gateway, holding):
    payment = PaymentIn(InstrumentIn("online", 1000000, transaction_reference="TXN-1", gateway=gateway),
                        [BillPayment(1000000, ref_no=PT_2)])
    receipt = pay(session, tenant, payment).receipts[0]
    voucher, lines = lines_of(session, receipt)
    assert lines[0][0] == holding and lines[0][2] == 1000000  # Dr the clearing head, first line


def test_a_bill_stored_with_a_two_sided_head_is_not_collected(session, tenant, bills):
    """Intake refuses such heads now (ACCOUNT_BOTH_SIDES); one stored before is not apportioned."""
    session.execute(text("UPDATE bill_accounts SET cr_paise = cr_paise + 100, dr_paise = 100 "
                         "WHERE bill_id = :bill AND line_no = 1"), {"bill": bills[PT_2].id})
    session.commit()
    error = refused(session, tenant, cash((PT_2, 1000000)))
    assert (error.code, error.field) == ("BILL_HEAD_BOTH_SIDES", "bills[0]")


def test_superseded_and_cancelled_bills_cannot_be_paid(session, tenant, bills):
    old = bills[PT_2]
    document = (ROOT_BILLS / "property-tax-ward-7.xml").read_bytes().replace(b"<crAmount>2500</crAmount>",
                                                                            b"<crAmount>2600</crAmount>")
    document = document.replace(b"<totalAmount>38500</totalAmount>", b"<totalAmount>38600</totalAmount>")
    submit_bill_xml(session, tenant, document)
    session.commit()
    stale = PaymentIn(InstrumentIn("cash", 3850000), [BillPayment(3850000, bill_id=old.id)])
    assert refused(session, tenant, stale).code == "BILL_SUPERSEDED"
    by_version = PaymentIn(InstrumentIn("cash", 3850000), [BillPayment(3850000, ref_no=PT_2, version=1)])
    assert refused(session, tenant, by_version).code == "BILL_SUPERSEDED"
    [receipt] = pay(session, tenant, cash((PT_2, 3860000))).receipts
    assert receipt.bill_version == 2
    session.execute(text("UPDATE bills SET status = 'cancelled' WHERE ref_no = :ref AND status = 'active'"),
                    {"ref": "BPA/2026-27/0412"})
    session.commit()
    assert refused(session, tenant, cheque(("BPA/2026-27/0412", 1603000))).code == "BILL_CANCELLED"


def test_a_paid_bill_is_locked_against_new_versions(session, tenant, bills):
    pay(session, tenant, cash((PT_2, 1000000)))
    document = (ROOT_BILLS / "property-tax-ward-7.xml").read_bytes().replace(b"<crAmount>2500</crAmount>",
                                                                            b"<crAmount>2600</crAmount>")
    document = document.replace(b"<totalAmount>38500</totalAmount>", b"<totalAmount>38600</totalAmount>")
    with pytest.raises(RasidError) as caught:
        submit_bill_xml(session, tenant, document)
    assert caught.value.code == "BILL_LOCKED"


def test_one_cheque_pays_several_bills_with_one_receipt_each(session, tenant, bills):
    payment = pay(session, tenant, cheque((PT_1, 1418575), (PT_2, 3850000), payer_name="Ravi Kumar"))
    assert payment.instrument.amount_paise == 5268575 and payment.instrument.instrument_type == "cheque"
    assert [r.amount_paise for r in payment.receipts] == [1418575, 3850000]
    assert {r.instrument_id for r in payment.receipts} == {payment.instrument.id}
    assert all(r.payer_name == "Ravi Kumar" for r in payment.receipts)
    _, lines = lines_of(session, payment.receipts[1])
    assert lines[0] == ("4501051", "91", 3850000, 0)  # cheque in hand


def test_a_retry_with_the_same_key_returns_the_original_receipts(session, tenant, bills):
    first = pay(session, tenant, cash((PT_2, 3850000), key="pos-7-000123"))
    again = pay(session, tenant, cash((PT_2, 3850000), key="pos-7-000123"))
    assert again.replayed and [r.number for r in again.receipts] == [r.number for r in first.receipts]
    assert session.scalar(select(text("count(*)")).select_from(Receipt)) == 1
    assert refused(session, tenant, cash((PT_2, 1000000), key="pos-7-000123")).code == "IDEMPOTENCY_KEY_REUSED"


def test_a_zero_bill_is_receipted_for_nothing_once(session, tenant):
    zero = (ROOT_BILLS / "bpa-permit-fees.xml").read_bytes()
    zero = zero.replace(b"<totalAmount>16030</totalAmount>", b"<totalAmount>0</totalAmount>")
    for amount in (b"10000", b"5980", b"50"):
        zero = zero.replace(b"<crAmount>" + amount + b"</crAmount>", b"<crAmount>0</crAmount>")
    submit_bill_xml(session, tenant, zero)
    session.commit()
    payment = PaymentIn(InstrumentIn("cash", 0), [BillPayment(0, ref_no="BPA/2026-27/0412")])
    [receipt] = pay(session, tenant, payment).receipts
    assert receipt.amount_paise == 0 and receipt.voucher_id is None
    assert refused(session, tenant, payment).code == "BILL_ALREADY_PAID"


def test_search_finds_receipts_by_every_filter(session, tenant, bills):
    pay(session, tenant, cash((PT_1, 1418575)))
    pay(session, tenant, cheque((PT_2, 3850000)))
    for where, expected in [(ReceiptFilter(), 2), (ReceiptFilter(consumer_code="PT-AMR-07-0452-001"), 1),
                            (ReceiptFilter(bill_ref_no=PT_1), 1), (ReceiptFilter(service="PT"), 2),
                            (ReceiptFilter(service="BPA"), 0), (ReceiptFilter(status="APPROVED"), 2),
                            (ReceiptFilter(instrument_type="cheque"), 1),
                            (ReceiptFilter(collected_by=CASHIER.name), 2),
                            (ReceiptFilter(date_from=DAY, date_to=DAY), 2),
                            (ReceiptFilter(date_to=DAY - dt.timedelta(days=1)), 0),
                            (ReceiptFilter(number="11/2026-27/000002"), 1)]:
        total, rows = search(session, tenant, where)
        assert total == expected == len(rows), where
    total, rows = search(session, tenant, ReceiptFilter(), limit=1, offset=1)
    assert total == 2 and [r.receipt.number for r in rows] == ["11/2026-27/000001"]


def test_the_database_refuses_edits_of_a_receipts_money(session, tenant, bills):
    [receipt] = pay(session, tenant, cash((PT_2, 3850000))).receipts
    for statement in ("UPDATE receipts SET amount_paise = 1 WHERE id = :id",
                      "UPDATE receipts SET number = 'X' WHERE id = :id",
                      "DELETE FROM receipts WHERE id = :id",
                      "UPDATE receipt_heads SET cr_paise = 1 WHERE receipt_id = :id",
                      "DELETE FROM receipt_heads WHERE receipt_id = :id",
                      "UPDATE instruments SET amount_paise = 1",
                      "UPDATE receipts SET voucher_id = NULL WHERE id = :id"):
        with pytest.raises(DBAPIError, match="RECEIPT_IMMUTABLE"):
            session.execute(text(statement), {"id": receipt.id})
        session.rollback()
    session.execute(text("UPDATE receipts SET payer_name = 'Corrected' WHERE id = :id"), {"id": receipt.id})
    session.commit()


def test_idempotency_keys_belong_to_their_collector(session, tenant, bills):
    from collection.audit import Actor
    pay(session, tenant, cash((PT_2, 1000000), key="k-1"))
    other = collect(session, tenant, cash((PT_2, 1000000), key="k-1"), Actor("pb.amritsar/cashier2"), today=DAY)
    session.commit()
    assert not other.replayed and other.receipts[0].number == "11/2026-27/000002"


def test_a_receipt_cannot_predate_its_bill(session, tenant, bills):
    error = refused(session, tenant, cash(("BPA/2026-27/0412", 1603000), receipt_date=dt.date(2026, 11, 17)))
    assert error.code == "RECEIPT_BEFORE_BILL"


def test_the_payer_defaults_to_the_bill_and_can_be_given(session, tenant, bills):
    [mine] = pay(session, tenant, cash((PT_2, 1000000), payer_address="Ward office counter 2")).receipts
    assert (mine.payer_name, mine.payer_address) == ("M/s Golden Temple Traders", "Ward office counter 2")
    [named] = pay(session, tenant, cash((PT_2, 1000000), payer_name="A. Singh")).receipts
    assert (named.payer_name, named.payer_address) == ("A. Singh", None)


def test_a_bills_paid_and_outstanding_count_the_rebate_once(session, tenant, bills):
    from collection.bills.reads import get_bill
    pay(session, tenant, cash((PT_1, 500000)))
    bill = get_bill(session, tenant, bills[PT_1].id)
    assert (bill["paid"], bill["outstanding"]) == (500000, 918575)
    heads = [(h["glcode"], h["paid"], h["outstanding"]) for h in bill["accounts"]]
    assert heads == [("1100101", 240000, 0), ("1718001", 18575, 0), ("1100101", 301425, 918575),
                     ("1109002", -60000, 0)]
    assert sum(h["paid"] for h in bill["accounts"]) == bill["paid"]
    pay(session, tenant, cash((PT_1, 918575)))
    assert get_bill(session, tenant, bills[PT_1].id)["outstanding"] == 0


def test_a_retry_the_next_day_still_replays(session, tenant, bills):
    first = pay(session, tenant, cash((PT_2, 1000000), key="pos-9-1"))
    again = collect(session, tenant, cash((PT_2, 1000000), key="pos-9-1"), CASHIER, today=DAY + dt.timedelta(days=1))
    assert again.replayed and again.receipts[0].number == first.receipts[0].number
    assert again.receipts[0].receipt_date == DAY


def test_a_bill_silent_on_part_payment_follows_its_service(session, tenant, bills):
    """PT allows part payment by default and BPA does not; the bills say nothing of it."""
    for name, flag in (("property-tax-ward-7.xml", b"<partPaymentAllowed>1</partPaymentAllowed>"),
                       ("bpa-permit-fees.xml", b"<partPaymentAllowed>0</partPaymentAllowed>")):
        document = (ROOT_BILLS / name).read_bytes().replace(flag, b"")
        document = document.replace(b"/2026-27/0", b"/2026-27/9")
        submit_bill_xml(session, tenant, document)
    session.commit()
    [receipt] = pay(session, tenant, cash(("PT/2026-27/988812", 200000))).receipts
    assert (receipt.amount_paise, receipt.status) == (200000, "APPROVED")
    error = refused(session, tenant, cash(("BPA/2026-27/9412", 1000000)))
    assert error.code == "PART_PAYMENT_NOT_ALLOWED"
