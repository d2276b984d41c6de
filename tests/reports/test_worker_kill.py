"""A real worker killed in the middle of a job: its run ends failed (never stuck running), with no result.

Runs a real `flask worker` process against the real Redis (TEST_REDIS_URL) and the test database,
so it works outside the per-test transaction and cleans up after itself.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis

from app import create_app
from app.config import QUEUE_REPORTS
from app.extensions import db
from app.jobs.queue import get_queue
from app.reports.models import ReportRun
from app.reports.reaper import INTERRUPTED, reap_stuck_runs
from tests.conftest import _redis_or_skip, base_config
from tests.reports.slow_jobs import slow_run

ROOT = Path(__file__).resolve().parents[2]


def start_worker(database_url: str, redis_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "test"}
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.Popen([flask, "--app", "app", "worker", "--no-periodic"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_for(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def run_status(run_id: int) -> str:
    db.session.rollback()  # a fresh snapshot: the worker commits from another process
    status = db.session.get(ReportRun, run_id).status
    db.session.rollback()  # and no open transaction: on SQLite it would hold the write lock the worker waits for
    return status


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def real_app(database_url):
    app = create_app(base_config(database_url))
    app.config["JOBS_IN_PROCESS"] = False
    redis = _redis_or_skip(app.config["REDIS_URL"])
    redis.flushdb()
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.execute(db.delete(ReportRun).where(ReportRun.params_key == "kill-test"))
        db.session.commit()
        db.engine.dispose()
    redis.flushdb()


def test_a_worker_killed_mid_job_leaves_its_run_failed_not_running(real_app, database_url):
    redis_url = real_app.config["REDIS_URL"]
    run = ReportRun(name="volume", params={"from": "2017-01-01", "to": "2017-01-31", "sites": [], "channels": [],
                                           "reports": ["volume"]}, params_key="kill-test", status="queued",
                    job_id="report-kill-test")
    db.session.add(run)
    db.session.commit()
    get_queue(QUEUE_REPORTS).enqueue(slow_run, run.id, 60, job_id=run.job_id, job_timeout=300)
    worker = start_worker(database_url, redis_url)
    try:
        assert wait_for(lambda: run_status(run.id) == "running"), "the worker never started the job"
        for pid in children(worker.pid):  # the work horse first, then the worker: nothing survives
            os.kill(pid, signal.SIGKILL)
        worker.kill()
        worker.wait()
    finally:
        stop(worker)

    assert run_status(run.id) == "running"  # nobody was left to say otherwise
    restarted = start_worker(database_url, redis_url)
    try:
        time.sleep(3)  # the new worker does not pick the dead job up again
        assert reap_stuck_runs()["failed"] == 1
        db.session.commit()
        reaped = db.session.get(ReportRun, run.id)
        assert reaped.status == "failed" and reaped.error == INTERRUPTED
        assert reaped.results == []
        time.sleep(1)
        assert run_status(run.id) == "failed"
    finally:
        stop(restarted)
    assert Redis.from_url(redis_url).ping()
