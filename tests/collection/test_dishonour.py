"""Dishonoured cheques: the reversal journal line by line, states, bills paid again, penalties."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from collection.bills.models import Bill, BillAccount
from collection.receipts import workflow
from collection.receipts.models import Instrument
from collection.receipts.payments import collect
from collection.remittance.dishonour import dishonour
from collection.remittance.models import Dishonour
from collection.service_master import Service
from collection.remittance.remit import RemittanceIn, remit
from ledger.check import check_ledger
from ledger.errors import RasidError
from ledger.models import Voucher
from tests.collection.receipts_support import APPROVER, PT_1, submit_examples
from tests.collection.receipts_support import cheque as example_cheque
from tests.collection.remittance_support import (
    ACCOUNTANT,
    CASHIER,
    DAY,
    add_bills,
    balances,
    pay_cash,
    pay_cheque,
)
from vouchers.posting import voucher_lines


def remit_all(session, tenant, slip="778812", day=DAY):
    done = remit(session, tenant, RemittanceIn("SBI-MAIN", slip, day), ACCOUNTANT, today=DAY)
    session.commit()
    return done.remittance


def bounce(session, tenant, instrument_id, **kw):
    result = dishonour(session, tenant, instrument_id, "refer to drawer: funds insufficient", ACCOUNTANT,
                       today=DAY, **kw)
    session.commit()
    return result


def fails(session, code, instrument_id, tenant="pb.amritsar", **kw):
    with pytest.raises(RasidError) as caught:
        dishonour(session, tenant, instrument_id, "returned", ACCOUNTANT, today=DAY, **kw)
    session.rollback()
    assert caught.value.code == code, caught.value
    return caught.value


def paid(session, bill_id) -> list[int]:
    return [a.paid_paise for a in session.scalars(select(BillAccount).where(BillAccount.bill_id == bill_id)
                                                  .order_by(BillAccount.line_no))]


def test_the_journal_undoes_the_receipt_voucher_with_the_bank_in_place_of_cheques_in_hand(session, tenant):
    bills = submit_examples(session, tenant)
    [receipt] = collect(session, tenant, example_cheque((PT_1, 1418575)), CASHIER, today=DAY).receipts
    session.commit()
    remit_all(session, tenant)
    instrument = session.get(Instrument, receipt.instrument_id)
    done = bounce(session, tenant, instrument.id)
    journal = session.get(Voucher, done.dishonour.voucher_id)
    assert journal.voucher_type == "JOURNAL" and journal.number == done.voucher_number == "JV/2026-27/000001"
    receipt_lines = voucher_lines(session, receipt.voucher_id)
    undo = voucher_lines(session, journal.id)
    # Every income head debited (the rebate credited) exactly as the receipt credited (debited) it …
    assert [(x.glcode, x.function, x.debit, x.credit) for x in undo[1:]] == [
        (x.glcode, x.function, x.credit, x.debit) for x in receipt_lines[1:]]
    # … and the bank credited where the receipt debited cheques-in-hand.
    assert (receipt_lines[0].glcode, receipt_lines[0].debit) == ("4501051", 1418575)
    assert (undo[0].glcode, undo[0].credit, undo[0].fund, undo[0].department) == ("4502101", 1418575, "01", "REV")
    session.refresh(receipt)
    assert (receipt.status, receipt.reversal_voucher_id) == ("INSTR_BOUNCED", journal.id)
    assert session.get(Instrument, instrument.id).status == "DISHONOURED"
    bill = session.get(Bill, bills[PT_1].id)
    assert bill.live_receipts == 0 and paid(session, bill.id) == [0, 0, 0, 0]
    tb = balances(session, tenant)
    assert tb["4501051"] == 0 and tb["4502101"] == 0 and tb.get("1100101", 0) == 0
    assert check_ledger(session) == []


def test_the_bill_can_be_paid_again_and_a_penalty_is_billed(session, tenant):
    add_bills(session, tenant, {"A1": 100000, "A2": 70000})
    paid_by = pay_cheque(session, tenant, ("A1", 100000), ("A2", 70000))
    remit_all(session, tenant)
    done = bounce(session, tenant, paid_by.instrument.id)
    assert [r.status for r in done.receipts] == ["INSTR_BOUNCED", "INSTR_BOUNCED"]
    assert done.dishonour.amount_paise == 170000 and len(voucher_lines(session, done.dishonour.voucher_id)) == 6
    penalty = done.penalty_bill
    assert (penalty.ref_no, penalty.total_paise, penalty.consumer_code) == (f"CHQBOUNCE/{paid_by.instrument.id}",
                                                                            50000, "C-A1")
    head = session.scalars(select(BillAccount).where(BillAccount.bill_id == penalty.id)).one()
    assert (head.glcode, head.cr_paise, head.purpose) == ("1808002", 50000, "CHEQUE_BOUNCE_PENALTY")
    assert done.dishonour.penalty_bill_id == penalty.id
    again = pay_cash(session, tenant, "A1", 100000)  # the bill is outstanding again
    assert again.amount_paise == 100000
    assert pay_cash(session, tenant, penalty.ref_no, 50000).amount_paise == 50000


def test_no_penalty_when_not_asked_or_not_configured(session, tenant):
    add_bills(session, tenant, {"A1": 100000, "W1": 5000}, service="WS", function="9100")
    first = pay_cheque(session, tenant, ("A1", 100000), number="100001")
    water = pay_cheque(session, tenant, ("W1", 5000), number="100002")
    remit_all(session, tenant)
    assert bounce(session, tenant, first.instrument.id, penalty=False).penalty_bill is None
    assert bounce(session, tenant, water.instrument.id).penalty_bill is None  # WS has no penalty configured


def test_cash_and_undeposited_cheques_are_not_dishonoured(session, tenant):
    add_bills(session, tenant, {"A1": 100000, "A2": 70000})
    cash = pay_cash(session, tenant, "A1", 100000)
    in_hand = pay_cheque(session, tenant, ("A2", 70000))
    assert "cancel" in fails(session, "INSTRUMENT_NOT_DEPOSITED", in_hand.instrument.id).message
    remit_all(session, tenant)
    assert "cancel the receipt" in fails(session, "INSTRUMENT_NOT_DISHONOURABLE", cash.instrument_id).message
    fails(session, "INSTRUMENT_NOT_FOUND", 9999)
    bounce(session, tenant, in_hand.instrument.id)
    fails(session, "INSTRUMENT_ALREADY_DISHONOURED", in_hand.instrument.id)


def test_dates_and_reasons_are_checked(session, tenant):
    add_bills(session, tenant, {"A1": 100000})
    cheque = pay_cheque(session, tenant, ("A1", 100000))
    remit_all(session, tenant)
    fails(session, "DISHONOUR_DATE_FUTURE", cheque.instrument.id, on=DAY + dt.timedelta(days=1))
    fails(session, "DISHONOUR_BEFORE_DEPOSIT", cheque.instrument.id, on=DAY - dt.timedelta(days=1))
    with pytest.raises(RasidError) as caught:
        dishonour(session, tenant, cheque.instrument.id, "  ", ACCOUNTANT, today=DAY)
    session.rollback()
    assert caught.value.code == "REASON_REQUIRED"
    assert session.get(Instrument, cheque.instrument.id).status == "DEPOSITED"


def test_a_cancelled_receipt_is_not_bounced_twice(session, tenant):
    """A two-bill cheque with one receipt cancelled before remittance bounces only the other."""
    add_bills(session, tenant, {"A1": 100000, "A2": 70000})
    cheque = pay_cheque(session, tenant, ("A1", 100000), ("A2", 70000))
    workflow.cancel(session, tenant, cheque.receipts[1].number, "wrong bill", APPROVER, today=DAY)
    session.commit()
    remit_all(session, tenant)
    done = bounce(session, tenant, cheque.instrument.id)
    assert [r.number for r in done.receipts] == [cheque.receipts[0].number]
    assert done.dishonour.amount_paise == 100000


def test_dishonours_are_append_only(session, tenant):
    add_bills(session, tenant, {"A1": 100000})
    cheque = pay_cheque(session, tenant, ("A1", 100000))
    remit_all(session, tenant)
    bounce(session, tenant, cheque.instrument.id)
    for statement in ("UPDATE dishonours SET amount_paise = 1", "DELETE FROM dishonours"):
        with pytest.raises(DBAPIError, match="REMITTANCE_IMMUTABLE"):
            session.execute(text(statement))
        session.rollback()
    assert session.scalar(select(Dishonour.amount_paise)) == 100000


def test_the_penalty_is_a_service_master_setting(session, tenant):
    from collection.masters import load_masters, parse_masters
    from collection.service_master import ServiceBouncePenalty

    def masters(penalty) -> dict:
        return {"tenants": [{"code": tenant, "name": "Municipal Corporation Amritsar", "parent": "pb", "services": [
            {"code": "TL", "name": "Trade Licence", "fund": "01", "department": "PHS", "functionary": "999",
             "fund_source": "01", "instruments": ["cash", "cheque"],
             "holding_accounts": {"cash": "4501001", "cheque": "4501051"}, "cheque_bounce_penalty": penalty}]}]}

    load_masters(session, parse_masters(masters({"amount": "250.50", "glcode": "1808002"})))
    session.commit()
    assert session.scalars(select(ServiceBouncePenalty.amount_paise).join(
        Service, Service.id == ServiceBouncePenalty.service_id).where(Service.code == "TL")).one() == 25050
    for penalty, field in (({"amount": 250.5, "glcode": "1808002"}, "amount"),     # a float: refused
                           ({"amount": "0.001", "glcode": "1808002"}, "amount"),   # a fraction of a paisa
                           ({"amount": "100", "glcode": "4501001"}, "glcode")):    # not an income head
        with pytest.raises(RasidError) as caught:
            load_masters(session, parse_masters(masters(penalty)))
        session.rollback()
        assert caught.value.code == "MASTERS_INVALID" and caught.value.field.endswith(field), caught.value
