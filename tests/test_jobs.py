"""The job queue: real Redis with a real worker, and the in-process fallback without Redis."""

import logging

import pytest
from rq import SimpleWorker

from app.auth.models import Agent
from app.extensions import db
from app.jobs import queue as jobs
from app.jobs.worker import build_worker


def count_agents(prefix: str) -> int:
    """A job: count agents whose login starts with `prefix` (needs an app context)."""
    return db.session.execute(db.select(db.func.count(Agent.id)).where(Agent.login.startswith(prefix))).scalar()


def test_job_runs_on_a_real_worker_inside_an_app_context(app, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    job = jobs.enqueue(count_agents, "zz-", job_id="count-zz")
    assert job.get_status() == "queued"
    worker = build_worker(app, worker_class=SimpleWorker)
    worker.work(burst=True)
    job.refresh()
    assert job.get_status() == "finished"
    assert job.return_value() == 0


def test_same_job_id_while_queued_is_not_enqueued_twice(app, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    first = jobs.enqueue(count_agents, "a", job_id="dedup-me")
    second = jobs.enqueue(count_agents, "a", job_id="dedup-me")
    assert first.id == second.id
    assert jobs.get_queue(connection=redis_conn).count == 1


def test_without_redis_jobs_run_in_process_and_the_log_says_so(app, make_agent, caplog, monkeypatch):
    make_agent("admin", login="zz-admin")
    app.config["JOBS_IN_PROCESS"] = False
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(jobs, "_warned_in_process", False)
    with caplog.at_level(logging.WARNING, logger="app.jobs.queue"):
        job = jobs.enqueue(count_agents, "zz-")
        jobs.enqueue(count_agents, "zz-")
    assert job.in_process and job.result == 1
    messages = [r.getMessage() for r in caplog.records if "processus web" in r.getMessage()]
    assert len(messages) == 1


def test_pages_work_with_redis_down(app, client_as):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    client = client_as("manager")
    assert client.get("/").status_code == 200
    health = client.get("/health").get_json()
    assert health["redis"] == "unavailable" and health["database"] == "ok"


def test_every_scheduled_job_imports_and_is_a_function():
    from app.jobs.cron import periodic_functions
    from app.jobs.schedules import PERIODIC_JOBS

    functions = periodic_functions(PERIODIC_JOBS)
    assert set(functions) == {job.name for job in PERIODIC_JOBS} and all(map(callable, functions.values()))


def test_a_scheduled_job_that_does_not_import_stops_the_start_naming_it():
    from app.jobs.cron import periodic_functions
    from app.jobs.schedules import PeriodicJob

    renamed = PeriodicJob(name="purge-renommee", func="app.audit.tasks.purge_renamed", cron="15 3 * * *")
    with pytest.raises(RuntimeError, match="purge-renommee"):
        periodic_functions([renamed])
