"""Tickets in the browser: a 3975 call logged by keyboard alone (flow 2), a counter facilitation of a
Crit'Air purchase with the payment protocol and a card number refused in the notes (flow 3)."""

import re

import pytest
from playwright.sync_api import expect

from app.cards.detector import CARD_MASK
from tests.e2e.helpers import (
    assert_keyboard_reaches_every_control,
    assert_no_codes,
    create_resident,
    focus_is_visible,
    has_horizontal_scroll,
    random_mobile,
    save_screenshot,
    tab_to,
    unique_name,
)

CARD_NUMBER = "4111 1111 1111 1111"  # a Luhn-valid test card number
CRITAIR = "Vignette Crit'Air (certificat qualité de l'air) (État, paiement)"


def test_3975_finds_the_caller_by_phone_and_logs_the_call_by_keyboard_alone(page_as):
    page = page_as("tel3975")
    last_name = unique_name("Moreau")
    national, international = random_mobile()
    resident_id = create_resident(page, last_name, "Hélène", phone=national, postal_code="75017")

    # From here on, the keyboard only: the caller gives their number in another format.
    page.goto("/")
    search = page.get_by_role("combobox", name="Rechercher un usager")
    tab_to(page, search)
    assert focus_is_visible(page)
    page.keyboard.type(international, delay=15)
    option = page.get_by_role("option", name=re.compile(last_name.upper()))
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))

    new_ticket = page.get_by_role("link", name="Nouveau ticket")
    tab_to(page, new_ticket)
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Téléphone 3975")
    procedure = page.get_by_label("Démarche", exact=True)
    expect(procedure).to_be_focused()  # the first field has the focus on arrival
    page.keyboard.type("Enlèvement")  # type-ahead in the closed list
    expect(procedure.locator("option:checked")).to_have_text(re.compile("^Enlèvement des encombrants"))
    tab_to(page, page.get_by_label("Notes"))
    page.keyboard.type("Rendez-vous encombrants pris pour jeudi matin.")
    tab_to(page, page.get_by_role("button", name="Enregistrer (Entrée)"))
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    # Back on the caller's record: the call is on the timeline.
    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Ticket .+ enregistré"))
    reference = re.search(r"Ticket (\S+) enregistré", page.get_by_role("status").inner_text()).group(1)
    timeline = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Canal"))
    row = timeline.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Téléphone 3975")
    expect(row).to_contain_text("Enlèvement des encombrants")
    expect(row).to_contain_text("Rendez-vous encombrants pris pour jeudi matin.")
    expect(page.get_by_role("heading", name=re.compile(r"Tickets, tous canaux \(1\)"))).to_be_visible()
    assert_no_codes(page.locator("main").inner_text(), "la fiche de l'appelant")


class CountingKeyboard:
    """The keys an operator presses to move and act (Tab, Enter, shortcuts); text typed is not counted."""

    def __init__(self, page):
        self.page, self.presses = page, 0

    def press(self, key: str) -> None:
        self.presses += 1
        self.page.keyboard.press(key)

    def tab_to(self, locator, most: int = 15) -> None:
        for _ in range(most):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.press("Tab")
        raise AssertionError(f"{locator} never got the focus")


def test_3975_known_caller_is_logged_from_the_home_page_in_at_most_15_keystrokes(page_as):
    page = page_as("tel3975")
    last_name = unique_name("Garnier")
    national, _ = random_mobile()
    resident_id = create_resident(page, last_name, "Inès", phone=national, postal_code="75011")
    page.goto("/")
    keys = CountingKeyboard(page)
    keys.press("Alt+n")  # the documented shortcut, from any page
    search = page.get_by_label("Usager : nom, téléphone, e-mail ou référence")
    expect(search).to_be_focused()
    page.keyboard.type(national)
    keys.press("Enter")  # one caller with this number: the form opens at once
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Téléphone 3975")
    page.keyboard.type("Enlèvement")
    keys.tab_to(page.get_by_label("Notes"))
    page.keyboard.type("Rendez-vous pris.")
    keys.tab_to(page.get_by_role("button", name="Enregistrer (Entrée)"))
    keys.press("Enter")
    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))
    message = page.get_by_role("status")
    expect(message).to_contain_text(re.compile(r"Ticket .+ enregistré"))
    expect(message).to_be_focused()  # the saved ticket's message has the focus, read out at once
    assert keys.presses <= 15, f"{keys.presses} keystrokes"


