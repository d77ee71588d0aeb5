"""Posting rules: numbering, balances, idempotency, reversal, and every refusal leaves no trace."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import vouchers
from ledger.errors import Conflict, LedgerError, ValidationError
from ledger.journal import LineDraft, get_voucher
from ledger.models import LedgerBalance, Voucher, VoucherLine
from ledger.money import parse_rupees
from ledger.periods import set_period_status
from ledger.reports import balance
from tests.helpers import DAY, cash_receipt, line


def _counts(session) -> tuple[int, int, int]:
    return (session.scalar(select(func.count()).select_from(Voucher)),
            session.scalar(select(func.count()).select_from(VoucherLine)),
            session.scalar(select(func.count()).select_from(LedgerBalance)))


def test_receipt_voucher_is_numbered_and_moves_balances(session, tenant):
    posted = vouchers.post(session, tenant, "RECEIPT", DAY,
                           [line("4501001", dr=1_603_00, function="5100"),
                            line("1401202", cr=1_000_00, function="5100"),
                            line("1401202", cr=603_00, function="5100")], narration="BPA fee")
    session.commit()
    assert posted.number == "RV/2026-27/000001"
    assert posted.total == 1_603_00
    assert balance(session, tenant, "4501001", DAY) == 1_603_00
    assert balance(session, tenant, "1401202", DAY) == -1_603_00
    assert balance(session, tenant, "1401202", DAY, {"function": "5100"}) == -1_603_00
    assert balance(session, tenant, "1401202", DAY, {"function": "91"}) == 0
    assert balance(session, tenant, "4501001", DAY - dt.timedelta(days=1)) == 0


def test_numbers_run_per_type_and_restart_each_financial_year(session, tenant):
    numbers = [vouchers.post(session, tenant, vtype, day, cash_receipt(100_00)).number
               for vtype, day in [("RECEIPT", dt.date(2027, 3, 30)), ("RECEIPT", dt.date(2027, 3, 31)),
                                  ("JOURNAL", dt.date(2027, 3, 31)), ("RECEIPT", dt.date(2027, 4, 1))]]
    session.commit()
    assert numbers == ["RV/2026-27/000001", "RV/2026-27/000002", "JV/2026-27/000001",
                       "RV/2027-28/000001"]


def test_idempotency_key_returns_the_original_voucher(session, tenant):
    first = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(500_00), idempotency_key="pos-7:123")
    session.commit()
    again = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(500_00), idempotency_key="pos-7:123")
    assert (again.id, again.number, again.replayed) == (first.id, first.number, True)
    assert _counts(session)[0] == 1
    with pytest.raises(Conflict) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(501_00), idempotency_key="pos-7:123")
    assert exc.value.code == "IDEMPOTENCY_KEY_REUSED"


BAD_POSTINGS = [
    ("LEDGER_UNKNOWN_GL", [line("9999999", dr=100), line("1100101", cr=100)]),
    ("LEDGER_UNKNOWN_FUND", [line("4501001", dr=100, fund="77"), line("1100101", cr=100)]),
    ("LEDGER_UNKNOWN_FUNCTION", [line("4501001", dr=100, function="0"), line("1100101", cr=100)]),
    ("LEDGER_UNKNOWN_FUNCTIONARY", [line("4501001", dr=100, functionary="x"), line("1100101", cr=100)]),
    ("LEDGER_UNKNOWN_DEPARTMENT", [line("4501001", dr=100, department="X"), line("1100101", cr=100)]),
    ("LEDGER_UNKNOWN_FUND_SOURCE", [line("4501001", dr=100, fund_source="99"), line("1100101", cr=100)]),
    ("LEDGER_ACCOUNT_NOT_POSTABLE", [line("450", dr=100), line("1100101", cr=100)]),
    ("LEDGER_UNBALANCED", [line("4501001", dr=100), line("1100101", cr=99)]),
    ("LEDGER_LINE_SIDES", [line("4501001", dr=100, cr=100), line("1100101", cr=100)]),
    ("LEDGER_LINE_SIDES", [line("4501001"), line("4501001", dr=100), line("1100101", cr=100)]),
    ("AMOUNT_NEGATIVE", [line("4501001", dr=-100), line("1100101", dr=100)]),
    ("AMOUNT_NOT_PAISE", [line("4501001", dr=1.5), line("1100101", cr=1.5)]),
    ("AMOUNT_NOT_PAISE", [line("4501001", dr=Decimal("1")), line("1100101", cr=Decimal("1"))]),
    ("LEDGER_TOO_FEW_LINES", [line("4501001", dr=100)]),
]


@pytest.mark.parametrize("code, lines", BAD_POSTINGS, ids=[c for c, _ in BAD_POSTINGS])
def test_bad_postings_are_refused_and_leave_nothing(session, tenant, code, lines):
    vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100_00))
    session.commit()
    before = _counts(session)
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, lines)
    session.rollback()
    assert exc.value.code == code
    assert _counts(session) == before
    assert vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(1)).number == "RV/2026-27/000002"


def test_closed_period_refuses_postings_until_reopened(session, tenant):
    set_period_status(session, tenant, "2026-11", "closed", "accountant")
    session.commit()
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100))
    assert exc.value.code == "LEDGER_PERIOD_CLOSED"
    session.rollback()
    assert vouchers.post(session, tenant, "RECEIPT", dt.date(2026, 12, 1), cash_receipt(100))
    set_period_status(session, tenant, "2026-11", "open", "accountant")
    assert vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100))


def test_date_outside_every_financial_year_is_refused(session, tenant):
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", dt.date(2031, 1, 1), cash_receipt(100))
    assert exc.value.code == "LEDGER_NO_PERIOD"


def test_inactive_account_is_refused(session, tenant):
    from ledger.models import GlAccount

    account = session.scalars(select(GlAccount).where(GlAccount.glcode == "1100102")).one()
    account.active = False
    session.commit()
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100, income="1100102"))
    assert exc.value.code == "LEDGER_INACTIVE_GL"


def test_unknown_voucher_type(session, tenant):
    with pytest.raises(ValidationError) as exc:
        vouchers.post(session, tenant, "GIFT", DAY, cash_receipt(100))
    assert exc.value.code == "VOUCHER_TYPE_UNKNOWN"


def test_reverse_posts_the_exact_mirror_once(session, tenant):
    original = vouchers.post(session, tenant, "RECEIPT", DAY,
                             [line("4501001", dr=11_400_00), line("1109002", dr=600_00),
                              line("1100101", cr=12_000_00)])
    session.commit()
    voucher = get_voucher(session, tenant, original.number)
    reversal = vouchers.reverse(session, voucher, DAY + dt.timedelta(days=1), "wrong assessment")
    session.commit()
    assert reversal.number == "XV/2026-27/000001"
    assert vouchers.voucher_lines(session, reversal.id) == [
        line("4501001", cr=11_400_00), line("1109002", cr=600_00), line("1100101", dr=12_000_00)]
    reversed_row = session.get(Voucher, reversal.id)
    assert reversed_row.reversal_of_id == original.id
    assert "wrong assessment" in reversed_row.narration
    for glcode in ("4501001", "1109002", "1100101"):
        assert balance(session, tenant, glcode, DAY + dt.timedelta(days=1)) == 0
    assert balance(session, tenant, "4501001", DAY) == 11_400_00

    with pytest.raises(Conflict) as exc:
        vouchers.reverse(session, voucher, DAY + dt.timedelta(days=2), "again")
    assert exc.value.code == "VOUCHER_ALREADY_REVERSED"
    with pytest.raises(LedgerError) as exc:
        vouchers.reverse(session, session.get(Voucher, reversal.id), DAY + dt.timedelta(days=2), "x")
    assert exc.value.code == "VOUCHER_IS_REVERSAL"


def test_reversal_rules(session, tenant):
    posted = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100))
    voucher = session.get(Voucher, posted.id)
    with pytest.raises(ValidationError) as exc:
        vouchers.reverse(session, voucher, DAY, "  ")
    assert exc.value.code == "REASON_REQUIRED"
    with pytest.raises(LedgerError) as exc:
        vouchers.reverse(session, voucher, DAY - dt.timedelta(days=1), "typo")
    assert exc.value.code == "REVERSAL_BEFORE_ORIGINAL"


@pytest.mark.parametrize("text, paise", [("1603", 160300), ("1603.5", 160350), ("0.01", 1),
                                          ("1000.0", 100000), (Decimal("598"), 59800), (7, 700)])
def test_parse_rupees(text, paise):
    assert parse_rupees(text) == paise


@pytest.mark.parametrize("value, code", [("1.005", "AMOUNT_SUB_PAISA"), (1.5, "AMOUNT_INVALID"),
                                          ("abc", "AMOUNT_INVALID"), ("NaN", "AMOUNT_INVALID"),
                                          (True, "AMOUNT_INVALID")])
def test_parse_rupees_refuses(value, code):
    with pytest.raises(ValidationError) as exc:
        parse_rupees(value)
    assert exc.value.code == code


def test_line_draft_keeps_codes():
    assert LineDraft("1", "01", "91", "999", "REV", "01", 5, 0).debit == 5


def test_a_changed_number_format_applies_from_the_next_financial_year(session, tenant):
    from vouchers.models import VoucherNumberFormat

    vouchers.post(session, tenant, "RECEIPT", dt.date(2027, 3, 1), cash_receipt(100))
    session.get(VoucherNumberFormat, (tenant, "RECEIPT")).format = "AMR/RCPT/{fy}/{seq:05d}"
    session.flush()
    assert vouchers.post(session, tenant, "RECEIPT", dt.date(2027, 3, 2), cash_receipt(100)).number \
        == "RV/2026-27/000002"
    assert vouchers.post(session, tenant, "RECEIPT", dt.date(2027, 4, 1), cash_receipt(100)).number \
        == "AMR/RCPT/2027-28/00001"


def test_posting_on_a_core_connection_is_the_same_posting(engine, factory, tenant):
    """A posting loop may post on a Core connection (no ORM session): same numbers, checks, replays."""
    from ledger.check import check_ledger

    with engine.connect() as connection:
        with connection.begin():  # the first of the series takes the slow path
            first = vouchers.post(connection, tenant, "RECEIPT", DAY, cash_receipt(100_00),
                                  idempotency_key="core-1")
        second = vouchers.post(connection, tenant, "RECEIPT", DAY, cash_receipt(250_00))  # autobegins
        connection.commit()
        with connection.begin():
            replay = vouchers.post(connection, tenant, "RECEIPT", DAY, cash_receipt(100_00),
                                   idempotency_key="core-1")
        with pytest.raises(LedgerError) as refused, connection.begin():
            vouchers.post(connection, tenant, "RECEIPT", DAY, [line("4501001", dr=1_00), line("9999999", cr=1_00)])
        assert refused.value.code == "LEDGER_UNKNOWN_GL"
    assert [first.number, second.number] == ["RV/2026-27/000001", "RV/2026-27/000002"]
    assert replay.replayed and replay.number == first.number and replay.id == first.id
    with factory() as session:
        assert balance(session, tenant, "4501001", DAY) == 350_00
        assert check_ledger(session) == []


TEXT_FIELDS = [("narration", {"narration": 2026}), ("source_ref", {"source_ref": 12345}),
               ("idempotency_key", {"idempotency_key": ["k"]}), ("created_by", {"created_by": 7})]


@pytest.mark.parametrize("field, given", TEXT_FIELDS, ids=[f for f, _ in TEXT_FIELDS])
def test_text_fields_must_be_text(session, tenant, field, given):
    """The hash is taken of the Python value and the database keeps text: a number would never verify."""
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100), **given)
    assert (exc.value.code, exc.value.field) == ("FIELD_NOT_TEXT", field)
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY,
                      [line("4501001", dr=100), line("1100101", cr=100, narration=["x"])])
    assert (exc.value.code, exc.value.field) == ("FIELD_NOT_TEXT", "lines[2].narration")
    session.rollback()
    assert _counts(session) == (0, 0, 0)
    assert vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100), narration="fine",
                         source_ref=None).number == "RV/2026-27/000001"


def test_amounts_a_bigint_cannot_hold_are_refused(session, tenant):
    most = 9_223_372_036_854_775_807
    with pytest.raises(LedgerError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(most + 1))
    assert (exc.value.code, exc.value.field) == ("AMOUNT_TOO_LARGE", "lines[1].debit")
    with pytest.raises(LedgerError) as exc:  # every line fits, the total does not
        vouchers.post(session, tenant, "RECEIPT", DAY,
                      [line("4501001", dr=most), line("4501001", dr=1),
                       line("1100101", cr=2**62), line("1100101", cr=2**62)])
    assert (exc.value.code, exc.value.field) == ("AMOUNT_TOO_LARGE", None)
    session.rollback()
    assert _counts(session) == (0, 0, 0)


def test_client_keys_cannot_take_the_reversal_prefix(session, tenant):
    """A client key "reversal:<id>" would otherwise block reversing that voucher for good."""
    posted = vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100))
    session.commit()
    with pytest.raises(ValidationError) as exc:
        vouchers.post(session, tenant, "RECEIPT", DAY, cash_receipt(100),
                      idempotency_key=f"reversal:{posted.id}")
    assert (exc.value.code, exc.value.field) == ("IDEMPOTENCY_KEY_INVALID", "idempotency_key")
    session.rollback()
    reversal = vouchers.reverse(session, session.get(Voucher, posted.id), DAY, "typo")
    session.commit()
    assert session.get(Voucher, reversal.id).idempotency_key == f"reversal:{posted.id}"
    assert _counts(session)[0] == 2
