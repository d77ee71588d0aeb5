"""Layer 1, structure: is the document what the XSD describes?

The hot path is one call into libxml2 (lxml's XMLSchema) with the XSD less its identity
constraints (each header field once, each bill once), which libxml2 checks by running their
patterns over every element, at as much cost as the rest of the XSD; `explain.identity_errors`
restates those constraints from the XSD's own declarations by looking at the header and the
bills only. A document that passes both is valid. Any other is held to the whole XSD as
before, so that what is reported never depends on the shortcut: a document that fails is first
held to the depth limit (the XSD caps valid documents at 8 levels, so only refused ones need the
walk), then handed to `explain`, which says precisely what is wrong; where the explanation
comes out empty, fails, or stops at its budget, libxml2's own messages are passed on (code
XSD_INVALID), so every problem is reported and a failure never goes without errors.
"""

from __future__ import annotations

from lxml import etree

from billxml.errors import BillXmlError, ErrorCode, sort_errors
from billxml.explain import Explanation, explain, identity_errors
from billxml.parsing import DEFAULT_MAX_DEPTH, check_max_depth, too_deep
from billxml.paths import PathIndex
from billxml.schema import lxml_schema, structure_schema


def _from_libxml2(root: etree._Element, entry: etree._LogEntry,
                  paths: PathIndex) -> BillXmlError:
    path = None
    if entry.path:
        try:
            found = root.getroottree().xpath(entry.path)
        except etree.XPathError:
            found = None
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            path = paths[found[0]]
    return BillXmlError(ErrorCode.XSD_INVALID, entry.message, entry.line or None, path)


def check_structure(root: etree._Element,
                    max_depth: int = DEFAULT_MAX_DEPTH) -> list[BillXmlError]:
    """Every XSD violation of the document, in document order; [] when it is valid.

    A refused document nested deeper than max_depth gets XML_TOO_DEEP alone.
    """
    check_max_depth(max_depth)
    if structure_schema().validate(root) \
            and next(identity_errors(root, PathIndex()), None) is None:
        return []
    schema = lxml_schema()
    if schema.validate(root):
        return []
    log = list(schema.error_log)
    deep = too_deep(root, max_depth)
    if deep is not None:
        return [deep]
    try:
        explanation = explain(root, [entry.path for entry in log])
    except Exception:  # noqa: BLE001 - a gap in the explanation must not crash on bad input
        explanation = Explanation([], None)
    errors = explanation.errors
    unexplained = explanation.unexplained
    paths = PathIndex()
    if not errors or unexplained is None:
        errors.extend(_from_libxml2(root, entry, paths) for entry in log)
    elif unexplained:
        errors.extend(_from_libxml2(root, entry, paths) for entry in log
                      if entry.path in unexplained)
    return sort_errors(errors)
