"""The XSD itself, the writer, layer 2 on models built in code, and the masters Protocol."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import ClassVar

import pytest
import xmlschema
from lxml import etree

from billxml import (
    XSD_PATH,
    Account,
    Bill,
    BillCollect,
    BillXmlInvalid,
    DictMasters,
    ErrorCode,
    GlInfo,
    Masters,
    Payee,
    ServiceInfo,
    check_bill_collect,
    parse_bill_xml,
    validate,
    write_bill_xml,
)
from billxml.explain import declarations, identity_constraints
from billxml.parsing import SCHEMA_DEPTH
from billxml.paths import REPEATED
from tests.billxml.support import BASE_XML, masters_for


def _model() -> BillCollect:
    return parse_bill_xml(BASE_XML.encode())


def test_xsd_compiles_for_both_validators() -> None:
    etree.XMLSchema(etree.parse(str(XSD_PATH)))
    xmlschema.XMLSchema10(str(XSD_PATH))


def test_xsd_documents_what_rasid_requires() -> None:
    documentation = " ".join(etree.parse(str(XSD_PATH)).getroot().itertext())
    for required in ("serviceCode", "fundCode", "departmentCode", "payee", "refNo",
                     "billDate", "consumerCode", "glCode", "crAmount", "drAmount",
                     "functionCode", "fraction of a paisa", "dd/MM/yyyy"):
        assert required in documentation


def test_repeated_elements_match_the_xsd() -> None:
    unbounded = {decl.name for decl in declarations().values() if decl.max_occurs is None}
    header = {decl.name for path, decl in declarations().items() if path.count("/") == 2}
    once = {field for constraint in identity_constraints() if not constraint.selector
            for field in constraint.fields}
    assert REPEATED == unbounded | (header - once - {"payees"})


def test_schema_depth_matches_the_xsd() -> None:
    assert SCHEMA_DEPTH == max(path.count("/") for path in declarations())


def test_identity_constraints_are_read_from_the_xsd() -> None:
    by_name = {constraint.name: constraint for constraint in identity_constraints()}
    assert by_name["requiredHeaderOnce"].kind == "key"
    assert by_name["requiredHeaderOnce"].fields == ("serviceCode", "fundCode", "departmentCode")
    assert by_name["billOnce"].selector == ("payees", "payee", "bills", "bill")


def test_written_document_is_compact_or_pretty_and_utf8() -> None:
    model = _model()
    pretty, compact = write_bill_xml(model), write_bill_xml(model, pretty=False)
    assert pretty.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b"\n  <serviceCode>" in pretty and b"\n" not in compact.split(b"?>", 1)[1].strip()
    assert parse_bill_xml(compact) == parse_bill_xml(pretty) == model
    assert b"<crAmount>0.05</crAmount>" in compact and b"<totalAmount>390.50" in compact


def test_writer_refuses_a_model_that_cannot_be_valid() -> None:
    model = _model()
    bill = model.payees[0].bills[0]
    broken_bill = replace(bill, accounts=(replace(bill.accounts[0], cr_paise=-5),))
    broken = replace(model, payees=(replace(model.payees[0], bills=(broken_bill,)),))
    with pytest.raises(BillXmlInvalid) as refused:
        write_bill_xml(broken)
    assert refused.value.codes == [ErrorCode.AMOUNT_NEGATIVE]
    assert refused.value.errors[0].path == \
        "/bill-collect/payees/payee[1]/bills/bill[1]/accounts/account[1]/crAmount"


def test_layer_two_on_a_model_built_in_code() -> None:
    account = Account(gl_code="1100101", order=1, cr_paise=1000, dr_paise=-1,
                      function_code="91")
    bill = Bill(ref_no="R", bill_date=date(2024, 4, 1), consumer_code="C", total_paise=1000,
                accounts=(account,))
    model = BillCollect(service_code="PT", fund_code="01", department_code="REV",
                        payees=(Payee(name="A", bills=(bill, bill)),))

    errors = check_bill_collect(model, masters_for(model))

    assert [(e.code, e.path, e.line) for e in errors] == [
        (ErrorCode.AMOUNT_NEGATIVE,
         "/bill-collect/payees/payee[1]/bills/bill[1]/accounts/account[1]/drAmount", None),
        (ErrorCode.TOTAL_MISMATCH, "/bill-collect/payees/payee[1]/bills/bill[1]/totalAmount",
         None),
        (ErrorCode.DUPLICATE_BILL, "/bill-collect/payees/payee[1]/bills/bill[2]", None),
        (ErrorCode.AMOUNT_NEGATIVE,
         "/bill-collect/payees/payee[1]/bills/bill[2]/accounts/account[1]/drAmount", None),
        (ErrorCode.TOTAL_MISMATCH, "/bill-collect/payees/payee[1]/bills/bill[2]/totalAmount",
         None),
    ]


def test_minimum_equal_to_total_is_fine_without_part_payment() -> None:
    data = BASE_XML.replace("<partPaymentAllowed>1", "<partPaymentAllowed>0").replace(
        "<minimumAmount>100.0", "<minimumAmount>390.5").encode()
    assert validate(data) == []


@pytest.mark.parametrize(("element", "stated"), [
    ("", None), ("<partPaymentAllowed>0</partPaymentAllowed>", False),
    ("<partPaymentAllowed> 1 </partPaymentAllowed>", True)])
def test_part_payment_absent_is_none_not_no(element: str, stated: bool | None) -> None:
    data = BASE_XML.replace("<partPaymentAllowed>1</partPaymentAllowed>", element).replace(
        "<minimumAmount>100.0", "<minimumAmount>0").encode()
    model = parse_bill_xml(data)
    assert model.part_payment_allowed is stated
    written = write_bill_xml(model)
    assert (b"<partPaymentAllowed>" in written) is (stated is not None)
    assert parse_bill_xml(written) == model


def test_without_the_flag_the_services_default_decides_whether_a_minimum_makes_sense() -> None:
    data = BASE_XML.replace("<partPaymentAllowed>1</partPaymentAllowed>", "").encode()
    model = parse_bill_xml(data)  # without masters the service is not known: no complaint
    assert model.part_payment_allowed is None and model.bills()[0].minimum_paise == 10000
    in_full = masters_for(model)
    assert in_full.services["PT"].part_payment_default is False  # plain codes: paid in full
    in_part = replace(in_full, services={"PT": ServiceInfo("PT", part_payment_default=True)})
    assert validate(data, in_part) == []
    [error] = validate(data, in_full)
    assert (error.code, error.path, error.line) == (
        ErrorCode.MINIMUM_WITHOUT_PART_PAYMENT,
        "/bill-collect/payees/payee[1]/bills/bill[1]/minimumAmount",
        BASE_XML.count("\n", 0, BASE_XML.index("<minimumAmount>100.0")) + 1)
    assert "service PT does not allow part payment by default" in error.message


def test_masters_are_asked_once_per_distinct_code() -> None:
    model = _model()

    class Counting(DictMasters):
        asked: ClassVar[list[str]] = []

        def gl_account(self, code: str) -> GlInfo | None:
            Counting.asked.append(code)
            return super().gl_account(code)

    masters = Counting(**{name: getattr(masters_for(model), name)
                          for name in DictMasters.__dataclass_fields__})
    assert validate(BASE_XML.encode(), masters) == []
    assert sorted(Counting.asked) == ["1100101", "1100102", "2300101"]


def test_dict_masters_satisfy_the_protocol() -> None:
    masters = DictMasters.of(services=[ServiceInfo("PT", active=False), "BPA"],
                             gl_accounts=["1", GlInfo("2", postable=False)])
    assert isinstance(masters, Masters)
    assert masters.service("PT") == ServiceInfo("PT", active=False)
    assert masters.service("BPA") == ServiceInfo("BPA")
    assert masters.service("WT") is None
    assert masters.gl_account("2") == GlInfo("2", postable=False)
    assert not masters.has_fund("01")


def test_validation_is_safe_from_several_threads() -> None:
    good = BASE_XML.encode()
    bad = BASE_XML.replace("<collectionType>C", "<collectionType>X").encode()
    expected = {good: validate(good), bad: validate(bad)}
    work = [good, bad] * 40
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(validate, work))
    assert all(result == expected[data] for data, result in zip(work, results, strict=True))
