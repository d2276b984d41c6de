"""Normalising names, phones and emails."""

import pytest

from app.contacts.normalise import (
    ContactValueError,
    display_phone,
    name_key,
    normalise_email,
    normalise_phone,
)


def test_name_key_drops_case_accents_and_punctuation():
    assert name_key("Lefèvre-Müller", "Marie") == "lefevre muller marie"
    assert name_key("N'Diaye") == "n diaye"


@pytest.mark.parametrize("raw", ["06 12 34 56 78", "+33612345678", "+33 6 12 34 56 78", "06.12.34.56.78",
                                 "0033612345678"])
def test_french_phone_formats_are_the_same_number(raw):
    assert normalise_phone(raw) == "+33612345678"


def test_a_phone_that_cannot_be_a_number_names_the_field():
    with pytest.raises(ContactValueError) as info:
        normalise_phone("12", field="phone_alt")
    assert info.value.field == "phone_alt" and "n'est pas un numéro" in info.value.message


def test_display_phone_is_national_for_france():
    assert display_phone("+33612345678") == "06 12 34 56 78"


def test_email_is_validated():
    assert normalise_email("Marie.Dupont@Exemple.FR") == "marie.dupont@exemple.fr"
    with pytest.raises(ContactValueError):
        normalise_email("marie.dupont.exemple.fr")
