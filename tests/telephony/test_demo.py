"""Demo data: a morning of 3975 calls in March 2017, tied to the pilot's 3975 tickets."""

from datetime import date

import pytest

from app.demo.accounts import load_demo_agents
from app.demo.calls import demo_morning, load_demo_calls
from app.demo.tickets import load_pilot
from app.extensions import db
from app.reports.params import ReportParams
from app.reports.registry import compute_report
from app.telephony.models import Call
from app.tickets.models import Ticket
from app.timeutil import to_paris


@pytest.fixture
def demo_calls(app, reference):
    load_demo_agents()
    load_pilot()
    count = load_demo_calls()
    db.session.commit()
    return count


def test_demo_morning_has_answered_missed_and_anonymous_calls_tied_to_pilot_tickets(demo_calls):
    calls = db.session.execute(db.select(Call)).scalars().all()
    assert demo_calls == len(calls) >= 10 and sum(call.state == "answered" for call in calls) >= 3
    assert {to_paris(call.started_at).date() for call in calls} == {demo_morning()}
    assert demo_morning().month == 3
    answered = [call for call in calls if call.state == "answered"]
    assert answered and all(call.ticket_id and call.agent.login == "tel3975" for call in answered)
    for call in answered:
        ticket = db.session.get(Ticket, call.ticket_id)
        assert ticket.channel.code == "phone_3975" and ticket.opened_at == call.answered_at
        assert ticket.resident_id == call.resident_id
    assert any(call.state == "missed" for call in calls) and any(call.anonymous for call in calls)
    assert any(call.called_back_at for call in calls)
    assert all(call.wait_seconds is not None for call in calls)


def test_loading_the_demo_calls_twice_adds_nothing(demo_calls):
    assert load_demo_calls() == 0


def test_demo_calls_feed_the_call_report(demo_calls):
    summary = compute_report("calls", ReportParams(date(2017, 3, 1), date(2017, 3, 31)))["summary"]
    assert summary["calls"] == demo_calls and summary["ticket_share"] == 1.0
    assert 0 < summary["missed_rate"] < 1 and summary["p90_wait_seconds"] is not None
