"""The operator's grep: card numbers sent through every path of a served instance, then searched everywhere.

A production-like stack of this test alone — gunicorn with the production configuration of `deploy/`, a
real RQ worker, its own redis-server on a free port and its own database (a SQLite file, or a PostgreSQL
database created and dropped by the test when TEST_DATABASE_URL is set) — receives card numbers in many
spellings through the sign-in form, every form of every role (the header search and the ticket's caller
search included), query strings and paths, the REST API (fields, filters, a card as bearer token), the
phone system's CTI fields (callId included), the ticket, catalogue and training imports (contents and
file names). Then, as an operator would: every row of every table, the access log, the server's and the
worker's logs, and every Redis key and value (RQ payloads decompressed) are searched — after
URL-decoding and Unicode normalisation, with all spacing removed — for the digits of every number sent,
and for the secret tokens. None may be found.
"""

import io
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import MetaData, create_engine, select

from tests.conftest import IN_CI, PASSWORD
from tests.privacy.leaks import digits_of, readable, redis_texts
from tests.security.crawl import forms_of, pages_for
from tests.security.expectations import SIGNED_IN
from tests.security.test_bad_input import SKIPPED_ACTIONS
from tests.security.test_cards_not_shown_back import TYPED, form_values
from tests.test_worker_faults import RedisServer, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
# Luhn- and issuer-valid numbers, each sent in its own spellings (pairs, odd separators, other scripts).
CARDS = {
    "5121035180661216": ["51 21 03 51 80 66 12 16", "5121|0351|8066|1216"],
    "4970100000000063": ["carte 4970 1000 0000 0063 exp 12/27 cvv 123", "4970+1000~0000#0063"],
    "378282246310005": ["3782 822463 10005", "37 82 82 24 63 10 00 5"],
    "6011111111111117": ["６０１１ １１１１ １１１１ １１１７", "6011)(1111)(1111)(1117"],
    "3530111333300000": ["3530     1113     3330     0000", "353'011'133'330'000'0"],
    "4222222222222": ["4222222222222", "4 2 2 2 2 2 2 2 2 2 2 2 2"],
}
SPELLINGS = [spelling for spellings in CARDS.values() for spelling in spellings]


def findings(units, secrets_sent) -> list[str]:
    """Each unit (where, text) that holds the digits of a card sent or a secret, as 'where: what'."""
    found = []
    for where, text in units:
        plain = readable(text)
        digits = digits_of(plain)
        found += [f"{where}: card {number[:4]}…" for number in CARDS if number in digits]
        found += [f"{where}: secret {secret[:4]}…" for secret in secrets_sent if secret in plain or secret in text]
    return found


# ------------------------------------------------------------------------------------------- the stack


