"""Mon livret de formation, the managers' list, reminders on the home page, the admin screens."""

from datetime import timedelta
from html import unescape

from app.audit.models import AuditEntry
from app.channels.models import Site
from app.extensions import db
from app.training.models import TrainingRecord, TrainingSitePolicy
from app.training.queries import get_module_by_code
from app.training.services import add_months
from tests.conftest import text_of
from tests.tickets.helpers import ref
from tests.training.helpers import days_ago, today, train


def test_the_agents_own_page_lists_each_training_with_its_status(training, client_as):
    client = client_as("counter_agent", "mairie-02")
    train(client.agent, "facilitation", on=days_ago(10), trainer="Mission numérique")
    train(client.agent, "payment-protocol", on=add_months(today(), -12) + timedelta(days=20))  # 20 days left
    train(client.agent, "state-procedures", on=add_months(today(), -13))  # expired a month ago
    page = unescape(text_of(client.get("/training/")))
    assert "Mon livret de formation" in page
    assert f"Accompagnement au numérique en facilitation facilitation {days_ago(10):%d/%m/%Y} Mission numérique " \
           f"{add_months(days_ago(10), 36):%d/%m/%Y} valide" in page
    assert "protocole de protection payment-protocol" in page and "expire bientôt" in page
    assert f"{add_months(add_months(today(), -13), 12):%d/%m/%Y} expirée" in page
    assert "Facil'Familles facil-familles — — — non formé" in page
    assert "Tout paiement accompagné — module « Paiement accompagné : protocole de protection » : autorisé" in page
    assert "Toute démarche de l'État — module « Démarches de l'État : ANTS, Crit'Air… » : formation à suivre" in page


def test_home_page_reminds_the_agent_of_a_training_expiring_within_30_days(training, client_as):
    client = client_as("counter_agent", "mairie-02")
    assert "Votre formation" not in text_of(client.get("/"))
    train(client.agent, "payment-protocol", on=add_months(today(), -12) + timedelta(days=20))
    expiry = add_months(add_months(today(), -12) + timedelta(days=20), 12)
    home = unescape(text_of(client.get("/")))
    assert f"« Paiement accompagné : protocole de protection » expire le {expiry:%d/%m/%Y}" in home


def test_managers_see_expiring_and_expired_trainings_and_read_an_agents_livret(training, client_as, make_agent):
    agent = make_agent("counter_agent", "mairie-04", name="Inès Accueil")
    train(agent, "state-procedures", on=add_months(today(), -13))
    train(agent, "facilitation", on=days_ago(5))
    manager = client_as("manager")
    home = text_of(manager.get("/"))
    assert "1 formation(s) expirée(s) ou qui expirent dans les 30 jours." in home
    listing = unescape(text_of(manager.get("/training/agents")))
    assert "Inès Accueil Mairie du 4e arrondissement Démarches de l'État : ANTS, Crit'Air…" in listing
    assert "expirée" in listing
    page = manager.get(f"/training/agents/{agent.id}")
    assert page.status_code == 200 and "Livret de formation de Inès Accueil" in text_of(page)
    assert "Enregistrer une session" not in text_of(page)  # managers read, admins record
    read = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "training.read",
                                                          AuditEntry.object_id == str(agent.id))).scalar_one()
    assert read.detail == {"fields": ["training_records"]}


def test_an_admin_records_a_session_on_the_agents_page_and_a_future_date_is_refused(training, client_as, make_agent):
    agent = make_agent("counter_agent", "mairie-12")
    admin = client_as("admin")
    url = f"/training/agents/{agent.id}"
    future = admin.post(url, data={"module": "facilitation", "trained_on": days_ago(-3).isoformat()})
    assert future.status_code == 400 and "est dans le futur" in text_of(future)
    done = admin.post(url, data={"module": "facilitation", "trained_on": days_ago(3).isoformat(),
                                 "trainer": "Mission numérique"})
    assert done.status_code == 303
    row = db.session.execute(db.select(TrainingRecord)).scalar_one()
    assert (row.agent_id, row.trained_on, row.expires_on) == (agent.id, days_ago(3), add_months(days_ago(3), 36))
    assert client_as("manager").post(url, data={"module": "facilitation",
                                                "trained_on": days_ago(1).isoformat()}).status_code == 403


def test_admin_changes_a_modules_validity_and_the_expiries_follow(training, client_as, make_agent):
    agent = make_agent("counter_agent", "mairie-12")
    train(agent, "facilitation", on=days_ago(10))
    module = get_module_by_code("facilitation")
    admin = client_as("admin")
    response = admin.post(f"/training/modules/{module.id}", data={"title": module.title, "validity_months": "6",
                                                                  "active": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.execute(db.select(TrainingRecord.expires_on)).scalar_one() == add_months(days_ago(10), 6)
    bad = admin.post(f"/training/modules/{module.id}", data={"title": "", "validity_months": "0"})
    assert bad.status_code == 400 and "Intitulé obligatoire." in text_of(bad) and "Entre 1 et 240 mois." in text_of(bad)


def test_admin_sets_a_site_to_allow_and_flag(training, client_as):
    admin = client_as("admin")
    site = ref(Site, "mairie-17")
    assert admin.post("/training/sites", data={"site": str(site.id), "on_missing": "flag"}).status_code == 303
    assert db.session.get(TrainingSitePolicy, site.id).on_missing == "flag"
    page = text_of(admin.get("/training/sites"))
    assert "Mairie du 17e arrondissement Enregistrer et signaler « agent non formé »" in page


def test_cli_lists_the_shipped_modules(training, runner):
    output = runner.invoke(args=["training", "modules"]).output
    for code in ("facilitation", "payment-protocol", "state-procedures", "facil-familles", "phone-3975",
                 "personal-data"):
        assert code in output
    assert "payment-protocol   Paiement accompagné : protocole de protection — validité : 12 mois — actif" in output


def test_cli_record_names_an_unknown_agent_or_module(training, runner, make_agent):
    make_agent("counter_agent", "mairie-02", login="camille")
    unknown = runner.invoke(args=["training", "record", "camile", "facilitation", "--on", "2016-09-12"])
    assert unknown.exit_code == 2 and "agent inconnu « camile »" in unknown.output
    module = runner.invoke(args=["training", "record", "camille", "rgpd", "--on", "2016-09-12"])
    assert module.exit_code == 2 and "module inconnu « rgpd »" in module.output
    day = runner.invoke(args=["training", "record", "camille", "facilitation", "--on", "12 sept"])
    assert day.exit_code == 2 and "--on : « 12 sept » n'est pas une date" in day.output


def test_reference_load_ships_the_modules_once(app, runner):
    first = runner.invoke(args=["reference", "load"])
    assert first.exit_code == 0 and "formation, modules : 6" in first.output
    again = runner.invoke(args=["reference", "load"])
    assert "(0 modification(s)" in again.output
