"""Creating and matching residents."""

import pytest

from app.contacts.models import ResidentChange
from app.contacts.services import ResidentError, create_resident, match_resident
from app.extensions import db


def test_create_normalises_and_keeps_history(make_agent):
    agent = make_agent("counter_agent")
    resident = create_resident({"first_name": "Marie", "last_name": "Lefèvre-Müller", "phone": "06 12 34 56 78",
                                "postal_code": "75012"}, agent)
    assert resident.phone == "+33612345678" and resident.arrondissement == 12
    assert resident.search_name == "lefevre muller marie"
    change = db.session.execute(db.select(ResidentChange).where(ResidentChange.resident_id == resident.id)
                                ).scalar_one()
    assert change.action == "created" and change.agent_id == agent.id


def test_a_500_character_name_is_refused_on_the_field(app):
    with pytest.raises(ResidentError) as info:
        create_resident({"last_name": "x" * 500})
    assert info.value.field == "last_name"


def test_account_reference_is_unique(app):
    create_resident({"last_name": "Martin", "account_ref": "CP-0001"})
    with pytest.raises(ResidentError) as info:
        create_resident({"last_name": "Bernard", "account_ref": "CP-0001"})
    assert info.value.field == "account_ref"


def test_match_by_reference_then_email_then_phone(app):
    a = create_resident({"last_name": "Martin", "account_ref": "CP-1"})
    b = create_resident({"last_name": "Bernard", "email": "b@exemple.fr"})
    c = create_resident({"last_name": "Petit", "phone": "+33 1 42 76 40 40"})
    assert match_resident(account_ref="CP-1", email="b@exemple.fr") == a
    assert match_resident(email="B@exemple.fr", phone="01 42 76 40 40") == b
    assert match_resident(phone="01 42 76 40 40") == c
    assert match_resident(email="nobody@exemple.fr") is None
