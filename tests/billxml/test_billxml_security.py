"""Hostile input: each is refused with its code, quickly, and nothing is ever fetched."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from billxml import BillXmlInvalid, ErrorCode, parse_bill_xml, validate
from tests.billxml.support import BASE_XML, line_of

QUICK = 1.0  # seconds; every refusal below takes milliseconds


class _Recorder(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = b'<!ENTITY x "fetched">' if self.path.endswith(".dtd") else b"<x/>"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server that records every request; the tests expect none."""
    _Recorder.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert _Recorder.hits == [], "a document made the validator fetch something"


def refused(data: bytes, **options: int) -> tuple[list[ErrorCode], float, list[object]]:
    start = time.perf_counter()
    errors = validate(data, **options)
    elapsed = time.perf_counter() - start
    with pytest.raises(BillXmlInvalid):
        parse_bill_xml(data, **options)
    return [error.code for error in errors], elapsed, list(errors)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bill-collect><displayMessage>&lol9;</displayMessage></bill-collect>
"""


def test_xxe_file_entity_is_refused_and_nothing_is_read() -> None:
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE bill-collect [\n'
            b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b"<bill-collect><displayMessage>&xxe;</displayMessage></bill-collect>")
    codes, elapsed, errors = refused(data)
    assert codes == [ErrorCode.XML_DTD_FORBIDDEN] and elapsed < QUICK
    assert errors[0].line == 2  # type: ignore[attr-defined]
    assert "root:" not in str(errors[0])


def test_xxe_http_entity_is_refused_without_a_request(server: str) -> None:
    data = (f'<!DOCTYPE bill-collect [<!ENTITY xxe SYSTEM "{server}/secret">]>'
            "<bill-collect><displayMessage>&xxe;</displayMessage></bill-collect>").encode()
    codes, elapsed, _ = refused(data)
    assert codes == [ErrorCode.XML_DTD_FORBIDDEN] and elapsed < QUICK


def test_parameter_entity_to_http_is_refused_without_a_request(server: str) -> None:
    data = (f'<!DOCTYPE bill-collect [<!ENTITY % remote SYSTEM "{server}/evil.dtd"> %remote;]>'
            "<bill-collect/>").encode()
    codes, elapsed, _ = refused(data)
    assert codes == [ErrorCode.XML_DTD_FORBIDDEN] and elapsed < QUICK


def test_billion_laughs_is_refused_quickly() -> None:
    codes, elapsed, _ = refused(BILLION_LAUGHS)
    assert codes == [ErrorCode.XML_DTD_FORBIDDEN] and elapsed < QUICK


def test_external_dtd_is_refused_without_a_request(server: str) -> None:
    data = (f'<?xml version="1.0"?>\n<!-- a comment first -->\n'
            f'<!DOCTYPE bill-collect SYSTEM "{server}/bill.dtd">\n<bill-collect/>').encode()
    codes, elapsed, errors = refused(data)
    assert codes == [ErrorCode.XML_DTD_FORBIDDEN] and elapsed < QUICK
    assert errors[0].line == 3  # type: ignore[attr-defined]


def test_doctype_behind_a_byte_order_mark_is_refused() -> None:
    data = b"\xef\xbb\xbf<!DOCTYPE bill-collect []><bill-collect/>"
    codes, _, _ = refused(data)
    assert codes == [ErrorCode.XML_DTD_FORBIDDEN]


@pytest.mark.parametrize("attribute", ["schemaLocation", "noNamespaceSchemaLocation"])
def test_schema_location_hints_are_refused_and_never_fetched(server: str, attribute: str) -> None:
    value = f"urn:bill {server}/bill.xsd" if attribute == "schemaLocation" else f"{server}/b.xsd"
    data = BASE_XML.replace(
        "<payee>", f'<payee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                   f'xsi:{attribute}="{value}">', 1).encode()
    codes, elapsed, errors = refused(data)
    assert codes == [ErrorCode.XML_SCHEMA_REFERENCE_FORBIDDEN] and elapsed < QUICK
    assert errors[0].path == f"/bill-collect/payees/payee[1]/@xsi:{attribute}"  # type: ignore
    assert errors[0].line == line_of(data, "xsi:")  # type: ignore[attr-defined]


def test_xinclude_is_not_processed(server: str) -> None:
    data = BASE_XML.replace(
        "<paidBy>", f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                    f'href="{server}/x.xml"/><paidBy>', 1).encode()
    codes, _, _ = refused(data)
    assert codes == [ErrorCode.XSD_UNEXPECTED_ELEMENT]


def test_six_megabytes_are_refused_before_parsing() -> None:
    padding = "<displayMessage>" + "x" * (6 * 1024 * 1024) + "</displayMessage>"
    data = BASE_XML.replace("<displayMessage>Property tax</displayMessage>", padding).encode()
    codes, elapsed, errors = refused(data)
    assert codes == [ErrorCode.XML_TOO_LARGE] and elapsed < 0.1
    assert "5,242,880" in errors[0].message  # type: ignore[attr-defined]
    assert validate(data, max_bytes=7 * 1024 * 1024)[0].code != ErrorCode.XML_TOO_LARGE


def test_ten_thousand_levels_are_refused_quickly() -> None:
    data = b"<bill-collect>" + b"<a>" * 10_000 + b"</a>" * 10_000 + b"</bill-collect>"
    codes, elapsed, _ = refused(data)
    assert codes == [ErrorCode.XML_TOO_DEEP] and elapsed < QUICK


def test_nesting_below_the_parser_limit_but_over_max_depth_is_refused() -> None:
    data = b"<bill-collect>\n" + b"<a>" * 100 + b"</a>" * 100 + b"</bill-collect>"
    codes, elapsed, errors = refused(data)
    assert codes == [ErrorCode.XML_TOO_DEEP] and elapsed < QUICK
    assert errors[0].line == 2  # type: ignore[attr-defined]
    relaxed = refused(data, max_depth=128)[0]
    assert relaxed and ErrorCode.XML_TOO_DEEP not in relaxed  # the XSD explains it instead


def test_depth_limit_is_checked() -> None:
    assert validate(BASE_XML.encode(), max_depth=8) == []
    for wrong in (7, 257):
        with pytest.raises(ValueError):
            validate(BASE_XML.encode(), max_depth=wrong)


@pytest.mark.parametrize("data", [
    BASE_XML[:-40].encode(),  # truncated
    BASE_XML.encode() + b"<bill-collect/>",  # junk after the root
    BASE_XML.replace("Property tax", "Property&nbsp;tax").encode(),  # undefined entity
    b"<bill-collect><payees></bill-collect>",
    b"not xml at all",
    b"\x00\x01\x02",
])
def test_not_well_formed_is_refused(data: bytes) -> None:
    codes, elapsed, _ = refused(data)
    assert codes in ([ErrorCode.XML_MALFORMED], [ErrorCode.XML_ENCODING_UNSUPPORTED])
    assert elapsed < QUICK


@pytest.mark.parametrize("data", [
    b"<html><body/></html>",
    b'<x:bill-collect xmlns:x="urn:egov"/>',
    b"<billCollect/>",
])
def test_wrong_root_is_refused(data: bytes) -> None:
    codes, _, _ = refused(data)
    assert codes == [ErrorCode.XML_WRONG_ROOT]


def test_encodings_other_than_utf8_are_refused() -> None:
    utf16 = BASE_XML.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert refused(utf16)[0] == [ErrorCode.XML_ENCODING_UNSUPPORTED]
    latin1 = BASE_XML.replace('encoding="UTF-8"', "encoding='windows-1252'").encode()
    assert refused(latin1)[0] == [ErrorCode.XML_ENCODING_UNSUPPORTED]


def test_non_utf8_bytes_declared_utf8_are_refused_with_their_line() -> None:
    data = BASE_XML.replace("Mr. XYZ", "Mr. Gr\u00fcn").encode("latin-1")
    codes, _, errors = refused(data)
    assert codes == [ErrorCode.XML_INVALID_UTF8]
    assert errors[0].line == line_of(data, "Mr. Gr")  # type: ignore[attr-defined]
    assert "fc" in errors[0].message  # type: ignore[attr-defined]


def test_utf8_with_byte_order_mark_and_non_ascii_text_is_accepted() -> None:
    name = "\u0936\u094d\u0930\u0940 \u0930\u093e\u092e"  # Shri Ram, in Devanagari
    data = b"\xef\xbb\xbf" + BASE_XML.replace("Mr. XYZ", name).encode()
    model = parse_bill_xml(data)
    assert model.payees[1].name == name


def test_bytes_only() -> None:
    with pytest.raises(TypeError):
        validate(BASE_XML)  # type: ignore[arg-type]


def _many_bills(count: int) -> str:
    bill = BASE_XML[BASE_XML.index('<bill refNo="R-2"'):BASE_XML.index("</bills>")]
    bills = "".join(bill.replace('refNo="R-2"', f'refNo="B{n}"') for n in range(count))
    return BASE_XML.replace(bill, bills)


def test_explaining_a_large_document_with_one_error_stays_quick() -> None:
    text = _many_bills(2000)  # about 1 MB
    data = text.replace("<totalAmount>50</totalAmount>", "", 1).encode()
    start = time.perf_counter()
    errors = validate(data)
    assert time.perf_counter() - start < 5.0
    assert [error.code for error in errors] == [ErrorCode.XSD_MISSING_ELEMENT]


def test_a_document_full_of_errors_reports_each_within_a_bound() -> None:
    text = _many_bills(1000).replace('<account glCode="1100102" order="1">',
                                     '<account glCode="1100102" order="first">')
    start = time.perf_counter()
    errors = validate(text.encode())
    assert time.perf_counter() - start < 5.0
    assert len(errors) == 1000  # every one reported: the first in detail, the rest as libxml2
    assert {error.code for error in errors} == {ErrorCode.XSD_BAD_VALUE, ErrorCode.XSD_INVALID}
    assert all(error.line and error.path for error in errors)
