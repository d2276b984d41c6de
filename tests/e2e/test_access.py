"""Flow 6: an agent without the right gets the refusal page, never the data."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import create_resident, log_ticket, random_mobile, sign_in, unique_name

CIVIL_STATUS = "Actes d'état civil (naissance, mariage, décès) (Ville de Paris)"


def expect_refusal(page, response) -> None:
    """The French refusal page, with a 403 status and a way back home."""
    assert response is not None and response.status == 403, response and response.status
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.get_by_role("main")).to_contain_text("Vous n'avez pas les droits nécessaires")
    expect(page.get_by_role("link", name="Retour à l'accueil")).to_be_visible()


def test_counter_agent_gets_the_refusal_page_not_a_3975_ticket(page_as, check_axe):
    owner = page_as("tel3975")
    national, _ = random_mobile()
    last_name = unique_name("Fontaine")
    secret = f"Note interne {uuid.uuid4().hex[:8]}"
    resident_id = create_resident(owner, last_name, "Irène", phone=national, postal_code="75011")
    reference = log_ticket(owner, resident_id, CIVIL_STATUS, notes=secret)
    owner.get_by_role("link", name=reference).click()
    expect(owner.get_by_role("heading", level=1)).to_contain_text(reference)
    ticket_path = re.search(r"(/tickets/\d+)$", owner.url).group(1)

    intruder = page_as("guichet")  # a counter agent sees the tickets of their own town hall only
    response = intruder.goto(ticket_path)

    expect_refusal(intruder, response)
    body = intruder.content()
    assert secret not in body and reference not in body and last_name.upper() not in body
    check_axe(intruder, "acces-refuse")


@pytest.mark.parametrize(("login", "path", "absent"), [
    ("famille", "/reports/", "Calculer les tableaux de bord"),
    ("guichet", "/reports/runs/1/export.xlsx", None),
    ("manager", "/audit/", None),
    ("manager", "/contacts/new", "Créer l'usager"),
    ("admin", "/tickets/new", "Enregistrer (Entrée)"),
], ids=["family-staff-dashboard", "counter-export", "manager-audit", "manager-new-resident", "admin-new-ticket"])
def test_role_without_the_right_gets_the_refusal_page(page_as, login, path, absent):
    page = page_as(login)
    response = page.goto(path)

    expect_refusal(page, response)
    if absent:
        expect(page.get_by_text(absent)).to_have_count(0)


def test_counter_agent_is_not_offered_what_they_may_not_open(page_as):
    page = page_as("guichet")
    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Tickets")).to_be_visible()
    expect(nav.get_by_role("link", name="Tableaux de bord")).to_have_count(0)
    expect(page.get_by_role("link", name="Tableaux de bord")).to_have_count(0)


def test_a_3975_operator_opens_a_town_hall_ticket_only_from_the_residents_page_without_its_notes(page_as):
    owner = page_as("guichet")
    national, _ = random_mobile()
    last_name = unique_name("Garnier")
    secret = f"Note de mairie {uuid.uuid4().hex[:8]}"
    resident_id = create_resident(owner, last_name, "Odile", phone=national, postal_code="75002")
    reference = log_ticket(owner, resident_id, CIVIL_STATUS, notes=secret)
    owner.get_by_role("link", name=reference).click()
    ticket_path = re.search(r"(/tickets/\d+)$", owner.url).group(1)

    operator = page_as("tel3975")
    expect_refusal(operator, operator.goto(ticket_path))  # reached by its number alone
    assert secret not in operator.content()

    operator.goto(f"/contacts/{resident_id}")  # the caller found: their record, then the ticket
    operator.get_by_role("link", name=reference).click()
    expect(operator.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(operator.get_by_text("Les notes des autres canaux ne vous sont pas visibles.")).to_be_visible()
    expect(operator.get_by_role("link", name="Modifier")).to_have_count(0)
    assert secret not in operator.content()


def test_a_session_cookie_replayed_after_sign_out_leads_to_the_sign_in_page(browser_session):
    page = browser_session.new_page()
    sign_in(page, "famille")
    captured = page.context.storage_state()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/auth/login"))

    replayed = browser_session.new_page(storage_state=captured)
    replayed.goto("/tickets/mine")
    expect(replayed).to_have_url(re.compile(r"/auth/login"))
    expect(replayed.get_by_label("Identifiant")).to_be_visible()
