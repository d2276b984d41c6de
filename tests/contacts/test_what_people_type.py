"""Searches find what people type: identifiers in any case, spacing or prefix, overseas phone numbers,
and a result list that says how many matched when it shows only the first ones."""

import pytest

from app.contacts.normalise import display_phone, normalise_phone
from app.contacts.search import search_residents
from app.contacts.services import create_resident
from app.extensions import db
from tests.conftest import text_of


@pytest.fixture
def family():
    resident = create_resident({"last_name": "Diallo", "first_name": "Awa", "family_number": "FF-200029",
                                "account_ref": "CP-1000380"})
    db.session.commit()
    return resident


@pytest.mark.parametrize("typed", ["FF-200029", "FF 200029", "ff200029", "ff-200029", "Ff 200029", "200029",
                                   " FF-200029 ", "ff_200029", "ff.200029"])
def test_a_family_number_is_found_however_it_is_typed(app, family, typed):
    assert [r.id for r in search_residents(typed)] == [family.id]


@pytest.mark.parametrize("typed", ["CP-1000380", "CP 1000380", "cp1000380", "cp-1000380", "1000380"])
def test_an_account_reference_is_found_however_it_is_typed(app, family, typed):
    assert [r.id for r in search_residents(typed)] == [family.id]


@pytest.mark.parametrize("typed, e164", [
    ("06 93 30 52 13", "+262693305213"),  # Réunion mobile, dialled from Paris as 06 93…
    ("0693305213", "+262693305213"),
    ("+262 693 30 52 13", "+262693305213"),
    ("00262693305213", "+262693305213"),
    ("0590 12 34 56", "+590590123456"),  # Guadeloupe
    ("0696 12 34 56", "+596696123456"),  # Martinique
    ("0694 20 12 34", "+594694201234"),  # Guyane
    ("06 12 34 56 78", "+33612345678"),
])
def test_overseas_numbers_of_the_french_plan_are_accepted(typed, e164):
    assert normalise_phone(typed) == e164


def test_a_reunion_mobile_is_recorded_found_in_both_formats_and_shown_as_dialled(app):
    resident = create_resident({"last_name": "Payet", "first_name": "Lucie", "phone": "06 93 30 52 13"})
    db.session.commit()
    assert resident.phone == "+262693305213"
    for typed in ("0693305213", "+262 693 30 52 13", "06 93 30 52 13"):
        assert [r.id for r in search_residents(typed)] == [resident.id], typed
    assert display_phone(resident.phone) == "0693 30 52 13"


def test_a_cut_list_says_how_many_matched_and_to_refine(app, client_as):
    for number in range(22):
        create_resident({"last_name": "Guérin", "first_name": f"Prénom{number:02d}",
                         "email": f"guerin{number}@exemple.fr"})
    create_resident({"last_name": "Guérin", "first_name": "Seule", "email": "seule@exemple.fr"})
    db.session.commit()
    client = client_as("operator_3975")
    page = text_of(client.post("/contacts/search", data={"q": "guerrin"}))
    assert "23 usagers trouvés : les 20 premiers — affinez la recherche" in page
    assert text_of(client.post("/contacts/search", data={"q": "guerin seule"})).count("1 usager trouvé") == 1
