"""Where receipt templates come from: the search path, the Jinja environment, the list.

A template is a folder ``<name>/`` holding ``receipt.html`` (and usually ``style.css``).
Tenant folders are searched before the shipped ones, so a tenant can add templates, replace
one, or extend a shipped one and override a few blocks (``{% extends "default/receipt.html"
%}``). The shipped templates stay reachable as ``builtin/<name>/receipt.html``, so a tenant
may even replace ``default`` with a template that extends the shipped ``default``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from .context import template_filters

__all__ = [
    "BUILTIN_DIR",
    "ENV_VAR",
    "TemplateInfo",
    "has_template",
    "list_templates",
    "make_environment",
    "search_path",
    "stylesheet_files",
    "template_file_name",
]

BUILTIN_DIR = Path(__file__).resolve().parent
ENV_VAR = "RASID_RECEIPT_TEMPLATES"
RECEIPT_FILE = "receipt.html"
BUILTIN_PREFIX = "builtin"
_NOT_TEMPLATES = frozenset({"fonts", "assets", "docs", "__pycache__", BUILTIN_PREFIX})


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A template a receipt can be printed with."""

    name: str
    #: The folder holding its receipt.html.
    path: Path
    #: First line of the template's leading ``{# ... #}`` comment.
    description: str
    #: True when shipped with rasid, False for a tenant's folder.
    builtin: bool
    #: True when a tenant folder replaces a shipped template of the same name.
    overrides_builtin: bool


def search_path(extra_dirs: Iterable[str | os.PathLike[str]] = ()) -> tuple[Path, ...]:
    """Tenant folders first (``extra_dirs``, then ``$RASID_RECEIPT_TEMPLATES``), shipped last."""
    env_dirs = [d for d in os.environ.get(ENV_VAR, "").split(os.pathsep) if d.strip()]
    dirs: list[Path] = []
    for entry in [*extra_dirs, *env_dirs]:
        path = Path(entry).expanduser().resolve()
        if not path.is_dir():
            raise FileNotFoundError(f"receipt template folder not found: {path}")
        if path not in dirs and path != BUILTIN_DIR:
            dirs.append(path)
    dirs.append(BUILTIN_DIR)
    return tuple(dirs)


def make_environment(dirs: Sequence[Path]) -> jinja2.Environment:
    """A Jinja environment that autoescapes, fails on unknown names and never reloads."""
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(BUILTIN_DIR)}),
        jinja2.FileSystemLoader([str(d) for d in dirs]),
    ])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        cache_size=-1,
    )
    env.filters.update(template_filters())
    return env


def template_file_name(template: str) -> str:
    """``"default"`` -> ``"default/receipt.html"``; a name ending in .html is kept."""
    if template.endswith(".html"):
        return template
    if not template or "/" in template.strip("/") or template.startswith("."):
        raise ValueError(f"not a template name: {template!r}")
    return f"{template}/{RECEIPT_FILE}"


def has_template(name: str, extra_dirs: Iterable[str | os.PathLike[str]] = ()) -> bool:
    """Whether a receipt can be printed with template ``name``: it is on the search path.

    Raises FileNotFoundError for a configured folder that does not exist (``search_path``).
    """
    try:
        file_name = template_file_name(name)
    except ValueError:
        return False
    return any((directory / file_name).is_file() for directory in search_path(extra_dirs))


def _extends_target(env: jinja2.Environment, source: str, name: str) -> str | None:
    """The literal name a template extends, if any (dynamic extends are not followed)."""
    tree = env.parse(source, name=name)
    for node in tree.find_all(nodes.Extends):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            return node.template.value
    return None


def _stylesheet_for(template_file: Path) -> Path | None:
    """``X.html`` is styled by ``X.css`` beside it, else by the folder's ``style.css``."""
    own = template_file.with_suffix(".css")
    if own.is_file():
        return own
    if template_file.parent != BUILTIN_DIR or template_file.name != "base.html":
        shared = template_file.parent / "style.css"
        if shared.is_file():
            return shared
    return None


def stylesheet_files(env: jinja2.Environment, name: str) -> tuple[list[Path], Path]:
    """The CSS files for template ``name``, root template's first, and the leaf's folder.

    Follows the ``extends`` chain, so a tenant template extending ``default`` gets the base
    stylesheet, then default's, then its own.
    """
    assert env.loader is not None
    chain: list[Path] = []
    current: str | None = name
    seen: set[str] = set()
    while current is not None and current not in seen:
        seen.add(current)
        source, filename, _ = env.loader.get_source(env, current)
        if filename is None:
            break
        chain.append(Path(filename).resolve())
        current = _extends_target(env, source, current)
    files: list[Path] = []
    for template_file in reversed(chain):
        css = _stylesheet_for(template_file)
        if css is not None and css not in files:
            files.append(css)
    return files, chain[0].parent


def _description(receipt_file: Path) -> str:
    text = receipt_file.read_text(encoding="utf-8").lstrip()
    if text.startswith("{#"):
        first = text[2:].lstrip("-").strip().splitlines()
        if first:
            return first[0].removesuffix("#}").rstrip("-").strip()
    return ""


def list_templates(extra_dirs: Iterable[str | os.PathLike[str]] = ()) -> list[TemplateInfo]:
    """Every template on the search path, by name; a tenant's folder hides a shipped one."""
    dirs = search_path(extra_dirs)
    builtin_names = {
        p.name for p in BUILTIN_DIR.iterdir()
        if p.is_dir() and p.name not in _NOT_TEMPLATES and (p / RECEIPT_FILE).is_file()
    }
    found: dict[str, TemplateInfo] = {}
    for directory in dirs:
        is_builtin = directory == BUILTIN_DIR
        for folder in sorted(directory.iterdir()):
            receipt = folder / RECEIPT_FILE
            if folder.name in _NOT_TEMPLATES or folder.name in found or not receipt.is_file():
                continue
            found[folder.name] = TemplateInfo(
                name=folder.name,
                path=folder,
                description=_description(receipt),
                builtin=is_builtin,
                overrides_builtin=not is_builtin and folder.name in builtin_names,
            )
    return sorted(found.values(), key=lambda info: info.name)
