"""With PostgreSQL down, every page answers the French error page (503), never a bare English 500.

The test starts its own PostgreSQL (initdb + pg_ctl on a free port in a temporary directory), signs an
agent in while it runs, stops it, then asks for every page: the shared database is never touched.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from glob import glob
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.conftest import IN_CI, PASSWORD, base_config, sign_in

TITLE = "Service momentanément indisponible"


def _pg_bin(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnPostgres:
    """A throw-away PostgreSQL cluster of this test (run as `postgres` when the tests run as root)."""

    def __init__(self, directory):
        self.directory, self.data, self.port = directory, directory / "data", _free_port()
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(directory, "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.running = False

    def _run(self, *args):
        done = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"),
                  "-w", "start")
        self.running = True

    def stop(self):
        if self.running:
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False


@contextmanager
def app_on_own_postgres():
    """(app, server): an app on a PostgreSQL of this test alone, migrated and running; removed at the end.
    Without initdb/pg_ctl the test is skipped (a failure in CI)."""
    if not (_pg_bin("initdb") and _pg_bin("pg_ctl")):
        if IN_CI:
            pytest.fail("initdb/pg_ctl are required in CI")
        pytest.skip("initdb/pg_ctl not installed")
    directory = Path(tempfile.mkdtemp(prefix="relais-pg-"))  # not under pytest's root-only directory
    server = OwnPostgres(directory)
    server.start()
    try:
        app = create_app(base_config(server.url) | {"PROPAGATE_EXCEPTIONS": False})
        with app.app_context():
            upgrade()
        yield app, server
        with app.app_context():
            db.engine.dispose()  # the pooled connections die with the server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def stopped_postgres_app():
    """An app whose PostgreSQL is stopped, and a client signed in as an admin before it stopped."""
    with app_on_own_postgres() as (app, server):
        with app.app_context():
            from app.auth.services import create_agent

            create_agent("admin-panne", "admin", PASSWORD, name="Admin Panne")
            db.session.commit()
        admin = app.test_client()
        assert sign_in(admin, "admin-panne").status_code == 302
        server.stop()
        with app.app_context():
            db.engine.dispose()  # the pooled connections died with the server
        yield app, admin


def _pages(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "main.health", "main.health_live", "main.favicon"):
            continue
        values = {arg: "channels" if arg == "kind" else ("csv" if arg == "fmt" else 1) for arg in rule.arguments}
        try:
            urls.append(rule.build(values, append_unknown=False)[1])
        except Exception:  # noqa: BLE001 - a rule whose converter refuses the sample (e.g. an action name)
            continue
    return urls


def _assert_unavailable_page(response, url):
    body = response.get_data(as_text=True)
    assert response.status_code == 503, (url, response.status_code)
    assert TITLE in body and 'lang="fr"' in body, url
    assert "Internal Server Error" not in body and response.headers["Retry-After"] == "30", url


def test_every_page_answers_the_french_error_page_when_the_database_is_down(stopped_postgres_app):
    app, admin = stopped_postgres_app
    pages = _pages(app)
    assert len(pages) > 30 and "/tickets/import" in pages
    for url in pages:
        if url.startswith("/api/"):  # JSON 503 there: tests/api/test_json_errors.py
            continue
        _assert_unavailable_page(admin.get(url), url)
    _assert_unavailable_page(admin.post("/tickets/new?anonymous=1", data={"procedure_id": "1"}), "POST ticket")
    stranger = app.test_client()
    _assert_unavailable_page(sign_in(stranger, "admin-panne"), "sign-in")
    health = stranger.get("/health")
    assert health.status_code == 503 and health.get_json()["database"] == "error"
    live = stranger.get("/health/live")
    assert live.status_code == 503 and live.get_json()["database"] == "error"


@pytest.fixture
def own_postgres_app():
    """An app on a PostgreSQL of this test, running, with an admin and a counter agent signed in."""
    with app_on_own_postgres() as (app, server):
        with app.app_context():
            from app.auth.services import create_agent
            from app.channels.reference import load_reference

            load_reference()
            create_agent("admin-panne", "admin", PASSWORD, name="Admin Panne")
            create_agent("guichet-panne", "counter_agent", PASSWORD, name="Guichet Panne", site_code="mairie-02")
            db.session.commit()
        clients = {}
        for login in ("admin-panne", "guichet-panne"):
            clients[login] = app.test_client()
            assert sign_in(clients[login], login).status_code == 302
        yield app, server, clients


FORMS = [  # (who, URL, form): the forms people post, searches of residents included
    ("admin-panne", "/audit/", {"resident": "Martin"}),
    ("admin-panne", "/privacy/", {"q": "Martin"}),
    ("guichet-panne", "/contacts/search", {"q": "Martin"}),
    ("guichet-panne", "/contacts/quick", {"last_name": "Martin", "first_name": "Lou"}),
    ("guichet-panne", "/tickets/new?anonymous=1", {"status": "closed"}),
]


def test_forms_posted_while_postgresql_stops_and_starts_get_the_french_page_then_work_again(own_postgres_app):
    app, server, clients = own_postgres_app
    for who, url, data in FORMS:  # the pool holds live connections when the server goes
        assert clients[who].post(url, data=data).status_code < 500, url
    for _round in range(2):
        server.stop()
        for who, url, data in FORMS:
            _assert_unavailable_page(clients[who].post(url, data=data), f"POST {url}")
        server.start()
        for who, url, data in FORMS:
            response = clients[who].post(url, data=data)
            assert response.status_code in (200, 302, 400), (url, response.status_code)
            assert "Service momentanément indisponible" not in response.get_data(as_text=True), url


def test_the_database_going_away_during_a_request_still_ends_on_a_french_page(own_postgres_app):
    """The server stops after the request's transaction began: closing the session at teardown fails, and
    must not turn the answer into an English « Internal Server Error »."""
    from app.channels.models import Site

    app, server, clients = own_postgres_app
    original = app.view_functions["privacy.index"]

    def outage():
        db.session.execute(db.select(Site.id).limit(1)).all()  # a transaction is open on a pooled connection
        server.stop()
        return "lu avant la panne"

    app.view_functions["privacy.index"] = outage  # the app has served requests: no new route may be added
    try:
        response = clients["admin-panne"].post("/privacy/")
    finally:
        app.view_functions["privacy.index"] = original
    assert response.status_code == 200 and response.get_data(as_text=True) == "lu avant la panne"
    server.start()
    assert clients["admin-panne"].post("/audit/", data={"resident": "Martin"}).status_code == 200
