"""Admin screens of the reference data: admins only; create, edit, deactivate; errors on the field; audited."""

import html

import pytest

from app.audit.models import AuditEntry
from app.channels.models import Channel, Device, Procedure, Site
from app.channels.queries import get_by_code, list_active_procedures
from app.extensions import db
from tests.conftest import text_of

PAGES = ["/admin/reference/", "/admin/reference/channels/", "/admin/reference/channels/new",
         "/admin/reference/sites/", "/admin/reference/sites/new", "/admin/reference/devices/",
         "/admin/reference/devices/new", "/admin/reference/procedures/", "/admin/reference/procedures/new",
         "/admin/reference/procedures/import", "/admin/reference/procedures/export.csv"]

PROCEDURE = {"code": "pass-navigo-senior", "label": "Navigo Senior", "owner": "city", "domain": "mobilité",
             "availability": "online", "online_url": "https://www.paris.fr/navigo", "active_from": "2017-03-01",
             "active_to": ""}


def _audits(object_type):
    return db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "reference.change", AuditEntry.object_type == object_type)).scalars().all()


@pytest.mark.parametrize("path", PAGES)
def test_admin_opens_every_reference_page(reference, client_as, path):
    assert client_as("admin").get(path).status_code == 200


@pytest.mark.parametrize("role", ["counter_agent", "operator_3975", "facil_familles", "manager"])
def test_other_roles_are_refused_every_reference_page(reference, client_as, role):
    client = client_as(role)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    critair = get_by_code(Procedure, "critair")
    assert client.post(f"/admin/reference/procedures/{critair.id}/deactivate").status_code == 403
    db.session.expire_all()
    assert critair.active is True


def test_signed_out_visitor_is_sent_to_sign_in(reference, client):
    assert client.get("/admin/reference/").status_code == 302


def test_admin_home_links_to_the_reference_screens(reference, client_as):
    page = client_as("admin").get("/")
    assert 'href="/admin/reference/"' in page.get_data(as_text=True)
    assert "Référentiels" in text_of(page)


def test_admin_creates_a_procedure_and_it_is_offered(reference, client_as):
    response = client_as("admin").post("/admin/reference/procedures/new", data=PROCEDURE)
    assert response.status_code == 302
    created = get_by_code(Procedure, "pass-navigo-senior")
    assert (created.owner, created.domain, created.online_url) == ("city", "mobilité", "https://www.paris.fr/navigo")
    assert created.active_from.isoformat() == "2017-03-01" and created.active_to is None
    assert created in list_active_procedures()
    assert [a.detail["operation"] for a in _audits("procedure")] == ["create"]


