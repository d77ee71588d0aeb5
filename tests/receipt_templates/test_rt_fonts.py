"""Hindi must be shaped: conjuncts and matras as the font's own glyphs, not letters in a row."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from weasyprint import HTML

import receipt_templates
from receipt_templates import ReceiptView, Renderer
from tests.receipt_templates.support import flat, glyph_runs, text

FONT = Path(receipt_templates.__file__).parent / "fonts" / "NotoSansDevanagari-Regular.ttf"


def _ligatures(font: TTFont) -> dict[tuple[str, ...], str]:
    """Every ligature substitution in the font's GSUB: component glyphs -> ligature glyph."""
    found: dict[tuple[str, ...], str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            if lookup.LookupType == 7:  # extension wrapping the real subtable
                subtable = subtable.ExtSubTable
            if getattr(subtable, "LookupType", lookup.LookupType) != 4:
                continue
            for first, ligatures in subtable.ligatures.items():
                for ligature in ligatures:
                    found[(first, *ligature.Component)] = ligature.LigGlyph
    return found


@pytest.fixture(scope="module")
def font() -> TTFont:
    return TTFont(FONT)


def _devanagari_glyphs(renderer: Renderer, word: str) -> list[int]:
    loaded = renderer._load("default")  # the same stylesheets and fonts as a receipt
    html = f'<p class="hi" lang="hi">{word}</p>'
    pdf = HTML(string=html, base_url=loaded.base_url).render(
        font_config=renderer._font_config, stylesheets=list(loaded.stylesheets)
    ).write_pdf()
    runs = glyph_runs(pdf)
    assert runs and all("Rasid-Devanagari" in name for name, _ in runs)
    return [gid for _, gid in runs]


def test_conjuncts_are_ligature_glyphs(renderer: Renderer, font: TTFont) -> None:
    cmap = font.getBestCmap()
    gid = font.getGlyphID
    ka, virama, ssa, e = (cmap[ord(c)] for c in "क्षे")
    ligatures = _ligatures(font)
    k_ssa = ligatures[(ka, virama, ssa)]
    glyphs = _devanagari_glyphs(renderer, "क्षेत्र")
    unshaped = [gid(cmap[ord(c)]) for c in "क्षेत्र"]
    assert glyphs != unshaped
    assert gid(k_ssa) in glyphs  # क्ष is one glyph
    assert gid(virama) not in glyphs  # no visible halant: त्र is a conjunct too
    assert gid(e) in glyphs  # the e-matra is kept
    assert len(glyphs) == 3


def test_pre_base_matra_is_reordered(renderer: Renderer, font: TTFont) -> None:
    """In "कि" the i-matra is typed after क but drawn before it."""
    cmap = font.getBestCmap()
    glyphs = _devanagari_glyphs(renderer, "कि")
    ka = font.getGlyphID(cmap[ord("क")])
    assert len(glyphs) == 2 and glyphs[1] == ka and glyphs[0] != ka


def test_bilingual_receipt_text_extracts(renderer: Renderer, sample: ReceiptView) -> None:
    body = flat(text(renderer.render_pdf(sample, "bilingual")))
    # pypdf mis-orders pre-base matras (ि) when extracting, so only words without one.
    for word in ("रसीद", "भुगतान", "अमृतसर", "संपत्ति कर", "रुपये", "हज़ार तीन सौ", "मात्र"):
        assert word in body, word


def test_hindi_payer_name_on_default_template(renderer: Renderer, sample: ReceiptView) -> None:
    view = dataclasses.replace(sample, payer=dataclasses.replace(sample.payer, name="रमेश कुमार"))
    assert "रमेश" in text(renderer.render_pdf(view))
