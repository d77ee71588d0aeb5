"""The two ways in: `validate` (all problems, as values) and `parse_bill_xml` (a model, or
BillXmlInvalid). Both run the same steps; each step needs the one before it to succeed:

1. secure parsing: refused input yields one XML_* error;
2. structure (the XSD): every violation at once;
3. reading the model: every impossible date at once;
4. meaning: every arithmetic problem, and with masters every unknown or inactive code, at once.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from billxml.errors import BillXmlError, BillXmlInvalid, sort_errors
from billxml.masters import Masters
from billxml.meaning import check_meaning
from billxml.model import BillCollect
from billxml.parsing import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, parse_secure
from billxml.paths import line_of
from billxml.reading import read_model
from billxml.structure import check_structure


def _with_lines(root: etree._Element, errors: list[BillXmlError]) -> list[BillXmlError]:
    return [error if error.line is not None else replace(error, line=line_of(root, error.path))
            for error in errors]


def load(data: bytes, masters: Masters | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
         max_depth: int = DEFAULT_MAX_DEPTH) -> tuple[BillCollect | None, list[BillXmlError]]:
    """The model and no errors, or None and every error of the first layer that failed."""
    try:
        root = parse_secure(data, max_bytes=max_bytes, max_depth=max_depth)
    except BillXmlInvalid as refused:
        return None, list(refused.errors)
    errors = check_structure(root, max_depth)
    if errors:
        return None, errors
    model, errors = read_model(root)
    if model is None:
        return None, sort_errors(errors)
    errors = check_meaning(model, masters)
    if errors:
        return None, sort_errors(_with_lines(root, errors))
    return model, []


def validate(data: bytes, masters: Masters | None = None, *,
             max_bytes: int = DEFAULT_MAX_BYTES,
             max_depth: int = DEFAULT_MAX_DEPTH) -> list[BillXmlError]:
    """Every problem of a Bill XML document ([] if none). Never raises for bad input.

    Without masters, only the checks that need no masters run (structure, dates, totals,
    minimum amounts, duplicate bills).
    """
    return load(data, masters, max_bytes=max_bytes, max_depth=max_depth)[1]


def parse_bill_xml(data: bytes, masters: Masters | None = None, *,
                   max_bytes: int = DEFAULT_MAX_BYTES,
                   max_depth: int = DEFAULT_MAX_DEPTH) -> BillCollect:
    """The model of a valid Bill XML document; raises BillXmlInvalid listing every problem."""
    model, errors = load(data, masters, max_bytes=max_bytes, max_depth=max_depth)
    if model is None:
        raise BillXmlInvalid(errors)
    return model


def check_bill_collect(doc: BillCollect, masters: Masters | None = None) -> list[BillXmlError]:
    """Layer 2 for a model built in code (no lines, since there is no document)."""
    return sort_errors(check_meaning(doc, masters, parsed=False))
