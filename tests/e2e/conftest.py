"""End-to-end fixtures: the real server (gunicorn) and worker (RQ) on a database of their own, and Chromium.

The server is started once per session on 127.0.0.1:5106 against a dedicated database (a SQLite file
in a temporary directory, or the PostgreSQL database `relais_e2e` when TEST_DATABASE_URL is set),
migrated and loaded with the demo data by the real CLI. Each test gets a fresh browser context whose
Playwright trace, and a screenshot, are kept under `test-results/e2e/<test>/` when it fails.

Without /usr/bin/chromium the tests are skipped (a failure when CI=true); without Redis the server
still runs (jobs in-process) but the tests that need the real worker are skipped (a failure in CI).

Environment: TEST_DATABASE_URL (PostgreSQL pass), E2E_REDIS_URL (default redis://127.0.0.1:6379/6,
flushed at start), E2E_UPDATE_SCREENSHOTS=1 (write the README's pictures to docs/screenshots/), CI.
Outputs under test-results/e2e/: per failing test a screenshot and a trace (`playwright show-trace
trace.zip`), the server, worker and CLI logs, each page's axe-core findings, the screenshots.
"""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.helpers import RESULTS_DIR, ROOT, format_violations, run_axe, sign_in

BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--lang=fr-FR",  # the agents' browsers are French: date fields read jj/mm/aaaa
]
HOST, PORT = "127.0.0.1", int(os.environ.get("E2E_PORT", "5106"))
BASE_URL = f"http://{HOST}:{PORT}"
E2E_REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/6")
E2E_DATABASE = os.environ.get("E2E_DATABASE", "relais_e2e")
IN_CI = os.environ.get("CI", "").lower() == "true"
DESKTOP = {"width": 1280, "height": 800}
DEFAULT_TIMEOUT_MS = 10_000


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e/ is an e2e test (marker `e2e`)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ---------------------------------------------------------------- the database


def _postgres_urls(test_url: str) -> tuple[str, str]:
    """(admin URL: the test database itself, URL of the e2e database on the same server).

    The e2e database is `relais_e2e`, or `relais_e2e_server` when TEST_DATABASE_URL already names
    `relais_e2e` (the unit tests keep their database; the server gets its own).
    """
    parts = urlsplit(test_url)
    name = E2E_DATABASE if parts.path.strip("/") != E2E_DATABASE else E2E_DATABASE + "_server"
    e2e = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    return test_url, e2e


def _recreate_postgres_database(admin_url: str, e2e_url: str) -> None:
    import psycopg

    name = urlsplit(e2e_url).path.strip("/")
    plain = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", admin_url)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _e2e_database_url(tmp_dir: Path) -> str:
    test_url = os.environ.get("TEST_DATABASE_URL")
    if test_url:
        _recreate_postgres_database(*_postgres_urls(test_url))
        return _postgres_urls(test_url)[1]
    return "sqlite:///" + str(tmp_dir / "relais-e2e.sqlite3")


def _redis_answers(url: str) -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        conn = Redis.from_url(url, socket_connect_timeout=1)
        conn.ping()
        conn.flushdb()
        return True
    except (RedisError, OSError):
        return False


# ---------------------------------------------------------------- the server and the worker


class Server:
    """The running application: its URL, whether the real worker runs, its log files."""

    def __init__(self, base_url: str, worker_running: bool, log_dir: Path, env: dict):
        self.base_url = base_url
        self.worker_running = worker_running
        self.log_dir = log_dir
        self.env = env

    def cli(self, *args: str) -> None:
        """Run an operator command (`flask --app app ...`) against the server's database."""
        _run_cli(list(args), self.env, self.log_dir / "cli.log")

    def url(self, path: str) -> str:
        return self.base_url + path

    def logs(self) -> str:
        """The tail of the server's and worker's logs (for failure messages)."""
        out = []
        for name in ("server.log", "worker.log", "cli.log"):
            path = self.log_dir / name
            if path.exists():
                out.append(f"--- {name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-25:]))
        return "\n".join(out)


def _run_cli(args: list[str], env: dict, log: Path) -> None:
    with log.open("a") as out:
        result = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"`flask {' '.join(args)}` failed:\n{log.read_text()[-3000:]}")


def _port_is_free() -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex((HOST, PORT)) != 0