def _database(tmp_path: Path):
    """(URL of a database of this test alone, how to drop it)."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        return "sqlite:///" + str(tmp_path / "grep.sqlite3"), lambda: None
    import psycopg

    name = f"relais_grep_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(test_url)
    admin = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", test_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment)), drop


def _prepare(database_url: str, redis_url: str) -> dict:
    """Schema, reference data, one agent per role, the matrix's sample records and two tokens."""
    from app import create_app
    from app.api.tokens import create_token
    from app.auth.services import create_agent
    from app.channels.reference import load_reference
    from app.extensions import db
    from tests.security.conftest import build_samples

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "TESTING": False,
                      "SECRET_KEY": "grep-test"})
    with app.app_context():
        load_reference()
        logins = {}

        def make_agent(role, site_code=None, login=None, name=None):
            login = login or f"grep-{role}"
            agent = create_agent(login, role, PASSWORD, name=login, site_code=site_code)
            db.session.commit()
            return agent

        sites = {"counter_agent": "mairie-02", "operator_3975": "plateforme-3975", "facil_familles": "facil-familles"}
        for role in SIGNED_IN:
            logins[role] = make_agent(role, site_code=sites.get(role)).login
        samples = build_samples(make_agent)
        api_token = create_token("Grep API", "tickets:write residents:read calls:read reports:run".split(),
                                 all_sites=True)[1]
        cti_token = create_token("Grep CTI", ["cti"], sites=["plateforme-3975"])[1]
        db.session.commit()
        pages = {role: pages_for(app, role, samples) for role in SIGNED_IN}
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()  # no pooled connection left to a database the test drops at the end
    return {"logins": logins, "samples": samples, "api_token": api_token, "cti_token": cti_token, "pages": pages}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is required in CI")
        pytest.skip("redis-server is not installed")
    tmp = tmp_path_factory.mktemp("grep")
    redis = RedisServer(free_port())
    redis.start()
    database_url, drop_database = _database(tmp)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis.url, "SECRET_KEY": "grep-test",
           "FLASK_APP": "app", "PYTHONUNBUFFERED": "1", "RELAIS_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "RELAIS_THREADS": "4", "RELAIS_ACCESS_LOG": str(tmp / "access.log"), "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    logs = {name: tmp / f"{name}.log" for name in ("server", "worker", "setup")}
    procs, outputs = [], []
    try:
        with logs["setup"].open("w") as out:
            subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                           stdout=out, stderr=subprocess.STDOUT, timeout=300)
        prepared = _prepare(database_url, redis.url)
        outputs = [logs["server"].open("w"), logs["worker"].open("w")]
        procs.append(subprocess.Popen([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env,
                                      stdout=outputs[0], stderr=subprocess.STDOUT))
        procs.append(subprocess.Popen([str(BIN / "flask"), "--app", "app", "worker"], cwd=ROOT, env=env,
                                      stdout=outputs[1], stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: _answers(base), 90), logs["server"].read_text()[-3000:]
        yield {**prepared, "base": base, "redis": redis, "database_url": database_url, "procs": procs,
               "logs": [tmp / "access.log", *logs.values()]}
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        for output in outputs:
            output.close()
        redis.stop()
        drop_database()


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/health/live", timeout=2).status_code == 200
    except requests.RequestException:
        return False


# ----------------------------------------------------------------------------------------- the paths


def _signed_in(stack, role: str) -> requests.Session:
    session = requests.Session()
    page = session.get(stack["base"] + "/auth/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    response = session.post(stack["base"] + "/auth/login", allow_redirects=False,
                            data={"csrf_token": token, "login": stack["logins"][role], "password": PASSWORD})
    assert response.status_code == 302, f"sign-in as {role}: {response.status_code}"
    return session


def _every_form(stack, session, role: str, answers: list) -> None:
    """Each distinct form of the role's pages, once per spelling (forms are read again for a fresh token)."""
    base, seen = stack["base"], set()
    for url in stack["pages"][role]:
        page = session.get(base + url)
        if "text/html" not in page.headers.get("Content-Type", ""):
            continue
        for form in forms_of(url, page.text):
            if form.key in seen or form.action in SKIPPED_ACTIONS or "multipart" in form.enctype:
                continue
            if not any(f.kind in TYPED for f in form.fields):
                continue
            seen.add(form.key)
            for spelling in SPELLINGS:
                values = form_values(form, spelling)
                target = base + form.action
                if form.method == "GET":
                    response = session.get(target.split("?")[0], params=values)
                else:
                    response = session.post(target, data=values)
                answers.append((f"{form.method} {form.action} as {role}", response))


def _imports(stack, session, answers: list) -> None:
    """The admin's uploads: a ticket history, the catalogue, training sessions, each named after a card."""
    base = stack["base"]
    for path, body in (
        ("/tickets/import", "external_ref;opened_at;channel;site;notes\nGREP-1;2016-11-03 10:00;counter;mairie-02;{}\n"),
        ("/admin/reference/procedures/import", "code;label;owner;domain\ngrep;{};city;autre\n"),
        ("/training/import", "login;module;trained_on\n{};facilitation;2026-01-05\n"),
    ):
        for spelling in SPELLINGS[:4]:
            page = session.get(base + path)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
            files = {"file": (f"export {spelling}.csv", io.BytesIO(body.format(spelling).encode()), "text/csv")}
            answers.append((f"POST {path}", session.post(base + path, data={"csrf_token": token}, files=files)))


def _api_and_phone(stack, answers: list) -> None:
    base, api = stack["base"], {"Authorization": "Bearer " + stack["api_token"]}
    for spelling in SPELLINGS:
        for name in ("phone", "email", "account_ref", "q", "name"):
            answers.append(("GET /api/v1/residents", requests.get(base + "/api/v1/residents", headers=api,
                                                                   params={name: spelling})))
        ticket = {"agent_login": spelling, "channel": "counter", "site": "mairie-02", "anonymous": True,
                  "notes": spelling, "procedure": spelling, "call_id": spelling, "external_ref": spelling,
                  "requested_service_text": spelling, "family_number": spelling}
        answers.append(("POST /api/v1/tickets", requests.post(base + "/api/v1/tickets", headers=api, json=ticket)))
        answers.append(("bearer card", requests.get(base + "/api/v1/calls", headers={"Authorization": ("Bearer " + spelling).encode()})))
        answers.append(("GET path", requests.get(base + "/api/v1/tickets/" + quote(spelling), headers=api)))
        cti = base + "/api/v1/cti/" + stack["cti_token"]
        for event in ("newCall", "answer", "hangup"):
            data = {"event": event, "callId": spelling, "direction": "in", "from": spelling, "to": "3975",
                    "user[]": spelling, "answeringNumber": spelling, "cause": "normalClearing", "queue": spelling}
            answers.append((f"CTI {event}", requests.post(cti, data=data)))
        answers.append(("CTI token card", requests.post(base + "/api/v1/cti/" + quote(spelling), data={"event": "newCall"})))


def _anonymous(stack, answers: list) -> None:
    base = stack["base"]
    for spelling in SPELLINGS:
        session = requests.Session()
        page = session.get(base + "/auth/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        answers.append(("sign-in", session.post(base + "/auth/login", data={"csrf_token": token, "login": spelling,
                                                                            "password": spelling})))
        answers.append(("path", requests.get(base + "/contacts/" + quote(spelling))))
        answers.append(("query", requests.get(base + "/auth/login", params={"next": spelling, "q": spelling})))


