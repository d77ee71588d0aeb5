"""The real Bill XML documents (eGov's own samples and the seed's) against rasid."""

from __future__ import annotations

from datetime import date

import pytest

from billxml import (
    BillXmlInvalid,
    CollectionMode,
    CollectionType,
    DictMasters,
    ErrorCode,
    Purpose,
    parse_bill_xml,
    validate,
    write_bill_xml,
)
from billxml.parsing import parse_secure
from billxml.structure import check_structure
from tests.billxml.support import line_of, masters_for, sample_path, seed_xml

ACCEPTED = [
    "sample-bill-collect_billingstub-default.xml",
    "sample-bill-collect_billingstub-urlencoded.xml",
]
TOTAL_MISMATCH_SAMPLE = "sample-bill-collect_ReceiptActionTest.xml"


def _sample(name: str) -> bytes:
    return seed_xml() if name == "seed" else sample_path(name).read_bytes()


@pytest.mark.parametrize("name", [*ACCEPTED, TOTAL_MISMATCH_SAMPLE, "seed"])
def test_every_real_sample_is_structurally_valid(name: str) -> None:
    assert check_structure(parse_secure(_sample(name))) == []


@pytest.mark.parametrize("name", [*ACCEPTED, "seed"])
def test_samples_pass_both_layers_against_masters_holding_their_codes(name: str) -> None:
    data = _sample(name)
    model = parse_bill_xml(data)
    assert validate(data, masters_for(model)) == []
    assert parse_bill_xml(data, masters_for(model)) == model


@pytest.mark.parametrize("name", [*ACCEPTED, "seed"])
def test_samples_round_trip_through_the_writer(name: str) -> None:
    model = parse_bill_xml(_sample(name))
    assert parse_bill_xml(write_bill_xml(model)) == model


def test_receipt_action_sample_is_refused_for_its_total_only() -> None:
    data = sample_path(TOTAL_MISMATCH_SAMPLE).read_bytes()
    masters = DictMasters.of(
        services=["testServCode"], funds=["testFundCode"], functionaries=["1"],
        fund_sources=["testfundSourceCode"], departments=["testDeptCode"],
        gl_accounts=["testGLCode1"], functions=["testFunctionCode1"])

    errors = validate(data, masters)

    assert [error.code for error in errors] == [ErrorCode.TOTAL_MISMATCH]
    (error,) = errors
    assert "1000.00" in error.message and "567.90" in error.message
    assert error.line == line_of(data, "<totalAmount>")
    assert error.path == "/bill-collect/payees/payee[1]/bills/bill[1]/totalAmount"
    assert error.field == "totalAmount"
    with pytest.raises(BillXmlInvalid) as refused:
        parse_bill_xml(data, masters)
    assert refused.value.codes == [ErrorCode.TOTAL_MISMATCH]


def test_seed_sample_reads_into_the_expected_model() -> None:
    model = parse_bill_xml(seed_xml())

    assert (model.service_code, model.fund_code, model.department_code) == ("BPA", "01", "REV")
    assert model.functionary_code == "1" and model.fund_source_code == "01"
    assert model.paid_by == "ramana"
    assert not model.part_payment_allowed and not model.callback_for_apportioning
    assert model.collection_type is CollectionType.FIELD
    assert model.collection_modes_not_allowed == (CollectionMode.BANK_CHALLAN,)
    (payee,) = model.payees
    assert (payee.name, payee.address, payee.email) == ("ramana", "knjbh", None)
    (bill,) = payee.bills
    assert (bill.ref_no, bill.consumer_code) == ("531", "01365-2019-HY")
    assert bill.bill_date == date(2019, 7, 5)
    assert (bill.total_paise, bill.minimum_paise) == (160300, 0)
    assert (bill.consumer_type, bill.boundary_num, bill.boundary_type) == ("01", 1, "Ward")
    assert [(a.order, a.cr_paise, a.dr_paise) for a in bill.accounts] == [
        (2, 59800, 0), (1, 100000, 0), (3, 500, 0)]
    assert {a.gl_code for a in bill.accounts} == {"1401202"}
    assert all(a.purpose is Purpose.OTHERS and a.is_actual_demand for a in bill.accounts)


def test_default_sample_collapses_white_space_in_texts() -> None:
    model = parse_bill_xml(sample_path(ACCEPTED[0]).read_bytes())
    (payee,) = model.payees
    assert payee.address == "221/16 LMN Street, Bangalore"
    assert payee.bills[0].description == "Property: 221/16 LMN Street, Bangalore for period 2008-09"
    assert model.display_message == "HELLO USER"
    assert model.collection_modes_not_allowed == (CollectionMode.CARD, CollectionMode.CHEQUE)
