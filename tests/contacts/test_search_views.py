"""The search box: a plain POST form, live results as JSON, the search page, access."""

import re

import pytest

from app.contacts.services import create_resident
from app.extensions import db
from tests.conftest import text_of


def _lefevre():
    resident = create_resident({"last_name": "Lefèvre", "first_name": "Marie", "phone": "+33 6 12 34 56 78"})
    db.session.commit()
    return resident


def test_the_plain_search_form_lists_the_results(client_as):
    resident = _lefevre()
    response = client_as("operator_3975").post("/contacts/search", data={"q": "lefebvre"})
    assert response.status_code == 200
    assert "LEFÈVRE Marie" in text_of(response)
    assert f"/contacts/{resident.id}" in response.get_data(as_text=True)


def test_a_phone_in_another_format_finds_the_resident_through_the_form(client_as):
    _lefevre()
    response = client_as("counter_agent").post("/contacts/search", data={"q": "06 12 34 56 78"})
    assert "LEFÈVRE Marie" in text_of(response)


def test_the_searched_text_is_never_sent_in_a_url(client_as):
    client = client_as("counter_agent")
    assert client.get("/contacts/search?q=lefevre").status_code == 405
    assert client.get("/contacts/search/live?q=lefevre").status_code == 405


def test_a_too_short_name_gets_a_message_on_the_field(client_as):
    response = client_as("counter_agent").post("/contacts/search", data={"q": "le"})
    assert response.status_code == 200
    assert "au moins 3 caractères" in text_of(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_no_result_offers_a_quick_create_prefilled_with_the_name(client_as):
    response = client_as("counter_agent").post("/contacts/search", data={"q": "Zorglub Albert"})
    body = response.get_data(as_text=True)
    assert "Aucun usager trouvé" in text_of(response)
    assert 'value="Zorglub"' in body and 'value="Albert"' in body


def test_live_results_come_back_as_json(client_as):
    resident = _lefevre()
    response = client_as("facil_familles").post("/contacts/search/live", json={"q": "LEFEVRE"})
    data = response.get_json()
    assert data["results"][0]["id"] == resident.id
    assert data["results"][0]["url"] == f"/contacts/{resident.id}"
    assert "06 12 34 56 78" in data["results"][0]["detail"]


def test_live_search_explains_a_too_short_query(client_as):
    data = client_as("counter_agent").post("/contacts/search/live", data={"q": "ab"}).get_json()
    assert data["results"] == [] and "3 caractères" in data["message"]


def test_the_search_page_and_the_header_box_are_there(client_as):
    client = client_as("operator_3975")
    page = client.get("/contacts/")
    assert page.status_code == 200 and "Créer un usager" in text_of(page)
    home = client.get("/")
    assert 'action="/contacts/search"' in home.get_data(as_text=True)
    assert "js/search.js" in home.get_data(as_text=True)
    assert "Rechercher un usager" in text_of(home)


def test_managers_may_search_but_not_create(client_as):
    _lefevre()
    manager = client_as("manager")
    assert "LEFÈVRE" in text_of(manager.post("/contacts/search", data={"q": "lefevre"}))
    assert "Créer un usager" not in text_of(manager.get("/contacts/"))
    assert manager.post("/contacts/quick", data={"last_name": "X", "contact": "0612345678"}).status_code == 403
    assert manager.get("/contacts/new").status_code == 403


def _namesakes(**second):
    first = create_resident({"last_name": "Fournier", "first_name": "Linh", "postal_code": "75002"})
    other = create_resident({"last_name": "Fournier", "first_name": "Linh", "postal_code": "75002", **second})
    db.session.commit()
    return first, other


@pytest.mark.parametrize("second, told_apart_by", [
    ({}, "fiche n°"),  # nothing else differs: the record number
    ({"phone": "06 12 34 56 78"}, "tél. …78"),
    ({"birth_date": "1984-03-02"}, "né(e) en 1984"),
    ({"account_ref": "CP-200301"}, "compte CP-200301"),
])
def test_namesakes_read_differently_in_the_live_results_and_on_the_results_page(client_as, second, told_apart_by):
    first, other = _namesakes(**second)
    client = client_as("counter_agent")
    live = client.post("/contacts/search/live", json={"q": "fournier linh"}).get_json()["results"]
    shown = {r["id"]: f'{r["name"]} · {r["detail"]}' for r in live}
    assert set(shown) == {first.id, other.id} and shown[first.id] != shown[other.id]
    assert "2e arrondissement" in shown[first.id] and told_apart_by in shown[other.id]
    page = client.post("/contacts/search", data={"q": "fournier linh"}).get_data(as_text=True)
    rows = [text_of_row for text_of_row in re.findall(r"<tr>.*?</tr>", page, re.S) if "FOURNIER" in text_of_row]
    assert len(rows) == 2 and rows[0] != rows[1]
    assert told_apart_by in "".join(rows)


def test_a_lone_name_gets_no_namesake_hint(client_as):
    _lefevre()
    [result] = client_as("counter_agent").post("/contacts/search/live", json={"q": "lefevre"}).get_json()["results"]
    assert "(" not in result["detail"]


def test_namesakes_read_differently_when_choosing_the_resident_of_a_new_ticket(client_as, reference):
    first, other = _namesakes(phone="06 12 34 56 78")
    page = client_as("counter_agent").post("/tickets/new", data={"q": "fournier linh"}).get_data(as_text=True)
    items = [item for item in re.findall(r"<li>.*?</li>", page, re.S) if "FOURNIER" in item]
    assert len(items) == 2 and items[0] != items[1] and "tél. …78" in "".join(items)
