"""Flow 1: every demo agent signs in and lands on the home page of their role; the sign-in page is accessible."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DEMO_PASSWORD, has_horizontal_scroll, save_screenshot, sign_in

# login, name shown on the home page, role label, the first thing the role does (a home-page action)
DEMO_ROLES = [
    ("guichet", "Camille Guichet", "Agent d'accueil en mairie", "Nouveau ticket"),
    ("tel3975", "Sophie Téléconseil", "Téléconseiller 3975", "Nouvel appel"),
    ("famille", "Nadia Familles", "Agent Facil'Familles", "Nouvelle demande"),
    ("manager", "Louis Pilotage", "Responsable", "Tableaux de bord"),
    ("admin", "Aline Admin", "Administrateur", "Référentiels"),
]


@pytest.mark.parametrize(("login", "name", "role_label", "first_action"), DEMO_ROLES, ids=[r[0] for r in DEMO_ROLES])
def test_each_role_signs_in_and_lands_on_its_home_page(page, login, name, role_label, first_action):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/auth/login"))  # signed out: sent to the sign-in page

    sign_in(page, login)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {name}")
    expect(page.locator(".lead")).to_contain_text(role_label)
    expect(page.get_by_role("banner")).to_contain_text(name)
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=re.compile(f"^{first_action}"))).to_be_visible()
    if login == "guichet":
        save_screenshot(page, "accueil")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté.")


def test_wrong_password_is_refused_with_a_message(page):
    page.goto("/auth/login")
    page.get_by_label("Identifiant").fill("guichet")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    expect(page).to_have_url(re.compile(r"/auth/login"))


def test_sign_in_works_with_the_keyboard_alone(page):
    page.goto("/auth/login")
    # First Tab: the skip link; Enter jumps to the content; then the two fields and the button, in order.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Identifiant")).to_be_focused()
    page.keyboard.type("tel3975")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mot de passe")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Se connecter")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie Téléconseil")


def test_sign_in_page_has_no_serious_accessibility_violation(page, check_axe):
    page.goto("/auth/login")
    check_axe(page, "connexion")
    save_screenshot(page, "connexion")

    # With the errors shown on the fields too.
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Saisissez votre identifiant.")).to_be_visible()
    expect(page.get_by_label("Identifiant")).to_have_attribute("aria-invalid", "true")
    check_axe(page, "connexion-erreurs")


@pytest.mark.parametrize("viewport", [{"width": 1080, "height": 1920}, {"width": 768, "height": 1024}],
                         ids=["kiosk-1080x1920", "tablet-768x1024"])
def test_sign_in_and_home_fit_the_kiosk_and_the_tablet(browser_session, viewport):
    page = browser_session.new_page(viewport=viewport)
    page.goto("/auth/login")
    assert not has_horizontal_scroll(page)
    button = page.get_by_role("button", name="Se connecter")
    expect(button).to_be_in_viewport()
    sign_in(page, "guichet")
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    assert not has_horizontal_scroll(page)
