"""A typo on a name: corrected against the words residents' names are made of, whoever wrote the record."""

import pytest

from app.contacts.bulk import insert_residents
from app.contacts.models import ResidentNameWord
from app.contacts.search import search_residents
from app.contacts.services import create_resident, update_resident
from app.extensions import db


def ids(residents) -> list[int]:
    """The ids of the residents, in order (a search lists rows, not ORM records)."""
    return [r.id for r in residents]


@pytest.fixture
def crowd(app):
    """Many Martins and Lefèvres (a common name fills the page), one Martinez, one Lefèvre-Müller."""
    made = {"martins": [create_resident({"last_name": "Martin", "first_name": f"Prénom{n:02d}"}) for n in range(25)],
            "martinez": create_resident({"last_name": "Martinez", "first_name": "Ana"}),
            "lefevre_sophie": create_resident({"last_name": "Lefèvre", "first_name": "Sophie"}),
            "lefevre_marie": create_resident({"last_name": "Lefèvre", "first_name": "Marie"}),
            "lefevre_muller": create_resident({"last_name": "Lefèvre-Müller", "first_name": "Jean"}),
            "dupont": create_resident({"last_name": "Dupont", "first_name": "Lucie"})}
    db.session.commit()
    return made


@pytest.mark.parametrize("typed", ["martinn", "martn", "marrtin"])
def test_a_typo_on_a_common_name_lists_that_name(crowd, typed):
    results = search_residents(typed)
    assert len(results) == 20
    assert set(ids(results)) <= set(ids(crowd["martins"]))


def test_a_typo_with_a_first_name_narrows_to_that_person(crowd):
    assert search_residents("lefebvre marie")[0].id == crowd["lefevre_marie"].id
    assert search_residents("marie lefebvre")[0].id == crowd["lefevre_marie"].id
    assert crowd["lefevre_sophie"].id not in ids(search_residents("lefebvre mar"))


def test_a_typo_on_the_first_name_is_corrected_too(crowd):
    assert ids(search_residents("lefevre sophhie")) == [crowd["lefevre_sophie"].id]


def test_dupond_finds_dupont(crowd):
    assert ids(search_residents("dupond")) == [crowd["dupont"].id]


def test_a_typo_is_corrected_to_a_name_one_letter_away(crowd):
    """'martinn' means Martin (one letter too many), not Martinez (two letters away)."""
    results = search_residents("martinn", limit=50)
    assert ids(results) == ids(sorted(crowd["martins"], key=lambda r: r.search_name))


def test_a_typo_inside_a_compound_name_still_finds_it(crowd):
    assert ids(search_residents("mullet")) == [crowd["lefevre_muller"].id]


def test_a_renamed_resident_is_found_by_a_typo_on_the_new_name(crowd):
    update_resident(crowd["dupont"], {"last_name": "Dufresne"}, agent=None)
    db.session.commit()
    assert ids(search_residents("dufrene")) == [crowd["dupont"].id]


def test_an_imported_resident_is_found_by_a_typo(app):
    """Residents inserted in bulk (not through the form) get their words too."""
    insert_residents([{"last_name": "Kowalczyk", "first_name": "Anna"}], agent_id=None)
    db.session.commit()
    assert [r.full_name for r in search_residents("kowalcyzk")] == ["Anna Kowalczyk"]


def test_the_words_of_new_names_are_recorded_on_postgresql(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the word table is filled by PostgreSQL triggers; SQLite reads the residents' words")
    resident = create_resident({"last_name": "Ñúñez", "first_name": "Zoé-Lou"})
    insert_residents([{"last_name": "Kowalczyk", "first_name": "Anna"}], agent_id=None)
    update_resident(resident, {"first_name": "Zélie"}, agent=None)
    db.session.flush()
    wanted = ["nunez", "zoe", "lou", "zelie", "kowalczyk", "anna"]
    words = set(db.session.execute(db.select(ResidentNameWord.word).where(ResidentNameWord.word.in_(wanted))).scalars())
    assert words == set(wanted)
