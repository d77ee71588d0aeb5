"""Explain why a document failed the XSD: every violation, with a code, a line and a path.

Runs only after lxml's validator has said "invalid", and looks where it pointed (its errors
carry the XPath of each element it complained about). Each kind of problem has one source:
- content models (missing, unknown, misplaced or repeated elements): the `xmlschema` library's
  children errors, which know the XSD's sequences and choices;
- values, attributes and stray text: each flagged element checked against its declaration
  (read from the same `xmlschema` schema);
- the identity constraints (header fields once, required header fields, unique bills): restated
  here from the XSD's own xs:key / xs:unique, because the library reports them without a path.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, cast

from lxml import etree
from xmlschema import XMLSchemaChildrenValidationError
from xmlschema.validators import (
    XsdElement,
    XsdEnumerationFacets,
    XsdFractionDigitsFacet,
    XsdGroup,
    XsdMinInclusiveFacet,
)

from billxml.errors import BillXmlError, ErrorCode
from billxml.paths import ROOT, PathIndex, child_path, local_name, schema_path
from billxml.schema import XSD_PATH, explainer_schema
from billxml.text import collapse

_XS = "{http://www.w3.org/2001/XMLSchema}"
_BUILTIN_MEANING = {
    "int": "a whole number from -2147483648 to 2147483647",
    "integer": "a whole number",
    "decimal": "a decimal number",
    "token": "text",
    "string": "text",
}
_SHOWN_VALUE = 60
MAX_EXPLAINED = 200
"""Elements flagged by libxml2 that are explained in detail; beyond, libxml2's words."""


# ----------------------------------------------------------------------------- declarations

def _content(decl: XsdElement) -> XsdGroup:
    """The content model (a group) of an element with element content."""
    content = getattr(decl.type, "content", None)
    assert isinstance(content, XsdGroup), f"{decl.name} has no element content"
    return content


def _children(group: XsdGroup) -> list[XsdElement]:
    """Element declarations inside a content model, in order (the schema has no wildcards)."""
    return [e for e in group.iter_elements() if isinstance(e, XsdElement)]


@cache
def declarations() -> dict[str, XsdElement]:
    """Every element declaration of the XSD by its index-free path (/bill-collect/payees/...)."""
    table: dict[str, XsdElement] = {}

    def visit(decl: XsdElement, path: str) -> None:
        table[path] = decl
        if decl.type.has_complex_content():
            for child in _children(_content(decl)):
                visit(child, f"{path}/{child.local_name}")

    visit(explainer_schema().elements[ROOT], f"/{ROOT}")
    return table


@dataclass(frozen=True, slots=True)
class IdentityConstraint:
    """An xs:key or xs:unique of the XSD, in the simple forms the Bill XML schema uses."""

    name: str
    kind: str  # "key" or "unique"
    selector: tuple[str, ...]  # child steps from the declaring element; () for "."
    fields: tuple[str, ...]  # "name" (a child element) or "@name" (an attribute)


@cache
def identity_constraints() -> tuple[IdentityConstraint, ...]:
    """The XSD's identity constraints, read from the file the validators compile."""
    tree = etree.parse(str(XSD_PATH), etree.XMLParser(no_network=True, resolve_entities=False))
    found = []
    for constraint in tree.iter(f"{_XS}key", f"{_XS}unique"):
        selector = constraint.find(f"{_XS}selector")
        assert selector is not None
        steps = tuple(step for step in selector.get("xpath", ".").split("/") if step != ".")
        found.append(IdentityConstraint(
            name=constraint.get("name", ""),
            kind=etree.QName(constraint).localname,
            selector=steps,
            fields=tuple(field.get("xpath", "") for field in constraint.iter(f"{_XS}field")),
        ))
    return tuple(found)


