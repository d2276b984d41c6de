"""Training: an agent sees the reminder on the home page and reads their livret; a manager sees the 17th's
lapsed module. Accessible pages (axe-core)."""

import re

from playwright.sync_api import expect


def test_agent_follows_the_reminder_to_their_livret(page_as, check_axe):
    page = page_as("guichet")
    page.goto("/")
    reminder = page.get_by_role("region", name="Votre formation")
    expect(reminder).to_contain_text("« Paiement accompagné : protocole de protection » expire le")
    reminder.get_by_role("link", name="Mon livret de formation").click()
    expect(page).to_have_url(re.compile(r"/training/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon livret de formation")
    row = page.get_by_role("row", name=re.compile("Paiement accompagné : protocole de protection"))
    expect(row).to_contain_text("expire bientôt")
    expect(page.get_by_role("row", name=re.compile("Accompagnement au numérique"))).to_contain_text("valide")
    expect(page.get_by_role("main")).to_contain_text("Tout paiement accompagné — module « Paiement accompagné : "
                                                     "protocole de protection » : autorisé")
    check_axe(page, "livret-formation")


def test_manager_reads_the_agents_training_by_site(page_as, check_axe):
    page = page_as("manager")
    page.goto("/training/agents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Formation des agents")
    page.get_by_label("Site").select_option(label="Mairie du 17e arrondissement")
    page.get_by_role("button", name="Afficher").click()
    agent = page.get_by_role("row", name=re.compile("^Thomas Accueil"))
    expect(agent).to_contain_text("Mairie du 17e arrondissement")
    expect(agent).to_contain_text("valide")
    check_axe(page, "formation-agents")
