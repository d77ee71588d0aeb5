"""Bill XML: the document a revenue system sends so that rasid can collect against its bills.

Parse and validate untrusted bytes safely, report every problem with a stable code, a line and
a path, and get a typed, immutable model (amounts in paise); write a model back out.

    model = parse_bill_xml(data, masters)        # or raises BillXmlInvalid(errors)
    errors = validate(data, masters)              # [] when valid
    data = write_bill_xml(model)

The schema is billxml/schema/bill-collect.xsd (`XSD_PATH`). No database, no other rasid package.
"""

from __future__ import annotations

from billxml.api import check_bill_collect, parse_bill_xml, validate
from billxml.errors import BillXmlError, BillXmlInvalid, ErrorCode
from billxml.masters import DictMasters, GlInfo, Masters, ServiceInfo
from billxml.model import (
    Account,
    Bill,
    BillCollect,
    CollectionMode,
    CollectionType,
    Payee,
    Purpose,
)
from billxml.parsing import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH
from billxml.schema import XSD_PATH
from billxml.writer import write_bill_xml

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "XSD_PATH",
    "Account",
    "Bill",
    "BillCollect",
    "BillXmlError",
    "BillXmlInvalid",
    "CollectionMode",
    "CollectionType",
    "DictMasters",
    "ErrorCode",
    "GlInfo",
    "Masters",
    "Payee",
    "Purpose",
    "ServiceInfo",
    "check_bill_collect",
    "parse_bill_xml",
    "validate",
    "write_bill_xml",
]
