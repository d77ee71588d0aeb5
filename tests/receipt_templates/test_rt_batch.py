"""Batch printing: one PDF, receipts in order, worker errors surface, progress reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from receipt_templates import (
    BatchRenderer,
    ReceiptStatus,
    ReceiptView,
    TemplateError,
    render_batch,
    sample_receipt,
    write_batch,
)
from tests.receipt_templates.support import PDFTOPPM, page_texts, reader, render_png, rotated_texts


@pytest.fixture(scope="module")
def views() -> list[ReceiptView]:
    return [sample_receipt(i) for i in range(1, 13)]


def _thermal_for_odd(view: ReceiptView) -> str:
    return "thermal80" if int(view.receipt_number[-1]) % 2 else "default"


def test_two_workers_one_pdf_in_order_with_mixed_templates(views: list[ReceiptView]) -> None:
    calls: list[tuple[int, int]] = []
    pdf = render_batch(views, _thermal_for_odd, workers=2, chunk_size=4,
                       progress=lambda done, total: calls.append((done, total)))
    pages = reader(pdf).pages
    assert len(pages) == len(views)
    texts = page_texts(pdf)
    for view, page, body in zip(views, pages, texts):
        assert view.receipt_number in body
        width_mm = float(page.mediabox.width) / 72 * 25.4
        assert width_mm == pytest.approx(80 if _thermal_for_odd(view) == "thermal80" else 148, abs=0.5)
    assert calls[-1] == (12, 12)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_single_process_batch(views: list[ReceiptView]) -> None:
    calls: list[int] = []
    pdf = render_batch(views[:5], _thermal_for_odd, workers=1, progress=lambda d, t: calls.append(d))
    assert [v.receipt_number in t for v, t in zip(views, page_texts(pdf))] == [True] * 5
    assert calls[-1] == 5


def test_worker_template_error_is_raised(tmp_path: Path, views: list[ReceiptView]) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "receipt.html").write_text('{% extends "default/receipt.html" %}\n{{ nope }\n')
    with BatchRenderer(workers=2, extra_dirs=[tmp_path], warm_templates=()) as printer:
        with pytest.raises(TemplateError) as caught:
            printer.render(views[:4], "bad")
        assert (caught.value.template_name, caught.value.lineno) == ("bad/receipt.html", 2)
        # The pool survives a bad batch.
        assert len(reader(printer.render(views[:3])).pages) == 3


def test_empty_batch_is_an_error() -> None:
    with pytest.raises(ValueError):
        render_batch([], workers=1)


def test_duplicates_in_batch_keep_their_watermark(views: list[ReceiptView]) -> None:
    copies = [dataclasses.replace(view, print_count=1) for view in views[:2]]
    pdf = render_batch(copies, workers=1)
    assert all("DUPLICATE" in body for body in page_texts(pdf))


def _watermark_for(n: int) -> str:
    return {0: "CANCELLED", 1: "DUPLICATE", 2: "DISHONOURED"}.get(n % 7, "")


def _marked(n: int) -> ReceiptView:
    """Receipt n, cancelled, reprinted or dishonoured on a pattern that crosses chunk borders."""
    view = sample_receipt(n)
    mark = _watermark_for(n)
    if mark == "CANCELLED":
        return dataclasses.replace(view, status=ReceiptStatus.CANCELLED, status_reason="Wrong code")
    if mark == "DUPLICATE":
        return dataclasses.replace(view, print_count=2)
    if mark == "DISHONOURED":
        return dataclasses.replace(view, status=ReceiptStatus.DISHONOURED, status_reason="Bounced")
    return view


def test_thirty_receipts_one_per_page_in_order_with_their_watermarks() -> None:
    views = [_marked(n) for n in range(1, 31)]
    pdf = render_batch(views, workers=2, chunk_size=4, progress=False)
    texts = page_texts(pdf)
    assert len(texts) == 30
    numbers = [view.receipt_number for view in views]
    for n, (number, body) in enumerate(zip(numbers, texts), start=1):
        assert [other for other in numbers if other in body] == [number], n
        mark = _watermark_for(n)
        assert rotated_texts(pdf, n - 1) == ([mark] if mark else []), n
    info = reader(pdf).metadata
    assert info.title == "Receipts PT/2024-25/000001 to PT/2024-25/000030"


def test_a_stream_is_read_as_it_prints() -> None:
    pulled: list[int] = []
    reports: list[tuple[int, int | None]] = []

    def stream():
        for n in range(1, 31):
            pulled.append(n)
            yield sample_receipt(n)

    def progress(done: int, total: int | None) -> None:
        reports.append((done, total))
        if len(reports) == 1:
            assert len(pulled) < 30  # printing began before the stream was read to its end

    pdf = render_batch(stream(), workers=2, chunk_size=4, progress=progress)
    assert len(reader(pdf).pages) == 30
    assert reports[-1] == (30, None)  # a stream's length is not known in advance


def test_write_batch_to_a_file_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "batch.pdf"
    views = (sample_receipt(n) for n in range(1, 4))
    assert write_batch(views, out, workers=1, progress=False) == 3
    texts = page_texts(out.read_bytes())
    assert [f"PT/2024-25/{n:06d}" in body for n, body in enumerate(texts, 1)] == [True] * 3
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "receipt.html").write_text("{% block %}\n")
    failed = tmp_path / "failed.pdf"
    with pytest.raises(TemplateError):
        write_batch([sample_receipt(1)], failed, "bad", workers=1, extra_dirs=[tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "batch.pdf"]


def test_progress_bar_only_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    views = [sample_receipt(n) for n in range(1, 3)]
    render_batch(views, workers=1)  # stderr is captured, not a terminal: no bar
    assert capsys.readouterr().err == ""
    render_batch(views, workers=1, progress=True)
    assert "printing" in capsys.readouterr().err


def test_joined_pdf_keeps_page_sizes_fonts_and_language(views: list[ReceiptView]) -> None:
    pdf = render_batch(views[:6], _thermal_for_odd, workers=1, chunk_size=2, progress=False)
    pdf_reader = reader(pdf)
    assert pdf_reader.trailer["/Root"]["/Lang"] == "en"
    assert "/Outlines" not in pdf_reader.trailer["/Root"]  # per-chunk outlines are dropped
    for view, page in zip(views, pdf_reader.pages):
        assert view.receipt_number in page.extract_text()  # the page's fonts came along


@pytest.mark.skipif(PDFTOPPM is None, reason="needs poppler's pdftoppm")
def test_joined_pdf_renders_pages_of_later_chunks(tmp_path: Path) -> None:
    from PIL import Image

    pdf = render_batch([sample_receipt(n) for n in range(1, 6)], workers=1, chunk_size=2,
                       progress=False)
    image = Image.open(render_png(pdf, tmp_path, page=5)).convert("L")
    assert image.getextrema()[0] < 100  # dark ink on the last chunk's page, not a blank page
