"""The structure layer's hot path (the XSD less its identity constraints, which `explain`
restates) accepts exactly the documents the whole XSD accepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from billxml import XSD_PATH, BillXmlInvalid, ErrorCode, validate
from billxml.explain import identity_constraints, identity_errors
from billxml.parsing import parse_secure
from billxml.paths import PathIndex
from billxml.schema import lxml_schema, structure_schema
from tests.billxml.support import BASE_XML
from tests.billxml.test_billxml_properties import _corruptions

_XS = "{http://www.w3.org/2001/XMLSchema}"


def _shortcut_accepts(root: etree._Element) -> bool:
    return bool(structure_schema().validate(root)) \
        and next(identity_errors(root, PathIndex()), None) is None


def _agree(data: bytes) -> bool:
    """Whether the shortcut and the whole XSD say the same of a document (that parses)."""
    root = parse_secure(data)
    return _shortcut_accepts(root) == bool(lxml_schema().validate(root))


def _with(old: str, new: str) -> bytes:
    assert old in BASE_XML
    return BASE_XML.replace(old, new, 1).encode()


def test_the_xsd_uses_only_the_identity_constraints_explain_restates() -> None:
    """identity_errors covers child-step selectors, key fields that are elements, and unique
    fields that are elements or attributes; an xs:keyref or another form would go unchecked."""
    xsd = etree.parse(str(XSD_PATH))
    assert not list(xsd.iter(f"{_XS}keyref"))
    assert len(identity_constraints()) == len(list(xsd.iter(f"{_XS}key", f"{_XS}unique"))) == 3
    for constraint in identity_constraints():
        assert constraint.kind in ("key", "unique")
        assert all(re.fullmatch(r"[A-Za-z][\w-]*", step) for step in constraint.selector)
        for field in constraint.fields:
            assert re.fullmatch(r"@?[A-Za-z]\w*", field), field
            assert constraint.kind == "unique" or not field.startswith("@"), field


@pytest.mark.parametrize(("data", "code"), [
    (BASE_XML.encode(), None),
    # the same refNo for another consumer is another bill
    (_with('refNo="R-2" billDate="01/04/2010" consumerCode="123456"',
           'refNo="R-1" billDate="01/04/2010" consumerCode="999"'), None),
    (_with('refNo="R-2"', 'refNo="R-1"'), ErrorCode.DUPLICATE_BILL),
    # tokens: white space around a value does not make another bill (nor across payees)
    (_with('refNo="R-2"', 'refNo=" R-1 "'), ErrorCode.DUPLICATE_BILL),
    (_with('refNo="R-3" billDate="29/02/2012" consumerCode="654321"',
           'refNo="R-1" billDate="29/02/2012" consumerCode="123456"'), ErrorCode.DUPLICATE_BILL),
    (_with("<serviceCode>PT</serviceCode>", ""), ErrorCode.XSD_MISSING_ELEMENT),
    (_with("<fundCode>01</fundCode>", "<fundCode>01</fundCode><fundCode>01</fundCode>"),
     ErrorCode.HEADER_DUPLICATE),
    (_with("<paidBy>Mrs. ABC</paidBy>", "<paidBy>Mrs. ABC</paidBy><paidBy>B</paidBy>"),
     ErrorCode.HEADER_DUPLICATE),
    (_with("<collectionType>C</collectionType>",
           "<collectionType>C</collectionType><source>x</source><source>y</source>"),
     ErrorCode.HEADER_DUPLICATE),
    # a repeated collectionModeNotAllowed is fine
    (_with("<collectionModeNotAllowed>card</collectionModeNotAllowed>",
           "<collectionModeNotAllowed>card</collectionModeNotAllowed>"
           "<collectionModeNotAllowed>dd</collectionModeNotAllowed>"), None),
])
def test_the_shortcut_and_the_whole_xsd_agree_on_identity(data: bytes,
                                                          code: ErrorCode | None) -> None:
    assert _agree(data)
    errors = validate(data)
    assert [e.code for e in errors][:1] == ([] if code is None else [code])


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_corruptions())
def test_the_shortcut_and_the_whole_xsd_agree_on_corrupted_documents(data: bytes) -> None:
    try:
        root = parse_secure(data)
    except BillXmlInvalid:  # refused before the XSD: nothing to compare
        return
    assert _shortcut_accepts(root) == bool(lxml_schema().validate(root))