def _open_counter_ticket_form(page, last_name: str) -> int:
    national, _ = random_mobile()
    resident_id = create_resident(page, last_name, "Ahmed", phone=national, postal_code="75002")
    page.get_by_role("link", name="Nouveau ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Accueil en mairie")
    return resident_id


def test_counter_logs_a_critair_purchase_with_the_payment_protocol_and_refuses_a_card_number(page_as, check_axe):
    page = page_as("guichet")
    last_name = unique_name("Garcia")
    resident_id = _open_counter_ticket_form(page, last_name)
    payment = page.get_by_role("group", name="Paiement en ligne accompagné")
    expect(payment).to_be_hidden()  # no payment for a procedure that has none

    page.get_by_label("Démarche", exact=True).select_option(label=CRITAIR)
    expect(payment).to_be_visible()  # a paying procedure: the protocol is offered
    page.get_by_label("Dispositif").select_option(label="Borne tactile accessible PMR")
    page.get_by_label("Mode de facilitation").select_option(label="Guidé (l'usager saisit)")
    page.get_by_label("L'usager avait-il une autre solution que le numérique ?").select_option(
        label="Pas d'autre choix")
    page.get_by_label("Statut").select_option(label="Clos")
    page.get_by_label("La démarche comporte un paiement que j'ai accompagné").check()
    check_axe(page, "ticket-formulaire")
    save_screenshot(page, "ticket-formulaire", full_page=True)
    page.get_by_label("Notes").fill(f"Paiement fait avec la carte {CARD_NUMBER} de l'usager")
    page.get_by_role("button", name="Enregistrer (Entrée)").click()

    # Refused: the message is on the notes field, and the number is not sent back to the browser.
    notes = page.get_by_label("Notes")
    expect(notes).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#notes-error")).to_contain_text("numéro de carte bancaire")
    expect(notes).to_have_accessible_description(re.compile("numéro de carte bancaire"))
    expect(notes).to_have_value(f"Paiement fait avec la carte {CARD_MASK} de l'usager")  # the rest is kept
    assert "4111" not in page.content()
    summary = page.get_by_role("alert").filter(has_text="Le ticket n'est pas enregistré")
    expect(summary.get_by_role("link", name=re.compile("^Notes : .*carte bancaire"))).to_have_attribute(
        "href", "#notes")
    check_axe(page, "ticket-formulaire-erreurs")

    # Notes corrected, but the payment protocol not confirmed: refused, on the protocol box.
    expect(page.get_by_label("Démarche", exact=True).locator("option:checked")).to_have_text(CRITAIR)
    notes.fill("Vignette Crit'Air commandée ; l'usager a saisi lui-même sa carte.")
    page.get_by_role("button", name="Enregistrer (Entrée)").click()
    protocol = page.get_by_label("Je confirme le protocole de paiement")
    expect(page.locator("#protocol_confirmed-error")).to_contain_text("confirmez le protocole")
    expect(protocol).to_have_accessible_description(re.compile("confirmez le protocole"))
    expect(notes).to_have_value("Vignette Crit'Air commandée ; l'usager a saisi lui-même sa carte.")  # kept

    # Confirmed: saved.
    protocol.check()
    page.get_by_role("button", name="Enregistrer (Entrée)").click()

    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Ticket .+ enregistré"))
    reference = re.search(r"Ticket (\S+) enregistré", status.inner_text()).group(1)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Ticket {reference}")
    facts = page.get_by_role("region", name="Suivi")
    expect(facts).to_contain_text("oui — protocole confirmé par Camille Guichet")
    check_axe(page, "ticket-detail")
    expect(page.get_by_role("region", name="Démarche")).to_contain_text("Borne tactile accessible PMR")
    expect(page.get_by_role("region", name="Démarche")).to_contain_text("État")
    assert "4111" not in page.content()
    history = page.get_by_role("region", name="Historique")
    expect(history).to_contain_text("Paiement accompagné : — → oui")
    assert_no_codes(page.locator("main").inner_text(), "la page du ticket et son historique")


