"""What agents read about a ticket: field labels, values as they say them, Paris time; never a code."""

import csv
import html
import io
import re
from datetime import UTC, datetime

from app.channels.models import Channel, Procedure, Site
from app.collation import sorted_french
from app.contacts.services import update_resident
from app.extensions import db
from app.tickets.labels import change_lines
from app.tickets.services import log_ticket
from app.tickets.workflow import transfer_ticket
from tests.conftest import text_of
from tests.tickets.helpers import counter_values, ref, resident

RAW = re.compile(r"(?<![\w-])(anonymous|channel_id|site_id|opened_at|status|transferred|open|counter|"
                 r"mairie-\d\d|True|False|on_behalf|guided|completed|city|state)(?![\w-])|\d{4}-\d\d-\d\dT")


def history_of(page_text: str) -> str:
    return page_text.split("Historique", 1)[1]


def test_history_shows_field_labels_values_as_agents_read_them_and_paris_time(client_as, reference):
    client = client_as("operator_3975")
    opened = datetime(2026, 12, 1, 7, 50, 26, tzinfo=UTC)  # 08:50 in Paris
    call = log_ticket({"anonymous": True, "channel_id": ref(Channel, "phone_3975").id,
                       "site_id": ref(Site, "plateforme-3975").id, "opened_at": opened}, client.agent)
    transfer_ticket(call, client.agent, ref(Channel, "counter"), ref(Site, "mairie-12"))
    db.session.commit()
    shown = history_of(html.unescape(text_of(client.get(f"/tickets/{call.id}"))))
    assert "Appelant anonyme : — → oui" in shown
    assert f"Canal : — → {ref(Channel, 'phone_3975').label}" in shown
    assert "Ouvert le : — → 01/12/2026 08:50" in shown
    assert "Statut : Ouvert → Transféré" in shown
    assert "Transfert" in shown and "Création" in shown
    assert RAW.findall(shown) == []


def test_change_lines_name_relations_and_codes():
    lines = change_lines({"status": ["open", "resolved"], "outcome": [None, "not_possible_online"],
                          "payment_assisted": [False, True], "closed_at": [None, "2017-01-05T15:30:00+00:00"]})
    assert lines == [("Statut", "Ouvert", "Résolu"), ("Résultat", "—", "Impossible en ligne"),
                     ("Paiement accompagné", "non", "oui"), ("Clos le", "—", "05/01/2017 16:30")]


def test_ticket_csv_has_french_headings_labels_and_paris_time(client_as, reference):
    client = client_as("counter_agent", "mairie-02")
    log_ticket(counter_values(resident(), mode="on_behalf", outcome="completed", status="closed",
                              opened_at=datetime(2017, 1, 5, 9, 0, tzinfo=UTC)), client.agent)
    db.session.commit()
    text = client.get("/tickets/export.csv", buffered=True).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = dict(zip(rows[0], rows[1], strict=True))
    assert header["Ouvert le"] == "05/01/2017 10:00"
    assert header["Canal"] == ref(Channel, "counter").label and header["Site"] == ref(Site, "mairie-02").label
    assert header["Porteur"] == "Ville de Paris" and header["Statut"] == "Clos"
    assert header["Résultat"] == "Démarche aboutie"
    assert header["Mode de facilitation"] == "Pour le compte de l'usager (avec son accord)"
    assert header["Appelant anonyme"] == "non"
    assert RAW.findall(";".join(rows[0] + rows[1])) == []


def test_procedure_lists_follow_french_order_not_byte_order(client_as, reference):
    assert sorted_french(["Dossier de mariage", "Déclaration de revenus", "école", "Zoo", "Élections", "eau"]) == [
        "Déclaration de revenus", "Dossier de mariage", "eau", "école", "Élections", "Zoo"]
    db.session.add_all([Procedure(code="x-dossier", label="Dossier de mariage", owner="city", domain="état civil"),
                        Procedure(code="x-declaration", label="Déclaration de revenus", owner="state",
                                  domain="impôts")])
    db.session.commit()
    page = html.unescape(text_of(client_as("counter_agent", "mairie-02").get("/tickets/search")))
    assert page.index("Déclaration de revenus") < page.index("Dossier de mariage")


def test_audit_trail_names_objects_and_details_in_french(client_as, reference, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-02")
    ticket = log_ticket(counter_values(resident()), agent)
    db.session.commit()
    client_as("counter_agent", "mairie-02").get(f"/tickets/{ticket.id}")
    admin = client_as("admin")
    page = html.unescape(text_of(admin.post("/audit/", data={"action": "ticket.view"})))
    assert f"Ticket {ticket.reference}" in page
    assert f"ticket {ticket.id}" not in page and "{'" not in page


def test_resident_history_names_the_agent_and_shows_phones_as_dialled(client_as, reference):
    client = client_as("counter_agent", "mairie-02")
    person = resident(phone="06 12 34 56 78")
    update_resident(person, {"phone": "06 98 76 54 32"}, client.agent)
    db.session.commit()
    page = html.unescape(text_of(client.get(f"/contacts/{person.id}")))
    history = page.split("Historique de la fiche", 1)[1]
    assert "« 06 12 34 56 78 » → « 06 98 76 54 32 »" in history
    assert client.agent.name in history and "agent n°" not in history and "+336" not in history
