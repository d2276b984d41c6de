"""Detecting card numbers in free text."""

import pytest

from app.cardnumbers import contains_card_number, luhn_valid
from app.exports import safe_cell


@pytest.mark.parametrize("text", [
    "4111 1111 1111 1111",
    "carte 4111-1111-1111-1111 lue par l'usager",
    "4111111111111111",
    "5555555555554444",
    "378282246310005",  # 15-digit Amex test number
    "n°4111111111111111.",
])
def test_luhn_valid_card_numbers_are_found(text):
    assert contains_card_number(text)


@pytest.mark.parametrize("text", [
    "4111 1111 1111 1112",  # 16 digits, fails Luhn
    "appel du 06 12 34 56 78",
    "dossier 2017-000123",
    "0000000000000000",
    "",
    None,
])
def test_other_numbers_are_accepted(text):
    assert not contains_card_number(text)


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-2", "'-2"),
                                            ("Martin", "Martin"), (42, 42)])
def test_spreadsheet_formulas_are_escaped(value, expected):
    assert safe_cell(value) == expected