def _meaning(xsd_type: Any) -> str:
    """What a simple type expects, in words: its xs:documentation, else the builtin's name."""
    annotation = getattr(xsd_type, "annotation", None)
    if annotation is not None and annotation.documentation:
        text = collapse(annotation.documentation[0].text or "")
        if text:
            return text
    name = getattr(xsd_type, "local_name", None) or ""
    return _BUILTIN_MEANING.get(name, name or "a value of another type")


def _is_amount(xsd_type: Any) -> bool:
    return getattr(xsd_type, "local_name", None) == "Amount"


def _occurs(decl: XsdElement) -> str:
    if decl.max_occurs is None or decl.max_occurs > 1:
        return "*" if decl.min_occurs == 0 else "+"
    return "?" if decl.min_occurs == 0 else ""


def _order_of(decl: XsdElement) -> str:
    """The content model of an element, in words: '?' optional, '+' one or more."""
    def describe(group: XsdGroup) -> str:
        parts = []
        for particle in group:
            if isinstance(particle, XsdGroup) and particle.model == "choice":
                names = ", ".join(e.local_name for e in _children(particle))
                parts.append(f"[any of {names}, in any order]")
            elif isinstance(particle, XsdGroup):
                parts.append(describe(particle))
            elif isinstance(particle, XsdElement):
                parts.append(particle.local_name + _occurs(particle))
        return ", ".join(parts)
    return f"<{decl.local_name}> holds, in this order: {describe(_content(decl))}"


def _attribute_name(element: etree._Element, name: str) -> str:
    """An attribute's name as written: xsi:type rather than {http://...}type."""
    qname = etree.QName(name)
    local: str = qname.localname
    if qname.namespace is None:
        return local
    prefix = next((p for p, uri in element.nsmap.items() if uri == qname.namespace and p), None)
    return f"{prefix}:{local}" if prefix else name


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN_VALUE else value[:_SHOWN_VALUE] + "..."


# ----------------------------------------------------------------------------- value checks

@lru_cache(maxsize=4096)
def _violation(xsd_type: Any, value: str) -> tuple[ErrorCode, str] | None:
    """The first violation of a simple type by a value: its code and what was expected.

    Memoized, because the library takes a fraction of a millisecond per value, and a wrong
    value sent once is usually sent in every bill.
    """
    for violation in xsd_type.iter_errors(value):
        validator = violation.validator
        if _is_amount(xsd_type) and isinstance(validator, XsdFractionDigitsFacet):
            return ErrorCode.AMOUNT_SUB_PAISA, "at most two decimals (whole paise)"
        if _is_amount(xsd_type) and isinstance(validator, XsdMinInclusiveFacet):
            return ErrorCode.AMOUNT_NEGATIVE, "at least 0"
        expected = _meaning(xsd_type)
        if isinstance(validator, XsdEnumerationFacets):
            expected = f"one of {', '.join(map(str, validator.enumeration))} ({expected})"
        return ErrorCode.XSD_BAD_VALUE, expected
    return None


def _value_error(xsd_type: Any, value: str, path: str, line: int | None,
                 field: str) -> BillXmlError | None:
    """The first violation of a simple type by a value, as an error; None if valid."""
    violation = _violation(xsd_type, value)
    if violation is None:
        return None
    code, expected = violation
    shown = _shown(collapse(value))
    if code is ErrorCode.AMOUNT_SUB_PAISA:
        message = (f"{field} is {shown} rupees, which has a fraction of a paisa; amounts may "
                   "have at most two decimals")
    elif code is ErrorCode.AMOUNT_NEGATIVE:
        message = f"{field} is {shown}; amounts cannot be negative (a rebate is a drAmount)"
    else:
        message = f"{field} is '{shown}', which is not valid: expected {expected}"
    return BillXmlError(code, message, line, path, field)


