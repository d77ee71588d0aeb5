"""Secure parsing: bytes from outside become an lxml tree, or are refused quickly with a code.

The document comes from another system over the network, so the parser is locked down:
no DTD at all (no entities, no external subset: XXE and "billion laughs" cannot happen), no
network, no schema hints followed, and a size limit checked before parsing. Only UTF-8 is
accepted, so that the byte-level checks below see the document as the parser does.

Depth: libxml2 refuses more than 256 levels while parsing, so deep input costs nothing. The
tighter limit (`max_depth`, 32 by default) needs a walk over the tree, and a document the XSD
accepts is at most SCHEMA_DEPTH (8) levels deep; so `too_deep` is asked only about documents
the XSD refused, before anything slower looks at them (see structure.check_structure).
"""

from __future__ import annotations

import re

from lxml import etree

from billxml.errors import BillXmlError, BillXmlInvalid, ErrorCode
from billxml.paths import ROOT, element_path

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32
SCHEMA_DEPTH = 8
"""Depth of the deepest element the XSD allows (bill-collect/.../account/crAmount)."""
PARSER_MAX_DEPTH = 256
"""libxml2's own nesting limit without XML_PARSE_HUGE."""

_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
_SCHEMA_HINTS = (f"{_XSI}schemaLocation", f"{_XSI}noNamespaceSchemaLocation")
_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]*)[\"']")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_FOREIGN_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")
_UTF8_BOM = b"\xef\xbb\xbf"


def _refuse(code: ErrorCode, message: str, line: int | None = None,
            path: str | None = None) -> BillXmlInvalid:
    return BillXmlInvalid([BillXmlError(code, message, line, path)])


