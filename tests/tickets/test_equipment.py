"""A town hall without any device: the admin is told when placing a counter agent there, and the agent is
told before typing anything (no counter ticket could be saved there)."""

import html

from app.channels.models import Site
from tests.conftest import text_of
from tests.tickets.helpers import ref

PASSWORD = "Un-mot-de-passe-solide-2026"


def test_admin_is_warned_when_a_counter_agent_is_placed_at_a_site_without_device(client_as, reference):
    admin = client_as("admin")
    response = admin.post("/admin/agents/new", follow_redirects=True, data={
        "login": "paul.cinq", "name": "Paul Cinq", "role": "counter_agent", "site_id": str(ref(Site, "mairie-05").id),
        "password": PASSWORD, "confirm": PASSWORD})
    page = html.unescape(text_of(response))
    assert "Agent paul.cinq créé." in page
    assert "Attention : Paul Cinq ne pourra enregistrer aucun ticket." in page
    assert "« Mairie du 5e arrondissement » n'a aucun dispositif" in page
    equipped = admin.post("/admin/agents/new", follow_redirects=True, data={
        "login": "lea.deux", "name": "Léa Deux", "role": "counter_agent", "site_id": str(ref(Site, "mairie-02").id),
        "password": PASSWORD, "confirm": PASSWORD})
    assert "Attention" not in text_of(equipped)


def test_agent_at_a_site_without_device_is_told_before_filling_the_form(client_as, reference):
    client = client_as("counter_agent", "mairie-05")
    response = client.get("/tickets/new")
    assert response.status_code == 409
    page = html.unescape(text_of(response))
    assert "Aucun ticket ne peut être enregistré ici pour le moment." in page
    assert "n'a aucun dispositif" in page and "Rechercher l'usager" not in page
    assert client_as("counter_agent", "mairie-02").get("/tickets/new").status_code == 200
