"""Error values of the Bill XML package: one frozen value per problem, one exception for all.

Every problem found in a document is a `BillXmlError` with a stable machine code (below), a
message written for the developer of the revenue system that sent the document, the line and
the path of the element or attribute concerned. Validation never stops at the first problem of
a layer: the whole document is checked and every problem of that layer is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable codes; a code is never renamed or reused for another meaning."""

    # -- refused while parsing (secure parsing) ---------------------------------------------
    XML_EMPTY = "XML_EMPTY"
    """No bytes, or only white space."""
    XML_TOO_LARGE = "XML_TOO_LARGE"
    """More bytes than the size limit (5 MB unless told otherwise), or a parser limit hit."""
    XML_ENCODING_UNSUPPORTED = "XML_ENCODING_UNSUPPORTED"
    """Declared (or byte-order-marked) in an encoding other than UTF-8."""
    XML_INVALID_UTF8 = "XML_INVALID_UTF8"
    """Bytes that are not UTF-8 in a document that is (or must be) UTF-8."""
    XML_DTD_FORBIDDEN = "XML_DTD_FORBIDDEN"
    """A DOCTYPE, hence entity declarations or an external DTD: never accepted."""
    XML_SCHEMA_REFERENCE_FORBIDDEN = "XML_SCHEMA_REFERENCE_FORBIDDEN"
    """An xsi:schemaLocation or xsi:noNamespaceSchemaLocation hint: refused, never fetched."""
    XML_MALFORMED = "XML_MALFORMED"
    """Not well-formed XML (unclosed tag, undefined entity, junk after the root, ...)."""
    XML_TOO_DEEP = "XML_TOO_DEEP"
    """Elements nested deeper than the depth limit (32 unless told otherwise)."""
    XML_WRONG_ROOT = "XML_WRONG_ROOT"
    """The root element is not <bill-collect> (without namespace)."""

    # -- layer 1: structure (the XSD) -------------------------------------------------------
    XSD_MISSING_ELEMENT = "XSD_MISSING_ELEMENT"
    """A required element is absent."""
    XSD_UNEXPECTED_ELEMENT = "XSD_UNEXPECTED_ELEMENT"
    """An element that is unknown, out of order, or repeated where it may appear once."""
    XSD_MISSING_ATTRIBUTE = "XSD_MISSING_ATTRIBUTE"
    """A required attribute is absent."""
    XSD_UNEXPECTED_ATTRIBUTE = "XSD_UNEXPECTED_ATTRIBUTE"
    """An attribute the element does not have."""
    XSD_UNEXPECTED_TEXT = "XSD_UNEXPECTED_TEXT"
    """Text between the child elements of an element that holds only elements."""
    XSD_BAD_VALUE = "XSD_BAD_VALUE"
    """A value not of its type: not a number, not in the list, not dd/MM/yyyy, too long, ..."""
    XSD_INVALID = "XSD_INVALID"
    """Any other violation of the XSD (the validator's own message is passed on)."""
    HEADER_DUPLICATE = "HEADER_DUPLICATE"
    """A header field under <bill-collect> given more than once."""
    AMOUNT_SUB_PAISA = "AMOUNT_SUB_PAISA"
    """An amount with a fraction of a paisa (more than two significant decimals)."""
    AMOUNT_NEGATIVE = "AMOUNT_NEGATIVE"
    """An amount below zero."""
    DUPLICATE_BILL = "DUPLICATE_BILL"
    """Two bills with the same refNo and consumerCode in one document."""
    DATE_INVALID = "DATE_INVALID"
    """A dd/MM/yyyy date that does not exist (31/02/2020)."""

    # -- layer 2: meaning (masters and arithmetic) ------------------------------------------
    SERVICE_UNKNOWN = "SERVICE_UNKNOWN"
    """serviceCode is not registered for the tenant."""
    SERVICE_INACTIVE = "SERVICE_INACTIVE"
    """serviceCode is registered but not active."""
    FUND_UNKNOWN = "FUND_UNKNOWN"
    FUNCTIONARY_UNKNOWN = "FUNCTIONARY_UNKNOWN"
    FUND_SOURCE_UNKNOWN = "FUND_SOURCE_UNKNOWN"
    DEPARTMENT_UNKNOWN = "DEPARTMENT_UNKNOWN"
    FUNCTION_UNKNOWN = "FUNCTION_UNKNOWN"
    GL_UNKNOWN = "GL_UNKNOWN"
    """glCode is not in the chart of accounts."""
    GL_INACTIVE = "GL_INACTIVE"
    GL_NOT_POSTABLE = "GL_NOT_POSTABLE"
    """glCode is a group (major/minor) head, not a detailed head that takes postings."""
    TOTAL_MISMATCH = "TOTAL_MISMATCH"
    """totalAmount is not sum(crAmount) - sum(drAmount) of the bill's accounts."""
    ACCOUNT_BOTH_SIDES = "ACCOUNT_BOTH_SIDES"
    """An account with both crAmount and drAmount above zero: a head is a due (credit) or a
    rebate (debit), and collecting apportions, receipts and posts it as one or the other."""
    MINIMUM_ABOVE_TOTAL = "MINIMUM_ABOVE_TOTAL"
    """minimumAmount is greater than totalAmount."""
    MINIMUM_WITHOUT_PART_PAYMENT = "MINIMUM_WITHOUT_PART_PAYMENT"
    """A minimumAmount between 0 and totalAmount (exclusive) while partPaymentAllowed is 0 (or
    absent, for a service whose bills are not paid in part by default)."""


@dataclass(frozen=True, slots=True)
class BillXmlError:
    """One problem in a Bill XML document."""

    code: ErrorCode
    """Stable machine code."""
    message: str
    """What is wrong and what is expected, for the revenue system's developer."""
    line: int | None
    """1-based line of the element concerned (of its start tag); None when unknown."""
    path: str | None
    """Where: /bill-collect/payees/payee[1]/bills/bill[2]/accounts/account[1]/@glCode;
    repeatable elements always carry their 1-based index. None for the whole document."""
    field: str | None = None
    """The element or attribute name concerned (glCode, totalAmount), when there is one."""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "document"
        if self.path:
            where += f" {self.path}"
        return f"{where}: {self.code}: {self.message}"


class BillXmlInvalid(ValueError):
    """A Bill XML document (or model) was refused; `errors` lists every problem found."""

    code = "BILL_XML_INVALID"
    http_status = 422

    def __init__(self, errors: Iterable[BillXmlError]) -> None:
        self.errors: tuple[BillXmlError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("BillXmlInvalid needs at least one error")
        first = self.errors[0]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{first}{more}")

    @property
    def codes(self) -> list[str]:
        """The codes of the errors, in order; handy in tests and logs."""
        return [error.code for error in self.errors]


def _path_key(path: str | None) -> list[str | int]:
    """bill[2] before bill[10]: numbers in a path compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path or "")]


def sort_errors(errors: Iterable[BillXmlError]) -> list[BillXmlError]:
    """Document order (line, then path), duplicates dropped, so reports read top to bottom."""
    unique = dict.fromkeys(errors)
    return sorted(unique, key=lambda e: (e.line or 0, _path_key(e.path), e.code))
