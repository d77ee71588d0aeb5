"""Property tests: any valid model survives write -> parse unchanged, and any corruption of
valid bytes ends in a list of errors or a valid model, never in another exception."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal, localcontext

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from billxml import (
    Account,
    Bill,
    BillCollect,
    BillXmlError,
    BillXmlInvalid,
    CollectionMode,
    CollectionType,
    ErrorCode,
    Payee,
    Purpose,
    check_bill_collect,
    parse_bill_xml,
    validate,
    write_bill_xml,
)
from billxml.money import SubPaisaAmount, to_paise, to_rupees
from billxml.text import collapse
from tests.billxml.support import BASE_XML

MAX_PAISE = 99_999_999_999_999  # 999999999999.99 rupees, the XSD's maxInclusive
INT32 = st.integers(-(2**31), 2**31 - 1)
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters XML 1.0 can carry (no controls, surrogates or non-characters).
_chars = st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"))
_code_chars = st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x7F) \
    | st.sampled_from("-_./")


def _token(max_size: int, chars: st.SearchStrategy[str] = _chars) -> st.SearchStrategy[str]:
    """A non-empty xs:token value (white space already collapsed)."""
    return st.text(chars | st.just(" "), min_size=1, max_size=max_size).map(collapse).filter(bool)


codes = _token(20, _code_chars)
texts = st.none() | _token(60)
emails = st.none() | st.builds(lambda a, b: f"{a}@{b}", codes.filter(lambda c: " " not in c),
                               codes.filter(lambda c: " " not in c))


@st.composite
def accounts(draw: st.DrawFn, rebate_up_to: int) -> Account:
    """A due (crAmount) or, while the bill's dues allow it, a rebate (drAmount): never both."""
    rebate = rebate_up_to > 0 and draw(st.booleans())
    amount = draw(st.integers(0, rebate_up_to if rebate else 10**10))
    return Account(
        gl_code=draw(codes), order=draw(INT32), cr_paise=0 if rebate else amount,
        dr_paise=amount if rebate else 0, function_code=draw(codes),
        description=draw(texts), is_actual_demand=draw(st.booleans()),
        purpose=draw(st.none() | st.sampled_from(Purpose)), group_id=draw(st.none() | INT32))


@st.composite
def bills(draw: st.DrawFn, part_payment: bool) -> Bill:
    drawn: list[Account] = []
    for _ in range(draw(st.integers(1, 4))):  # rebates never take the total below zero
        drawn.append(draw(accounts(sum(a.cr_paise - a.dr_paise for a in drawn))))
    heads = tuple(drawn)
    total = sum(a.cr_paise for a in heads) - sum(a.dr_paise for a in heads)
    if part_payment:
        minimum = draw(st.none() | st.integers(0, total))
    else:
        minimum = draw(st.sampled_from([None, 0, total]))
    return Bill(
        ref_no=draw(codes), bill_date=draw(st.dates(date(1, 1, 1), date(9999, 12, 31))),
        consumer_code=draw(codes), total_paise=total, accounts=heads, minimum_paise=minimum,
        consumer_type=draw(st.none() | codes), boundary_num=draw(st.none() | st.integers()),
        boundary_type=draw(st.none() | codes), description=draw(texts))


@st.composite
def documents(draw: st.DrawFn) -> BillCollect:
    part_payment = draw(st.booleans())
    payees = []
    number = 0
    for _ in range(draw(st.integers(1, 3))):
        payee_bills = []
        for bill in draw(st.lists(bills(part_payment), min_size=1, max_size=3)):
            number += 1  # (refNo, consumerCode) unique in the document
            payee_bills.append(replace(bill, ref_no=f"{bill.ref_no}#{number}"))
        payees.append(Payee(name=draw(_token(40)), bills=tuple(payee_bills),
                            address=draw(texts), email=draw(emails)))
    return BillCollect(
        service_code=draw(codes), fund_code=draw(codes), department_code=draw(codes),
        payees=tuple(payees), functionary_code=draw(st.none() | codes),
        fund_source_code=draw(st.none() | codes), display_message=draw(texts),
        paid_by=draw(texts), part_payment_allowed=part_payment,
        override_account_heads_allowed=draw(st.booleans()),
        callback_for_apportioning=draw(st.booleans()),
        collection_type=draw(st.none() | st.sampled_from(CollectionType)),
        collection_modes_not_allowed=tuple(draw(st.lists(st.sampled_from(CollectionMode),
                                                         max_size=3))),
        transaction_reference_number=draw(st.none() | codes), source=draw(st.none() | codes))


