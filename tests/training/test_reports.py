"""The training reports over the pilot: coverage per town hall, flagged tickets, share by trained agents."""

from datetime import date

import pytest
from sqlalchemy import func

from app.channels.models import Site
from app.demo.cli import load_all
from app.extensions import db
from app.reports.models import ReportRun
from app.reports.params import ReportParams
from app.reports.registry import compute_report
from app.reports.services import request_run
from app.tickets.models import Ticket
from app.timeutil import paris_day_bounds

PILOT = ReportParams(date(2016, 10, 1), date(2017, 2, 15))
PILOT_HALLS = ("mairie-02", "mairie-04", "mairie-12", "mairie-17")


@pytest.fixture
def pilot(app, reference):
    load_all()


def _flagged_by_site() -> dict[str, int]:
    start, end = paris_day_bounds(PILOT.start)[0], paris_day_bounds(PILOT.end)[1]
    return dict(db.session.execute(
        db.select(Site.code, func.count(Ticket.id)).join(Site, Site.id == Ticket.site_id)
        .where(Ticket.untrained_agent.is_(True), Ticket.opened_at >= start, Ticket.opened_at < end)
        .group_by(Site.code)).all())


def test_pilot_coverage_shows_each_town_halls_trained_share_and_the_flagged_tickets(pilot):
    result = compute_report("training-coverage", PILOT)
    by_site = result["tables"]["by_site"].set_index("site")
    assert set(PILOT_HALLS) <= set(by_site.index)
    assert all(by_site.loc[hall, "share"] == 1.0 for hall in ("mairie-02", "mairie-04", "mairie-12"))
    # The 17th's agent let the State-procedures module lapse in January 2017: a third of its required modules.
    assert by_site.loc["mairie-17", "share"] == round(2 / 3, 4)
    assert result["summary"]["coverage_share"] < 1.0
    direct = _flagged_by_site()
    assert direct and set(direct) == {"mairie-17"}
    assert by_site["untrained_tickets"].to_dict() == {site: direct.get(site, 0) for site in by_site.index}
    assert result["summary"]["untrained_tickets"] == sum(direct.values())
    modules = result["tables"]["by_site_module"].set_index(["site", "module"])
    assert modules.loc[("mairie-17", "state-procedures"), "trained"] == 0
    assert modules.loc[("mairie-02", "payment-protocol"), "share"] == 1.0


def test_share_of_tickets_by_trained_agents_matches_a_direct_count(pilot):
    result = compute_report("trained-share", PILOT)
    flagged = sum(_flagged_by_site().values())
    assert result["summary"]["tickets"] == 1200  # every pilot ticket, the facts' count
    assert result["summary"]["untrained_tickets"] == flagged
    assert result["summary"]["trained_share"] == round((1200 - flagged) / 1200, 4)
    weeks = result["tables"]["by_site_week"]
    assert int(weeks["tickets"].sum()) == 1200 and int(weeks["untrained_tickets"].sum()) == flagged
    january = weeks[(weeks["site"] == "mairie-17") & (weeks["week"] == "2017-01-30")].iloc[0]
    assert january["untrained_tickets"] > 0 and january["trained_share"] < 1.0
    untrained = compute_report("untrained-tickets", PILOT)
    assert untrained["tables"]["by_site"].to_dict("records") == [{"site": "mairie-17", "tickets": flagged}]


def test_the_programme_dashboard_computes_the_training_reports_with_charts(pilot):
    run = request_run(None, PILOT)
    db.session.expire_all()
    run = db.session.get(ReportRun, run.id)
    assert run.status == "finished", run.error
    results = {r.report: r for r in run.results}
    for name in ("training-coverage", "trained-share", "untrained-tickets", "training-expiring"):
        assert name in results
    assert "<svg" in results["training-coverage"].chart_svg
    assert "Mairie du 17e" in results["untrained-tickets"].chart_svg  # the site's name, not its code


@pytest.mark.parametrize("name", ["training-coverage", "trained-share", "untrained-tickets", "training-expiring"])
def test_a_training_report_over_a_period_without_data_is_empty_not_an_error(reference, name):
    result = compute_report(name, PILOT)
    assert all(value == 0 or value == 0.0 for value in result["summary"].values())
