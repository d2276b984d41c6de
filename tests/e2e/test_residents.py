"""Residents in the browser: live search by phone, the 360° view, a likely duplicate found and merged (flow 4)."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import (
    assert_keyboard_reaches_every_control,
    assert_no_codes,
    create_resident,
    has_horizontal_scroll,
    log_ticket,
    random_mobile,
    resident_id_of,
    save_screenshot,
    unique_name,
)

TABLET = {"width": 768, "height": 1024}
KIOSK = {"width": 1080, "height": 1920}


def test_live_search_finds_a_resident_by_phone_typed_in_another_format(page_as, check_axe):
    page = page_as("guichet")
    last_name = unique_name("Martin")
    national, international = random_mobile()
    resident_id = create_resident(page, last_name, "Lucie", phone=national, birth_date="1984-03-09",
                                  postal_code="75012")
    expect(page.get_by_role("status")).to_contain_text("créé")

    page.goto("/contacts/")
    search = page.get_by_role("combobox", name="Rechercher un usager")
    search.press_sequentially(international, delay=20)
    option = page.get_by_role("option", name=re.compile(last_name.upper()))
    expect(option).to_be_visible()
    expect(option).to_contain_text(national)
    expect(search).to_have_attribute("aria-expanded", "true")
    check_axe(page, "recherche-resultats-en-direct")

    # Keyboard: arrow down to the result, Enter opens the record.
    search.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/contacts/{resident_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{last_name.upper()} Lucie")
    expect(page.get_by_role("region", name="Coordonnées")).to_contain_text(national)


def test_search_page_and_resident_page_have_no_serious_accessibility_violation(page_as, check_axe):
    page = page_as("guichet")
    last_name = unique_name("Bernard")
    national, _ = random_mobile()
    resident_id = create_resident(page, last_name, "Paul", phone=national, birth_date="1961-11-30",
                                  postal_code="75002")

    page.goto("/contacts/")
    check_axe(page, "recherche")
    page.get_by_label("Rechercher un usager").last.fill(last_name)
    page.get_by_role("button", name="Rechercher", exact=True).last.click()
    results = page.get_by_role("region", name=re.compile("usagers? trouvés?"))
    expect(results.get_by_role("link", name=re.compile(last_name.upper()))).to_be_visible()
    check_axe(page, "recherche-resultats")
    save_screenshot(page, "recherche")

    log_ticket(page, resident_id, "Vignette Crit'Air (certificat qualité de l'air) (État, paiement)",
               notes="Vignette commandée ; justificatif envoyé par e-mail.")
    page.goto(f"/contacts/{resident_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(last_name.upper())
    expect(page.get_by_role("heading", name=re.compile(r"Tickets, tous canaux \(1\)"))).to_be_visible()
    check_axe(page, "usager-360")
    assert_no_codes(page.locator("main").inner_text(), "la fiche usager 360°")
    save_screenshot(page, "usager-360", full_page=True)

    page.goto("/contacts/new")
    check_axe(page, "usager-nouveau")
    assert_keyboard_reaches_every_control(page, "form.resident-form")


def test_likely_duplicate_is_shown_before_creation_then_merged(page_as, check_axe):
    page = page_as("guichet")
    last_name = unique_name("Petit")
    first_phone, _ = random_mobile()
    second_phone, _ = random_mobile()
    original_id = create_resident(page, last_name, "Jeanne", phone=first_phone, birth_date="1950-07-14")

    # Same name and birth date, another phone: the form warns before creating anything.
    page.goto("/contacts/new")
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom", exact=True).fill("Jeanne")
    page.get_by_label("Date de naissance").fill("1950-07-14")
    page.get_by_label("Téléphone", exact=True).fill(second_phone)
    page.get_by_role("button", name="Créer l'usager").click()

    warning = page.get_by_role("alert").filter(has_text="ressemblant")
    expect(warning).to_contain_text("Attention : 1 usager(s) ressemblant")
    expect(warning.get_by_role("link", name=f"{last_name.upper()} Jeanne")).to_be_visible()
    expect(warning).to_contain_text(f"fiche n°{original_id}")
    expect(page).to_have_url(re.compile(r"/contacts/new$"))  # nothing created yet
    check_axe(page, "usager-doublon-probable")

    # The agent creates it anyway (another person?), then realises it is the same one and merges.
    page.get_by_role("button", name="Créer quand même").click()
    duplicate_id = resident_id_of(page)
    assert duplicate_id != original_id

    page.get_by_label("Numéro de la fiche à fusionner dans celle-ci").fill(str(original_id))
    page.get_by_role("button", name="Comparer et fusionner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fusionner deux fiches")
    check_axe(page, "usager-fusion")
    # Keep the duplicate's phone (the newer one) and the original's the other way round: pick per field.
    phone_row = page.get_by_role("row", name=re.compile(r"^Téléphone"))
    phone_row.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Fusionner les fiches").click()

    expect(page).to_have_url(re.compile(rf"/contacts/{duplicate_id}$"))
    expect(page.get_by_role("status")).to_contain_text("Fiches fusionnées")
    contact = page.get_by_role("region", name="Coordonnées")
    expect(contact).to_contain_text(first_phone)  # the chosen phone
    expect(contact).to_contain_text(second_phone)  # the other one kept as "Autre téléphone"

    # The merged record now leads to the one kept; the search shows one person.
    page.goto(f"/contacts/{original_id}")
    expect(page).to_have_url(re.compile(rf"/contacts/{duplicate_id}$"))
    page.goto("/contacts/")
    page.get_by_label("Rechercher un usager").last.fill(last_name)
    page.get_by_label("Rechercher un usager").last.press("Enter")
    expect(page.get_by_role("heading", level=2, name="1 usager trouvé")).to_be_visible()


def test_search_and_resident_form_fit_the_tablet_and_the_kiosk(page_as):
    last_name = unique_name("Lambert")
    national, _ = random_mobile()
    for viewport in (TABLET, KIOSK):
        page = page_as("guichet", viewport=viewport)
        if viewport is TABLET:
            create_resident(page, last_name, "Rose", phone=national)
        page.goto("/contacts/")
        search = page.get_by_role("combobox", name="Rechercher un usager")
        search.press_sequentially(last_name, delay=10)
        option = page.get_by_role("option", name=re.compile(last_name.upper()))
        expect(option).to_be_visible()
        box = page.locator("#q-global-results").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"live results cut at {viewport}"
        assert not has_horizontal_scroll(page), f"horizontal scroll on the search page at {viewport}"

        page.goto("/contacts/new")
        assert not has_horizontal_scroll(page), f"horizontal scroll on the resident form at {viewport}"
        if viewport is TABLET:  # the 360° page with a ticket in its table: no sideways scroll either
            resident_id = create_resident(page, unique_name("Lambert"), "Jules", phone=random_mobile()[0])
            log_ticket(page, resident_id, "Vignette Crit'Air (certificat qualité de l'air) (État, paiement)",
                       notes="Vignette commandée pour le véhicule utilitaire ; justificatif envoyé par e-mail.")
            page.goto(f"/contacts/{resident_id}")
            assert not has_horizontal_scroll(page), "horizontal scroll on the resident page at the tablet"
            page.goto("/contacts/new")
        submit = page.get_by_role("button", name="Créer l'usager")
        submit.scroll_into_view_if_needed()
        expect(submit).to_be_in_viewport()
        expect(submit).to_be_enabled()