def _new_parser() -> etree.XMLParser:
    """A fresh parser per document: lxml parsers must not be shared between threads.

    Comments, processing instructions and the white space between elements are not data:
    dropping them keeps the tree small and the model reader simple. (libxml2 keeps white
    space that is an element's only content, so the XSD still sees `<payeeName> </payeeName>`.)
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
        collect_ids=False,
    )


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_encoding(data: bytes) -> None:
    """Only UTF-8: refuse other byte-order marks and other declared encodings up front.

    (Bytes that are not UTF-8 make libxml2 fail; `_syntax_error` then names them. Decoding
    here would copy the whole document on the hot path.)
    """
    if data.startswith(_FOREIGN_BOMS) or data[:4].count(b"\x00"):
        raise _refuse(ErrorCode.XML_ENCODING_UNSUPPORTED,
                      "the document is not UTF-8 (it starts like UTF-16 or UTF-32); "
                      "send Bill XML encoded as UTF-8", 1)
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    declaration = _DECLARATION.match(data[start:start + 512])
    if declaration and declaration[1].decode("ascii").lower() not in _UTF8_NAMES:
        raise _refuse(ErrorCode.XML_ENCODING_UNSUPPORTED,
                      f"the XML declaration says encoding=\"{declaration[1].decode('ascii')}\"; "
                      "rasid accepts Bill XML in UTF-8 only", 1)


def _invalid_utf8(data: bytes) -> BillXmlInvalid | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start:error.end].hex(" ")
        return _refuse(ErrorCode.XML_INVALID_UTF8,
                       f"byte(s) {bad} are not valid UTF-8; the document must be encoded as "
                       "UTF-8 (was it saved as Latin-1 or Windows-1252?)",
                       _line_at(data, error.start))
    return None


def _doctype_offset(data: bytes) -> int | None:
    """Offset of a DOCTYPE in the prolog (before the root element), else None.

    Scanned on the bytes so that the parser never sees a DTD, not even to skip it.
    """
    position = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    end = len(data)
    while position < end:
        while position < end and data[position] in b" \t\r\n":
            position += 1
        if data.startswith(b"<!DOCTYPE", position):
            return position
        if data.startswith(b"<?", position):
            close = data.find(b"?>", position + 2)
        elif data.startswith(b"<!--", position):
            close = data.find(b"-->", position + 4)
        else:
            return None
        if close < 0:
            return None
        position = close + 2 if data[close] == ord("?") else close + 3
    return None


def _syntax_error(data: bytes, error: etree.XMLSyntaxError, max_depth: int) -> BillXmlInvalid:
    encoding = _invalid_utf8(data)
    if encoding is not None:
        return encoding
    message = error.msg or str(error)
    line = error.lineno or None
    if "depth" in message.lower():
        return _refuse(ErrorCode.XML_TOO_DEEP,
                       f"elements are nested more than {min(max_depth, PARSER_MAX_DEPTH)} "
                       f"levels deep; Bill XML needs at most {SCHEMA_DEPTH}", line)
    if error.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
        return _refuse(ErrorCode.XML_TOO_LARGE, f"a parser limit was exceeded: {message}", line)
    return _refuse(ErrorCode.XML_MALFORMED, f"not well-formed XML: {message}", line)


def check_max_depth(max_depth: int) -> None:
    """Limits outside SCHEMA_DEPTH..PARSER_MAX_DEPTH make no sense: refuse them loudly."""
    if not SCHEMA_DEPTH <= max_depth <= PARSER_MAX_DEPTH:
        raise ValueError(f"max_depth must be between {SCHEMA_DEPTH} and {PARSER_MAX_DEPTH}")


def too_deep(root: etree._Element, max_depth: int) -> BillXmlError | None:
    """XML_TOO_DEEP at the first element nested deeper than max_depth, or None."""
    beyond = root.xpath("/*" + "/*" * max_depth)
    if not beyond:
        return None
    return BillXmlError(ErrorCode.XML_TOO_DEEP,
                        f"elements are nested more than {max_depth} levels deep; Bill XML "
                        f"needs at most {SCHEMA_DEPTH}", beyond[0].sourceline, None)


def _check_schema_hints(data: bytes, root: etree._Element) -> None:
    if b"chemaLocation" not in data:  # cheap test first: both hints contain it
        return
    for element in root.iter():
        for hint in _SCHEMA_HINTS:
            if hint in element.attrib:
                name = hint.removeprefix(_XSI)
                raise _refuse(ErrorCode.XML_SCHEMA_REFERENCE_FORBIDDEN,
                              f"xsi:{name}=\"{element.attrib[hint][:80]}\" points to a schema; "
                              "Bill XML is always validated against rasid's own XSD and such "
                              "hints are refused, never fetched: remove the attribute",
                              element.sourceline, f"{element_path(element)}/@xsi:{name}")


def parse_secure(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 max_depth: int = DEFAULT_MAX_DEPTH) -> etree._Element:
    """Parse untrusted bytes into the root <bill-collect> element, or raise BillXmlInvalid.

    Refusals (one error each): XML_EMPTY, XML_TOO_LARGE, XML_ENCODING_UNSUPPORTED,
    XML_INVALID_UTF8, XML_DTD_FORBIDDEN, XML_MALFORMED, XML_TOO_DEEP (beyond 256 levels;
    see `too_deep` for max_depth), XML_SCHEMA_REFERENCE_FORBIDDEN, XML_WRONG_ROOT.
    """
    if not isinstance(data, bytes):
        raise TypeError(f"Bill XML must be given as bytes, not {type(data).__name__}")
    check_max_depth(max_depth)
    root = parse_untrusted(data, max_bytes=max_bytes, max_depth=max_depth)
    if root.tag != ROOT:
        raise _refuse(ErrorCode.XML_WRONG_ROOT,
                      f"the root element is <{root.tag}>; a Bill XML document is a "
                      f"<{ROOT}> element (without namespace)", root.sourceline, f"/{root.tag}")
    _check_schema_hints(data, root)
    return root


def parse_untrusted(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                    max_depth: int = DEFAULT_MAX_DEPTH) -> etree._Element:
    """The locked-down parse alone, for any untrusted XML (bank statements reuse it).

    Refusals: XML_EMPTY, XML_TOO_LARGE, XML_ENCODING_UNSUPPORTED, XML_INVALID_UTF8,
    XML_DTD_FORBIDDEN, XML_MALFORMED, XML_TOO_DEEP (beyond 256 levels). Schema hints are
    ignored here (never fetched); the root element is the caller's business.
    """
    if not isinstance(data, bytes):
        raise TypeError(f"XML must be given as bytes, not {type(data).__name__}")
    if len(data) > max_bytes:
        raise _refuse(ErrorCode.XML_TOO_LARGE,
                      f"the document is {len(data):,} bytes; the limit is {max_bytes:,} bytes")
    if not data or data.isspace():  # (strip() would copy the whole document)
        raise _refuse(ErrorCode.XML_EMPTY, "the document is empty")
    _check_encoding(data)
    doctype = _doctype_offset(data)
    if doctype is not None:
        raise _refuse(ErrorCode.XML_DTD_FORBIDDEN,
                      "the document has a DOCTYPE; Bill XML must not declare a DTD or entities "
                      "(they are refused for security): remove the <!DOCTYPE ...>",
                      _line_at(data, doctype))
    try:
        root = etree.fromstring(data, _new_parser())
    except etree.XMLSyntaxError as error:
        raise _syntax_error(data, error, max_depth) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(ErrorCode.XML_DTD_FORBIDDEN, "the document declares a DTD; remove it", 1)
    return root
