"""Amounts in words, in the Indian numbering system (thousand, lakh, crore).

num2words' ``en_IN`` reads lower case with commas and British "hundred and" ("one crore,
twenty-three lakh, ... six hundred and seventy-eight rupees, fifty paise"), which is not the
style of an Indian government receipt or cheque, and it has no Hindi. So this module spells
numbers itself, in the style Indian treasuries print:

    Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight
    and Fifty Paise Only

Choices (each covered by a test):
* zero is "Rupees Zero Only";
* an amount below one rupee names only the paise: "One Paisa Only", "Fifty Paise Only";
* "Rupees One Only" (plural "Rupees" throughout, as on cheques); "One Paisa" but "Two Paise";
* above 99 crore the count of crores is itself spelled in Indian numbering
  ("One Thousand Crore", "One Lakh Crore").
"""

from __future__ import annotations

__all__ = ["amount_in_words", "amount_in_words_hi", "number_in_words", "number_in_words_hi"]

_ONES = (
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen",
)
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")

# Hindi has a word of its own for every number below a hundred.
_HI_BELOW_100 = (
    "शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ",
    "दस", "ग्यारह", "बारह", "तेरह", "चौदह", "पंद्रह", "सोलह", "सत्रह", "अठारह", "उन्नीस",
    "बीस", "इक्कीस", "बाईस", "तेईस", "चौबीस", "पच्चीस", "छब्बीस", "सत्ताईस", "अट्ठाईस", "उनतीस",
    "तीस", "इकतीस", "बत्तीस", "तैंतीस", "चौंतीस", "पैंतीस", "छत्तीस", "सैंतीस", "अड़तीस", "उनतालीस",
    "चालीस", "इकतालीस", "बयालीस", "तैंतालीस", "चवालीस", "पैंतालीस", "छियालीस", "सैंतालीस", "अड़तालीस",
    "उनचास",
    "पचास", "इक्यावन", "बावन", "तिरेपन", "चौवन", "पचपन", "छप्पन", "सत्तावन", "अट्ठावन", "उनसठ",
    "साठ", "इकसठ", "बासठ", "तिरेसठ", "चौंसठ", "पैंसठ", "छियासठ", "सड़सठ", "अड़सठ", "उनहत्तर",
    "सत्तर", "इकहत्तर", "बहत्तर", "तिहत्तर", "चौहत्तर", "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर",
    "उन्यासी",
    "अस्सी", "इक्यासी", "बयासी", "तिरासी", "चौरासी", "पचासी", "छियासी", "सत्तासी", "अट्ठासी", "नवासी",
    "नब्बे", "इक्यानवे", "बानवे", "तिरानवे", "चौरानवे", "पचानवे", "छियानवे", "सत्तानवे", "अट्ठानवे",
    "निन्यानवे",
)
assert len(_HI_BELOW_100) == 100

_CRORE = 10_000_000
_LAKH = 100_000


def _check_non_negative_int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return value


def _en_below_100(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] if ones == 0 else f"{_TENS[tens]}-{_ONES[ones]}"


def _indian_groups(n: int) -> tuple[int, int, int, int, int]:
    """Split n into (crores, lakhs, thousands, hundreds, below-hundred)."""
    crores, rest = divmod(n, _CRORE)
    lakhs, rest = divmod(rest, _LAKH)
    thousands, rest = divmod(rest, 1000)
    hundreds, rest = divmod(rest, 100)
    return crores, lakhs, thousands, hundreds, rest


def number_in_words(n: int) -> str:
    """Spell a whole number in English with Indian grouping: 100000 -> "One Lakh"."""
    _check_non_negative_int(n, "number")
    if n == 0:
        return _ONES[0]
    crores, lakhs, thousands, hundreds, rest = _indian_groups(n)
    parts: list[str] = []
    if crores:
        parts.append(f"{number_in_words(crores)} Crore")
    if lakhs:
        parts.append(f"{_en_below_100(lakhs)} Lakh")
    if thousands:
        parts.append(f"{_en_below_100(thousands)} Thousand")
    if hundreds:
        parts.append(f"{_ONES[hundreds]} Hundred")
    if rest:
        parts.append(_en_below_100(rest))
    return " ".join(parts)


def number_in_words_hi(n: int) -> str:
    """Spell a whole number in Hindi with Indian grouping: 100000 -> "एक लाख"."""
    _check_non_negative_int(n, "number")
    if n == 0:
        return _HI_BELOW_100[0]
    crores, lakhs, thousands, hundreds, rest = _indian_groups(n)
    parts: list[str] = []
    if crores:
        parts.append(f"{number_in_words_hi(crores)} करोड़")
    if lakhs:
        parts.append(f"{_HI_BELOW_100[lakhs]} लाख")
    if thousands:
        parts.append(f"{_HI_BELOW_100[thousands]} हज़ार")
    if hundreds:
        parts.append(f"{_HI_BELOW_100[hundreds]} सौ")
    if rest:
        parts.append(_HI_BELOW_100[rest])
    return " ".join(parts)


def amount_in_words(paise: int) -> str:
    """Spell an amount of int paise for a receipt: 12345678_50 -> "Rupees One Crore ... Only"."""
    _check_non_negative_int(paise, "paise")
    rupees, paise_part = divmod(paise, 100)
    paise_words = ""
    if paise_part:
        unit = "Paisa" if paise_part == 1 else "Paise"
        paise_words = f"{_en_below_100(paise_part)} {unit}"
    if rupees == 0 and paise_part:
        return f"{paise_words} Only"
    rupee_words = f"Rupees {number_in_words(rupees)}"
    if paise_part:
        return f"{rupee_words} and {paise_words} Only"
    return f"{rupee_words} Only"


def amount_in_words_hi(paise: int) -> str:
    """Hindi counterpart of :func:`amount_in_words`: "रुपये एक लाख और पचास पैसे मात्र"."""
    _check_non_negative_int(paise, "paise")
    rupees, paise_part = divmod(paise, 100)
    paise_words = ""
    if paise_part:
        unit = "पैसा" if paise_part == 1 else "पैसे"
        paise_words = f"{_HI_BELOW_100[paise_part]} {unit}"
    if rupees == 0 and paise_part:
        return f"{paise_words} मात्र"
    rupee_words = f"रुपये {number_in_words_hi(rupees)}"
    if paise_part:
        return f"{rupee_words} और {paise_words} मात्र"
    return f"{rupee_words} मात्र"