def _wait_for_health(proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(BASE_URL + "/health/live", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _stop(*procs: subprocess.Popen | None) -> None:
    """SIGTERM every process first, then wait for each (the worker's warm shutdown runs meanwhile)."""
    running = [p for p in procs if p is not None and p.poll() is None]
    for proc in running:
        proc.send_signal(signal.SIGTERM)
    for proc in running:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium (browsers cannot be downloaded here)."""
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory):
    """Migrate and load the demo data with the CLI, then run gunicorn and the RQ worker until the session ends."""
    if not _port_is_free():
        pytest.fail(f"port {PORT} is already in use: another end-to-end run, or a stray server?")
    tmp_dir = tmp_path_factory.mktemp("e2e")
    log_dir = RESULTS_DIR / "logs"  # kept after the run (the tmp dirs of pytest are recycled)
    log_dir.mkdir(parents=True, exist_ok=True)
    database_url = _e2e_database_url(tmp_dir)
    worker_wanted = _redis_answers(E2E_REDIS_URL)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": E2E_REDIS_URL,
        "SECRET_KEY": "e2e-secret-key-not-for-production",
        "RELAIS_ENV": "development",
        "FLASK_APP": "app",
        "PYTHONUNBUFFERED": "1",
    }
    setup_log = log_dir / "setup.log"
    setup_log.write_text("")
    _run_cli(["db", "upgrade"], env, setup_log)
    _run_cli(["demo", "load"], env, setup_log)

    server_log = (log_dir / "server.log").open("w")
    worker_log = (log_dir / "worker.log").open("w")
    server_proc = worker_proc = None
    try:
        server_proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"{HOST}:{PORT}", "--workers", "2", "--threads", "4",
             "--access-logfile", "-", "--logger-class", "app.web.accesslog.MaskingLogger", "app:create_app()"],
            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
        if worker_wanted:
            worker_proc = subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker"],
                                           cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT)
        _wait_for_health(server_proc, log_dir / "server.log")
        yield Server(BASE_URL, worker_wanted, log_dir, env)
    finally:
        _stop(worker_proc, server_proc)
        server_log.close()
        worker_log.close()


@pytest.fixture
def worker(server):
    """The real RQ worker: skip (fail in CI) when Redis does not answer."""
    if not server.worker_running:
        _skip_or_fail(f"no Redis at {E2E_REDIS_URL}: the real worker cannot run")
    return server


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


def _result_dir(item) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
    return RESULTS_DIR / name


class BrowserSession:
    """Opens browser contexts for one test (several when the test plays several agents)."""

    def __init__(self, browser, server, item):
        self.browser = browser
        self.server = server
        self.item = item
        self.contexts = []
        self.pages = []
        self.csp_violations: list[str] = []

    def new_page(self, viewport: dict | None = None, accept_downloads: bool = False, storage_state=None):
        """A page in a fresh context (own cookies, or `storage_state`'s), traced; CSP stays enforced."""
        context = self.browser.new_context(base_url=self.server.base_url, viewport=viewport or DESKTOP,
                                           locale="fr-FR", timezone_id="Europe/Paris",
                                           accept_downloads=accept_downloads, storage_state=storage_state)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
        page = context.new_page()
        page.on("console", self._on_console)
        self.contexts.append(context)
        self.pages.append(page)
        return page

    def _on_console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def close(self, failed: bool) -> None:
        out = _result_dir(self.item)
        if failed:
            out.mkdir(parents=True, exist_ok=True)
        for index, (context, page) in enumerate(zip(self.contexts, self.pages, strict=True)):
            suffix = f"-{index + 1}" if len(self.contexts) > 1 else ""
            try:
                if failed:
                    if not page.is_closed():
                        page.screenshot(path=str(out / f"failure{suffix}.png"), full_page=True)
                    context.tracing.stop(path=str(out / f"trace{suffix}.zip"))
                else:
                    context.tracing.stop()
            finally:
                context.close()


@pytest.fixture
def browser_session(browser, server, request):
    """Browser contexts for this test; on failure its screenshot(s) and trace(s) go to test-results/e2e/<test>/."""
    out = _result_dir(request.node)
    if out.exists():
        shutil.rmtree(out)
    session = BrowserSession(browser, server, request.node)
    yield session
    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed or bool(session.csp_violations)
    session.close(failed)
    if failed:
        print(f"\nEnd-to-end output kept in {out}\n{server.logs()}")
    # The app's Content-Security-Policy forbids inline scripts and styles: the browser must report no violation.
    assert not session.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(session.csp_violations)


@pytest.fixture
def page(browser_session):
    """A desktop page, signed out."""
    return browser_session.new_page()


@pytest.fixture(scope="session")
def signed_in_states():
    """The cookies of each demo agent once signed in through the form (sign-in is rate limited per address)."""
    return {}


@pytest.fixture
def page_as(browser_session, signed_in_states):
    """A page signed in as a demo agent: page_as("guichet", viewport=..., accept_downloads=...).

    The first time per run the agent signs in through the form; later pages reuse the session cookie.
    """

    def _page_as(login: str, viewport: dict | None = None, accept_downloads: bool = False):
        page = browser_session.new_page(viewport=viewport, accept_downloads=accept_downloads,
                                        storage_state=signed_in_states.get(login))
        if login not in signed_in_states:
            sign_in(page, login)
            signed_in_states[login] = page.context.storage_state()
        return page

    return _page_as


# ---------------------------------------------------------------- accessibility

BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture
def check_axe(request):
    """check_axe(page, "name"): no serious or critical axe-core violation; every finding is kept in
    test-results/e2e/axe/<name>.json for the record."""
    import json

    def _check(page, name: str) -> list[dict]:
        violations = run_axe(page)
        out = RESULTS_DIR / "axe"
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.json").write_text(json.dumps({"url": page.url, "violations": violations}, indent=2,
                                                     ensure_ascii=False))
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core: serious or critical violations on {name} ({page.url}):\n" + \
            format_violations(blocking)
        return violations

    return _check


