"""Detecting card numbers in free text."""

import pytest

from app.cardnumbers import _FIRST_DIGITS, ISSUERS, contains_card_number, issuer_of, luhn_valid
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


@pytest.mark.parametrize("digits,network", [
    ("4111111111111111", "Visa"), ("5555555555554444", "Mastercard"), ("2223003122003222", "Mastercard"),
    ("378282246310005", "American Express"), ("30569309025904", "Diners Club"), ("6011111111111117", "Discover"),
    ("3530111333300000", "JCB"), ("6200000000000005", "UnionPay"), ("675964982648", "Maestro"),
    ("3782822463100059", None),  # an Amex prefix at 16 digits
    ("1700001234567898", None),  # no network starts with 1
    ("352099001761481", None),  # an IMEI: 15 digits on a JCB prefix, which JCB never uses
])
def test_a_number_is_a_card_only_at_a_length_its_network_uses(digits, network):
    assert issuer_of(digits) == network


def test_every_network_prefix_starts_with_a_digit_the_search_tries():
    assert {low[0] for _name, low, _high, _lengths in ISSUERS} <= set(_FIRST_DIGITS)
    assert all(len(low) == len(high) for _name, low, high, _lengths in ISSUERS)
