"""Tokens serve sites and channels like agents: nothing outside them is read or written; reads are audited."""

from datetime import UTC, datetime

import pytest

from app.api.models import IntegrationToken
from app.api.tokens import create_token
from app.audit.models import AuditEntry
from app.extensions import db
from app.telephony.models import Call
from tests.conftest import text_of
from tests.security.factories import make_resident, make_ticket


def _bearer(scopes, **reach) -> dict:
    plain = create_token(f"Jeton {len(reach)}-{scopes}-{sorted(reach.items())}"[:80], scopes, **reach)[1]
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)).scalars())


@pytest.fixture
def two_sites(reference):
    """A ticket of the 2nd and one of the 12th, both of the same resident."""
    resident = make_resident()
    tickets = {"mairie-02": make_ticket(resident, site="mairie-02"), "mairie-12": make_ticket(resident, site="mairie-12")}
    db.session.commit()
    return tickets


def test_a_token_of_the_12th_gets_404_on_a_ticket_of_the_2nd_and_lists_only_the_12th(client, two_sites):
    headers = _bearer("tickets:read", sites="mairie-12")
    other = client.get(f"/api/v1/tickets/{two_sites['mairie-02'].id}", headers=headers)
    assert other.status_code == 404 and other.get_json() == {"error": f"Aucun ticket n° {two_sites['mairie-02'].id}."}
    own = client.get(f"/api/v1/tickets/{two_sites['mairie-12'].id}", headers=headers)
    assert own.status_code == 200 and own.get_json()["site"] == "mairie-12"
    listed = client.get("/api/v1/tickets", headers=headers).get_json()
    assert [ticket["id"] for ticket in listed] == [two_sites["mairie-12"].id]
    assert client.get("/api/v1/tickets", query_string={"site": "mairie-02"}, headers=headers).get_json() == []
    refused = _entries("integration.refused")
    assert [(e.object_type, e.object_id, e.detail["reason"]) for e in refused] == [
        ("ticket", str(two_sites["mairie-02"].id), "reach")]


def test_every_api_read_of_tickets_is_audited_with_the_ids(client, two_sites):
    headers = _bearer("tickets:write", all_sites=True)
    ticket = two_sites["mairie-02"]
    client.get(f"/api/v1/tickets/{ticket.id}", headers=headers)
    client.get("/api/v1/tickets", headers=headers)
    view = _entries("ticket.view")
    assert [(e.object_id, e.resident_id, e.detail) for e in view] == [(str(ticket.id), ticket.resident_id,
                                                                       {"page": "api"})]
    assert view[0].agent_login.startswith("Jeton") and view[0].ip == "127.0.0.1"
    listing = _entries("ticket.list")
    assert len(listing) == 1 and sorted(listing[0].detail["ids"]) == sorted(t.id for t in two_sites.values())
    assert listing[0].detail["resident_ids"] == [ticket.resident_id]


def test_the_call_log_read_is_audited_with_call_and_resident_ids(client, reference):
    resident = make_resident(phone="+33612345678")
    call = Call(call_id="c-1", number="+33612345678", resident_id=resident.id, state="missed",
                started_at=datetime(2017, 3, 6, 9, tzinfo=UTC))
    db.session.add(call)
    db.session.commit()
    assert client.get("/api/v1/calls", headers=_bearer("calls:read", sites="plateforme-3975")).status_code == 200
    entry = _entries("call.list")[0]
    assert entry.detail == {"page": "api", "ids": [call.id], "resident_ids": [resident.id], "state": None}


def test_a_token_of_the_12th_cannot_read_calls_nor_log_a_ticket_elsewhere(client, operator):
    headers = _bearer("calls:read,tickets:write", sites="mairie-12")
    calls = client.get("/api/v1/calls", headers=headers)
    assert calls.status_code == 403 and "3975" in calls.get_json()["error"]
    response = client.post("/api/v1/tickets", json={"agent_login": "amina.diallo", "channel": "phone_3975",
                                                     "site": "plateforme-3975", "anonymous": True}, headers=headers)
    assert response.status_code == 403
    body = response.get_json()
    assert body["errors"] == {"site": ["Ce jeton ne sert pas le site « plateforme-3975 »."]}
    assert body["error"].startswith("site : ")


def test_a_token_restricted_to_the_counter_channel_refuses_the_phone_channel(client, operator):
    headers = _bearer("tickets:write", sites="plateforme-3975", channels="counter")
    response = client.post("/api/v1/tickets", json={"agent_login": "amina.diallo", "channel": "phone_3975",
                                                     "site": "plateforme-3975", "anonymous": True}, headers=headers)
    assert response.status_code == 403 and list(response.get_json()["errors"]) == ["channel"]


