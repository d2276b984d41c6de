"""Tickets obey their agent's training, on the ticket's date, whatever route saves them."""

from datetime import timedelta

import pytest

from app.audit.models import AuditEntry
from app.channels.models import Channel, Device, Procedure, Site
from app.extensions import db
from app.tickets.checks import TicketError
from app.tickets.importing import import_tickets
from app.tickets.models import Ticket
from app.tickets.services import log_ticket
from app.training.queries import get_module_by_code, list_requirements
from app.training.services import add_months, add_requirement, remove_requirement, set_site_policy
from tests.conftest import text_of
from tests.tickets.helpers import counter_values, ref, resident
from tests.training.helpers import days_ago, ticket_file, ticket_line, today, train

CRITAIR_FORM = {"mode": "guided", "outcome": "completed", "digital_choice": "no_alternative",
                "status": "closed", "payment_assisted": "y", "protocol_confirmed": "y"}


@pytest.fixture
def person(training):
    p = resident(last_name="Lefèvre", first_name="Marie", phone="06 11 22 33 44")
    db.session.commit()
    return p


def _post_critair(client, person):
    return client.post(f"/tickets/new?resident_id={person.id}",
                       data={**CRITAIR_FORM, "procedure_id": ref(Procedure, "critair").id, "device_id": ref(Device, "kiosk").id})


def _tickets() -> int:
    return db.session.execute(db.select(db.func.count(Ticket.id))).scalar_one()


def test_untrained_agents_critair_payment_is_refused_then_accepted_after_training_then_refused_after_expiry(
        client_as, runner, person):
    client = client_as("counter_agent", "mairie-02")
    agent = client.agent
    train(agent, "facilitation", "state-procedures", on=add_months(today(), -14))
    train(agent, "state-procedures", on=days_ago(90))  # renewed: only the payment module lacks
    refused = _post_critair(client, person)
    assert refused.status_code == 400
    body = text_of(refused)
    assert "« Paiement accompagné : protocole de protection » (payment-protocol)" in body
    assert "absente de son livret" in body and "demandez une session à votre responsable" in body
    result = import_tickets(ticket_file(ticket_line("H-1", days_ago(3), agent.login)))
    assert len(result.errors) == 1 and result.errors[0].startswith("ligne 2, colonne payment_assisted : ")
    assert "(payment-protocol)" in result.errors[0]
    db.session.rollback()
    assert _tickets() == 0

    session_day = add_months(today(), -13)  # a 12-month module: expired a month ago
    done = runner.invoke(args=["training", "record", agent.login, "payment-protocol", "--on", session_day.isoformat()])
    assert done.exit_code == 0, done.output
    expiry = add_months(session_day, 12)
    assert f"expire le {expiry:%d/%m/%Y}" in done.output
    # History dated while the session was valid is accepted; dated after its expiry, refused again.
    during = import_tickets(ticket_file(ticket_line("H-2", session_day + timedelta(days=30), agent.login)))
    assert during.ok and during.tickets_created == 1
    db.session.commit()
    after = import_tickets(ticket_file(ticket_line("H-3", expiry + timedelta(days=1), agent.login)))
    assert len(after.errors) == 1 and f"expirée le {expiry:%d/%m/%Y}" in after.errors[0]
    db.session.rollback()
    again = _post_critair(client, person)
    assert again.status_code == 400 and f"expirée le {expiry:%d/%m/%Y}" in text_of(again)

    renewed = runner.invoke(args=["training", "record", agent.login, "payment-protocol", "--on", today().isoformat()])
    assert renewed.exit_code == 0, renewed.output
    accepted = _post_critair(client, person)
    assert accepted.status_code == 302
    assert _tickets() == 2


