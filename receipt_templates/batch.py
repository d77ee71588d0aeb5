"""Print many receipts as one PDF, using every core, in bounded memory.

WeasyPrint is pure Python on top of Pango, so one process lays out one receipt at a time.
Receipts are read as a stream and cut into chunks of consecutive receipts sharing a
template; each worker process keeps a warm Renderer, lays a chunk out as one HTML document
(one receipt per page: the stylesheets are matched and the fonts subset and embedded once
per chunk) and returns its PDF; the parent copies the chunks' pages, in order, straight to
the output while the workers carry on. Only a few chunks are ever in flight, so memory does
not grow with the batch.

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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import chain, islice
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, BinaryIO, Self

from .model import ReceiptView
from .pdfjoin import PdfJoiner
from .progress import Progress, ProgressOption, Reporter

__all__ = ["BatchRenderer", "Progress", "TemplateChooser", "render_batch", "write_batch"]

#: A template name for every receipt, or a function choosing one per receipt.
TemplateChooser = str | Callable[[ReceiptView], str]
#: Where a batch goes: a binary stream, or a file path (written whole or not at all).
Output = BinaryIO | str | os.PathLike[str]
#: Submits one chunk for rendering: (template, views) -> the chunk's PDF, eventually.
_Submit = Callable[[str, list[ReceiptView]], "Future[bytes]"]

_worker_renderer: Any = None


def _tune_gc() -> None:
    """A worker allocates and drops millions of short-lived layout objects per batch.

    The cyclic collector would scan the long-lived ones (fonts, stylesheets, compiled
    templates) again and again; freezing them and collecting less often saves ~5-20 % CPU.
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


class _Stream:
    """The receipts as they go by: cut into chunks, first and last receipt numbers kept."""

    def __init__(self, views: Iterable[ReceiptView], total: int | None, lookahead: int) -> None:
        self._iter = iter(views)
        if total is None and hasattr(views, "__len__"):
            total = len(views)  # type: ignore[arg-type]
        self._head = list(islice(self._iter, lookahead))
        if not self._head:
            raise ValueError("no receipts to render")
        if total is None and len(self._head) < lookahead:
            total = len(self._head)  # the whole stream fitted in the look-ahead
        self.total = total
        self.first = self.last = self._head[0].receipt_number

    @property
    def title(self) -> str:
        if self.first == self.last:
            return f"Receipt {self.first}"
        return f"Receipts {self.first} to {self.last}"

    def chunks(
        self, template_for: TemplateChooser, size: int
    ) -> Iterator[tuple[str, list[ReceiptView]]]:
        """Consecutive receipts with the same template, at most ``size`` to a chunk, in order."""
        template, chunk = "", []
        for view in chain(self._head, self._iter):
            self.last = view.receipt_number
            name = template_for if isinstance(template_for, str) else template_for(view)
            if chunk and (name != template or len(chunk) >= size):
                yield template, chunk
                chunk = []
            template = name
            chunk.append(view)
        self._head = []
        if chunk:
            yield template, chunk


def _print(
    views: Iterable[ReceiptView],
    out: Output,
    template_for: TemplateChooser,
    submit: _Submit,
    *,
    workers: int,
    chunk_size: int,
    progress: ProgressOption,
    total: int | None,
) -> int:
    """Render ``views`` chunk by chunk through ``submit`` into ``out``; returns the page count."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    in_flight = 2 * workers
    stream = _Stream(views, total, lookahead=in_flight * chunk_size)
    if stream.total is not None:  # small batches get small chunks so that every worker has work
        chunk_size = max(1, min(chunk_size, math.ceil(stream.total / in_flight)))
    with _opened(out) as target:
        joiner = PdfJoiner(target)
        reporter = Reporter(progress, stream.total)
        pending: deque[tuple[int, Future[bytes]]] = deque()
        done = 0

        def collect() -> None:
            nonlocal done
            count, future = pending.popleft()
            joiner.append(future.result())
            done += count
            reporter.update(done)

        try:
            for template, chunk in stream.chunks(template_for, chunk_size):
                pending.append((len(chunk), submit(template, chunk)))
                if len(pending) >= in_flight:
                    collect()
            while pending:
                collect()
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise
        finally:
            reporter.close()
        joiner.title = stream.title
        joiner.close()
    return joiner.page_count


@contextmanager
def _opened(out: Output) -> Iterator[BinaryIO]:
    """``out`` as a binary stream; a path is written to a hidden sibling, renamed on success."""
    if hasattr(out, "write"):
        yield out  # type: ignore[misc]
        return
    path = Path(out)  # type: ignore[arg-type]
    part = path.with_name(f".{path.name}.part")
    try:
        with open(part, "wb") as stream:
            yield stream
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


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

    def write(
        self,
        views: Iterable[ReceiptView],
        out: Output,
        template_for: TemplateChooser = "default",
        *,
        progress: ProgressOption = None,
        total: int | None = None,
    ) -> int:
        """Write ``views`` (any iterable, read as it goes) to ``out`` as one PDF; returns pages.

        One receipt per page, in the order given. A TemplateError (or any other error) in a
        worker is raised here and the rest of the batch is cancelled; a file path given as
        ``out`` is then left untouched. ``progress``: see :data:`ProgressOption`; ``total``
        sizes the bar when ``views`` has no length.
        """
        return _print(
            views, out, template_for, lambda t, chunk: self._pool.submit(_render_chunk, t, chunk),
            workers=self.workers, chunk_size=self.chunk_size, progress=progress, total=total,
        )

    def render(
        self,
        views: Iterable[ReceiptView],
        template_for: TemplateChooser = "default",
        *,
        progress: ProgressOption = None,
        total: int | None = None,
    ) -> bytes:
        """All ``views`` as one PDF in memory; see :meth:`write`."""
        out = io.BytesIO()
        self.write(views, out, template_for, progress=progress, total=total)
        return out.getvalue()


def write_batch(
    views: Iterable[ReceiptView],
    out: Output,
    template_for: TemplateChooser = "default",
    *,
    workers: int = 2,
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    chunk_size: int = 25,
    progress: ProgressOption = None,
    total: int | None = None,
) -> int:
    """Write ``views`` into one PDF at ``out`` with a throw-away pool; returns the page count.

    With ``workers=1`` everything runs in this process. For repeated batches keep a
    :class:`BatchRenderer` instead, so the workers stay warm.
    """
    if workers <= 1:
        from .renderer import Renderer

        renderer = Renderer(extra_dirs)

        def submit(template: str, chunk: list[ReceiptView]) -> Future[bytes]:
            future: Future[bytes] = Future()
            future.set_result(renderer.render_pdf_many(chunk, template))
            return future

        return _print(views, out, template_for, submit, workers=1, chunk_size=chunk_size,
                      progress=progress, total=total)
    with BatchRenderer(
        workers, extra_dirs=extra_dirs, chunk_size=chunk_size,
        warm_templates=(template_for,) if isinstance(template_for, str) else (),
    ) as printer:
        return printer.write(views, out, template_for, progress=progress, total=total)


def render_batch(
    views: Iterable[ReceiptView],
    template_for: TemplateChooser = "default",
    *,
    workers: int = 2,
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    chunk_size: int = 25,
    progress: ProgressOption = None,
    total: int | None = None,
) -> bytes:
    """Render ``views`` into one PDF in memory; see :func:`write_batch`."""
    out = io.BytesIO()
    write_batch(views, out, template_for, workers=workers, extra_dirs=extra_dirs,
                chunk_size=chunk_size, progress=progress, total=total)
    return out.getvalue()
