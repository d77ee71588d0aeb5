"""Every error code, at least once: its code, its line and its path.

Each case breaks the valid BASE_XML in one place; the expected line is found by searching
the broken document for a needle, so the table reads as "this text, on this line".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from billxml import (
    BillXmlInvalid,
    DictMasters,
    ErrorCode,
    GlInfo,
    ServiceInfo,
    parse_bill_xml,
    validate,
)
from billxml import explain as explain_module
from tests.billxml.support import BASE_XML, PAYEE1_BILL1, line_of, masters_for

BILL2 = "/bill-collect/payees/payee[1]/bills/bill[2]"
MASTERS = masters_for(parse_bill_xml(BASE_XML.encode()))


def _broken(old: str, new: str) -> bytes:
    assert old in BASE_XML, old
    return BASE_XML.replace(old, new, 1).encode()


def _masters(**changes: object) -> DictMasters:
    return replace(MASTERS, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    code: ErrorCode
    data: bytes
    needle: str | None  # the line of its first occurrence is the error's line (None: no line)
    path: str | None
    masters: DictMasters | None = None
    max_bytes: int | None = None


DEEP = "<x>" * 40 + "</x>" * 40

CASES = [
    # -- secure parsing ---------------------------------------------------------------------
    Case(ErrorCode.XML_EMPTY, b"", None, None),
    Case(ErrorCode.XML_EMPTY, b" \r\n\t ", None, None),
    Case(ErrorCode.XML_TOO_LARGE, BASE_XML.encode(), None, None, max_bytes=1000),
    Case(ErrorCode.XML_ENCODING_UNSUPPORTED,
         _broken('encoding="UTF-8"', 'encoding="ISO-8859-1"'), "<?xml", None),
    Case(ErrorCode.XML_INVALID_UTF8,
         BASE_XML.replace("<paidBy>Mrs. ABC", "<paidBy>Mme. Ab\u00e9").encode("latin-1"),
         "<paidBy>", None),
    Case(ErrorCode.XML_DTD_FORBIDDEN,
         _broken("<bill-collect>", "<!DOCTYPE bill-collect>\n<bill-collect>"), "<!DOCTYPE", None),
    Case(ErrorCode.XML_SCHEMA_REFERENCE_FORBIDDEN,
         _broken("<bill-collect>", '<bill-collect xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
                 'instance" xsi:noNamespaceSchemaLocation="bill-collect.xsd">'),
         "<bill-collect", "/bill-collect/@xsi:noNamespaceSchemaLocation"),
    Case(ErrorCode.XML_MALFORMED, _broken("</payeeName>", "</payeeNam>"), "</payeeNam>", None),
    Case(ErrorCode.XML_TOO_DEEP,
         _broken("<consumerType>01</consumerType>", f"<consumerType>01</consumerType>{DEEP}"),
         "<consumerType>", None),
    Case(ErrorCode.XML_WRONG_ROOT,
         BASE_XML.replace("bill-collect>", "billCollect>").encode(), "<billCollect>",
         "/billCollect"),
    # -- structure --------------------------------------------------------------------------
    Case(ErrorCode.XSD_MISSING_ELEMENT, _broken("<totalAmount>50</totalAmount>", ""),
         'refNo="R-2"', f"{BILL2}/totalAmount"),
    Case(ErrorCode.XSD_MISSING_ELEMENT, _broken("<serviceCode>PT</serviceCode>", ""),
         "<bill-collect>", "/bill-collect/serviceCode"),
    Case(ErrorCode.XSD_UNEXPECTED_ELEMENT,
         _broken("<minimumAmount>100.0</minimumAmount>",
                 "<minimumAmount>100.0</minimumAmount><penalty>5</penalty>"),
         "<penalty>", f"{PAYEE1_BILL1}/penalty"),
    Case(ErrorCode.XSD_MISSING_ATTRIBUTE,
         _broken('refNo="R-2" billDate="01/04/2010" consumerCode="123456"',
                 'refNo="R-2" billDate="01/04/2010"'), 'refNo="R-2"', f"{BILL2}/@consumerCode"),
    Case(ErrorCode.XSD_UNEXPECTED_ATTRIBUTE,
         _broken('<account glCode="1100102" order="1">', '<account glCode="1100102" order="1" '
                 'rate="5">'), 'rate="5"', f"{BILL2}/accounts/account[1]/@rate"),
    Case(ErrorCode.XSD_UNEXPECTED_TEXT, _broken("<accounts>", "<accounts>Rs."),
         "<accounts>Rs.", f"{PAYEE1_BILL1}/accounts"),
    Case(ErrorCode.XSD_BAD_VALUE, _broken("<collectionType>C", "<collectionType>X"),
         "<collectionType>", "/bill-collect/collectionType"),
    Case(ErrorCode.XSD_BAD_VALUE, _broken('billDate="01/04/2010"', 'billDate="2010-04-01"'),
         'billDate="2010-04-01"', f"{BILL2}/@billDate"),
    Case(ErrorCode.HEADER_DUPLICATE,
         _broken("<departmentCode>REV</departmentCode>",
                 "<departmentCode>REV</departmentCode><fundCode>02</fundCode>"),
         "<fundCode>02", "/bill-collect/fundCode[2]"),
    Case(ErrorCode.AMOUNT_SUB_PAISA, _broken("<crAmount>300.50", "<crAmount>300.505"),
         "<crAmount>300.505", f"{PAYEE1_BILL1}/accounts/account[2]/crAmount"),
    Case(ErrorCode.AMOUNT_NEGATIVE, _broken("<drAmount>10</drAmount>", "<drAmount>-10</drAmount>"),
         "<drAmount>-10", f"{PAYEE1_BILL1}/accounts/account[3]/drAmount"),
    Case(ErrorCode.DUPLICATE_BILL, _broken('refNo="R-2"', 'refNo="R-1"'), 'billDate="01/04/2010"',
         BILL2),
    Case(ErrorCode.DATE_INVALID, _broken('billDate="29/02/2012"', 'billDate="29/02/2011"'),
         "29/02/2011", "/bill-collect/payees/payee[2]/bills/bill[1]/@billDate"),
    # -- meaning ----------------------------------------------------------------------------
    Case(ErrorCode.SERVICE_UNKNOWN, BASE_XML.encode(), "<serviceCode>",
         "/bill-collect/serviceCode", _masters(services={})),
    Case(ErrorCode.SERVICE_INACTIVE, BASE_XML.encode(), "<serviceCode>",
         "/bill-collect/serviceCode", _masters(services={"PT": ServiceInfo("PT", active=False)})),
    Case(ErrorCode.FUND_UNKNOWN, BASE_XML.encode(), "<fundCode>", "/bill-collect/fundCode",
         _masters(funds=frozenset())),
    Case(ErrorCode.FUNCTIONARY_UNKNOWN, BASE_XML.encode(), "<functionaryCode>",
         "/bill-collect/functionaryCode", _masters(functionaries=frozenset({"1"}))),
    Case(ErrorCode.FUND_SOURCE_UNKNOWN, BASE_XML.encode(), "<fundSourceCode>",
         "/bill-collect/fundSourceCode", _masters(fund_sources=frozenset())),
    Case(ErrorCode.DEPARTMENT_UNKNOWN, BASE_XML.encode(), "<departmentCode>",
         "/bill-collect/departmentCode", _masters(departments=frozenset({"ACC"}))),
    Case(ErrorCode.FUNCTION_UNKNOWN, BASE_XML.encode(), "<functionCode>92",
         f"{PAYEE1_BILL1}/accounts/account[3]/functionCode",
         _masters(functions=frozenset({"91"}))),
    Case(ErrorCode.GL_UNKNOWN, BASE_XML.encode(), 'glCode="2300101"',
         f"{PAYEE1_BILL1}/accounts/account[3]/@glCode",
         _masters(gl_accounts={c: GlInfo(c) for c in ("1100101", "1100102")})),
    Case(ErrorCode.GL_INACTIVE, BASE_XML.encode(), 'glCode="2300101"',
         f"{PAYEE1_BILL1}/accounts/account[3]/@glCode",
         _masters(gl_accounts={**MASTERS.gl_accounts, "2300101": GlInfo("2300101", active=False)})),
    Case(ErrorCode.GL_NOT_POSTABLE, BASE_XML.encode(), 'glCode="2300101"',
         f"{PAYEE1_BILL1}/accounts/account[3]/@glCode",
         _masters(gl_accounts={**MASTERS.gl_accounts,
                               "2300101": GlInfo("2300101", postable=False)})),
    Case(ErrorCode.TOTAL_MISMATCH, _broken("<totalAmount>390.50", "<totalAmount>390.51"),
         "<totalAmount>390.51", f"{PAYEE1_BILL1}/totalAmount"),
    Case(ErrorCode.ACCOUNT_BOTH_SIDES,  # the total still adds up: 100 + 310.50 - 10 - 10
         _broken("<crAmount>300.50</crAmount>\n              <drAmount>0</drAmount>",
                 "<crAmount>310.50</crAmount>\n              <drAmount>10</drAmount>"),
         "<drAmount>10</drAmount>", f"{PAYEE1_BILL1}/accounts/account[2]/drAmount"),
    Case(ErrorCode.MINIMUM_ABOVE_TOTAL, _broken("<minimumAmount>100.0", "<minimumAmount>400"),
         "<minimumAmount>400", f"{PAYEE1_BILL1}/minimumAmount"),
    Case(ErrorCode.MINIMUM_WITHOUT_PART_PAYMENT,
         _broken("<partPaymentAllowed>1", "<partPaymentAllowed>0"), "<minimumAmount>100.0",
         f"{PAYEE1_BILL1}/minimumAmount"),
]


def _id(case: Case) -> str:
    return case.code.value


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_error_code_line_and_path(case: Case) -> None:
    options = {"max_bytes": case.max_bytes} if case.max_bytes else {}
    errors = validate(case.data, case.masters, **options)

    assert [error.code for error in errors] == [case.code], errors
    (error,) = errors
    expected_line = line_of(case.data, case.needle) if case.needle else None
    assert error.line == expected_line, error
    assert error.path == case.path, error
    assert error.message and str(error.code) in str(error)
    with pytest.raises(BillXmlInvalid) as refused:
        parse_bill_xml(case.data, case.masters, **options)
    assert refused.value.errors == tuple(errors)


def test_xsd_invalid_passes_on_libxml2s_message_when_the_explanation_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_explain(*_args: object) -> object:
        raise RuntimeError("explainer bug")
    monkeypatch.setattr("billxml.structure.explain", broken_explain)
    data = _broken("<collectionType>C", "<collectionType>X")

    errors = validate(data)

    assert errors and {error.code for error in errors} == {ErrorCode.XSD_INVALID}
    assert errors[0].line == line_of(data, "<collectionType>")
    assert errors[0].path == "/bill-collect/collectionType"
    assert "collectionType" in errors[0].message
    assert explain_module.explain is not broken_explain


def test_every_error_code_is_exercised() -> None:
    covered = {case.code for case in CASES} | {ErrorCode.XSD_INVALID}
    assert covered == set(ErrorCode)


def test_all_problems_of_a_layer_are_reported_at_once() -> None:
    data = (BASE_XML
            .replace("<collectionType>C", "<collectionType>X")
            .replace('order="2"', 'order="two"')
            .replace("<drAmount>10</drAmount>", "<drAmount>10.001</drAmount>")
            .replace("<totalAmount>50</totalAmount>", "")
            .replace("<payeeName>Mr. XYZ</payeeName>", "")).encode()

    errors = validate(data)

    assert [(error.code, error.line) for error in errors] == [
        (ErrorCode.XSD_BAD_VALUE, line_of(data, "<collectionType>")),
        (ErrorCode.XSD_BAD_VALUE, line_of(data, 'order="two"')),
        (ErrorCode.AMOUNT_SUB_PAISA, line_of(data, "10.001")),
        (ErrorCode.XSD_MISSING_ELEMENT, line_of(data, 'refNo="R-2"')),
        (ErrorCode.XSD_MISSING_ELEMENT, line_of(data, "<payee>", occurrence=2)),
    ]


def test_all_meaning_problems_are_reported_at_once() -> None:
    data = _broken("<totalAmount>50</totalAmount>", "<totalAmount>49</totalAmount>")
    masters = _masters(services={}, funds=frozenset(), functions=frozenset({"91"}))

    errors = validate(data, masters)

    assert [error.code for error in errors] == [
        ErrorCode.SERVICE_UNKNOWN, ErrorCode.FUND_UNKNOWN, ErrorCode.FUNCTION_UNKNOWN,
        ErrorCode.TOTAL_MISMATCH]
    assert errors == sorted(errors, key=lambda e: (e.line or 0, e.path or ""))