def test_duplicate_code_is_reported_on_the_code_field(reference, client_as):
    response = client_as("admin").post("/admin/reference/procedures/new", data={**PROCEDURE, "code": "critair"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="code-error"' in body and "Le code « critair » est déjà utilisé." in text_of(response)
    assert db.session.execute(db.select(db.func.count(Procedure.id)).where(Procedure.code == "critair")).scalar() == 1


@pytest.mark.parametrize("field, value, message", [
    ("code", "Vignette Air", "Code invalide"),
    ("active_to", "2017-01-01", "La date de fin ne peut pas précéder la date de début."),
    ("online_url", "paris.fr/navigo", "Adresse web invalide"),
    ("owner", "region", "N'est pas un choix valide."),
])
def test_invalid_procedure_is_refused_with_the_field_named(reference, client_as, field, value, message):
    response = client_as("admin").post("/admin/reference/procedures/new", data={**PROCEDURE, field: value})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert message in html.unescape(text_of(response))
    assert get_by_code(Procedure, "pass-navigo-senior") is None


def test_admin_edits_a_procedure_but_not_its_code(reference, client_as):
    parking = get_by_code(Procedure, "parking-residential")
    data = {"code": "hacked", "label": "Carte de stationnement résidentiel", "owner": "city",
            "domain": "stationnement", "availability": "online", "involves_payment": "y",
            "online_url": "https://www.paris.fr/stationnement-residentiel"}
    response = client_as("admin").post(f"/admin/reference/procedures/{parking.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert (parking.code, parking.availability, parking.involves_payment) == ("parking-residential", "online", True)
    audit = _audits("procedure")[-1]
    assert audit.object_id == str(parking.id)
    assert audit.detail["changes"]["availability"] == ["not_online", "online"]


def test_deactivate_then_reactivate_a_procedure(reference, client_as):
    client, critair = client_as("admin"), get_by_code(Procedure, "critair")
    response = client.post(f"/admin/reference/procedures/{critair.id}/deactivate")
    assert response.status_code == 302
    db.session.expire_all()
    assert critair.active is False and critair not in list_active_procedures()
    listing = client.get("/admin/reference/procedures/?status=inactive")
    assert "Vignette Crit" in text_of(listing) and "Désactivé" in text_of(listing)
    client.post(f"/admin/reference/procedures/{critair.id}/reactivate")
    db.session.expire_all()
    assert critair.active is True
    assert [a.detail["operation"] for a in _audits("procedure")] == ["deactivate", "reactivate"]


def test_admin_changes_a_channel_rule_and_its_required_site(reference, client_as):
    email, mairie4 = get_by_code(Channel, "email"), get_by_code(Site, "mairie-04")
    data = {"label": "Courriel", "sort_order": "4", "requires_device": "y", "required_site_id": str(mairie4.id)}
    assert client_as("admin").post(f"/admin/reference/channels/{email.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (email.requires_device, email.requires_family_number, email.required_site) == (True, False, mairie4)


def test_admin_creates_a_channel_and_a_duplicate_is_refused_on_the_field(reference, client_as):
    client = client_as("admin")
    data = {"code": "sms", "label": "SMS", "sort_order": "7", "required_site_id": "0"}
    assert client.post("/admin/reference/channels/new", data=data).status_code == 302
    assert get_by_code(Channel, "sms").required_site is None
    again = client.post("/admin/reference/channels/new", data=data)
    assert again.status_code == 422 and 'id="code-error"' in again.get_data(as_text=True)


def test_admin_creates_a_site_with_its_devices(reference, client_as):
    kiosk, tablet = get_by_code(Device, "kiosk"), get_by_code(Device, "tablet")
    data = {"code": "mairie-annexe-15", "label": "Annexe de la mairie du 15e", "kind": "town_hall",
            "arrondissement": "15", "postal_code": "75015", "device_ids": [str(kiosk.id), str(tablet.id)]}
    assert client_as("admin").post("/admin/reference/sites/new", data=data).status_code == 302
    site = get_by_code(Site, "mairie-annexe-15")
    assert ({d.code for d in site.devices}, site.arrondissement, site.postal_code) == ({"kiosk", "tablet"}, 15, "75015")


def test_admin_unticks_a_device_of_a_site(reference, client_as):
    mairie2, kiosk = get_by_code(Site, "mairie-02"), get_by_code(Device, "kiosk")
    data = {"label": mairie2.label, "kind": "town_hall", "arrondissement": "2", "postal_code": "75002",
            "device_ids": [str(kiosk.id)]}
    assert client_as("admin").post(f"/admin/reference/sites/{mairie2.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [d.code for d in mairie2.devices] == ["kiosk"]
    assert _audits("site")[-1].detail["changes"]["devices"] == [["dual_screen", "kiosk", "none", "tablet"], ["kiosk"]]


def test_bad_postal_code_is_reported_on_its_field(reference, client_as):
    data = {"code": "annexe", "label": "Annexe", "kind": "town_hall", "postal_code": "7502"}
    response = client_as("admin").post("/admin/reference/sites/new", data=data)
    assert response.status_code == 422 and "Le code postal compte 5 chiffres." in text_of(response)


def test_site_required_by_a_channel_cannot_be_deactivated(reference, client_as):
    platform = get_by_code(Site, "plateforme-3975")
    response = client_as("admin").post(f"/admin/reference/sites/{platform.id}/deactivate", follow_redirects=True)
    assert "exigé par le canal « Téléphone 3975 »" in text_of(response)
    db.session.expire_all()
    assert platform.active is True


def test_admin_creates_edits_and_deactivates_a_device(reference, client_as):
    client = client_as("admin")
    assert client.post("/admin/reference/devices/new", data={"code": "visio", "label": "Borne visio"}).status_code == 302
    visio = get_by_code(Device, "visio")
    client.post(f"/admin/reference/devices/{visio.id}/edit", data={"label": "Borne de visio-accueil"})
    client.post(f"/admin/reference/devices/{visio.id}/deactivate")
    db.session.expire_all()
    assert (visio.label, visio.active) == ("Borne de visio-accueil", False)
    assert "Borne de visio-accueil" in text_of(client.get("/admin/reference/devices/"))


def test_unknown_row_is_a_404(reference, client_as):
    client = client_as("admin")
    assert client.get("/admin/reference/procedures/999999/edit").status_code == 404
    assert client.post("/admin/reference/sites/999999/deactivate").status_code == 404


def test_procedure_list_filters_by_owner_and_text(reference, client_as):
    page = text_of(client_as("admin").get("/admin/reference/procedures/?owner=state&q=ants"))
    assert "Passeport" in page and "Carte de stationnement résidentiel" not in page


def test_no_device_is_not_a_device_a_site_is_offered_or_shown_with(reference, client_as):
    mairie2 = get_by_code(Site, "mairie-02")
    admin = client_as("admin")
    form = text_of(admin.get(f"/admin/reference/sites/{mairie2.id}/edit"))
    assert "Borne tactile accessible PMR" in form and "Aucun dispositif" not in form
    listing = text_of(admin.get("/admin/reference/sites/"))
    assert "Aucun dispositif" not in listing
    assert "Borne tactile accessible PMR, Tablette sur banque d'accueil, Poste double écran" in listing.replace(
        "&#39;", "'")
