"""Detecting card numbers in free text."""

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.cards.detector import _FIRST_DIGITS, ISSUERS, contains_card_number, issuer_of, luhn_valid
from app.files.exports import safe_cell


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


# --- random cards, however they are grouped and separated ----------------------------------------------

# One prefix range and length per major network (as ISSUERS lists them); 2,000 random numbers of each.
NETWORKS = {
    "Visa": ("4", 16), "Visa 13": ("4", 13), "Mastercard": ("51-55", 16), "Mastercard 2-series": ("2221-2720", 16),
    "American Express": ("34|37", 15), "CB co-badged Visa": ("4970", 16), "Discover": ("6011", 16),
    "JCB": ("3528-3589", 16), "UnionPay": ("62", 16), "Maestro": ("6759", 19), "Diners Club": ("36", 14),
}
# Separators people and tools put between groups: the usual ones, the ones an adversarial pass found
# (| + ~ # ' )( and five or six spaces), and Unicode spaces and punctuation.
SEPARATORS = [" ", "-", ".", "/", "|", "+", "~", "#", "'", ")(", " " * 5, " " * 6, "\u2009", "\u3000", "\u00a0",
              " - ", "\u00b7", "\u2014", "\u2022", ";", "\t", "\n", "\"", "¦", "«»", " / ", "=", "&", "%", "$", ":"]
PER_NETWORK = 2000


def _random_card(rng, prefixes: str, length: int) -> str:
    choices = []
    for part in prefixes.split("|"):
        low, _, high = part.partition("-")
        choices += [str(value).zfill(len(low)) for value in range(int(low), int(high or low) + 1)]
    body = rng.choice(choices) + "".join(rng.choice("0123456789") for _ in range(length - 1 - len(choices[0])))
    check = next(digit for digit in "0123456789" if luhn_valid(body + digit))
    return body + check


def _grouped(digits: str, size: int, separator: str) -> str:
    return separator.join(digits[i:i + size] for i in range(0, len(digits), size))


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5], ids=["singles", "pairs", "threes", "fours", "fives"])
def test_no_random_card_of_a_network_escapes_whatever_its_grouping_and_separators(network, size):
    rng = random.Random(f"{network}-{size}")
    missed = []
    for index in range(PER_NETWORK):
        card = _random_card(rng, *NETWORKS[network])
        assert issuer_of(card) is not None, card
        spelling = _grouped(card, size, SEPARATORS[index % len(SEPARATORS)])
        if not contains_card_number(spelling):
            missed.append(spelling)
    assert missed == []


def _random_phone(rng) -> str:
    return "0" + rng.choice("1234567") + "".join(rng.choice("0123456789") for _ in range(8))


@pytest.mark.parametrize("layout", [
    "{a} {b}", "{a:pairs} {b:pairs}", "{a:dots} / {b:dots}", "{a:pairs} | {b:pairs}", "+33 {a:intl} +33 {b:intl}",
    "{a:pairs} 750{n:02d}", "{a} 750{n:02d}", "tél. {a:pairs} ou {b:pairs}", "{a:pairs}, {b:pairs}",
])
def test_random_french_phone_numbers_side_by_side_or_with_a_postcode_are_no_card(layout):
    rng = random.Random(layout)
    flagged = []
    for _ in range(PER_NETWORK):
        a, b = _random_phone(rng), _random_phone(rng)
        text = layout.format(a=_Phone(a), b=_Phone(b), n=rng.randint(1, 20))
        if contains_card_number(text):
            flagged.append(text)
    assert flagged == []


class _Phone(str):
    """A phone number that formats itself as people write it: `{a:pairs}`, `{a:dots}`, `{a:intl}`."""

    def __format__(self, spec):
        pairs = [self[i:i + 2] for i in range(0, 10, 2)]
        if spec == "pairs":
            return " ".join(pairs)
        if spec == "dots":
            return ".".join(pairs)
        if spec == "intl":
            return self[1] + " " + " ".join(pairs[1:])
        return str(self)


def test_machine_written_instants_are_no_card():
    """ISO 8601 instants as Python, PostgreSQL and JSON write them: their offset or microseconds would
    otherwise join a time to more digits (`23:36:20.512345+00:00` holds a 16-digit Mastercard-like run)."""
    rng = random.Random("instants")
    start = datetime(2016, 1, 1, tzinfo=UTC)
    flagged = []
    for _ in range(PER_NETWORK * 5):
        instant = start + timedelta(seconds=rng.randint(0, 86400 * 3650), microseconds=rng.randint(0, 999999))
        paris = instant.astimezone(timezone(timedelta(hours=1)))
        for text in (instant.isoformat(), str(instant), instant.time().isoformat(), f'{{"at": "{paris.isoformat()}"}}'):
            if contains_card_number(text):
                flagged.append(text)
    assert flagged == []
