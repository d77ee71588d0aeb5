"""Shared fixtures: one warm Renderer for the whole session (creating one costs ~0.3 s)."""

from __future__ import annotations

import pytest

from receipt_templates import ReceiptView, Renderer, sample_receipt


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture(scope="session")
def sample() -> ReceiptView:
    return sample_receipt()


@pytest.fixture(scope="session")
def sample_pdf(renderer: Renderer, sample: ReceiptView) -> bytes:
    return renderer.render_pdf(sample)
