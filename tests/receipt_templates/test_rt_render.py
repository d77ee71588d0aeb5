"""Rendered receipts: what the PDF says, what it shows, and which fonts it uses."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from receipt_templates import (
    InstrumentMode,
    ReceiptStatus,
    ReceiptView,
    Renderer,
    UlbView,
    amount_in_words,
    sample_views,
)
from receipt_templates.money import format_inr_plain
from tests.receipt_templates.support import (
    PDFTOPPM,
    base_fonts,
    flat,
    page_texts,
    reader,
    render_png,
    rotated_texts,
    text,
)

A5_POINTS = (419.5, 595.3)
WATERMARK_WORDS = ("CANCELLED", "DISHONOURED", "DUPLICATE", "REJECTED", "PROVISIONAL")


def test_default_receipt_content(sample_pdf: bytes, sample: ReceiptView) -> None:
    pages = page_texts(sample_pdf)
    assert len(pages) == 1
    body = flat(pages[0])
    for expected in (
        sample.ulb.name, "PAYMENT RECEIPT", "ORIGINAL", sample.receipt_number, "14 Jun 2024",
        sample.consumer_code, sample.bill_reference, sample.payer.name, sample.service.name,
        sample.collected_by, sample.content_hash, "Subject to realisation of the cheque.",
    ):
        assert expected in body, expected
    assert "₹12,373.25" in body
    assert flat(amount_in_words(sample.total)) in body
    assert body.count("Rupees") == 1


def test_heads_with_gl_codes_and_negative_rebate(sample_pdf: bytes, sample: ReceiptView) -> None:
    body = flat(text(sample_pdf))
    for head in sample.heads:
        row = f"{head.gl_code} {head.description} {format_inr_plain(head.signed_amount)}"
        assert row in body
    assert "1100501 Rebate - Payment by 30 June -1,245.00" in body


def test_indian_digit_grouping_for_large_amounts(renderer: Renderer, sample: ReceiptView) -> None:
    head = dataclasses.replace(sample.heads[0], amount=1_234_567_850)
    view = dataclasses.replace(sample, heads=(head,), total=1_234_567_850)
    body = flat(text(renderer.render_pdf(view)))
    assert "₹1,23,45,678.50" in body and "1,23,45,678.50" in body
    assert (
        "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight"
        " and Fifty Paise Only" in body
    )


def test_cheque_instrument_details(sample_pdf: bytes, renderer: Renderer, sample: ReceiptView) -> None:
    assert (
        "Paid by Cheque — Cheque No. 004512 · Cheque Date 12 Jun 2024 · "
        "Drawee Bank State Bank of India, Hall Bazar, Amritsar" in flat(text(sample_pdf))
    )
    bilingual = flat(text(renderer.render_pdf(sample, "bilingual")))
    for expected in ("Payment Mode", "Cheque / चेक", "Cheque No.", "004512", "Cheque Date",
                     "12 Jun 2024", "Drawee Bank", "State Bank of India, Hall Bazar, Amritsar"):
        assert expected in bilingual


@pytest.mark.parametrize("view", sample_views()[1:9], ids=lambda v: v.instrument.mode.value)
def test_every_instrument_mode_prints_its_details(renderer: Renderer, view: ReceiptView) -> None:
    body = flat(text(renderer.render_pdf(view)))
    instrument = view.instrument
    for value in (instrument.number, instrument.transaction_ref, instrument.bbps_ref,
                  instrument.card_last4, instrument.bank):
        if value:
            assert value in body, value
    if instrument.mode is InstrumentMode.CARD:
        assert "XXXX XXXX XXXX 4417" in body
    if instrument.mode is InstrumentMode.ONLINE:
        assert "Transaction ID" in body and "BBPS Ref." in body
    assert ("Subject to realisation" in body) == (instrument.mode in (InstrumentMode.CHEQUE, InstrumentMode.DD))


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"status": ReceiptStatus.CANCELLED}, "CANCELLED"),
        ({"status": ReceiptStatus.DISHONOURED}, "DISHONOURED"),
        ({"print_count": 1}, "DUPLICATE"),
        ({"status": ReceiptStatus.REJECTED}, "REJECTED"),
        ({"status": ReceiptStatus.SUBMITTED}, "PROVISIONAL"),
    ],
)
@pytest.mark.parametrize("template", ["default", "thermal80", "bilingual"])
def test_watermark(renderer: Renderer, sample: ReceiptView, change: dict, word: str, template: str) -> None:
    pdf = renderer.render_pdf(dataclasses.replace(sample, **change), template)
    diagonal = rotated_texts(pdf)
    assert word in diagonal
    assert not set(diagonal) & (set(WATERMARK_WORDS) - {word})


@pytest.mark.parametrize("template", ["default", "thermal80", "bilingual"])
def test_original_has_no_watermark(renderer: Renderer, sample: ReceiptView, template: str) -> None:
    pdf = renderer.render_pdf(sample, template)
    assert rotated_texts(pdf) == []
    body = text(pdf)
    assert not any(word in body for word in WATERMARK_WORDS)
    assert "ORIGINAL" in body


def test_duplicate_says_which_print(renderer: Renderer, sample: ReceiptView) -> None:
    body = text(renderer.render_pdf(dataclasses.replace(sample, print_count=2)))
    assert "DUPLICATE (print 3)" in body and "ORIGINAL" not in body


def test_cancelled_shows_status_and_reason(renderer: Renderer, sample: ReceiptView) -> None:
    view = dataclasses.replace(sample, status=ReceiptStatus.CANCELLED, status_reason="Wrong consumer code")
    body = flat(text(renderer.render_pdf(view)))
    assert "Status: CANCELLED — Wrong consumer code" in body


def test_a5_page_size(sample_pdf: bytes) -> None:
    box = reader(sample_pdf).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A5_POINTS, abs=0.5)


def test_thermal_slip_is_one_80mm_page_as_long_as_the_receipt(renderer: Renderer, sample: ReceiptView) -> None:
    short = renderer.render_pdf(dataclasses.replace(sample, heads=sample.heads[:1], total=sample.heads[0].amount,
                                                    narration=None), "thermal80")
    many_heads = tuple(
        dataclasses.replace(sample.heads[0], description=f"Arrear instalment {i}", amount=10_000)
        for i in range(60)
    )
    long = renderer.render_pdf(dataclasses.replace(sample, heads=many_heads, total=600_000), "thermal80")
    heights = []
    for pdf in (short, long):
        pages = reader(pdf).pages
        assert len(pages) == 1
        width_mm = float(pages[0].mediabox.width) / 72 * 25.4
        assert width_mm == pytest.approx(80, abs=0.1)
        heights.append(float(pages[0].mediabox.height) / 72 * 25.4)
    assert 100 < heights[0] < 250
    assert heights[1] > heights[0] + 150
    assert "Arrear instalment 59" in text(long)


def test_only_shipped_fonts_are_embedded(renderer: Renderer, sample: ReceiptView) -> None:
    for template in ("default", "thermal80", "bilingual"):
        fonts = base_fonts(renderer.render_pdf(sample, template))
        assert fonts, template
        for name in fonts:
            assert re.fullmatch(r"/[A-Z]{6}\+Rasid-(Sans|Devanagari)(-Bold)?", name), name
    assert any("Devanagari" in name for name in fonts)


def test_autoescape(renderer: Renderer, sample: ReceiptView) -> None:
    view = dataclasses.replace(sample, payer=dataclasses.replace(sample.payer, name="<b>Evil</b> & Co"))
    html = renderer.render_html(view)
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert "<b>Evil</b> & Co" in flat(text(renderer.render_pdf(view)))


def test_html_has_no_inline_styles(renderer: Renderer, sample: ReceiptView) -> None:
    for template in ("default", "thermal80", "bilingual"):
        html = renderer.render_html(sample, template)
        assert "style=" not in html and "<style" not in html


def test_logo_from_bytes_and_path(renderer: Renderer, sample: ReceiptView, tmp_path: Path) -> None:
    svg = (Path(__import__("receipt_templates").__file__).parent / "assets" / "logo-placeholder.svg").read_bytes()
    png = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), (200, 30, 30)).save(png)
    for logo in (svg, png, str(png)):
        view = dataclasses.replace(sample, ulb=dataclasses.replace(sample.ulb, logo=logo))
        assert reader(renderer.render_pdf(view)).pages[0]
    with pytest.raises(ValueError, match="SVG, PNG or JPEG"):
        renderer.render_html(dataclasses.replace(sample, ulb=UlbView(name="X", address="", logo=b"GIF89a")))
    with pytest.raises(FileNotFoundError):
        renderer.render_html(dataclasses.replace(sample, ulb=UlbView(name="X", address="", logo=tmp_path / "no.png")))


def test_render_many_is_one_receipt_per_page(renderer: Renderer) -> None:
    views = sample_views()[:4]
    pages = page_texts(renderer.render_pdf_many(views))
    assert len(pages) == 4
    for view, page in zip(views, pages):
        assert view.receipt_number in page


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (Debian poppler-utils) is not installed")
@pytest.mark.parametrize("template", ["default", "thermal80", "bilingual"])
def test_page_renders_to_a_non_blank_image(renderer: Renderer, sample: ReceiptView, template: str,
                                           tmp_path: Path) -> None:
    png = render_png(renderer.render_pdf(sample, template), tmp_path)
    image = Image.open(png).convert("L")
    stat = ImageStat.Stat(image)
    assert stat.mean[0] < 250  # not blank white
    assert stat.stddev[0] > 20  # real contrast: text, rules, QR code
    dark = sum(image.histogram()[:128]) / (image.width * image.height)
    assert 0.01 < dark < 0.5


def _fact_values(document, css_class: str = "fact") -> list[tuple[float, float, str]]:
    """(x, y, text) of the first line of each bold value in the paragraphs of ``css_class``."""
    found: list[tuple[float, float, str]] = []

    def walk(box, in_fact: bool) -> None:
        element = getattr(box, "element", None)
        classes = (element.get("class") or "").split() if element is not None else []
        in_fact = in_fact or css_class in classes
        if in_fact and type(box).__name__ == "InlineBox" and element is not None and element.tag == "b":
            found.append((round(box.position_x, 1), round(box.position_y, 1),
                          "".join(child.text for child in box.children if hasattr(child, "text"))))
            return
        for child in getattr(box, "children", ()):
            walk(child, in_fact)

    walk(document.pages[0]._page_box, False)
    return found


@pytest.mark.parametrize(("template", "columns"), [("default", 2), ("thermal80", 1), ("bilingual", 1)])
def test_fact_values_line_up_at_the_tab_stop(renderer: Renderer, sample: ReceiptView,
                                             template: str, columns: int) -> None:
    values = _fact_values(renderer.render_document([sample], template))
    assert [text for _, _, text in values][:2] == [sample.receipt_number, "14 Jun 2024"]
    assert len({x for x, _, _ in values}) == columns  # labels of any length, values aligned
    payer = _fact_values(renderer.render_document([sample], template), "payer")
    assert payer[0][2] == sample.payer.name
    assert abs(payer[0][0] - min(x for x, _, _ in values)) < 3  # px: only the payer's rule between


def test_long_value_wraps_under_itself(renderer: Renderer, sample: ReceiptView) -> None:
    ward = "7 - Lawrence Road, next to the Company Bagh main gate and the old water tank"
    view = dataclasses.replace(sample, extra=(("Ward", ward),))
    document = renderer.render_document([view], "default")
    lines = _boxes_of_class(document, "fact")[-1].children
    assert len(lines) >= 2
    value_x = _fact_values(document)[-1][0]
    assert all(round(line.children[0].position_x, 1) >= value_x for line in lines[1:])


def _boxes_of_class(document, css_class: str) -> list:
    found = []

    def walk(box) -> None:
        element = getattr(box, "element", None)
        if (type(box).__name__ == "BlockBox" and element is not None
                and css_class in (element.get("class") or "").split()):
            found.append(box)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[0]._page_box)
    return found


@pytest.mark.parametrize("template", ["default", "bilingual"])
def test_every_sample_fits_one_page_even_with_a_status_line(renderer: Renderer, template: str) -> None:
    for view in sample_views():
        cancelled = dataclasses.replace(view, status=ReceiptStatus.CANCELLED,
                                        status_reason="Wrong consumer code")
        pages = renderer.render_document([view, cancelled], template).pages
        assert len(pages) == 2, (template, view.receipt_number, view.instrument.mode)
