"""Reversing a remittance before the bank confirms it: the exact mirror, states restored."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from collection.audit import AuditEntry
from collection.bank.statement_import import import_statement
from collection.receipts.models import Instrument
from collection.remittance.dishonour import dishonour
from collection.remittance.remit import RemittanceIn, remit
from collection.remittance.reversal import reverse_remittance
from ledger.check import check_ledger
from ledger.errors import RasidError
from ledger.models import Voucher
from tests.collection.remittance_support import (
    ACCOUNTANT,
    DAY,
    add_bills,
    balances,
    pay_cash,
    pay_cheque,
)
from vouchers.posting import voucher_lines


@pytest.fixture
def remitted(session, tenant):
    add_bills(session, tenant, {"A1": 100000, "A2": 250050})
    cash = pay_cash(session, tenant, "A1", 100000)
    cheque = pay_cheque(session, tenant, ("A2", 250050))
    done = remit(session, tenant, RemittanceIn("SBI-MAIN", "778812", DAY), ACCOUNTANT, today=DAY)
    session.commit()
    return done.remittance, cash, cheque.receipts[0]


def reverse(session, tenant, remittance, reason="paid into the wrong account", **kw):
    result = reverse_remittance(session, tenant, remittance.id, reason, ACCOUNTANT, today=DAY, **kw)
    session.commit()
    return result


def fails(session, code, fn, *args, **kwargs):
    with pytest.raises(RasidError) as caught:
        fn(*args, **kwargs)
    session.rollback()
    assert caught.value.code == code, caught.value
    return caught.value


def test_the_reversal_mirrors_the_contra_voucher_and_restores_every_state(session, tenant, remitted):
    remittance, cash, cheque = remitted
    seen = []
    reverse(session, tenant, remittance, batch_size=1, progress=seen.append)
    assert seen == [1, 1]
    assert (remittance.status, remittance.reversal_reason, remittance.reversed_by) == (
        "REVERSED", "paid into the wrong account", ACCOUNTANT.name)
    original = voucher_lines(session, remittance.voucher_id)
    mirror = voucher_lines(session, remittance.reversal_voucher_id)
    assert [(x.glcode, x.debit, x.credit) for x in mirror] == [(x.glcode, x.credit, x.debit) for x in original]
    assert session.get(Voucher, remittance.reversal_voucher_id).reversal_of_id == remittance.voucher_id
    for receipt in (cash, cheque):
        session.refresh(receipt)
        assert receipt.status == "APPROVED"
        assert session.get(Instrument, receipt.instrument_id).status == "NEW"
    tb = balances(session, tenant)
    assert (tb["4501001"], tb["4501051"], tb["4502101"]) == (100000, 250050, 0)
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "remittance")).all() == [
        "remittance.create", "remittance.reverse"]
    again = remit(session, tenant, RemittanceIn("SBI-MAIN", "778812", DAY), ACCOUNTANT, today=DAY)  # slip freed
    session.commit()
    assert again.remittance.amount_paise == 350050 and again.voucher_number == "CV/2026-27/000002"
    assert check_ledger(session) == []


def test_a_reversal_is_refused_twice_and_without_a_reason(session, tenant, remitted):
    remittance = remitted[0]
    fails(session, "REASON_REQUIRED", reverse_remittance, session, tenant, remittance.id, " ", ACCOUNTANT, today=DAY)
    reverse(session, tenant, remittance)
    fails(session, "REMITTANCE_ALREADY_REVERSED", reverse_remittance, session, tenant, remittance.id, "again",
          ACCOUNTANT, today=DAY)
    fails(session, "REMITTANCE_NOT_FOUND", reverse_remittance, session, tenant, 999, "why", ACCOUNTANT, today=DAY)


def test_a_remittance_the_bank_confirmed_cannot_be_reversed(session, tenant, remitted):
    remittance = remitted[0]
    statement = (b"Txn Date,Value Date,Description,Ref No./Cheque No.,Debit,Credit,Balance\n"
                 b"24 Nov 2026,24 Nov 2026,BY TRANSFER SLIP 778812,778812,,\"3,500.50\",\"3,500.50\"\n")
    import_statement(session, tenant, "SBI-MAIN", statement, "sbi", ACCOUNTANT)
    session.commit()
    session.refresh(remittance)
    assert remittance.status == "RECONCILED"
    fails(session, "REMITTANCE_RECONCILED", reverse_remittance, session, tenant, remittance.id, "late", ACCOUNTANT,
          today=DAY)


def test_a_remittance_with_a_bounced_cheque_cannot_be_reversed(session, tenant, remitted):
    remittance, _cash, cheque = remitted
    dishonour(session, tenant, cheque.instrument_id, "funds insufficient", ACCOUNTANT, today=DAY)
    session.commit()
    fails(session, "REMITTANCE_HAS_DISHONOUR", reverse_remittance, session, tenant, remittance.id, "late",
          ACCOUNTANT, today=DAY)


def test_a_reversal_is_dated_on_or_after_the_remittance(session, tenant, remitted):
    remittance = remitted[0]
    fails(session, "REVERSAL_BEFORE_ORIGINAL", reverse_remittance, session, tenant, remittance.id, "x",
          ACCOUNTANT, on=DAY - dt.timedelta(days=1), today=DAY)
    assert remittance.status == "REMITTED"
