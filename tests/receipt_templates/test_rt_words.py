"""Amounts in words, Indian numbering: hand-checked cases plus a parse-back property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from receipt_templates import amount_in_words, amount_in_words_hi
from receipt_templates.words import number_in_words

CASES = [
    (0, "Rupees Zero Only"),
    (1, "One Paisa Only"),
    (2, "Two Paise Only"),
    (50, "Fifty Paise Only"),
    (100, "Rupees One Only"),
    (101, "Rupees One and One Paisa Only"),
    (1_000, "Rupees Ten Only"),
    (9_999, "Rupees Ninety-Nine and Ninety-Nine Paise Only"),
    (10_000, "Rupees One Hundred Only"),
    (10_100, "Rupees One Hundred One Only"),
    (11_500, "Rupees One Hundred Fifteen Only"),
    (100_000, "Rupees One Thousand Only"),
    (1_999_900, "Rupees Nineteen Thousand Nine Hundred Ninety-Nine Only"),
    (10_000_000, "Rupees One Lakh Only"),
    (10_000_001, "Rupees One Lakh and One Paisa Only"),
    (1_050_000_000, "Rupees One Crore Five Lakh Only"),
    (1_000_000_000, "Rupees One Crore Only"),
    (
        1_234_567_850,
        (
            "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight"
            " and Fifty Paise Only"
        ),
    ),
    (
        99_999_999_999,
        (
            "Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred"
            " Ninety-Nine and Ninety-Nine Paise Only"
        ),
    ),
    (100_000_000_000, "Rupees One Hundred Crore Only"),
    (1_000_000_000_000_000, "Rupees Ten Lakh Crore Only"),
    (1_237_325, "Rupees Twelve Thousand Three Hundred Seventy-Three and Twenty-Five Paise Only"),
    (2_000_020, "Rupees Twenty Thousand and Twenty Paise Only"),
]


@pytest.mark.parametrize(("paise", "expected"), CASES)
def test_amount_in_words(paise: int, expected: str) -> None:
    assert amount_in_words(paise) == expected


HINDI_CASES = [
    (0, "रुपये शून्य मात्र"),
    (1, "एक पैसा मात्र"),
    (9_999, "रुपये निन्यानवे और निन्यानवे पैसे मात्र"),
    (10_000_000, "रुपये एक लाख मात्र"),
    (1_234_567_850, "रुपये एक करोड़ तेईस लाख पैंतालीस हज़ार छह सौ अठहत्तर और पचास पैसे मात्र"),
    (99_999_999_999, "रुपये निन्यानवे करोड़ निन्यानवे लाख निन्यानवे हज़ार नौ सौ निन्यानवे और निन्यानवे पैसे मात्र"),
]


@pytest.mark.parametrize(("paise", "expected"), HINDI_CASES)
def test_amount_in_words_hindi(paise: int, expected: str) -> None:
    assert amount_in_words_hi(paise) == expected


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_rejects_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(bad)  # type: ignore[arg-type]


def test_rejects_negative() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)


_VALUES = {
    "Zero": 0, "One": 1, "Two": 2, "Three": 3, "Four": 4, "Five": 5, "Six": 6, "Seven": 7,
    "Eight": 8, "Nine": 9, "Ten": 10, "Eleven": 11, "Twelve": 12, "Thirteen": 13,
    "Fourteen": 14, "Fifteen": 15, "Sixteen": 16, "Seventeen": 17, "Eighteen": 18,
    "Nineteen": 19, "Twenty": 20, "Thirty": 30, "Forty": 40, "Fifty": 50, "Sixty": 60,
    "Seventy": 70, "Eighty": 80, "Ninety": 90,
}
_SCALES = {"Hundred": 100, "Thousand": 1_000, "Lakh": 100_000, "Crore": 10_000_000}


def _parse_number(words: list[str]) -> int:
    """Read Indian-numbering English words back into an int (test oracle)."""
    if "Crore" in words:
        at = len(words) - 1 - words[::-1].index("Crore")
        return _parse_number(words[:at]) * 10_000_000 + (
            _parse_number(words[at + 1:]) if words[at + 1:] else 0
        )
    total, current = 0, 0
    for word in words:
        if word in _SCALES:
            total += current * _SCALES[word]
            current = 0
        else:
            current += sum(_VALUES[part] for part in word.split("-"))
    return total + current


def _parse_amount(text: str) -> int:
    assert text.endswith(" Only")
    body = text.removesuffix(" Only")
    rupees_part, _, paise_part = body.partition(" and ")
    if rupees_part.startswith("Rupees "):
        rupees = _parse_number(rupees_part.removeprefix("Rupees ").split())
    else:  # "Fifty Paise Only": no rupees at all
        rupees, paise_part = 0, rupees_part
    paise = 0
    if paise_part:
        number_words = paise_part.rsplit(" ", 1)
        assert number_words[1] in ("Paisa", "Paise")
        paise = _parse_number(number_words[0].split())
        assert (number_words[1] == "Paisa") == (paise == 1)
    return rupees * 100 + paise


@given(st.integers(min_value=0, max_value=10**15))
def test_words_read_back_to_the_same_amount(paise: int) -> None:
    assert _parse_amount(amount_in_words(paise)) == paise


@given(st.integers(min_value=1, max_value=10**13))
def test_number_words_have_no_british_and(n: int) -> None:
    words = number_in_words(n)
    assert " and " not in words and "," not in words
