"""The view-model checks itself: money is int paise and the heads add up to the total."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from receipt_templates import (
    HeadView,
    InstrumentMode,
    InstrumentView,
    ReceiptStatus,
    ReceiptView,
    sample_receipt,
)


def test_sample_is_consistent() -> None:
    view = sample_receipt()
    assert view.total == view.gross - view.rebate
    assert view.rebate == 124_500
    assert not view.is_duplicate


def test_total_must_match_heads() -> None:
    view = sample_receipt()
    with pytest.raises(ValueError, match="add up"):
        dataclasses.replace(view, total=view.total + 1)


def test_rebate_subtracts() -> None:
    heads = (HeadView("Tax", "1", 1000), HeadView("Rebate", "2", 100, is_rebate=True))
    view = dataclasses.replace(sample_receipt(), heads=heads, total=900)
    assert [h.signed_amount for h in view.heads] == [1000, -100]


@pytest.mark.parametrize("amount", [10.0, "10", True, -5])
def test_head_amount_is_non_negative_int_paise(amount: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        HeadView("Tax", "1100101", amount)  # type: ignore[arg-type]


def test_float_total_rejected() -> None:
    view = sample_receipt()
    with pytest.raises(TypeError):
        dataclasses.replace(view, total=float(view.total))


def test_strings_are_coerced_to_enums() -> None:
    view = dataclasses.replace(sample_receipt(), status="CANCELLED")  # type: ignore[arg-type]
    assert view.status is ReceiptStatus.CANCELLED
    assert InstrumentView("neft").mode is InstrumentMode.NEFT  # type: ignore[arg-type]


def test_heads_list_becomes_tuple_and_view_is_frozen() -> None:
    view = dataclasses.replace(sample_receipt(), heads=list(sample_receipt().heads))
    assert isinstance(view.heads, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.total = 0  # type: ignore[misc]


@pytest.mark.parametrize("last4", ["123", "12345", "12a4"])
def test_card_last4_is_four_digits(last4: str) -> None:
    with pytest.raises(ValueError):
        InstrumentView(InstrumentMode.CARD, card_last4=last4)


def test_dates_must_be_dates() -> None:
    with pytest.raises(TypeError):
        dataclasses.replace(sample_receipt(), receipt_date="2024-06-14")
    with pytest.raises(TypeError):
        InstrumentView(InstrumentMode.CHEQUE, date="2024-06-12")  # type: ignore[arg-type]
    assert InstrumentView(InstrumentMode.CHEQUE, date=dt.date(2024, 6, 12)).date


def test_print_count_and_empty_heads() -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(sample_receipt(), print_count=-1)
    with pytest.raises(ValueError):
        dataclasses.replace(sample_receipt(), heads=(), total=0)


def test_receipt_view_is_hashable_and_picklable() -> None:
    import pickle

    view = sample_receipt()
    assert pickle.loads(pickle.dumps(view)) == view
    assert isinstance(hash(view), int)
    assert isinstance(view, ReceiptView)