def _attribute_errors(element: etree._Element, decl: XsdElement,
                      path: str) -> Iterator[BillXmlError]:
    declared = decl.attributes
    line = element.sourceline
    for name, value in element.attrib.items():
        shown_name = _attribute_name(element, name)
        attribute = declared.get(name)
        if attribute is None:
            allowed = ", ".join(str(n) for n in declared if n) or "no attributes"
            yield BillXmlError(
                ErrorCode.XSD_UNEXPECTED_ATTRIBUTE,
                f"<{decl.name}> has no attribute {shown_name}; it takes: {allowed}",
                line, f"{path}/@{shown_name}", shown_name)
            continue
        error = _value_error(attribute.type, value, f"{path}/@{name}", line, name)
        if error is not None:
            yield error
    for name, attribute in declared.items():
        if name and attribute.use == "required" and name not in element.attrib:
            yield BillXmlError(
                ErrorCode.XSD_MISSING_ATTRIBUTE,
                f"<{decl.name}> has no {name} attribute; it is required "
                f"({_meaning(attribute.type)})", line, f"{path}/@{name}", name)


def _text_errors(element: etree._Element, decl: XsdElement, path: str,
                 paths: PathIndex) -> Iterator[BillXmlError]:
    if decl.type.has_simple_content():
        children = list(element)
        for child in children:
            yield BillXmlError(
                ErrorCode.XSD_UNEXPECTED_ELEMENT,
                f"<{decl.name}> holds a value ({_meaning(decl.type)}), not elements; "
                f"remove <{local_name(child.tag)}>",
                child.sourceline, paths[child], local_name(child.tag))
        if not children:
            error = _value_error(decl.type, element.text or "", path, element.sourceline,
                                 decl.name)
            if error is not None:
                yield error
        return
    texts = [element.text, *(child.tail for child in element)]
    stray = next((text.strip() for text in texts if text and text.strip()), None)
    if stray is not None:
        yield BillXmlError(
            ErrorCode.XSD_UNEXPECTED_TEXT,
            f"<{decl.name}> holds only elements, but has the text '{_shown(collapse(stray))}'",
            element.sourceline, path, decl.name)


def _element_errors(element: etree._Element, decl: XsdElement,
                    paths: PathIndex) -> Iterator[BillXmlError]:
    path = paths[element]
    yield from _attribute_errors(element, decl, path)
    yield from _text_errors(element, decl, path, paths)


def _walk_errors(root: etree._Element, paths: PathIndex,
                 flagged: list[etree._Element] | None) -> Iterator[BillXmlError]:
    """Attributes and values of the flagged elements, or of every element whose declaration
    is known when nothing was flagged."""
    table = declarations()
    if flagged is not None:
        for element in dict.fromkeys(flagged):
            decl = table.get(schema_path(element))
            if decl is not None:  # unknown elements are the content model check's
                yield from _element_errors(element, decl, paths)
        return

    def visit(element: etree._Element, path: str) -> Iterator[BillXmlError]:
        decl = table.get(path)
        if decl is None:
            return
        yield from _element_errors(element, decl, paths)
        if decl.type.has_complex_content():
            for child in element:
                yield from visit(child, f"{path}/{local_name(child.tag)}")

    yield from visit(root, f"/{local_name(root.tag)}")


# ------------------------------------------------------------------------- content models

def _required(decl: XsdElement) -> bool:
    """Required on its own: minOccurs >= 1 inside a sequence (not one branch of a choice)."""
    parent = decl.parent
    return decl.min_occurs >= 1 and isinstance(parent, XsdGroup) and parent.model == "sequence" \
        and parent.min_occurs >= 1


def _missing(parent: etree._Element, decl: XsdElement, paths: PathIndex) -> BillXmlError:
    parent_path = paths[parent]
    position = 1 + sum(1 for _ in parent.iterchildren(decl.name))
    parent_name = local_name(parent.tag)
    return BillXmlError(
        ErrorCode.XSD_MISSING_ELEMENT,
        f"<{parent_name}> has no <{decl.name}>; it is required. "
        f"{_order_of(_declaration_named(parent_name))}",
        parent.sourceline, child_path(parent_path, decl.name, position), decl.name)


