"""The Bill XML schema (bill-collect.xsd), compiled once for each validator that uses it.

Two validators read the same file:
- lxml's `XMLSchema` (libxml2, in C) holds every document to it: the hot path. It is compiled
  twice: whole (`lxml_schema`), and without the identity constraints (`structure_schema`),
  which cost libxml2 as much as the rest of the XSD together; the hot path checks those few
  constraints itself and asks the whole XSD only about a document that may break one (see
  structure.check_structure);
- the `xmlschema` library explains a document that failed, with structured errors. It reads a
  copy without the identity constraints (xs:key / xs:unique), whose failures `explain` restates
  itself with precise paths and lines.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import xmlschema
from lxml import etree

XSD_PATH = Path(__file__).with_name("bill-collect.xsd")
_XS = "{http://www.w3.org/2001/XMLSchema}"

_local = threading.local()


def _read_xsd() -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(XSD_PATH), parser)


def _without_identity_constraints() -> etree._ElementTree:
    """The XSD with its xs:key, xs:unique and xs:keyref left out."""
    tree = _read_xsd()
    for constraint in tree.iter(f"{_XS}key", f"{_XS}unique", f"{_XS}keyref"):
        parent = constraint.getparent()
        assert parent is not None
        parent.remove(constraint)
    return tree


def lxml_schema() -> etree.XMLSchema:
    """The compiled XSD for this thread (lxml validators keep per-object error logs)."""
    return _per_thread("schema", _read_xsd)


def structure_schema() -> etree.XMLSchema:
    """The compiled XSD without its identity constraints, for this thread."""
    return _per_thread("structure", _without_identity_constraints)


def _per_thread(name: str, build) -> etree.XMLSchema:
    schema: etree.XMLSchema | None = getattr(_local, name, None)
    if schema is None:
        schema = etree.XMLSchema(build())
        setattr(_local, name, schema)
    return schema


@cache
def explainer_schema() -> xmlschema.XMLSchema10:
    """The XSD as the `xmlschema` library sees it, identity constraints left out."""
    return xmlschema.XMLSchema10(
        etree.tostring(_without_identity_constraints(), encoding="unicode"),
        base_url=str(XSD_PATH.parent), allow="none"
    )