def test_tickets_read_reads_but_does_not_write(client, operator, two_sites):
    headers = _bearer("tickets:read", all_sites=True)
    assert client.get(f"/api/v1/tickets/{two_sites['mairie-02'].id}", headers=headers).status_code == 200
    response = client.post("/api/v1/tickets", json={"agent_login": "amina.diallo", "channel": "phone_3975",
                                                     "site": "plateforme-3975", "anonymous": True}, headers=headers)
    assert response.status_code == 403 and "tickets:write" in response.get_json()["error"]


def test_a_token_without_any_site_is_refused_everywhere_with_the_way_out(client, reference):
    """As migration 0021 leaves a token from before, unless it holds `cti`."""
    token, plain = create_token("Ancien", "residents:read", sites="mairie-02")
    token.sites = []
    db.session.commit()
    response = client.get("/api/v1/residents", query_string={"phone": "0612345678"},
                          headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 403 and "aucun site" in response.get_json()["error"]


@pytest.mark.parametrize("body, status, field", [
    ({"sites": ["mairie-02"]}, 403, "sites"),
    ({"channels": ["phone_3975"]}, 403, "channels"),
    ({"sites": ["mairie-12", "pas-un-site"]}, 403, "sites"),
])
def test_a_report_run_outside_the_token_sites_is_refused_naming_the_field(client, reference, body, status, field):
    headers = _bearer("reports:run", sites="mairie-12", channels="counter")
    response = client.post("/api/v1/report-runs", json={"from": "2017-03-01", "to": "2017-03-31"} | body,
                           headers=headers)
    assert response.status_code == status and list(response.get_json()["errors"]) == [field]


@pytest.mark.parametrize("body, field", [({"channels": ["pas-un-canal"]}, "channels"),
                                         ({"sites": ["pas-un-site"]}, "sites"), ({"reports": ["nope"]}, "reports")])
def test_a_report_run_naming_unknown_codes_is_refused_before_any_job(client, bearer, reference, body, field):
    response = client.post("/api/v1/report-runs", json={"from": "2017-03-01", "to": "2017-03-31"} | body,
                           headers=bearer)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]


def test_cli_binds_a_token_to_sites_and_channels_and_changes_them(runner, reference):
    result = runner.invoke(args=["integrations", "create", "Borne 12e", "--scopes", "tickets:read",
                                 "--sites", "mairie-12", "--channels", "counter"])
    assert result.exit_code == 0, result.output
    token = db.session.execute(db.select(IntegrationToken).where(IntegrationToken.name == "Borne 12e")).scalar_one()
    assert ([s.code for s in token.sites], [c.code for c in token.channels], token.all_sites) == (
        ["mairie-12"], ["counter"], False)
    assert "mairie-12 ; counter" in runner.invoke(args=["integrations", "list"]).output
    assert runner.invoke(args=["integrations", "scope", "Borne 12e", "--sites", "all"]).exit_code == 0
    db.session.refresh(token)
    assert token.all_sites and token.sites == [] and token.channels == []
    assert _entries("integration.scoped")[0].detail["after"] == {"all_sites": True, "sites": [], "channels": []}


@pytest.mark.parametrize("options, words", [
    (["--sites", "mairie-99"], "Site inconnu : mairie-99"),
    (["--sites", ","], "au moins un site"),
    (["--sites", "mairie-12", "--channels", "fax"], "Canal inconnu : fax"),
])
def test_cli_refuses_unknown_or_missing_sites_naming_the_option(runner, reference, options, words):
    result = runner.invoke(args=["integrations", "create", "Script", "--scopes", "tickets:read", *options])
    assert result.exit_code != 0 and words in result.output
    assert "--channels" in result.output if "fax" in options else "--sites" in result.output


def test_admin_marks_an_old_token_all_sites_or_gets_the_field_named(client_as, reference):
    admin = client_as("admin")
    token = create_token("Ancien script", "tickets:read", sites="mairie-02")[0]
    db.session.commit()
    refused = admin.post(f"/admin/integrations/{token.id}/reach", data={"csrf_token": "as-a-browser-sends-it"})
    assert refused.status_code == 400 and "au moins un site" in text_of(refused)
    assert admin.post(f"/admin/integrations/{token.id}/reach", data={"all_sites": "y"}).status_code == 302
    db.session.refresh(token)
    assert token.all_sites and token.sites == []
    assert "tous les sites ; tous les canaux" in text_of(admin.get("/admin/integrations/"))


def test_admin_creation_without_a_site_names_the_sites_field(client_as, reference):
    page = client_as("admin").post("/admin/integrations/", data={"name": "Script", "scopes": ["tickets:read"]})
    assert page.status_code == 400 and "au moins un site" in text_of(page)
