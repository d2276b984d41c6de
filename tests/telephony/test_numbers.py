"""Callers' numbers as phone systems write them, normalised for France and its overseas departments."""

import pytest

from app.telephony.numbers import caller_number


@pytest.mark.parametrize("raw, e164", [
    ("0612345678", "+33612345678"),
    ("06 12 34 56 78", "+33612345678"),
    ("06.12.34.56.78", "+33612345678"),
    ("33612345678", "+33612345678"),
    ("+33612345678", "+33612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("0033612345678", "+33612345678"),
    ("0033 6 12 34 56 78", "+33612345678"),
    ("01 42 76 40 40", "+33142764040"),
    ("0693123456", "+262693123456"),  # Réunion mobile, national writing
    ("+262693123456", "+262693123456"),
    ("262693123456", "+262693123456"),
    ("+33693123456", "+262693123456"),  # overseas number written with the metropolitan code
    ("0590123456", "+590590123456"),  # Guadeloupe
    ("0696123456", "+596696123456"),  # Martinique
    ("0694201234", "+594694201234"),  # Guyane
    ("+49 30 123456", "+4930123456"),  # abroad
])
def test_numbers_are_normalised_to_e164(raw, e164):
    assert caller_number(raw).e164 == e164


@pytest.mark.parametrize("raw", ["anonymous", "Anonymous", "unknown", "restricted", ""])
def test_hidden_numbers_are_anonymous_callers(raw):
    number = caller_number(raw)
    assert number.anonymous and number.e164 is None


@pytest.mark.parametrize("raw", ["abc", "12", "0612"])
def test_unreadable_numbers_are_kept_as_received(raw):
    number = caller_number(raw)
    assert number.e164 is None and not number.anonymous and number.raw == raw
