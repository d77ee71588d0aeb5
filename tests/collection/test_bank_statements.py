"""Bank statements: CSV through mappings, camt.053 safely, idempotent import, matching, the BRS."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from collection.bank import matching
from collection.bank.brs import reconcile, unmatched_lines
from collection.bank.camt053 import parse_camt053
from collection.bank.csv_statement import MAPPINGS, load_mapping, parse_csv
from collection.bank.models import BankStatement, BankStatementLine
from collection.bank.statement import paise
from collection.bank.statement_import import import_statement
from collection.receipts.models import Instrument
from collection.remittance.dishonour import dishonour
from collection.remittance.remit import RemittanceIn, remit
from collection.remittance.reversal import reverse_remittance
from ledger.errors import RasidError
from tests.collection.bank_support import camt053, sbi_statement
from tests.collection.remittance_support import ACCOUNTANT, DAY, add_bills, pay_cash, pay_cheque
from tests.conftest import SHARED

CAMT_SAMPLES = SHARED / "research" / "contracts" / "camt053"
D = [DAY + dt.timedelta(days=n) for n in range(8)]


def refused(code, fn, *args, **kwargs) -> RasidError:
    with pytest.raises(RasidError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


# -- reading files ----------------------------------------------------------------------------

def test_an_sbi_export_is_read_with_its_preamble_and_footer():
    data = sbi_statement([(D[0], "BY CASH - SLIP 778812", "778812", 0, 11_400_00),
                          (D[1], "CHQ RETURN 004512", "004512", 1_603_00, 0)], opening=25_00_000_00)
    st = parse_csv(data, MAPPINGS["sbi"])
    assert (st.format, st.account_number, st.opening_balance, st.closing_balance) == (
        "csv:sbi", "00000030001234567", 25_00_000_00, 25_09_797_00)
    assert [(x.txn_date, x.direction, x.amount, x.reference) for x in st.lines] == [
        (D[0], "CR", 11_400_00, "778812"), (D[1], "DR", 1_603_00, "004512")]
    assert st.lines[0].balance == 25_11_400_00 and st.lines[1].source_line == 13


def test_an_hdfc_export_and_a_mapping_of_ones_own(tmp_path):
    hdfc = (b"Date,Narration,Chq./Ref.No.,Value Dt,Withdrawal Amt.,Deposit Amt.,Closing Balance\n"
            b"24/11/26,CASH DEP 778812,0000778812,24/11/26,,1000.00,1000.00\n"
            b"25/11/26,CHRGS,,25/11/26,17.70,,982.30\n")
    st = parse_csv(hdfc, MAPPINGS["hdfc"])
    assert [(x.txn_date, x.direction, x.amount) for x in st.lines] == [(D[1], "CR", 100000), (D[2], "DR", 1770)]
    mapping = tmp_path / "pnb.yaml"
    mapping.write_text("name: pnb\ndate: Tran Date\namount: Amount\ndirection: Dr/Cr\ndescription: Remarks\n"
                       "date_formats: ['%d-%m-%Y']\n")
    pnb = "Tran Date;Remarks;Amount;Dr/Cr\n24-11-2026;BY CLG;1,603.00;CR\n25-11-2026;RTN;1,603.00;DR\n"
    st = parse_csv(pnb.encode(), load_mapping(mapping))
    assert [(x.direction, x.amount) for x in st.lines] == [("CR", 160300), ("DR", 160300)]
    (tmp_path / "bad.yaml").write_text("name: bad\ndate: Date\n")
    refused("MAPPING_INVALID", load_mapping, tmp_path / "bad.yaml")


@pytest.mark.parametrize("body, code, where", [
    ("Txn Date\tDescription\nx\ty\n", "STATEMENT_HEADER_MISSING", None),
    ("Txn Date\tValue Date\tDescription\tRef No./Cheque No.\tDebit\tCredit\tBalance\n"
     "31 Feb 2026\t\tX\t\t1.00\t\t1.00\n", "STATEMENT_ROW_INVALID", "line 2"),
    ("Txn Date\tValue Date\tDescription\tRef No./Cheque No.\tDebit\tCredit\tBalance\n"
     "1 Nov 2026\t\tX\t\t1.005\t\t1.00\n", "STATEMENT_AMOUNT_INVALID", "line 2"),
    ("Txn Date\tValue Date\tDescription\tRef No./Cheque No.\tDebit\tCredit\tBalance\n"
     "1 Nov 2026\t\tX\t\t1.00\t2.00\t1.00\n", "STATEMENT_ROW_INVALID", "line 2"),
    ("Txn Date\tValue Date\tDescription\tRef No./Cheque No.\tDebit\tCredit\tBalance\n"
     "1 Nov 2026\t\tX\t\tabc\t\t1.00\n", "STATEMENT_AMOUNT_INVALID", "line 2"),
    ("", "STATEMENT_EMPTY", None),
    ("PK\x03\x04\x00\x00", "STATEMENT_NOT_TEXT", None),
])
def test_bad_csv_is_refused_with_its_line(body, code, where):
    error = refused(code, parse_csv, body.encode("latin-1"), MAPPINGS["sbi"])
    assert where is None or error.field == where


def test_amounts_are_exact_paise():
    assert paise("25,11,400.00", where="x") == 251140000
    assert paise("1,603.50 Dr", where="x") == -160350
    assert paise("(5.00)", where="x") == -500
    assert paise("\u20b9 7", where="x") == 700
    refused("STATEMENT_AMOUNT_INVALID", paise, "1e3", where="x")
    refused("STATEMENT_AMOUNT_INVALID", paise, "0.001", where="x")


@pytest.mark.skipif(not CAMT_SAMPLES.is_dir(), reason="needs ../shared/research/contracts/camt053")
def test_the_published_camt053_samples_are_read():
    v2 = parse_camt053((CAMT_SAMPLES / "OCA__test-camt053.camt053.001.02.xml").read_bytes())
    assert (v2.account_number, v2.currency, v2.opening_balance, v2.closing_balance) == (
        "NL77ABNA0574908765", "EUR", 1556827, 1512112)
    assert [(x.direction, x.amount, x.reference) for x in v2.lines] == [
        ("DR", 75425, "435005714488-ABNO33052620"), ("DR", 66405, "TESTBANK/NL/20141229/01206408"),
        ("CR", 140531, "115")]
    v4 = parse_camt053((CAMT_SAMPLES / "OCA__test-camt053-txdtls.camt053.001.04.xml").read_bytes())
    [line] = v4.lines  # its xsi:schemaLocation is ignored, never fetched
    assert (line.txn_date, line.value_date, line.amount) == (dt.date(2017, 3, 22), dt.date(2017, 3, 23), 348300)


@pytest.mark.parametrize("data, code", [
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "boom">]><Document>&x;</Document>',
     "STATEMENT_XML_DTD_FORBIDDEN"),
    (b"<Document><unclosed></Document>", "STATEMENT_XML_MALFORMED"),
    (b"<Document xmlns='urn:something:else'/>", "STATEMENT_NOT_CAMT053"),
    (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'><BkToCstmrStmt/></Document>",
     "STATEMENT_NOT_CAMT053"),
    (b"", "STATEMENT_XML_EMPTY"),
])
def test_hostile_or_wrong_xml_is_refused(data, code):
    refused(code, parse_camt053, data)


# -- importing ----------------------------------------------------------------------------------

@pytest.fixture
def books(session, tenant):
    """Cash 1,000 and a cheque 2,500.50 remitted with slip 778812; a cheque 700 with 778813."""
    add_bills(session, tenant, {"A1": 100000, "A2": 250050, "A3": 70000})
    pay_cash(session, tenant, "A1", 100000)
    pay_cheque(session, tenant, ("A2", 250050), number="004512")
    first = remit(session, tenant, RemittanceIn("SBI-MAIN", "778812", DAY), ACCOUNTANT, today=D[7]).remittance
    third = pay_cheque(session, tenant, ("A3", 70000), number="004513")
    second = remit(session, tenant, RemittanceIn("SBI-MAIN", "778813", DAY), ACCOUNTANT, today=D[7]).remittance
    session.commit()
    return first, second, third.instrument


def do_import(session, tenant, data, fmt="sbi", bank="SBI-MAIN"):
    result = import_statement(session, tenant, bank, data, fmt, ACCOUNTANT)
    session.commit()
    return result


def test_importing_twice_changes_nothing(session, tenant, books):
    data = sbi_statement([(D[1], "BY CASH 778812", "778812", 0, 350050), (D[2], "SMS CHGS", "", 1770, 0)])
    first = do_import(session, tenant, data)
    assert (first.lines_in_file, first.new_lines, first.replayed) == (2, 2, False)
    again = do_import(session, tenant, data)
    assert again.replayed and again.statement.id == first.statement.id and again.new_lines == 0
    reexport = data.replace(b"RANJIT AVENUE", b"RANJIT AVENUE, AMRITSAR")  # another file, the same lines
    assert do_import(session, tenant, reexport).statement is None
    longer = sbi_statement([(D[1], "BY CASH 778812", "778812", 0, 350050), (D[2], "SMS CHGS", "", 1770, 0),
                            (D[3], "INTEREST", "", 0, 500)])
    assert do_import(session, tenant, longer).new_lines == 1
    assert session.scalar(select(func.count()).select_from(BankStatementLine)) == 3
    assert session.scalar(select(func.count()).select_from(BankStatement)) == 2


def test_a_statement_of_another_account_or_currency_is_refused(session, tenant, books):
    other = sbi_statement([(D[1], "X", "", 0, 100)], account="00000099999999999")
    refused("STATEMENT_ACCOUNT_MISMATCH", import_statement, session, tenant, "SBI-MAIN", other, "sbi", ACCOUNTANT)
    refused("STATEMENT_CURRENCY_UNSUPPORTED", import_statement, session, tenant, "SBI-MAIN",
            camt053([(D[1], "CRDT", 100, "X")], currency="EUR"), "camt053", ACCOUNTANT)
    refused("STATEMENT_FORMAT_UNKNOWN", import_statement, session, tenant, "SBI-MAIN", b"x", "mt940", ACCOUNTANT)
    refused("BANK_ACCOUNT_NOT_FOUND", import_statement, session, tenant, "NOPE", b"x", "sbi", ACCOUNTANT)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(BankStatement)) == 0


def test_statement_lines_keep_what_the_bank_said(session, tenant, books):
    do_import(session, tenant, sbi_statement([(D[1], "X", "", 0, 100)]))
    for statement in ("UPDATE bank_statement_lines SET amount_paise = 1",
                      "DELETE FROM bank_statement_lines", "UPDATE bank_statements SET sha256 = 'x'"):
        with pytest.raises(DBAPIError, match="REMITTANCE_IMMUTABLE"):
            session.execute(text(statement))
        session.rollback()


# -- matching and the BRS -------------------------------------------------------------------------

def statuses(session, first, second, third_instrument):
    for obj in (first, second):
        session.refresh(obj)
    return first.status, second.status, session.get(Instrument, third_instrument.id).status


def test_credits_quoting_the_slip_confirm_remittances_and_their_cheques(session, tenant, books):
    first, second, cheque = books
    data = camt053([(D[1], "CRDT", 350050, "DEPOSIT SLIP 778812"), (D[2], "CRDT", 70000, "CLG 778813")])
    result = do_import(session, tenant, data, fmt="camt053")
    assert result.matched == matching.MatchReport(2, 0, 0)
    assert statuses(session, first, second, cheque) == ("RECONCILED", "RECONCILED", "RECONCILED")
    brs = reconcile(session, tenant, "SBI-MAIN", D[7])
    assert (brs.balance_per_books, brs.balance_per_bank, brs.difference) == (420050, 420050, 0)


def test_cash_and_cheques_credited_apart_and_an_amount_alone_when_unambiguous(session, tenant, books):
    first, second, cheque = books
    data = sbi_statement([(D[0], "BY CASH", "778812", 0, 100000),        # cash part, by slip
                          (D[2], "CLEARING", "", 0, 250050),             # cheque part, by amount alone
                          (D[3], "CLEARING", "", 0, 70000)])             # second slip, by amount alone
    assert do_import(session, tenant, data).matched == matching.MatchReport(3, 0, 0)
    parts = session.execute(select(BankStatementLine.match_part).order_by(BankStatementLine.id)).scalars().all()
    assert parts == ["CASH", "CHEQUES", "ALL"]
    assert statuses(session, first, second, cheque) == ("RECONCILED", "RECONCILED", "RECONCILED")


def test_ambiguous_lines_wait_for_a_person(session, tenant, books):
    first, second, cheque = books
    data = sbi_statement([(D[1], "CLEARING", "", 0, 70000), (D[2], "CLEARING", "", 0, 70000)])
    assert do_import(session, tenant, data).matched == matching.MatchReport(0, 0, 2)
    waiting = unmatched_lines(session, tenant, "SBI-MAIN")
    assert len(waiting) == 2
    matching.match_line(session, tenant, waiting[0].id, ACCOUNTANT, remittance_id=second.id)
    session.commit()
    assert statuses(session, first, second, cheque) == ("REMITTED", "RECONCILED", "RECONCILED")
    refused("LINE_ALREADY_MATCHED", matching.match_line, session, tenant, waiting[0].id, ACCOUNTANT,
            remittance_id=second.id)
    session.rollback()
    refused("MATCH_AMOUNT_MISMATCH", matching.match_line, session, tenant, waiting[1].id, ACCOUNTANT,
            remittance_id=first.id)
    session.rollback()
    brs = reconcile(session, tenant, "SBI-MAIN", D[7])
    assert [i.amount for i in brs.deposits_not_credited] == [350050]
    assert [i.amount for i in brs.credits_not_in_books] == [70000] and brs.difference == 0
    matching.unmatch_line(session, tenant, waiting[0].id, ACCOUNTANT)
    session.commit()
    assert statuses(session, first, second, cheque) == ("REMITTED", "REMITTED", "DEPOSITED")


def test_a_returned_cheque_is_matched_to_its_dishonour_and_a_net_credit_too(session, tenant, books):
    returned = session.scalars(select(Instrument).where(Instrument.number == "004512")).one()
    dishonour(session, tenant, returned.id, "funds insufficient", ACCOUNTANT, on=D[2], today=D[7])
    session.commit()
    brs = reconcile(session, tenant, "SBI-MAIN", D[2])
    assert [i.amount for i in brs.dishonours_not_debited] == [250050]
    data = sbi_statement([(D[1], "BY CASH+CLG 778812", "778812", 0, 350050),
                          (D[3], "CHQ RET 004512 REFER TO DRAWER", "004512", 250050, 0),
                          (D[3], "CLG 778813", "778813", 0, 70000), (D[4], "SMS CHARGES", "", 1770, 0)])
    assert do_import(session, tenant, data).matched == matching.MatchReport(2, 1, 1)
    brs = reconcile(session, tenant, "SBI-MAIN", D[7])
    assert (brs.balance_per_books, brs.balance_per_bank) == (420050 - 250050, 420050 - 250050 - 1770)
    assert [i.amount for i in brs.debits_not_in_books] == [1770] and brs.difference == 0
    assert (brs.deposits_not_credited, brs.dishonours_not_debited, brs.credits_not_in_books) == ([], [], [])
    # A day earlier the return and the second credit were still to come.
    early = reconcile(session, tenant, "SBI-MAIN", D[2])
    assert ([i.amount for i in early.deposits_not_credited], [i.amount for i in early.dishonours_not_debited],
            early.difference) == ([70000], [250050], 0)


def test_a_credit_net_of_a_dishonoured_cheque(session, tenant, books):
    first, _second, _ = books
    returned = session.scalars(select(Instrument).where(Instrument.number == "004512")).one()
    dishonour(session, tenant, returned.id, "funds insufficient", ACCOUNTANT, on=D[1], today=D[7])
    session.commit()
    data = sbi_statement([(D[2], "CASH 778812", "778812", 0, 100000)])  # only the cash: the cheque never cleared
    assert do_import(session, tenant, data).matched == matching.MatchReport(1, 0, 0)
    session.refresh(first)
    assert first.status == "RECONCILED"
    assert session.scalar(select(BankStatementLine.match_part)) == "NET_ALL"
    brs = reconcile(session, tenant, "SBI-MAIN", D[7])
    assert brs.dishonours_not_debited == [] and [i.amount for i in brs.deposits_not_credited] == [70000]
    assert brs.difference == 0


def test_bank_charges_are_matched_to_the_voucher_that_booked_them(session, tenant, books):
    import vouchers
    from tests.helpers import line
    do_import(session, tenant, sbi_statement([(D[4], "SMS CHARGES", "", 1770, 0)]))
    jv = vouchers.post(session, tenant, "JOURNAL", D[4], [line("2408003", dr=1770), line("4502101", cr=1770)])
    session.commit()
    [charge] = unmatched_lines(session, tenant, "SBI-MAIN")
    refused("MATCH_VOUCHER_MISMATCH", matching.match_line, session, tenant, charge.id, ACCOUNTANT,
            voucher_number=session.scalar(text("SELECT number FROM vouchers WHERE voucher_type = 'CONTRA' LIMIT 1")))
    session.rollback()
    matching.match_line(session, tenant, charge.id, ACCOUNTANT, voucher_number=jv.number)
    session.commit()
    assert unmatched_lines(session, tenant, "SBI-MAIN") == []
    brs = reconcile(session, tenant, "SBI-MAIN", D[7])
    assert brs.debits_not_in_books == [] and [i.amount for i in brs.deposits_not_credited] == [350050, 70000]


def test_a_reversed_remittance_is_no_deposit_in_transit(session, tenant, books):
    _first, second, _ = books
    reverse_remittance(session, tenant, second.id, "wrong slip", ACCOUNTANT, today=D[7], on=D[2])
    session.commit()
    do_import(session, tenant, sbi_statement([(D[1], "BY CASH 778812", "778812", 0, 350050)]))
    assert [i.amount for i in reconcile(session, tenant, "SBI-MAIN", D[1]).deposits_not_credited] == [70000]
    assert reconcile(session, tenant, "SBI-MAIN", D[7]).deposits_not_credited == []
    assert reconcile(session, tenant, "SBI-MAIN", D[7]).difference == 0


def test_cheques_credited_one_by_one_are_reconciled_one_by_one(session, tenant):
    """Banks that credit each deposited cheque as it clears: the credits go to the slip's cheques."""
    add_bills(session, tenant, {"A1": 100000, "A2": 250050, "A3": 70000})
    pay_cash(session, tenant, "A1", 100000)
    pay_cheque(session, tenant, ("A2", 250050), number="004512")
    pay_cheque(session, tenant, ("A3", 70000), number="004513")
    slip = remit(session, tenant, RemittanceIn("SBI-MAIN", "778812", DAY), ACCOUNTANT, today=D[7]).remittance
    session.commit()
    first, second = (session.scalars(select(Instrument).where(Instrument.number == n)).one()
                     for n in ("004512", "004513"))

    def states():
        session.refresh(slip)
        return slip.status, session.get(Instrument, first.id).status, session.get(Instrument, second.id).status

    data = sbi_statement([(D[0], "BY CASH 778812", "778812", 0, 100000), (D[2], "CLG CHQ 004512", "004512", 0, 250050)])
    assert do_import(session, tenant, data).matched == matching.MatchReport(2, 0, 0)
    cash, cheque = session.scalars(select(BankStatementLine).order_by(BankStatementLine.id)).all()
    assert (cash.match_part, cheque.match_part, cheque.instrument_id) == ("CASH", "CHEQUE", first.id)
    assert states() == ("REMITTED", "RECONCILED", "DEPOSITED")
    assert [i.amount for i in reconcile(session, tenant, "SBI-MAIN", D[7]).deposits_not_credited] == [70000]

    later = sbi_statement([(D[0], "BY CASH 778812", "778812", 0, 100000), (D[2], "CLG CHQ 004512", "004512", 0, 250050),
                           (D[3], "CLEARING", "", 0, 70000)])  # by amount alone: the only cheque left
    assert do_import(session, tenant, later).matched == matching.MatchReport(1, 0, 0)
    assert states() == ("RECONCILED", "RECONCILED", "RECONCILED")
    brs = reconcile(session, tenant, "SBI-MAIN", D[7])
    assert (brs.deposits_not_credited, brs.difference) == ([], 0)

    matching.unmatch_line(session, tenant, cheque.id, ACCOUNTANT)
    session.commit()
    assert states() == ("REMITTED", "DEPOSITED", "RECONCILED")
    refused("MATCH_AMOUNT_MISMATCH", matching.match_line, session, tenant, cheque.id, ACCOUNTANT, instrument_id=second.id)
    session.rollback()
    matching.match_line(session, tenant, cheque.id, ACCOUNTANT, instrument_id=first.id)
    session.commit()
    assert states() == ("RECONCILED", "RECONCILED", "RECONCILED")
    do_import(session, tenant, sbi_statement([(D[4], "CLG CHQ 004512 AGAIN", "", 0, 250050)]))
    [again] = unmatched_lines(session, tenant, "SBI-MAIN")  # a cheque is credited once
    refused("CHEQUE_ALREADY_CONFIRMED", matching.match_line, session, tenant, again.id, ACCOUNTANT,
            instrument_id=first.id)
    session.rollback()


def test_the_match_rules_as_plain_values():
    assert matching.open_parts(100, 200, set(), 0) == {"ALL": 300, "CASH": 100, "CHEQUES": 200}
    assert matching.open_parts(100, 200, {"CASH"}, 50) == {"CHEQUES": 200, "NET_CHEQUES": 150}
    assert matching.open_parts(0, 200, set(), 200) == {"ALL": 200}
    assert matching.open_parts(100, 200, {"ALL"}, 0) == {}
    assert matching.covered(100, 200, {"CASH", "NET_CHEQUES"}) and not matching.covered(100, 200, {"CASH"})
    assert matching.open_parts(100, 200, {"CHEQUE"}, 0) == {"CASH": 100}
    assert matching.open_parts(0, 200, {"CHEQUE"}, 0) == {}
    assert matching.covered(100, 200, {"CASH", "CHEQUE"}, cheques_open=0)
    assert not matching.covered(100, 200, {"CASH", "CHEQUE"}, cheques_open=1)
    assert not matching.covered(100, 200, {"CASH", "CHEQUE"})
    assert json.dumps(sorted(matching.NET_PARTS)) == '["NET_ALL", "NET_CHEQUES"]'