@SETTINGS
@given(documents(), st.booleans())
def test_any_valid_model_survives_write_then_parse(model: BillCollect, pretty: bool) -> None:
    assert check_bill_collect(model) == []
    data = write_bill_xml(model, pretty=pretty)
    assert validate(data) == []
    assert parse_bill_xml(data) == model


# ------------------------------------------------------------------------------ corruption

def _corruptions() -> st.SearchStrategy[bytes]:
    valid = BASE_XML.encode()
    tree = etree.fromstring(valid)
    elements = list(tree.iter())

    def truncate(at: int) -> bytes:
        return valid[:at]

    def flip(at: int, value: int) -> bytes:
        return valid[:at] + bytes([value]) + valid[at + 1:]

    def inject(at: int, junk: bytes) -> bytes:
        return valid[:at] + junk + valid[at:]

    def delete(index: int) -> bytes:
        copy = etree.fromstring(valid)
        victim = list(copy.iter())[index]
        parent = victim.getparent()
        if parent is not None:
            parent.remove(victim)
        return etree.tostring(copy)

    def duplicate(index: int) -> bytes:
        copy = etree.fromstring(valid)
        victim = list(copy.iter())[index]
        parent = victim.getparent()
        if parent is not None:
            victim.addnext(etree.fromstring(etree.tostring(victim)))
        return etree.tostring(copy)

    def retext(index: int, text: str) -> bytes:
        copy = etree.fromstring(valid)
        list(copy.iter())[index].text = text
        return etree.tostring(copy)

    positions = st.integers(0, len(valid) - 1)
    junk = st.binary(min_size=1, max_size=12) | st.sampled_from(
        [b"<", b"&", b"]]>", b"<x/>", b'"', b"&#0;", b"<!--", b"\xff", b"<![CDATA[<a>]]>"])
    indices = st.integers(0, len(elements) - 1)
    return st.one_of(
        positions.map(truncate),
        st.builds(flip, positions, st.integers(0, 255)),
        st.builds(inject, positions, junk),
        indices.map(delete),
        indices.map(duplicate),
        st.builds(retext, indices, st.sampled_from(
            ["", " ", "-1", "1.001", "abc", "99999999999999", "31/02/2020", "x" * 70, "1e3"])),
    )


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_corruptions())
def test_corrupted_bytes_give_errors_or_a_model_never_a_crash(data: bytes) -> None:
    errors = validate(data)
    assert isinstance(errors, list)
    for error in errors:
        assert isinstance(error, BillXmlError) and error.code in set(ErrorCode)
        assert error.message and (error.line is None or error.line >= 1)
    if errors:
        try:
            parse_bill_xml(data)
        except BillXmlInvalid as refused:
            assert list(refused.errors) == errors
        else:
            raise AssertionError("validate found errors that parse_bill_xml did not")
    else:
        assert isinstance(parse_bill_xml(data), BillCollect)


# ------------------------------------------------------------------------------ amounts

@SETTINGS
@given(st.integers(-MAX_PAISE, MAX_PAISE))
def test_rupees_and_paise_convert_exactly(paise: int) -> None:
    text = to_rupees(paise)
    assert to_paise(text) == paise
    assert Decimal(text) * 100 == paise


@SETTINGS
@given(st.decimals(min_value=0, max_value=10**12, allow_nan=False, allow_infinity=False))
def test_to_paise_agrees_with_decimal(value: Decimal) -> None:
    assume(value.is_finite())
    text = format(value, "f")
    with localcontext() as exact:  # the context's 28 digits would round a long fraction away
        exact.prec = len(value.as_tuple().digits) + 3
        scaled = value * 100
    if scaled == scaled.to_integral_value():
        assert to_paise(text) == int(scaled)
    else:
        try:
            to_paise(text)
        except SubPaisaAmount:
            return
        raise AssertionError(f"{text} has a fraction of a paisa but was accepted")
