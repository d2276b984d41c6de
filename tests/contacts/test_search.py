"""Finding a resident by name (any case, accents, a typo), phone in any format, email, reference, family number."""

import pytest

from app.contacts.queries import SearchQueryError, get_live_resident
from app.contacts.search import search_residents
from app.contacts.services import create_resident
from app.extensions import db
from app.timeutil import utcnow


def ids(results) -> list[int]:
    """The ids of the residents found, in order (a search lists rows, not ORM records)."""
    return [r.id for r in results]


@pytest.fixture
def people(app):
    """A small population with look-alike names."""
    made = {
        "lefevre": create_resident({"last_name": "Lefèvre", "first_name": "Marie", "phone": "+33 6 12 34 56 78",
                                    "account_ref": "CP-0012345", "email": "marie.lefevre@exemple.fr"}),
        "lefevre_muller": create_resident({"last_name": "Lefèvre-Müller", "first_name": "Jean",
                                           "family_number": "FF-778899"}),
        "martin_marie": create_resident({"last_name": "Martin", "first_name": "Marie", "phone": "01 42 76 40 40"}),
        "martin_paul": create_resident({"last_name": "Martin", "first_name": "Paul"}),
        "martinez": create_resident({"last_name": "Martinez", "first_name": "Ana"}),
        "ndiaye": create_resident({"last_name": "N'Diaye", "first_name": "Aminata", "phone_alt": "06 98 76 54 32"}),
        "dupont": create_resident({"last_name": "Dupont", "first_name": "Lucie"}),
    }
    db.session.commit()
    return made


@pytest.mark.parametrize("typed", ["lefevre", "LEFEVRE", "lefebvre", "Lefèvre", "lefèvre marie"])
def test_lefevre_is_found_whatever_the_case_accents_or_a_typo(people, typed):
    results = search_residents(typed)
    assert results[0].id == people["lefevre"].id


def test_a_hyphenated_name_is_found_by_either_part(people):
    assert people["lefevre_muller"].id in ids(search_residents("muller"))
    assert search_residents("Lefèvre-Müller")[0].id == people["lefevre_muller"].id


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "0612345678", "+33612345678", "06.12.34.56.78",
                                   "+33 6 12 34 56 78"])
def test_a_phone_typed_in_any_format_finds_its_resident(people, typed):
    assert ids(search_residents(typed)) == [people["lefevre"].id]


def test_the_second_phone_finds_its_resident(people):
    assert ids(search_residents("0698765432")) == [people["ndiaye"].id]


def test_a_compte_parisien_reference_finds_its_resident(people):
    assert ids(search_residents("CP-0012345")) == [people["lefevre"].id]
    assert ids(search_residents("cp-0012345")) == [people["lefevre"].id]


def test_an_email_and_a_family_number_find_their_resident(people):
    assert ids(search_residents("Marie.Lefevre@EXEMPLE.fr")) == [people["lefevre"].id]
    assert ids(search_residents("FF-778899")) == [people["lefevre_muller"].id]


def test_an_unknown_phone_finds_nobody(people):
    assert search_residents("06 99 99 99 99") == []


def test_a_first_name_word_narrows_the_search(people):
    results = ids(search_residents("martin mar"))
    assert results[0] == people["martin_marie"].id
    assert people["martin_paul"].id not in results


def test_the_exact_name_ranks_before_a_longer_one(people):
    results = ids(search_residents("martin"))
    assert results[:2] == [people["martin_marie"].id, people["martin_paul"].id]
    assert people["martinez"].id in results


def test_first_name_first_still_finds_the_resident(people):
    assert search_residents("marie martin")[0].id == people["martin_marie"].id


def test_an_apostrophe_name_is_found(people):
    assert search_residents("ndiaye")[0].id == people["ndiaye"].id
    assert search_residents("N'Diaye")[0].id == people["ndiaye"].id


def test_a_name_search_needs_three_characters(people):
    with pytest.raises(SearchQueryError) as info:
        search_residents("du")
    assert "3 caractères" in info.value.message


def test_an_unrelated_name_finds_nobody(people):
    assert search_residents("zzyzx") == []


def test_merged_and_anonymised_residents_are_not_listed(people):
    people["dupont"].anonymised_at = utcnow()
    people["martin_paul"].merged_into_id = people["martin_marie"].id
    db.session.commit()
    assert search_residents("dupont") == []
    assert people["martin_paul"].id not in ids(search_residents("martin"))


def test_an_identifier_of_a_merged_record_leads_to_the_survivor(people):
    people["ndiaye"].merged_into_id = people["dupont"].id
    db.session.commit()
    assert ids(search_residents("06 98 76 54 32")) == [people["dupont"].id]
    assert get_live_resident(people["ndiaye"].id) == people["dupont"]


def test_the_limit_is_respected(app):
    for n in range(30):
        create_resident({"last_name": "Bernard", "first_name": f"Prénom{n}"})
    db.session.commit()
    assert len(search_residents("bernard")) == 20
    assert len(search_residents("bernard", limit=5)) == 5