def test_a_session_counts_from_its_day_until_the_day_before_its_expiry(person, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-02")
    session_day = add_months(today(), -13)
    expiry = add_months(session_day, 12)  # payment-protocol and state-procedures: 12 months; facilitation: 36
    train(agent, "facilitation", "state-procedures", "payment-protocol", on=session_day)

    def columns(day):
        result = import_tickets(ticket_file(ticket_line(f"H-{day}", day, agent.login)))
        db.session.rollback()
        return [e.split(" : ")[0].split("colonne ")[1] for e in result.errors]

    assert columns(session_day - timedelta(days=1)) == ["payment_assisted", "procedure", "channel"]
    assert columns(session_day) == []
    assert columns(expiry - timedelta(days=1)) == []
    assert columns(expiry) == ["payment_assisted", "procedure"]


@pytest.mark.parametrize(("policy", "saved", "flagged"), [("flag", True, True), ("refuse", False, False)])
def test_a_missing_state_module_follows_the_sites_policy(person, make_agent, policy, saved, flagged):
    agent = make_agent("counter_agent", site_code="mairie-17")
    train(agent, "facilitation", "payment-protocol")
    set_site_policy(ref(Site, "mairie-17"), policy)
    values = counter_values(person, site_code="mairie-17", procedure_id=ref(Procedure, "passport").id)
    if saved:
        ticket = log_ticket(values, agent)
        assert ticket.untrained_agent is flagged
    else:
        with pytest.raises(TicketError) as refused:
            log_ticket(values, agent)
        assert refused.value.field == "procedure_id" and "(state-procedures)" in refused.value.message


def test_a_payment_is_refused_even_where_the_site_flags_other_missing_modules(person, make_agent):
    agent = make_agent("counter_agent", site_code="mairie-17")
    train(agent, "facilitation", "state-procedures")
    set_site_policy(ref(Site, "mairie-17"), "flag")
    values = counter_values(person, site_code="mairie-17", procedure_id=ref(Procedure, "critair").id,
                            payment_assisted=True, protocol_confirmed=True)
    with pytest.raises(TicketError) as refused:
        log_ticket(values, agent)
    assert refused.value.field == "payment_assisted" and "(payment-protocol)" in refused.value.message


def test_a_flagged_import_line_is_saved_flagged_and_a_trained_agents_is_not(person, make_agent):
    set_site_policy(ref(Site, "mairie-17"), "flag")
    trained, untrained = make_agent("counter_agent", "mairie-17"), make_agent("counter_agent", "mairie-17")
    train(trained, "facilitation", "state-procedures", on=days_ago(100))
    train(untrained, "facilitation", on=days_ago(100))
    result = import_tickets(ticket_file(
        ticket_line("H-1", days_ago(5), trained.login, "passport", payment=False, site="mairie-17"),
        ticket_line("H-2", days_ago(5), untrained.login, "passport", payment=False, site="mairie-17")))
    assert result.ok, result.errors
    flags = dict(db.session.execute(db.select(Ticket.external_ref, Ticket.untrained_agent)).all())
    assert flags == {"H-1": False, "H-2": True}


def test_a_ticket_without_requirements_needs_no_training(person, make_agent):
    agent = make_agent("operator_3975", site_code="plateforme-3975")
    values = {"resident_id": person.id, "channel_id": ref(Channel, "phone_3975").id,
              "site_id": ref(Site, "plateforme-3975").id, "procedure_id": ref(Procedure, "bulky-waste").id}
    assert log_ticket(values, agent).untrained_agent is False


def test_every_change_to_requirements_and_policies_is_audited(training, make_agent):
    admin = make_agent("admin")
    requirement, created = add_requirement(get_module_by_code("personal-data"), "procedure",
                                           procedure=ref(Procedure, "passport"), by=admin)
    assert created and requirement in list_requirements()
    remove_requirement(requirement, by=admin)
    set_site_policy(ref(Site, "mairie-04"), "flag", by=admin)
    actions = db.session.execute(db.select(AuditEntry.action, AuditEntry.detail)
                                 .where(AuditEntry.agent_id == admin.id).order_by(AuditEntry.id)).all()
    assert [a for a, _d in actions] == ["training.requirement", "training.requirement", "training.site_policy"]
    assert actions[2][1]["fields"] == ["on_missing"]


def test_a_flagged_ticket_says_agent_non_forme_on_its_page(person, make_agent, client_as):
    set_site_policy(ref(Site, "mairie-17"), "flag")
    agent = make_agent("counter_agent", "mairie-17")
    train(agent, "facilitation")
    ticket = log_ticket(counter_values(person, site_code="mairie-17", procedure_id=ref(Procedure, "passport").id),
                        agent)
    db.session.commit()
    assert "agent non formé" in text_of(client_as("manager").get(f"/tickets/{ticket.id}"))
