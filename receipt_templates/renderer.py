"""Render ReceiptViews to HTML and PDF with Jinja2 and WeasyPrint.

A Renderer keeps everything that can be reused warm: the Jinja environment and compiled
templates, the parsed stylesheets with their @font-face fonts (one FontConfiguration), and an
image cache for the logo. Per receipt only the template, the QR code, the layout (with a
narrowed user-agent stylesheet, see ``ua``) and the PDF writing run. A Renderer is cheap to
keep and costly to create: make one per process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from weasyprint import CSS, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .catalog import (
    TemplateInfo,
    list_templates,
    make_environment,
    search_path,
    stylesheet_files,
    template_file_name,
)
from .context import build_context
from .errors import template_error_from
from .model import ReceiptView
from .samples import sample_receipt, sample_views
from .ua import ReceiptHTML, uses_margin_boxes

__all__ = ["Renderer"]

#: Anchor id prefix a continuous-height template (thermal80) puts after its content.
END_ANCHOR_PREFIX = "rasid-end-"
#: Images (logos) kept decoded between renders; QR codes are data URIs and would pile up.
_IMAGE_CACHE_LIMIT = 64


@dataclass(frozen=True, slots=True)
class _LoadedTemplate:
    name: str
    template: jinja2.Template
    stylesheets: tuple[CSS, ...]
    base_url: str
    #: Whether the template's CSS puts anything in the page-margin boxes (see ``ua``).
    margin_boxes: bool


@lru_cache(maxsize=1)
def _sample_contexts() -> tuple[dict[str, Any], ...]:
    views = sample_views()
    return (build_context(list(views[:2])), *(build_context([view]) for view in views[2:]))


class Renderer:
    """Renders receipts; searches ``extra_dirs`` and ``$RASID_RECEIPT_TEMPLATES`` first.

    ``pdf_options`` are passed to WeasyPrint's ``write_pdf`` (e.g. ``{"pdf_variant":
    "pdf/a-3b"}`` for archival copies). Network URLs are never fetched: templates and logos
    may only use files and ``data:`` URIs, so rendering is deterministic and cannot hang.
    Safe to share between threads (rendering is serialised); not shareable across processes.
    """

    def __init__(
        self,
        extra_dirs: Iterable[str | os.PathLike[str]] = (),
        *,
        pdf_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.search_path: tuple[Path, ...] = search_path(extra_dirs)
        self._env = make_environment(self.search_path)
        self._font_config = FontConfiguration()
        self._fetcher = URLFetcher(allowed_protocols=("file", "data"))
        self._pdf_options = dict(pdf_options or {})
        self._css: dict[Path, CSS] = {}
        self._loaded: dict[str, _LoadedTemplate] = {}
        self._image_cache: dict[str, Any] = {}
        self._lock = threading.RLock()

    # -- templates -------------------------------------------------------------------------

    def list_templates(self) -> list[TemplateInfo]:
        """The templates this renderer can use (tenant folders first)."""
        return list_templates(self.search_path[:-1])

    def load(self, template: str = "default") -> None:
        """Compile ``template`` and render it against every sample receipt.

        Raises TemplateError (with the template's name and line) for a syntax error, an
        unknown variable in any branch the samples reach, or a missing parent template.
        Done once per template and renderer; later renders reuse the result.
        """
        self._load(template)

    def _load(self, template: str) -> _LoadedTemplate:
        loaded = self._loaded.get(template)
        if loaded is not None:
            return loaded
        with self._lock:
            file_name = template_file_name(template)
            try:
                compiled = self._env.get_template(file_name)
                css_files, folder = stylesheet_files(self._env, file_name)
                for context in _sample_contexts():
                    compiled.render(context)
            except Exception as exc:
                raise template_error_from(exc, file_name, self.search_path) from exc
            loaded = _LoadedTemplate(
                name=template,
                template=compiled,
                stylesheets=tuple(self._stylesheet(path) for path in css_files),
                base_url=folder.as_uri() + "/",
                margin_boxes=any(
                    uses_margin_boxes(path.read_text(encoding="utf-8")) for path in css_files
                ),
            )
            self._loaded[template] = loaded
            return loaded

    def _stylesheet(self, path: Path) -> CSS:
        css = self._css.get(path)
        if css is None:
            css = CSS(filename=str(path), font_config=self._font_config, url_fetcher=self._fetcher)
            self._css[path] = css
        return css

    # -- rendering -------------------------------------------------------------------------

    def render_html(self, view: ReceiptView, template: str = "default") -> str:
        """The receipt as an HTML document (what WeasyPrint lays out)."""
        return self.render_html_many([view], template)

    def render_html_many(self, views: Sequence[ReceiptView], template: str = "default") -> str:
        """Several receipts in one HTML document, one per page."""
        if not views:
            raise ValueError("no receipts to render")
        loaded = self._load(template)
        context = build_context(views)  # bad data raises here, not as a TemplateError
        try:
            return loaded.template.render(context)
        except Exception as exc:
            raise template_error_from(exc, template_file_name(template), self.search_path) from exc

    def layout(self, html: str, template: str = "default") -> Document:
        """Lay out an HTML string from :meth:`render_html` with ``template``'s stylesheets."""
        loaded = self._load(template)
        with self._lock:
            if len(self._image_cache) > _IMAGE_CACHE_LIMIT:
                self._image_cache.clear()
            document = ReceiptHTML(
                string=html, base_url=loaded.base_url, url_fetcher=self._fetcher,
                margin_boxes=loaded.margin_boxes,
            ).render(
                font_config=self._font_config,
                stylesheets=list(loaded.stylesheets),
                cache=self._image_cache,
            )
        _trim_continuous_pages(document)
        return document

    def render_document(
        self, views: Sequence[ReceiptView], template: str = "default"
    ) -> Document:
        """Laid-out pages for ``views`` (one receipt per page), ready for ``write_pdf``."""
        return self.layout(self.render_html_many(views, template), template)

    def write_pdf(self, document: Document) -> bytes:
        """The PDF bytes of a laid-out document, with this renderer's PDF options."""
        with self._lock:
            pdf = document.write_pdf(**self._pdf_options)
        assert pdf is not None
        return pdf

    def render_pdf(self, view: ReceiptView, template: str = "default") -> bytes:
        """One receipt as a PDF."""
        return self.write_pdf(self.render_document([view], template))

    def render_pdf_many(self, views: Sequence[ReceiptView], template: str = "default") -> bytes:
        """Several receipts, one per page, as one PDF (fonts embedded once)."""
        return self.write_pdf(self.render_document(views, template))

    def preview(self, template: str = "default", view: ReceiptView | None = None) -> bytes:
        """A PDF of ``template`` filled with the built-in sample receipt (or ``view``)."""
        self._load(template)
        return self.render_pdf(view or sample_receipt(), template)


def _trim_continuous_pages(document: Document) -> None:
    """Cut each page that carries an end anchor to end there (80 mm counter slips).

    The template's @page is taller than any slip; the anchor's position comes from the
    layout itself, so the PDF page is exactly as long as the receipt.
    """
    for page in document.pages:
        # An anchor is (x, y) in older WeasyPrint, (x1, y1, x2, y2) since v66: y is [1].
        ends = [pos[1] for name, pos in page.anchors.items() if name.startswith(END_ANCHOR_PREFIX)]
        if ends:
            page.height = min(page.height, max(ends))

