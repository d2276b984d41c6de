"""Report runs: de-duplication on the real queue, failures a manager can read, the reaper."""

from datetime import UTC, date, datetime, timedelta

import pytest
from rq import SimpleWorker
from rq.job import Job

from app.config import QUEUE_REPORTS
from app.extensions import db
from app.jobs.queue import get_queue
from app.jobs.worker import build_worker
from app.reports import registry
from app.reports.facts.refresh import refresh_facts
from app.reports.models import ReportRun
from app.reports.params import ReportError, ReportParams
from app.reports.reaper import INTERRUPTED, reap_stuck_runs
from app.reports.services import request_run
from app.reports.tasks import compute_run
from tests.reports.factory import make_ticket

PERIOD = ReportParams(date(2017, 1, 1), date(2017, 1, 31))


def test_the_same_request_while_queued_joins_the_first_run(app, reference, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    make_ticket(datetime(2017, 1, 5, 9, tzinfo=UTC), procedure="critair")
    refresh_facts()
    first = request_run(["state-share"], PERIOD)
    second = request_run(["state-share"], PERIOD)
    assert second.id == first.id
    assert get_queue(QUEUE_REPORTS, connection=redis_conn).count == 1
    build_worker(app, worker_class=SimpleWorker).work(burst=True)
    db.session.expire_all()
    run = db.session.get(ReportRun, first.id)
    assert run.status == "finished" and run.progress == 100
    assert run.results[0].data["summary"]["total"] == 1
    assert request_run(["state-share"], PERIOD).id != first.id  # once finished, a new request computes again


def test_a_report_that_raises_fails_its_run_with_a_readable_message(app, reference, monkeypatch):
    # A bug inside a report cannot be caused from outside: the report function is replaced by one that raises.
    def broken(params):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(registry.REPORTS, "volume", registry.Report("volume", "Volume", broken))
    run = ReportRun(name="volume", params={**PERIOD.to_dict(), "reports": ["volume"]}, params_key="k", status="queued")
    db.session.add(run)
    db.session.commit()
    with pytest.raises(ReportError):
        compute_run(run.id)
    db.session.expire_all()
    run = db.session.get(ReportRun, run.id)
    assert run.status == "failed"
    assert "a échoué à cause d'une erreur interne" in run.error
    assert "Traceback" not in run.error and "ZeroDivisionError" not in run.error
    assert run.results == []


def test_the_failure_message_is_shown_on_the_run_page_without_a_stack_trace(app, reference, client_as):
    run = ReportRun(name="volume", params={**PERIOD.to_dict(), "reports": ["volume"]}, params_key="k",
                    status="failed", error="Le calcul du rapport « Volume » a échoué.")
    db.session.add(run)
    db.session.commit()
    page = client_as("manager").get(f"/reports/runs/{run.id}")
    assert "a échoué" in page.get_data(as_text=True) and "Traceback" not in page.get_data(as_text=True)


def test_the_reaper_fails_a_running_run_whose_job_is_gone(app, reference, redis_conn):
    run = ReportRun(name="volume", params={**PERIOD.to_dict(), "reports": ["volume"]}, params_key="k2",
                    status="running", job_id="report-vanished")
    db.session.add(run)
    db.session.commit()
    assert reap_stuck_runs()["failed"] == 1
    assert run.status == "failed" and "Relancez" in run.error


def test_the_reaper_leaves_a_waiting_job_alone_and_requeues_a_lost_queued_run(app, reference, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    waiting = request_run(["volume"], PERIOD)
    lost = ReportRun(name="channels", params={**PERIOD.to_dict(), "reports": ["channels"]}, params_key="k3",
                     status="queued", job_id="report-lost", queued_at=datetime.now(UTC) - timedelta(minutes=5))
    db.session.add(lost)
    db.session.commit()
    result = reap_stuck_runs()
    assert result["failed"] == 0 and [r.id for r in result["requeue"]] == [lost.id]
    assert db.session.get(ReportRun, waiting.id).status == "queued"
    assert Job.fetch(waiting.job_id, connection=redis_conn).get_status() == "queued"
    assert INTERRUPTED  # the message for runs whose worker died is tested with a real worker in test_worker_kill
