"""Daily facts: Paris days, idempotent rebuilds, and the refresh that follows ticket changes."""

from datetime import UTC, date, datetime

from app.extensions import db
from app.reports.facts.models import fact_activity, fact_returns
from app.reports.facts.rebuild import rebuild_facts
from app.reports.facts.refresh import refresh_facts
from app.reports.params import ReportParams
from app.reports.registry import as_json, compute_report
from tests.reports.factory import make_resident, make_ticket


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def tickets_per_day(day: date) -> int:
    return db.session.execute(db.select(db.func.coalesce(db.func.sum(fact_activity.c.tickets), 0))
                              .where(fact_activity.c.day == day)).scalar()


def test_tickets_around_paris_midnight_count_on_their_paris_day(app, reference):
    make_ticket(utc(2017, 1, 9, 22, 59))  # 23:59 in Paris, winter
    make_ticket(utc(2017, 1, 9, 23, 1))  # 00:01 on the 10th in Paris
    make_ticket(utc(2016, 10, 29, 22, 30))  # 00:30 on the 30th (summer time, UTC+2)
    rebuild_facts(date(2016, 10, 28), date(2017, 1, 11))
    assert tickets_per_day(date(2017, 1, 9)) == 1
    assert tickets_per_day(date(2017, 1, 10)) == 1
    assert tickets_per_day(date(2016, 10, 29)) == 0
    assert tickets_per_day(date(2016, 10, 30)) == 1


def test_rebuilding_twice_gives_the_same_facts(app, reference):
    for hour in range(5):
        make_ticket(utc(2017, 1, 3, 8 + hour), procedure="critair")
    rebuild_facts(date(2017, 1, 1), date(2017, 1, 5))
    rebuild_facts(date(2017, 1, 1), date(2017, 1, 5))
    assert tickets_per_day(date(2017, 1, 3)) == 5


def test_refresh_follows_a_new_and_a_moved_ticket(app, reference):
    ticket = make_ticket(utc(2017, 1, 3, 9))
    refresh_facts()
    assert tickets_per_day(date(2017, 1, 3)) == 1
    ticket.opened_at = utc(2017, 1, 20, 9)
    ticket.updated_at = datetime.now(UTC)
    make_ticket(utc(2017, 1, 4, 9), updated_at=datetime.now(UTC))
    refresh_facts()
    assert tickets_per_day(date(2017, 1, 3)) == 0
    assert tickets_per_day(date(2017, 1, 20)) == 1
    assert tickets_per_day(date(2017, 1, 4)) == 1


def test_refresh_with_nothing_changed_rebuilds_nothing(app, reference):
    make_ticket(utc(2017, 1, 3, 9))
    refresh_facts()
    assert refresh_facts()["days"] == 0


def test_a_contact_followed_by_another_within_seven_days_counts_as_a_return(app, reference):
    resident = make_resident()
    make_ticket(utc(2017, 1, 2, 9), resident=resident)
    make_ticket(utc(2017, 1, 9, 9), resident=resident)  # 7 days later: a return
    make_ticket(utc(2017, 1, 20, 9), resident=resident)  # 11 days later: not a return
    refresh_facts()
    returned = dict(db.session.execute(db.select(fact_returns.c.day, fact_returns.c.returned)).all())
    assert returned == {date(2017, 1, 2): 1, date(2017, 1, 9): 0, date(2017, 1, 20): 0}


def test_state_share_counts_state_procedures_per_site(app, reference):
    make_ticket(utc(2017, 1, 3, 9), procedure="critair")
    make_ticket(utc(2017, 1, 3, 10), procedure="library-card")
    make_ticket(utc(2017, 1, 3, 11), procedure="library-card", site="mairie-04")
    make_ticket(utc(2017, 1, 3, 12), procedure="passport", site="mairie-04")
    refresh_facts()
    result = as_json(compute_report("state-share", ReportParams(date(2017, 1, 1), date(2017, 1, 31))))
    assert (result["total"], result["state"], result["city"], result["state_share"]) == (4, 2, 2, 0.5)
    assert {r["site"]: r["state_share"] for r in result["by_site"]} == {"mairie-02": 0.5, "mairie-04": 0.5}
    only_02 = as_json(compute_report("state-share", ReportParams(date(2017, 1, 1), date(2017, 1, 31), ("mairie-02",))))
    assert only_02["total"] == 2


def test_every_report_runs_on_an_empty_period(app, reference):
    from app.reports.registry import REPORTS

    for name in REPORTS:
        result = as_json(compute_report(name, ReportParams(date(2030, 1, 1), date(2030, 1, 31))))
        assert isinstance(result, dict), name


def _volume(start: date, end: date) -> dict:
    result = as_json(compute_report("volume", ReportParams(start, end)))
    return {r["site"]: r["tickets"] for r in result["by_site"]}


def test_a_ticket_moved_to_another_week_moves_in_reports_over_whole_weeks(app, reference):
    ticket = make_ticket(utc(2017, 1, 4, 9))  # Wednesday of the week of Monday 2 January
    make_ticket(utc(2017, 1, 10, 9), site="mairie-04")
    refresh_facts()
    assert _volume(date(2017, 1, 2), date(2017, 1, 8)) == {"mairie-02": 1}
    ticket.opened_at = utc(2017, 1, 12, 9)
    ticket.updated_at = datetime.now(UTC)
    refresh_facts()
    assert _volume(date(2017, 1, 2), date(2017, 1, 8)) == {}
    assert _volume(date(2017, 1, 9), date(2017, 1, 15)) == {"mairie-02": 1, "mairie-04": 1}
    assert _volume(date(2017, 1, 2), date(2017, 1, 15)) == {"mairie-02": 1, "mairie-04": 1}


def test_a_period_cutting_weeks_counts_only_its_own_days(app, reference):
    for day in (2, 4, 8, 9, 11, 15, 16):  # Monday 2 January .. Monday 16 January
        make_ticket(utc(2017, 1, day, 9))
    rebuild_facts(date(2017, 1, 1), date(2017, 1, 31))
    assert _volume(date(2017, 1, 4), date(2017, 1, 15)) == {"mairie-02": 5}  # Wed..Sun, a whole week, Mon..Sun
    assert _volume(date(2017, 1, 3), date(2017, 1, 9)) == {"mairie-02": 3}  # no whole week
    assert _volume(date(2017, 1, 2), date(2017, 1, 16)) == {"mairie-02": 7}
