"""Status transitions (checked in one place) and transfers that keep the journey linked."""

import pytest

from app.channels.models import Channel, Site
from app.extensions import db
from app.tickets.checks import TicketError
from app.tickets.models import TicketEvent
from app.tickets.queries import journey
from app.tickets.services import StaleTicketError, log_ticket
from app.tickets.workflow import TRANSITIONS, allowed_transitions, change_status, transfer_ticket
from tests.tickets.helpers import counter_values, ref, resident


@pytest.fixture
def agent(make_agent, reference):
    return make_agent("counter_agent", site_code="mairie-02")


def test_ticket_goes_through_the_whole_workflow_and_each_step_is_in_the_history(agent):
    ticket = log_ticket(counter_values(resident()), agent)
    for status in ("in_progress", "waiting_resident", "resolved", "closed"):
        change_status(ticket, status, agent)
    assert ticket.status == "closed" and ticket.closed_at is not None
    change_status(ticket, "open", agent)
    assert ticket.status == "open" and ticket.closed_at is None
    events = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                .order_by(TicketEvent.id)).scalars().all()
    assert [e.kind for e in events] == ["created", "status", "status", "status", "status", "reopened"]
    assert events[1].changes["status"] == ["open", "in_progress"]


@pytest.mark.parametrize(("start", "target"), [("closed", "in_progress"), ("closed", "waiting_resident"),
                                                ("resolved", "in_progress"), ("open", "open")])
def test_forbidden_transitions_are_refused(agent, start, target):
    ticket = log_ticket(counter_values(resident(), status=start), agent)
    with pytest.raises(TicketError) as caught:
        change_status(ticket, target, agent)
    assert caught.value.field == "status"
    assert ticket.status == start


def test_transferred_is_final_and_only_reached_by_a_transfer(agent):
    assert allowed_transitions("transferred") == ()
    assert "transferred" not in allowed_transitions("open")
    assert all("transferred" not in TRANSITIONS[s] for s in ("resolved", "closed"))


def test_3975_call_transferred_to_a_counter_reads_as_one_journey(make_agent, reference):
    operator = make_agent("operator_3975", site_code="plateforme-3975")
    person = resident()
    call = log_ticket({"resident_id": person.id, "channel_id": ref(Channel, "phone_3975").id,
                       "site_id": ref(Site, "plateforme-3975").id, "notes": "Rappeler"}, operator)
    visit = transfer_ticket(call, operator, ref(Channel, "counter"), ref(Site, "mairie-12"))
    assert call.status == "transferred" and call.closed_at is not None
    assert visit.transferred_from_id == call.id and visit.status == "open"
    assert visit.resident_id == person.id
    assert (visit.device_id, visit.outcome) == (None, None)  # nobody has seen the resident at the counter yet
    assert visit.agent_id is None
    assert [t.id for t in journey(visit)] == [call.id, visit.id] == [t.id for t in journey(call)]
    event = db.session.execute(db.select(TicketEvent).where(TicketEvent.ticket_id == call.id,
                                                            TicketEvent.kind == "transferred")).scalar_one()
    assert event.changes["transferred_to"] == [None, visit.reference]


def test_a_transferred_visit_needs_its_device_when_it_is_closed_not_before(make_agent, reference):
    operator = make_agent("operator_3975", site_code="plateforme-3975")
    call = log_ticket({"anonymous": True, "channel_id": ref(Channel, "phone_3975").id,
                       "site_id": ref(Site, "plateforme-3975").id}, operator)
    visit = transfer_ticket(call, operator, ref(Channel, "counter"), ref(Site, "mairie-05"))
    change_status(visit, "in_progress", operator)
    with pytest.raises(TicketError) as caught:
        change_status(visit, "closed", operator)
    assert caught.value.field == "device_id" and "exige un dispositif" in caught.value.message


def test_status_change_on_a_stale_version_is_refused(agent):
    ticket = log_ticket(counter_values(resident()), agent)
    seen = ticket.version
    change_status(ticket, "in_progress", agent)
    with pytest.raises(StaleTicketError) as caught:
        change_status(ticket, "closed", agent, expected_version=seen)
    assert caught.value.conflicts[0][0] == "status"