def _declaration_named(name: str) -> XsdElement:
    """The declaration of an element name (element names are unique in the Bill XML schema)."""
    return next(decl for decl in declarations().values() if decl.name == name)


def _children_error(error: XMLSchemaChildrenValidationError,
                    paths: PathIndex) -> Iterator[BillXmlError]:
    parent = cast(etree._Element, error.elem)  # lxml's, since lxml's tree was validated
    expected = [e for e in (error.expected or ()) if isinstance(e, XsdElement)]
    absent = [e for e in expected if _required(e) and next(parent.iterchildren(e.name), None)
              is None]
    child = cast("etree._Element | None", error.invalid_child)
    if child is None or absent:
        wanted = absent or [e for e in expected if _required(e)] or expected[:1]
        for decl in wanted:
            yield _missing(parent, decl, paths)
        return
    name = local_name(child.tag)
    parent_name = local_name(parent.tag)
    parent_decl = _declaration_named(parent_name)
    known = {e.local_name for e in _children(_content(parent_decl))}
    if name in known:
        where = (f"expected {' or '.join(f'<{e.name}>' for e in expected)} at this point"
                 if expected else "nothing more may follow at this point")
        message = (f"<{name}> is out of place or repeated inside <{parent_name}>: {where}. "
                   f"{_order_of(parent_decl)}")
    else:
        message = f"<{name}> is not an element of <{parent_name}>. {_order_of(parent_decl)}"
    yield BillXmlError(ErrorCode.XSD_UNEXPECTED_ELEMENT, message, child.sourceline,
                       paths[child], name)


def _without_foreign_attributes(root: etree._Element) -> etree._Element:
    """A copy without namespaced attributes (xsi:type, ...), which the walk reports and which
    would otherwise steer the explaining library (xsi:type can name a type it cannot find)."""
    if not root.xpath("boolean(//@*[namespace-uri() != ''])"):
        return root
    stripped = copy.deepcopy(root)
    for element in stripped.iter():
        for name in [n for n in element.attrib if isinstance(n, str) and n.startswith("{")]:
            del element.attrib[name]
    return stripped


def _content_errors(root: etree._Element, paths: PathIndex,
                    flagged_paths: Sequence[str] | None) -> Iterator[BillXmlError]:
    checked = _without_foreign_attributes(root)
    if checked is not root:
        paths = PathIndex()  # the copy's elements are other objects
    hook = None
    flagged = _resolve(checked, flagged_paths)
    if flagged is not None:
        # Only along the way to what libxml2 flagged: the rest of a large document is
        # valid, and the library is slow (about 0.1 ms an element).
        wanted = {ancestor for element in flagged for ancestor in element.iterancestors()}
        wanted.update(flagged)

        def hook(element: etree._Element, _decl: object) -> bool:
            return element not in wanted  # True: skip this element and what it holds

    for error in explainer_schema().iter_errors(checked, validation_hook=hook):
        if isinstance(error, XMLSchemaChildrenValidationError) and error.elem is not None:
            yield from _children_error(error, paths)


# ---------------------------------------------------------------------- identity constraints

def _select(element: etree._Element, steps: tuple[str, ...]) -> list[etree._Element]:
    nodes = [element]
    for step in steps:
        nodes = [child for node in nodes for child in node.iterchildren(step)]
    return nodes


