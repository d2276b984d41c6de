"""Who and from where: an entry written in a request names the signed-in agent and the caller's address; a
job or a command writes its entries with no request at all."""

from flask import has_request_context

from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.audit.services import record
from app.audit.tasks import purge_audit_entries
from app.channels.models import Channel, Device, Procedure, Site
from app.contacts.models import Resident
from app.extensions import db
from app.tickets.models import Ticket
from app.tickets.services import log_ticket, update_ticket
from tests.conftest import sign_in
from tests.tickets.helpers import counter_values, ref, resident

ADDRESS = "203.0.113.7"  # the caller's address (a documentation range)


def _entries(**where) -> list[AuditEntry]:
    query = db.select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
    return list(db.session.execute(query).scalars())


def test_an_entry_written_in_a_request_carries_the_callers_address(app, reference, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-02")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    assert sign_in(client, agent.login).status_code == 302

    created = client.post("/contacts/new", data={"last_name": "Lefèvre", "first_name": "Marie",
                                                 "phone": "06 12 34 56 78", "preferred_language": "fr"})
    assert created.status_code == 302
    person = db.session.execute(db.select(Resident).where(Resident.last_name == "Lefèvre")).scalar_one()
    assert client.get(f"/contacts/{person.id}/edit").status_code == 200
    assert client.post(f"/contacts/{person.id}/edit", data={
        "last_name": "Lefèvre", "first_name": "Marie-Claire", "phone": "06 12 34 56 78", "preferred_language": "fr",
        "version": str(person.version), "seen_change": "0"}).status_code == 302

    logged = client.post(f"/tickets/new?resident_id={person.id}", data={
        "procedure_id": ref(Procedure, "compte-parisien").id, "device_id": ref(Device, "kiosk").id, "status": "open"})
    assert logged.status_code == 302
    ticket = db.session.execute(db.select(Ticket)).scalar_one()
    assert client.get(f"/tickets/{ticket.id}").status_code == 200
    assert client.get(f"/tickets/{ticket.id}/edit").status_code == 200
    assert client.post(f"/tickets/{ticket.id}/edit", data={
        "device_id": ticket.device_id, "procedure_id": ticket.procedure_id, "version": ticket.version,
        "notes": "Pièces vérifiées"}).status_code == 302
    db.session.expire_all()
    assert client.post(f"/tickets/{ticket.id}/status", data={
        "status": "in_progress", "version": db.session.get(Ticket, ticket.id).version}).status_code == 302
    db.session.expire_all()
    assert client.post(f"/tickets/{ticket.id}/transfer", data={
        "channel_id": ref(Channel, "counter").id, "site_id": ref(Site, "mairie-12").id, "device_id": "",
        "version": db.session.get(Ticket, ticket.id).version}).status_code == 302

    entries = _entries(agent_id=agent.id)
    assert {"login.success", "resident.create", "resident.view", "resident.update", "ticket.create", "ticket.view",
            "ticket.update", "ticket.status", "ticket.transfer"} <= {entry.action for entry in entries}
    assert {(entry.ip, entry.agent_login) for entry in entries} == {(ADDRESS, agent.login)}


def test_a_job_writes_its_entry_with_no_request_at_all(app, make_agent):
    assert not has_request_context()
    purge_audit_entries()
    [purge] = _entries(action="audit.purge")
    assert (purge.agent_id, purge.agent_login, purge.ip) == (None, None, None)
    record("ticket.import", Actor.system("cli"), object_type="ticket", detail={"created": 3})
    db.session.flush()
    [imported] = _entries(action="ticket.import")
    assert (imported.agent_id, imported.agent_login, imported.ip) == (None, "cli", None)


def test_a_service_writes_the_actor_it_is_given(reference, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-02")
    ticket = log_ticket(counter_values(resident()), agent)
    update_ticket(ticket, {"notes": "Rappeler lundi"}, agent, expected_version=ticket.version,
                  actor=Actor(agent, "198.51.100.4"))
    update_ticket(ticket, {"notes": "Rappelé"}, agent, expected_version=ticket.version)  # a command: no address
    db.session.flush()
    assert [(e.agent_id, e.ip) for e in _entries(action="ticket.update")] == [(agent.id, "198.51.100.4"),
                                                                              (agent.id, None)]
