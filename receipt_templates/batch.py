"""Print many receipts as one PDF, using every core.

WeasyPrint is pure Python on top of Pango, so one process lays out one receipt at a time.
Receipts are cut into chunks of consecutive receipts sharing a template; each worker process
keeps a warm Renderer, lays a chunk out as one HTML document (one receipt per page, fonts
subset and embedded once per chunk) and returns its PDF; the parent appends the chunks' pages,
in order, into one PDF while the workers carry on.

Workers are started with "spawn" by default: forking a process that has already loaded
Pango/GLib (a web server that rendered a receipt) is not safe.
"""

from __future__ import annotations

import gc
import io
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any, Self

from .model import ReceiptView

__all__ = ["BatchRenderer", "Progress", "TemplateChooser", "render_batch"]

#: A template name for every receipt, or a function choosing one per receipt.
TemplateChooser = str | Callable[[ReceiptView], str]
#: Called as progress(done, total) after each chunk of receipts is rendered.
Progress = Callable[[int, int], None]

_worker_renderer: Any = None


def _tune_gc() -> None:
    """A worker allocates and drops millions of short-lived layout objects per batch.

    The cyclic collector would scan the long-lived ones (fonts, stylesheets, compiled
    templates) again and again; freezing them and collecting less often saves ~20 % CPU.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def _init_worker(
    extra_dirs: tuple[str, ...], pdf_options: dict[str, Any], warm: tuple[str, ...]
) -> None:
    global _worker_renderer
    from .renderer import Renderer

    _worker_renderer = Renderer(extra_dirs, pdf_options=pdf_options)
    for template in warm:
        try:
            _worker_renderer.preview(template)  # loads fonts, images and CSS once
        except Exception as exc:  # noqa: BLE001 - raised again when a batch uses it
            logging.getLogger(__name__).warning("cannot warm template %r: %s", template, exc)
    _tune_gc()


def _render_chunk(template: str, views: Sequence[ReceiptView]) -> bytes:
    return _worker_renderer.render_pdf_many(views, template)


def _chunks(
    views: Sequence[ReceiptView], template_for: TemplateChooser, size: int
) -> list[tuple[str, list[ReceiptView]]]:
    """Consecutive receipts with the same template, at most ``size`` to a chunk, in order."""
    chunks: list[tuple[str, list[ReceiptView]]] = []
    for view in views:
        template = template_for if isinstance(template_for, str) else template_for(view)
        if chunks and chunks[-1][0] == template and len(chunks[-1][1]) < size:
            chunks[-1][1].append(view)
        else:
            chunks.append((template, [view]))
    return chunks


class _PdfAppender:
    """Appends whole PDFs page by page (pypdf), dropping their per-chunk outlines."""

    def __init__(self) -> None:
        from pypdf import PdfWriter  # only batches need it

        self._writer = PdfWriter()

    def append(self, pdf: bytes) -> None:
        from pypdf import PdfReader

        for page in PdfReader(io.BytesIO(pdf)).pages:
            self._writer.add_page(page)

    def getvalue(self) -> bytes:
        out = io.BytesIO()
        self._writer.write(out)
        return out.getvalue()


class BatchRenderer:
    """A pool of worker processes with warm Renderers; reuse it for many batches.

    ``with BatchRenderer(workers=2) as printer: pdf = printer.render(views)``
    """

    def __init__(
        self,
        workers: int | None = 2,
        *,
        extra_dirs: Iterable[str | os.PathLike[str]] = (),
        chunk_size: int = 25,
        pdf_options: dict[str, Any] | None = None,
        warm_templates: Sequence[str] = ("default",),
        mp_context: BaseContext | None = None,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.chunk_size = chunk_size
        self._extra_dirs = tuple(str(d) for d in extra_dirs)
        self._pdf_options = dict(pdf_options or {})
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=mp_context or multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self._extra_dirs, self._pdf_options, tuple(warm_templates)),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (pending chunks are cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def warm_up(self) -> None:
        """Start every worker now and wait until each has a warm Renderer."""
        futures = [self._pool.submit(os.getpid) for _ in range(self.workers * 2)]
        for future in futures:
            future.result()

    def render(
        self,
        views: Sequence[ReceiptView],
        template_for: TemplateChooser = "default",
        *,
        progress: Progress | None = None,
    ) -> bytes:
        """All ``views`` as one PDF, one receipt per page, in the order given.

        A TemplateError (or any other error) in a worker is raised here and the rest of the
        batch is cancelled: a batch either prints whole or not at all.
        """
        if not views:
            raise ValueError("no receipts to render")
        total = len(views)
        # Small batches get small chunks so that every worker has work.
        size = max(1, min(self.chunk_size, math.ceil(total / (self.workers * 2))))
        chunks = _chunks(views, template_for, size)
        futures: list[Future[bytes]] = [
            self._pool.submit(_render_chunk, template, chunk) for template, chunk in chunks
        ]
        appender = _PdfAppender()
        done = 0
        try:
            for (_, chunk), future in zip(chunks, futures):
                appender.append(future.result())
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return appender.getvalue()


def render_batch(
    views: Sequence[ReceiptView],
    template_for: TemplateChooser = "default",
    *,
    workers: int = 2,
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    chunk_size: int = 25,
    progress: Progress | None = None,
) -> bytes:
    """Render ``views`` into one PDF with a throw-away pool of ``workers`` processes.

    With ``workers=1`` everything runs in this process (no pool, no pypdf). For repeated
    batches keep a :class:`BatchRenderer` instead, so the workers stay warm.
    """
    if not views:
        raise ValueError("no receipts to render")
    if workers <= 1:
        from .renderer import Renderer

        renderer = Renderer(extra_dirs)
        chunks = _chunks(views, template_for, chunk_size)
        if len(chunks) == 1:
            pdf = renderer.render_pdf_many(chunks[0][1], chunks[0][0])
            if progress is not None:
                progress(len(views), len(views))
            return pdf
        # Several templates: lay each run out, then write all pages as one document.
        documents = []
        done = 0
        for template, chunk in chunks:
            documents.append(renderer.render_document(chunk, template))
            done += len(chunk)
            if progress is not None:
                progress(done, len(views))
        pages = [page for document in documents for page in document.pages]
        return renderer.write_pdf(documents[0].copy(pages))
    with BatchRenderer(
        workers, extra_dirs=extra_dirs, chunk_size=chunk_size,
        warm_templates=sorted({template_for} if isinstance(template_for, str) else set()),
    ) as printer:
        return printer.render(views, template_for, progress=progress)