def identity_errors(root: etree._Element, paths: PathIndex) -> Iterator[BillXmlError]:
    """Every violation of the XSD's identity constraints, as libxml2 would find them.

    Covers the forms the Bill XML schema uses (checked by the tests): selectors of child
    steps, key fields that are child elements, unique fields that are child elements or
    attributes, compared as tokens (white space collapsed). structure.check_structure relies
    on it finding every violation, since its hot path leaves these constraints out of libxml2.
    """
    for constraint in identity_constraints():
        seen: dict[tuple[str, ...], etree._Element] = {}
        for node in _select(root, constraint.selector):
            values: list[str] = []
            for field in constraint.fields:
                if field.startswith("@"):
                    value = node.get(field[1:])
                    if value is not None:
                        values.append(collapse(value))
                    continue
                found = list(node.iterchildren(field))
                for extra in found[1:]:
                    lines = ", ".join(str(e.sourceline) for e in found)
                    yield BillXmlError(
                        ErrorCode.HEADER_DUPLICATE,
                        f"<{field}> is given {len(found)} times (lines {lines}); "
                        "give it once", extra.sourceline, paths[extra], field)
                if not found and constraint.kind == "key":
                    declaration = declarations().get(f"/{ROOT}/{field}")
                    hint = f" ({_meaning(declaration)})" if declaration is not None else ""
                    yield BillXmlError(
                        ErrorCode.XSD_MISSING_ELEMENT,
                        f"<{local_name(node.tag)}> has no <{field}>; it is required{hint}",
                        node.sourceline, child_path(paths[node], field), field)
                if found:
                    values.append(collapse(found[0].text or ""))
            if not constraint.selector or len(values) < len(constraint.fields):
                continue
            key = tuple(values)
            if key in seen:
                first = seen[key]
                shown = ", ".join(f"{f.lstrip('@')}={v}" for f, v in zip(constraint.fields, key, strict=True))
                yield BillXmlError(
                    ErrorCode.DUPLICATE_BILL,
                    f"a second bill with {shown}; the first is at {paths[first]} "
                    f"(line {first.sourceline}). Each bill must appear once in a document",
                    node.sourceline, paths[node], local_name(node.tag))
            else:
                seen[key] = node


# ------------------------------------------------------------------------------- entry point

def _resolve(root: etree._Element,
             flagged_paths: Sequence[str] | None) -> list[etree._Element] | None:
    """The elements libxml2 flagged (its errors carry XPaths), or None if any is not found."""
    if flagged_paths is None:
        return None
    tree = root.getroottree()
    found: list[etree._Element] = []
    for path in flagged_paths:
        try:
            nodes = tree.xpath(path) if path else None
        except etree.XPathError:
            return None
        elements = [n for n in nodes if isinstance(n, etree._Element)] \
            if isinstance(nodes, list) else []
        if not elements:
            return None
        found.extend(elements)
    return found


@dataclass(frozen=True, slots=True)
class Explanation:
    """What `explain` found, and which of libxml2's complaints it left to libxml2's words."""

    errors: list[BillXmlError]
    unexplained: frozenset[str] | None
    """libxml2 paths not looked at (past the budget); None: the explanation failed, pass on
    every libxml2 message."""


def explain(root: etree._Element, flagged_paths: Sequence[str] | None = None) -> Explanation:
    """Every XSD violation of a document found invalid.

    `flagged_paths` are the XPaths of the elements lxml's validator complained about, in its
    order: the value and content checks look at those elements (and the way to them) only,
    so a 5 MB document with one error is explained about as fast as it was validated. Only
    the first MAX_EXPLAINED of them are explained; the rest are left to libxml2's own
    messages, which bounds the time a document full of errors can cost. Without paths (or if
    one cannot be found) the whole document is examined.
    """
    unique_paths = list(dict.fromkeys(flagged_paths)) if flagged_paths is not None else None
    explained = unique_paths[:MAX_EXPLAINED] if unique_paths is not None else None
    unexplained = frozenset(unique_paths[MAX_EXPLAINED:]) if unique_paths is not None \
        else frozenset()
    paths = PathIndex()
    errors = list(identity_errors(root, paths))
    errors.extend(_walk_errors(root, paths, _resolve(root, explained)))
    try:
        errors.extend(_content_errors(root, paths, explained))
    except Exception:  # noqa: BLE001 - bad input must become errors, never a crash
        return Explanation(errors, None)
    return Explanation(errors, unexplained)
