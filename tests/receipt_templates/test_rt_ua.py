"""The narrowed user-agent stylesheet is in effect and changes nothing a receipt shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import HTML

from receipt_templates import Renderer, sample_views
from receipt_templates.ua import ReceiptHTML, receipt_ua_stylesheet, uses_margin_boxes
from tests.receipt_templates.support import text


def _boxes(document) -> list[tuple]:
    found: list[tuple] = []

    def walk(box) -> None:
        found.append((type(box).__name__, round(box.position_x, 3), round(box.position_y, 3),
                      round(box.width or 0, 3), round(box.height or 0, 3),
                      getattr(box, "text", None)))
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


def test_installed_weasyprint_gets_the_narrowed_stylesheet() -> None:
    assert receipt_ua_stylesheet() is not None


@pytest.mark.parametrize("template", ["default", "thermal80", "bilingual"])
def test_layout_is_the_same_as_with_the_stock_stylesheet(renderer: Renderer, template: str) -> None:
    loaded = renderer._load(template)
    html = renderer.render_html_many(list(sample_views()), template)

    def layout(html_class):
        return html_class(string=html, base_url=loaded.base_url).render(
            stylesheets=list(loaded.stylesheets))

    assert _boxes(layout(ReceiptHTML)) == _boxes(layout(HTML))


def test_list_items_keep_their_markers() -> None:
    pdf = ReceiptHTML(string="<ul><li>first</li></ul><ol><li>second</li></ol>").write_pdf()
    body = text(pdf)
    assert "•" in body and "1." in body


@pytest.mark.parametrize("template", ["default", "thermal80", "bilingual"])
def test_leaving_out_the_margin_box_rules_changes_no_layout(renderer: Renderer, template: str) -> None:
    loaded = renderer._load(template)
    assert not loaded.margin_boxes
    html = renderer.render_html_many(list(sample_views()), template)

    def layout(**kwargs):
        return ReceiptHTML(string=html, base_url=loaded.base_url, **kwargs).render(
            stylesheets=list(loaded.stylesheets))

    assert _boxes(layout(margin_boxes=False)) == _boxes(layout(margin_boxes=True))


def test_margin_box_rules_found_in_stylesheets() -> None:
    assert uses_margin_boxes("@page { @bottom-center { content: counter(page) } }")
    assert uses_margin_boxes("@page{@left-middle{content:'x'}}")
    assert uses_margin_boxes("@page { @top-right-corner { content: 'x' } }")
    assert not uses_margin_boxes(".top-left { color: red } @page { size: A5 }")
    assert receipt_ua_stylesheet(False) is not None
    assert receipt_ua_stylesheet(False) is not receipt_ua_stylesheet(True)


def test_template_with_margin_boxes_keeps_them(tmp_path: Path, sample) -> None:
    folder = tmp_path / "paged"
    folder.mkdir()
    (folder / "receipt.html").write_text('{% extends "default/receipt.html" %}\n', encoding="utf-8")
    (folder / "style.css").write_text(
        '@page { @bottom-right { content: "Page " counter(page); } }\n', encoding="utf-8")
    renderer = Renderer([tmp_path])
    assert renderer._load("paged").margin_boxes
    document = renderer.render_document([sample], "paged")
    margin = [box for box in document.pages[0]._page_box.children
              if type(box).__name__ == "MarginBox"]
    assert [box.at_keyword for box in margin] == ["@bottom-right"]
    assert margin[0].style["text_align_all"] == "right"  # from the user-agent stylesheet
    assert "Page 1" in text(renderer.render_pdf(sample, "paged"))
