"""The counter ticket form under real use (issue 24): Back after a save, then « Enregistrer », saves no second
ticket and says so; an empty form is refused naming what to choose; every select and header link is a
finger-sized target (44 px) on the tablet."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import create_resident, random_mobile, unique_name

COMPTE = "Création ou aide au compte parisien (Ville de Paris)"
TABLET = {"width": 768, "height": 1024}


def _open_form(page, last_name: str) -> int:
    resident_id = create_resident(page, last_name, "Linh", phone=random_mobile()[0], postal_code="75002")
    page.get_by_role("link", name="Nouveau ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Accueil en mairie")
    return resident_id


def _tickets_of(page, resident_id: int) -> int:
    page.goto(f"/contacts/{resident_id}")
    heading = page.get_by_role("heading", name=re.compile(r"Tickets, tous canaux"))
    found = re.search(r"\((\d+)\)", heading.inner_text()) if heading.count() else None
    return int(found.group(1)) if found else 0


def test_back_after_a_save_then_save_again_creates_no_second_ticket_and_says_so(page_as):
    page = page_as("guichet")
    resident_id = _open_form(page, unique_name("Fournier"))
    page.get_by_label("Démarche", exact=True).select_option(label=COMPTE)
    page.get_by_label("Dispositif").select_option(label="Borne tactile accessible PMR")
    page.get_by_label("Statut").select_option(label="Clos")
    page.get_by_label("Notes").fill("Compte créé avec l'usager.")
    page.get_by_role("button", name="Enregistrer (Entrée)").click()
    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))
    reference = re.search(r"Ticket (\S+) enregistré", page.get_by_role("status").inner_text()).group(1)

    page.go_back()  # the form again, as the browser shows it
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Accueil en mairie")
    notice = page.get_by_role("status").filter(has_text="Ce formulaire a déjà été enregistré")
    expect(notice.get_by_role("link", name=f"ticket {reference}")).to_be_visible()
    page.get_by_label("Démarche", exact=True).select_option(label=COMPTE)
    page.get_by_label("Dispositif").select_option(label="Borne tactile accessible PMR")
    page.get_by_label("Statut").select_option(label="Clos")
    page.get_by_role("button", name="Enregistrer (Entrée)").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ticket {reference}")
    expect(page.get_by_role("status")).to_contain_text(
        f"Ce formulaire avait déjà été enregistré : ticket {reference}. Il n'a pas été créé une seconde fois.")
    assert _tickets_of(page, resident_id) == 1


def test_an_empty_counter_form_is_refused_naming_the_fields_to_choose(page_as):
    page = page_as("guichet")
    resident_id = _open_form(page, unique_name("Blanc"))
    for label in ("Dispositif", "Statut"):  # nothing chosen in the agent's place
        expect(page.get_by_label(label).locator("option:checked")).to_have_text("— choisir —")
    page.get_by_role("button", name="Enregistrer (Entrée)").click()
    summary = page.get_by_role("alert").filter(has_text="Le ticket n'est pas enregistré")
    for name in ("Démarche : choisissez", "Dispositif : choisissez", "Statut : choisissez"):
        expect(summary.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    expect(page.get_by_label("Dispositif")).to_have_attribute("aria-invalid", "true")
    assert _tickets_of(page, resident_id) == 0


def test_selects_and_header_links_are_44_px_targets_on_the_tablet(page_as):
    page = page_as("guichet", viewport=TABLET)
    _open_form(page, unique_name("Petit"))
    small = []
    for i in range(page.locator("main select").count()):
        select = page.locator("main select").nth(i)
        box = select.bounding_box()
        if box and box["height"] < 44:
            small.append(f"select #{select.get_attribute('id')}: {box['height']:.0f} px")
    header_links = page.locator("header a, header button")
    for i in range(header_links.count()):
        link = header_links.nth(i)
        box = link.bounding_box()
        if box and link.is_visible() and box["height"] < 44:
            small.append(f"en-tête « {link.inner_text().strip()} » : {box['height']:.0f} px")
    assert not small, "\n".join(small)
