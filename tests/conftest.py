"""Fixtures: the app, a database per test (rolled back), clients signed in per role, Redis.

The schema is built once from the migrations. Each test runs inside a transaction
that is rolled back; code that commits only releases a savepoint.
Set TEST_DATABASE_URL to run the suite on PostgreSQL (default: a SQLite file).

Redis: the suite starts a redis-server of its own on a free port (no persistence) and points
TEST_REDIS_URL and E2E_REDIS_URL at it, so the tests that flush a Redis database only ever flush
theirs; nobody's Redis on 127.0.0.1:6379 is touched. Without the redis-server program the URLs given
in the environment are used as they are (a failure in CI: tests would flush a shared server).
"""

import contextvars
import os
import re
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.extensions import db

PASSWORD = "mot-de-passe-test"
IN_CI = os.environ.get("CI", "").lower() == "true"
_OWN_REDIS: list[subprocess.Popen] = []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_own_redis() -> str | None:
    """Start a redis-server of this test run alone; its base URL, or None without the program."""
    program = shutil.which("redis-server")
    if program is None:
        return None
    port = _free_port()
    process = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--databases", "16"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _OWN_REDIS.append(process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return f"redis://127.0.0.1:{port}"
        time.sleep(0.05)
    raise RuntimeError("the test run's own redis-server did not start")


def pytest_configure(config):
    """Before anything is collected: the run's own Redis (each xdist worker gets its own)."""
    base = _start_own_redis()
    if base is None:
        if IN_CI:
            raise pytest.UsageError("redis-server is required in CI: the tests must not flush a shared Redis")
        return
    os.environ["TEST_REDIS_URL"] = base + "/15"
    os.environ["E2E_REDIS_URL"] = base + "/6"


def pytest_unconfigure(config):
    for process in _OWN_REDIS:
        process.kill()
        process.wait()


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "relais-test.sqlite3")


def base_config(database_url: str) -> dict:
    """Configuration shared by every test app."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_FAST": True,
        "JOBS_IN_PROCESS": True,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "RATELIMIT_ENABLED": False,
        "HEALTH_STARTUP_GRACE": 0,  # /health says « démarrage » for a while after start (tests/test_health.py)
    }


def _reset_schema(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The test database, its schema built once from the migrations."""
    url = _database_url(tmp_path_factory)
    _reset_schema(create_app(base_config(url)))
    return url


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context (own `g`, own session), as in production.

    The test's own app context stays pushed for the test's database work; without this, Flask
    would reuse it for every request and share `g` and the session between requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url):
    """A fresh application on the test database."""
    app = create_app(base_config(database_url))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _db_transaction(request, database_url):
    """Run the test inside a transaction rolled back at the end (not for e2e tests)."""
    if "app" not in request.fixturenames or request.node.get_closest_marker("e2e"):
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False),
        scopefunc=_app_ctx_id,
    )
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        db.session.remove()
        ctx.pop()
        db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_agent(app):
    """Create an agent: make_agent("counter_agent", site_code="mairie-02", login=...)."""
    from app.auth.services import create_agent

    def _make(role: str, site_code: str | None = None, login: str | None = None, name: str | None = None):
        login = login or f"{role[:8]}-{uuid.uuid4().hex[:6]}"
        agent = create_agent(login, role, PASSWORD, name=name or login, site_code=site_code)
        db.session.commit()
        return agent

    return _make


def sign_in(client, login: str, password: str = PASSWORD):
    """Post the sign-in form; returns the response."""
    return client.post("/auth/login", data={"login": login, "password": password})


DEFAULT_SITES = {
    "counter_agent": "mairie-02",
    "operator_3975": "plateforme-3975",
    "facil_familles": "facil-familles",
}


@pytest.fixture
def client_as(app, make_agent):
    """A test client signed in as a new agent of `role` (home site where the role has one and it exists)."""
    from app.channels.models import Site

    def _client(role: str, site_code: str | None = None):
        site_code = site_code or DEFAULT_SITES.get(role)
        if site_code and db.session.execute(db.select(Site.id).where(Site.code == site_code)).first() is None:
            site_code = None
        agent = make_agent(role, site_code=site_code)
        c = app.test_client()
        response = sign_in(c, agent.login)
        assert response.status_code == 302, response.get_data(as_text=True)
        c.agent = agent
        return c

    return _client


def _redis_or_skip(url: str):
    from redis import Redis
    from redis.exceptions import RedisError

    conn = Redis.from_url(url, socket_connect_timeout=1)
    try:
        conn.ping()
    except (RedisError, OSError) as exc:
        if IN_CI:
            pytest.fail(f"Redis is required in CI but does not answer at {url}: {exc}")
        pytest.skip(f"no Redis at {url}")
    return conn


@pytest.fixture
def redis_conn(app):
    """The real Redis, on its own database number, emptied before and after the test."""
    conn = _redis_or_skip(app.config["REDIS_URL"])
    conn.flushdb()
    yield conn
    conn.flushdb()


def text_of(response) -> str:
    """The response body as text with tags removed and spaces collapsed (what a reader sees)."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def reference(app):
    """The shipped reference data (channels, sites, devices, procedures), loaded in the test's transaction."""
    from app.channels.reference import load_reference

    load_reference()
    db.session.commit()
