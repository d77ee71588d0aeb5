"""Paths that name an element or attribute of a Bill XML document, and their lines.

A path is XPath-like: /bill-collect/payees/payee[1]/bills/bill[2]/accounts/account[1]/@glCode.
Elements that the format repeats (REPEATED) always carry their 1-based index among siblings of
the same name, so a path reads the same whether the document holds one bill or a hundred; any
other element carries an index only when it (wrongly) has same-named siblings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from lxml import etree

ROOT = "bill-collect"

REPEATED = frozenset({"payee", "bill", "account", "collectionModeNotAllowed"})
"""Element names whose maxOccurs is above one (the XSD test checks this list against the XSD)."""

_SEGMENT = re.compile(r"^(?P<name>[^\[\]/@]+)(?:\[(?P<index>[1-9][0-9]*)\])?$")


def local_name(tag: object) -> str:
    """An element's tag as shown in paths and messages (a foreign one keeps its {uri})."""
    return tag if isinstance(tag, str) else "#node"


def segment(element: etree._Element) -> str:
    """This element's step in a path: name, with [n] when repeated or ambiguous."""
    name = local_name(element.tag)
    parent = element.getparent()
    if parent is None:
        return name
    before = sum(1 for _ in element.itersiblings(element.tag, preceding=True))
    if name in REPEATED or before or next(element.itersiblings(element.tag), None) is not None:
        return f"{name}[{before + 1}]"
    return name


def child_steps(element: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Each child with its step in a path; the same steps as `segment`, in one pass."""
    children = list(element)
    totals = Counter(local_name(child.tag) for child in children)
    seen: Counter[str] = Counter()
    for child in children:
        name = local_name(child.tag)
        seen[name] += 1
        yield child, f"{name}[{seen[name]}]" if name in REPEATED or totals[name] > 1 else name


class PathIndex:
    """Paths of elements, each parent's children numbered once and remembered.

    Explaining a large document asks for many paths; computing each from its siblings would
    take time quadratic in the number of bills, and numbering the whole tree up front would
    cost time on parts without errors.
    """

    def __init__(self) -> None:
        self._paths: dict[etree._Element, str] = {}

    def __getitem__(self, element: etree._Element) -> str:
        path = self._paths.get(element)
        if path is not None:
            return path
        parent = element.getparent()
        if parent is None:
            path = f"/{local_name(element.tag)}"
            self._paths[element] = path
            return path
        base = self[parent]
        for child, step in child_steps(parent):
            self._paths[child] = f"{base}/{step}"
        return self._paths[element]


def element_path(element: etree._Element) -> str:
    """Full path of an element, from the root."""
    steps = [segment(element)]
    steps.extend(segment(ancestor) for ancestor in element.iterancestors())
    return "/" + "/".join(reversed(steps))


def schema_path(element: etree._Element) -> str:
    """Path without indices: which declaration of the XSD an element stands for."""
    names = [local_name(element.tag)]
    names.extend(local_name(ancestor.tag) for ancestor in element.iterancestors())
    return "/" + "/".join(reversed(names))


def child_path(parent_path: str, name: str, position: int = 1) -> str:
    """Path of a (possibly absent) child `name` of the element at `parent_path`."""
    step = f"{name}[{position}]" if name in REPEATED else name
    return f"{parent_path}/{step}"


def find(root: etree._Element, path: str) -> etree._Element | None:
    """The element a path names (for an attribute path, its element); None if absent.

    Used to give a line to errors found on the model, only when there are errors.
    """
    steps = [step for step in path.split("/") if step]
    if steps and steps[-1].startswith("@"):
        steps.pop()
    if not steps or steps[0] != local_name(root.tag):
        return None
    element = root
    for step in steps[1:]:
        match = _SEGMENT.match(step)
        if match is None:
            return None
        index = int(match["index"] or 1)
        found = None
        for position, child in enumerate(element.iterchildren(match["name"]), start=1):
            if position == index:
                found = child
                break
        if found is None:
            return None
        element = found
    return element


def line_of(root: etree._Element | None, path: str | None) -> int | None:
    """Source line of the element a path names, when it can be found."""
    if root is None or path is None:
        return None
    element = find(root, path)
    return element.sourceline if element is not None else None
