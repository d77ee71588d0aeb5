"""Batch printing: one PDF, receipts in order, worker errors surface, progress reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from receipt_templates import (
    BatchRenderer,
    ReceiptView,
    TemplateError,
    render_batch,
    sample_receipt,
)
from tests.receipt_templates.support import page_texts, reader


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