def _query_strings(stack, session, role: str, answers: list) -> None:
    """A card in the query string and the path of the role's list pages (filters by name, searches)."""
    base = stack["base"]
    for url in stack["pages"][role][:12]:
        spelling = SPELLINGS[len(answers) % len(SPELLINGS)]
        answers.append((f"GET {url}?…", session.get(base + url.split("?")[0],
                                                    params={"q": spelling, "name": spelling, "after": spelling})))


# ------------------------------------------------------------------------------------------ the grep


def _table_units(database_url: str):
    engine = create_engine(database_url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in zip(table.columns.keys(), row, strict=True):
                    if value is not None:
                        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                        yield f"{table.name}.{column}", text
    engine.dispose()


def _log_units(paths):
    for path in paths:
        if path.exists():
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                yield f"{path.name}:{number}", line


def _redis_units(redis: RedisServer):
    from redis import Redis

    for db_number in range(16):
        conn = Redis.from_url(redis.url.rsplit("/", 1)[0] + f"/{db_number}")
        yield from ((f"redis db {db_number}", text) for text in redis_texts(conn))


def test_no_card_number_nor_token_anywhere_after_every_path(stack):
    answers = []
    _anonymous(stack, answers)
    for role in SIGNED_IN:
        session = _signed_in(stack, role)
        _every_form(stack, session, role, answers)
        _query_strings(stack, session, role, answers)
        if role == "admin":
            _imports(stack, session, answers)
    _api_and_phone(stack, answers)

    errors = [f"{where}: {response.status_code}" for where, response in answers if response.status_code >= 500]
    assert errors == [], errors[:20]
    shown = findings(((where, response.text) for where, response in answers), [])
    assert shown == [], shown[:20]

    assert wait_for(lambda: not stack["redis"].answers() or _queues_empty(stack["redis"]), 60)
    for proc in stack["procs"]:
        proc.terminate()
        proc.wait(timeout=20)  # the logs are complete once the processes have ended
    secrets = [stack["api_token"], stack["cti_token"]]
    stored = findings(_table_units(stack["database_url"]), secrets)
    assert stored == [], stored[:20]
    logged = findings(_log_units(stack["logs"]), secrets)
    assert logged == [], logged[:20]
    kept = findings(_redis_units(stack["redis"]), secrets)
    assert kept == [], kept[:20]


def _queues_empty(redis: RedisServer) -> bool:
    from redis import Redis

    conn = Redis.from_url(redis.url)
    return all(conn.llen(key) == 0 for key in conn.scan_iter("rq:queue:*"))


def test_the_grep_finds_what_it_looks_for():
    """The search can fail: a card in pairs behind URL-encoding, a full-width one, a token."""
    assert findings([("log", "GET /contacts/?q=51+21+03+51%2080%2066%2012%2016")], []) == ["log: card 5121…"]
    assert findings([("row", "６０１１ １１１１ １１１１ １１１７")], []) == ["row: card 6011…"]
    assert findings([("redis", "key:abcdef-secret")], ["abcdef-secret"]) == ["redis: secret abcd…"]
    assert findings([("row", "[numéro de carte masqué] 06 12 34 56 78")], []) == []
