"""The call report of the programme dashboard: per Paris hour and day, answered and missed rates, waits, tickets."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.extensions import db
from app.reports.models import ReportFile, ReportRun
from app.reports.params import ReportParams
from app.reports.registry import compute_report
from app.reports.services import request_run
from app.telephony.models import Call
from tests.security.factories import make_ticket

MARCH = ReportParams(date(2017, 3, 1), date(2017, 3, 31))


def _call(n, hour_utc, state, wait, duration=None, ticket=None):
    started = datetime(2017, 3, 6, hour_utc, n, tzinfo=UTC)
    call = Call(call_id=f"r-{n}", direction="in", number="+33612345678", state=state, started_at=started,
                wait_seconds=wait, duration_seconds=duration, ticket_id=ticket.id if ticket else None,
                answered_at=started + timedelta(seconds=wait) if state == "answered" else None)
    db.session.add(call)
    return call


@pytest.fixture
def morning(reference):
    """Monday 6 March 2017: 10 calls between 9 h and 10 h Paris (8 h UTC), 2 at 10 h; 8 answered, 3 with a ticket."""
    tickets = [make_ticket(None, channel="phone_3975", site="plateforme-3975") for _ in range(3)]
    waits = [5, 8, 10, 12, 15, 20, 30, 90]
    for n, wait in enumerate(waits):
        _call(n, 8, "answered", wait, 120, tickets[n] if n < 3 else None)
    _call(20, 8, "missed", 45)
    _call(21, 8, "missed", 60)
    _call(22, 9, "forwarded", 10)
    _call(23, 9, "missed", 15)
    db.session.add(Call(call_id="r-out", direction="out", state="answered", started_at=datetime(2017, 3, 6, 9, tzinfo=UTC)))
    db.session.add(Call(call_id="r-april", direction="in", state="missed", started_at=datetime(2017, 4, 3, 9, tzinfo=UTC)))
    db.session.commit()


def test_call_report_counts_rates_waits_and_tickets(morning):
    output = compute_report("calls", MARCH)
    summary = output["summary"]
    assert (summary["calls"], summary["answered_calls"], summary["missed_calls"], summary["forwarded_calls"]) == (12, 8, 3, 1)
    assert summary["answered_rate"] == round(8 / 12, 4) and summary["missed_rate"] == 0.25
    assert summary["mean_wait_seconds"] == round(sum([5, 8, 10, 12, 15, 20, 30, 90]) / 8, 1)
    assert summary["p90_wait_seconds"] == 90  # nearest rank: ceil(0.9 × 8) = 8th wait
    assert summary["ticket_share"] == 0.375
    by_hour = output["tables"]["by_hour"].set_index("hour")
    assert by_hour.loc["09 h", "calls"] == 10 and by_hour.loc["10 h", "calls"] == 2  # Paris hours (UTC+1)
    assert list(output["tables"]["by_day"]["day"]) == ["2017-03-06"]


def test_call_report_is_empty_when_the_filters_leave_out_the_3975(morning):
    output = compute_report("calls", ReportParams(date(2017, 3, 1), date(2017, 3, 31), sites=("mairie-02",)))
    assert output["summary"]["calls"] == 0 and output["summary"]["p90_wait_seconds"] is None


def test_call_report_is_in_the_dashboard_with_its_chart_and_csv(morning):
    run = request_run(None, MARCH)
    db.session.refresh(run)
    assert run.status == "finished", run.error
    result = next(r for r in run.results if r.report == "calls")
    assert result.chart_svg and "Appels" in result.chart_svg
    csv = db.session.execute(db.select(ReportFile).where(ReportFile.run_id == run.id, ReportFile.format == "csv")
                             ).scalar_one().content.decode("utf-8-sig")
    assert "Appels du 3975" in csv and "Taux de réponse" in csv and "Attente 90e centile (s)" in csv
    assert db.session.get(ReportRun, run.id).status == "finished"