@pytest.mark.parametrize("viewport", [{"width": 1080, "height": 1920}, {"width": 768, "height": 1024}],
                         ids=["kiosk-1080x1920", "tablet-768x1024"])
def test_counter_ticket_form_is_usable_on_the_kiosk_and_the_tablet(page_as, viewport):
    page = page_as("guichet", viewport=viewport)
    _open_counter_ticket_form(page, unique_name("Roux"))
    assert not has_horizontal_scroll(page)
    page.get_by_label("Démarche", exact=True).select_option(label=CRITAIR)
    page.get_by_label("Dispositif").select_option(label="Tablette sur banque d'accueil")
    page.get_by_label("Statut").select_option(label="Clos")
    page.get_by_label("La démarche comporte un paiement que j'ai accompagné").check()
    page.get_by_label("Je confirme le protocole de paiement").check()
    assert not has_horizontal_scroll(page)
    submit = page.get_by_role("button", name="Enregistrer (Entrée)")
    if viewport["height"] > 1500:
        expect(submit).to_be_in_viewport()  # the whole form on the kiosk's screen, no scrolling
    submit.scroll_into_view_if_needed()
    expect(submit).to_be_in_viewport()
    box = submit.bounding_box()
    assert box["height"] >= 40 if viewport["height"] > 1500 else box["height"] >= 24  # a finger-sized target
    if viewport["height"] > 1500:  # the kiosk: every checkbox a finger-sized target, its label beside it
        for label in ("La démarche comporte un paiement que j'ai accompagné", "Je confirme le protocole de paiement"):
            box = page.get_by_label(label).bounding_box()
            row = page.locator(".field", has=page.get_by_label(label)).bounding_box()
            text = page.locator("label", has_text=label).bounding_box()
            assert min(box["width"], box["height"]) >= 32 and row["height"] >= 44, (label, box, row)
            assert text["x"] > box["x"] + box["width"] - 1, f"« {label} » wraps under its box"
    submit.click()
    expect(page.get_by_role("status")).to_contain_text("enregistré")


def test_every_control_of_the_ticket_form_shows_its_focus(page_as):
    page = page_as("guichet")
    _open_counter_ticket_form(page, unique_name("Mercier"))
    page.get_by_label("Démarche", exact=True).select_option(label=CRITAIR)  # shows the payment box too
    assert_keyboard_reaches_every_control(page, "form.ticket-form")


def test_facil_familles_request_is_logged_on_the_family_number_and_followed_in_my_open_tickets(page_as, check_axe):
    page = page_as("famille")
    last_name = unique_name("Nguyen")
    family_number = f"FF{random_mobile()[0][-5:].replace(' ', '')}"
    page.goto("/contacts/new")
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom", exact=True).fill("Linh")
    page.get_by_label("Numéro de famille Facil'Familles").fill(family_number)
    page.get_by_role("button", name="Créer l'usager").click()
    expect(page).to_have_url(re.compile(r"/contacts/\d+$"))

    page.get_by_role("link", name="Nouveau ticket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau ticket — Facil'Familles")
    family = page.get_by_label("Numéro de famille Facil'Familles")
    expect(family).to_be_focused()
    expect(family).to_have_value(family_number)  # taken from the family's record
    page.get_by_label("Démarche", exact=True).select_option(
        label="Facil'Familles : calcul du quotient familial (Ville de Paris)")
    expect(page.get_by_label("Statut")).to_have_value("open")  # a family request is followed until resolved
    page.get_by_label("Notes").fill("Avis d'imposition à fournir pour le quotient.")
    check_axe(page, "ticket-formulaire-facil-familles")
    tab_to(page, page.get_by_role("button", name="Enregistrer (Entrée)"))
    page.keyboard.press("Enter")

    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Ticket .+ enregistré"))
    reference = re.search(r"Ticket (\S+) enregistré", status.inner_text()).group(1)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tickets").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(f"{last_name.upper()} Linh")
    expect(row).to_contain_text("Ouvert")
