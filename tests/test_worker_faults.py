"""A worker that survives faults: Redis stopped under a running worker, a scheduler that dies.

The outage test starts its own redis-server on a free port (never the shared one), runs a real
`flask worker` against it and the test database, stops Redis for ~20 s and starts it again on the
same port: the periodic jobs run again within a minute, the worker never restarted, and `/health`
said the facts were stale meanwhile.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq.exceptions import StopRequested

from app import create_app
from app.extensions import db
from app.jobs.cron import MAX_RESTARTS, CronWatchdog, build_cron, keep_cron_running
from app.reports.facts.refresh import facts_refreshed_at
from tests.conftest import base_config

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this test alone, without persistence, stopped and started on the same port."""

    def __init__(self, port: int):
        self.port, self.process = port, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(self.answers, 10), "redis-server did not start"

    def answers(self) -> bool:
        try:
            return bool(Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except OSError:
            return False
        except Exception:  # noqa: BLE001 - connection refused, loading...
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def refreshed_at():
    db.session.rollback()  # a fresh snapshot: the worker commits from another process
    value = facts_refreshed_at()
    db.session.rollback()  # no open transaction: on SQLite it would hold the lock the worker waits for
    return value


@pytest.fixture
def worker_app(database_url, own_redis):
    app = create_app({**base_config(database_url), "REDIS_URL": own_redis.url, "JOBS_IN_PROCESS": False,
                      "HEALTH_MAX_AGE": 15})
    with app.app_context():
        yield app
        db.session.rollback()
        db.engine.dispose()


def start_worker(database_url: str, redis_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "test"}
    flask = str(Path(sys.executable).with_name("flask"))
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([flask, "--app", "app", "worker"], cwd=ROOT, env=env, stdout=output,
                                stderr=subprocess.STDOUT)


def tail(log: Path) -> str:
    """The end of the worker's log, for the failure message."""
    return log.read_text()[-4000:]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_periodic_jobs_run_again_within_a_minute_after_redis_comes_back(worker_app, database_url, own_redis,
                                                                        tmp_path):
    client = worker_app.test_client()
    before = refreshed_at()
    log = tmp_path / "worker.log"
    worker = start_worker(database_url, own_redis.url, log)
    try:
        assert wait_for(lambda: refreshed_at() not in (None, before), 60), "the facts were never refreshed"
        assert wait_for(lambda: client.get("/health").status_code == 200, 30), client.get("/health").get_json()

        own_redis.stop()
        stopped = time.monotonic()
        last_before_outage = refreshed_at()
        stale = None
        while time.monotonic() - stopped < 20:
            response = client.get("/health")
            if response.status_code == 503 and any("Faits des tableaux de bord périmés" in r
                                                   for r in response.get_json()["reasons"]):
                stale = response.get_json()["reasons"]
            time.sleep(1)
        assert stale is not None, "/health never said the facts were stale during the outage"
        assert "Redis ne répond pas : les tâches périodiques ne tournent pas." in stale
        assert worker.poll() is None, "the worker ended during the outage:\n" + tail(log)

        own_redis.start()
        back = time.monotonic()
        assert wait_for(lambda: refreshed_at() > last_before_outage, 60), "no refresh after Redis came back\n" + tail(log)
        assert time.monotonic() - back < 60
        assert wait_for(lambda: client.get("/health").status_code == 200, 30), client.get("/health").get_json()
        assert worker.poll() is None and children(worker.pid), "the worker or its scheduler is gone\n" + tail(log)
    finally:
        stop(worker)
    assert worker.returncode == 0


def test_a_killed_scheduler_is_restarted_by_its_worker(worker_app, database_url, own_redis, tmp_path):
    worker = start_worker(database_url, own_redis.url, tmp_path / "worker.log")
    connection = Redis.from_url(own_redis.url)
    try:
        assert wait_for(lambda: len(children(worker.pid)) >= 1 and connection.get("relais:cron:leader"), 30)
        scheduler = connection.get("relais:cron:leader").decode()
        pid = int(scheduler.split(":")[1])
        os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: (connection.get("relais:cron:leader") or b"").decode() not in ("", scheduler), 60)
        assert worker.poll() is None
    finally:
        stop(worker)


def _die_at_once():
    os._exit(3)


def test_a_scheduler_that_keeps_dying_stops_the_worker_instead_of_leaving_it_alone():
    import multiprocessing

    def start():
        process = multiprocessing.get_context("spawn").Process(target=_die_at_once)
        process.start()
        return process

    gave_up = []
    watchdog = CronWatchdog(start, give_up=lambda: gave_up.append(True), every=0.05)
    watchdog.start()
    watchdog.join(60)
    assert gave_up == [True] and watchdog.gave_up
    assert len(watchdog.deaths) == MAX_RESTARTS + 1


def test_the_scheduler_retries_an_unreachable_redis_with_a_growing_backoff():
    cron = build_cron(Redis(port=free_port(), socket_connect_timeout=0.2), [])
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 6:
            raise StopRequested()

    keep_cron_running(cron, sleep=sleep)
    assert waits == [1, 2, 4, 8, 10, 10]
