"""The web server's logs hold no card number, token or personal value from a URL: the production
configuration (`gunicorn -c deploy/gunicorn.conf.py`) and `make run`'s server (scripts/run.sh) run for
real on a free port, get requests carrying them in query strings, paths, a Referer and headers, and
their access and error logs are then read after URL-decoding."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import _reset_schema, base_config
from tests.privacy.card_corpus import VISA
from tests.privacy.leaks import leaks

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
TOKEN = "cti" + uuid.uuid4().hex + "Q7"
BEARER = "api" + uuid.uuid4().hex
PHONE = "0612345678"
NAMES = ["Dupont", "Jeanne", "jeanne.dupont@example.fr"]
# (method, path, headers): what agents, browsers and the phone system send.
REQUESTS = [
    ("GET", "/contacts/?q=Jeanne+Dupont&phone=06+12+34+56+78", {}),
    ("GET", "/tickets/?q=4111+1111+1111+1111&status=open", {}),
    ("GET", "/tickets/4111%201111%201111%201111", {}),
    ("GET", f"/tickets/{VISA}/edit", {}),
    ("GET", f"/api/v1/residents?phone={PHONE}", {"Authorization": f"Bearer {BEARER}"}),
    ("GET", "/api/v1/residents?email=jeanne.dupont%40example.fr", {"Authorization": f"Bearer {BEARER}"}),
    ("POST", f"/api/v1/cti/{TOKEN}?callId={VISA}&from={PHONE}", {}),
    ("POST", f"/api/v1/cti/{TOKEN}", {}),
    ("GET", "/auth/login", {"Referer": "http://relais.test/contacts/?q=Dupont%20Jeanne",
                            "User-Agent": "Poste 4111 1111 1111 1111"}),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_database(tmp_path_factory, database_url):
    """The server's own database (a refused token is audited and committed): a copy of the migrated SQLite
    test database, or a SQLite database migrated here when the suite runs on PostgreSQL."""
    path = tmp_path_factory.mktemp("server-db") / "relais.sqlite3"
    if database_url.startswith("sqlite:///"):
        source, copy = sqlite3.connect(database_url.removeprefix("sqlite:///")), sqlite3.connect(path)
        source.backup(copy)
        source.close()
        copy.close()
    else:
        _reset_schema(create_app(base_config(f"sqlite:///{path}")))
    return f"sqlite:///{path}"


def _wait_for(port: int, process: subprocess.Popen, errors: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn ended with {process.returncode}: {errors.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not listen within 60 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # one request, one access-log line: a redirect is answered, not followed


def _send(port: int) -> None:
    opener = urllib.request.build_opener(_NoRedirect)
    for method, path, headers in REQUESTS:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, headers=headers,
                                         data=b"event=newCall&callId=1" if method == "POST" else None)
        try:
            opener.open(request, timeout=30).close()
        except urllib.error.HTTPError as answer:
            assert answer.code < 500, (path, answer.code)


def _run_server(arguments: list[str], environment: dict, logs: Path) -> tuple[str, str]:
    """Start gunicorn, send REQUESTS, stop it (its workers finish their lines), return (access, error) logs."""
    errors = logs / "error.log"
    with open(errors, "wb") as stderr:
        process = subprocess.Popen([str(GUNICORN), *arguments], cwd=ROOT, env=environment,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            _wait_for(int(environment["PORT"]), process, errors)
            _send(int(environment["PORT"]))
        finally:
            process.terminate()
            process.wait(60)
    return (logs / "access.log").read_text(encoding="utf-8"), errors.read_text(encoding="utf-8")


def _environment(server_database: str, port: int) -> dict:
    return os.environ | {
        "PORT": str(port), "PYTHONPATH": str(ROOT), "RELAIS_ENV": "production", "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "DATABASE_URL": server_database, "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
    }


def _deploy_arguments(environment: dict, logs: Path) -> list[str]:
    environment.update({"RELAIS_BIND": f"127.0.0.1:{environment['PORT']}", "WEB_CONCURRENCY": "1",
                        "RELAIS_THREADS": "2", "RELAIS_ACCESS_LOG": str(logs / "access.log"), "RELAIS_ERROR_LOG": "-"})
    return ["-c", "deploy/gunicorn.conf.py", "--no-control-socket"]  # no socket shared with another gunicorn


def test_the_production_servers_logs_hold_no_card_number_token_or_query_value(server_database, tmp_path):
    environment = _environment(server_database, _free_port())
    access, errors = _run_server(_deploy_arguments(environment, tmp_path), environment, tmp_path)
    lines = access.splitlines()
    assert len(lines) == len(REQUESTS)  # every request is logged, and only as masked
    assert '"GET /contacts/?q=…&phone=… HTTP/1.1"' in access
    assert '"GET /tickets/[carte] HTTP/1.1"' in access and '"GET /tickets/[carte]/edit HTTP/1.1"' in access
    assert '"GET /api/v1/residents?phone=… HTTP/1.1"' in access
    assert '"POST /api/v1/cti/[jeton]?callId=…&from=… HTTP/1.1" 401' in access
    assert '"http://relais.test/contacts/?q=…"' in access  # the Referer
    assert leaks([access, errors], [VISA, PHONE], [TOKEN, BEARER, *NAMES]) == []


def test_make_run_serves_with_the_same_masking_logger_as_production():
    script = (ROOT / "scripts" / "run.sh").read_text().replace("\\\n", " ")
    [command] = re.findall(r"^\$BIN/gunicorn (.+?) &$", script, re.MULTILINE)
    config = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "--access-logfile -" in command and "--logger-class app.web.accesslog.MaskingLogger" in command
    assert 'logger_class = "app.web.accesslog.MaskingLogger"' in config
