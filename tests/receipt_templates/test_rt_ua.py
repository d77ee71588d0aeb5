"""The narrowed user-agent stylesheet is in effect and changes nothing a receipt shows."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from receipt_templates import Renderer, sample_views
from receipt_templates.ua import ReceiptHTML, receipt_ua_stylesheet
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
