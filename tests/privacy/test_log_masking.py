"""No card number, CTI token or query value in what the application logs: records written through a real
file handler (messages, tracebacks, stacks), werkzeug's development server, SQL errors, and the RQ
worker's log and the failed job it keeps in Redis."""

import logging
import sys
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from rq import SimpleWorker
from rq.job import Job
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import make_server

from app.cards.detector import CARD_MASK
from app.cards.logmasking import TOKEN_MARK, install_record_masking, mask_url
from app.config import QUEUE_DEFAULT
from app.extensions import db
from app.jobs.queue import get_queue
from app.jobs.worker import RelaisWorker, build_worker
from tests.privacy.card_corpus import MUST_ACCEPT, MUST_REFUSE, VISA
from tests.privacy.leaks import leaks

TOKEN = "Zq3" + uuid.uuid4().hex  # what an integration token looks like in a CTI URL
SPELLINGS = pytest.mark.parametrize("spelling", list(MUST_REFUSE.values()), ids=list(MUST_REFUSE))


@pytest.fixture
def log_file(tmp_path):
    """A real file handler on the root logger at INFO, records masked as `create_app` sets them up; returns a
    function reading what was written."""
    install_record_masking()
    path = tmp_path / "relais.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: (handler.flush(), path.read_text(encoding="utf-8"))[1]
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


def _fail_with(detail: str):
    try:
        try:
            raise KeyError(f"dossier {detail}")
        except KeyError as inner:
            raise ValueError(f"paiement refusé pour {detail}") from inner
    except ValueError:
        logging.getLogger("app.test").exception("échec du paiement de %s", detail, stack_info=True)


@SPELLINGS
def test_a_logged_exception_holding_the_spelling_is_written_masked_traceback_and_stack_included(log_file, spelling):
    _fail_with(spelling)
    written = log_file()
    assert "Traceback" in written and "KeyError" in written and "Stack (most recent call last)" in written
    assert written.count(CARD_MASK) == 3  # the message and both exceptions of the chain
    assert leaks([written], [VISA]) == []


@pytest.mark.parametrize("look_alike", list(MUST_ACCEPT.values()), ids=list(MUST_ACCEPT))
def test_a_logged_exception_keeps_a_look_alike_as_it_is(log_file, look_alike):
    _fail_with(look_alike)
    written = log_file()
    assert f"paiement refusé pour {look_alike}" in written and CARD_MASK not in written


def test_flasks_record_of_a_failed_cti_request_names_the_route_without_its_token(app, log_file):
    with app.test_request_context(f"/api/v1/cti/{TOKEN}?callId={VISA}", method="POST"):
        try:
            raise RuntimeError(f"événement illisible sur /api/v1/cti/{TOKEN}")
        except RuntimeError:
            app.log_exception(sys.exc_info())
    written = log_file()
    assert f"Exception on /api/v1/cti/{TOKEN_MARK} [POST]" in written
    assert leaks([written], [VISA], [TOKEN]) == []


def test_werkzeugs_request_lines_hold_neither_query_values_nor_card_numbers_nor_tokens(app, log_file):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        for path in ("/contacts/?q=Dupont+Jeanne&phone=06%2012%2034%2056%2078", f"/tickets/{VISA}",
                     "/tickets/?q=4111%201111%201111%201111", "/api/v1/residents?phone=0612345678&email=j%40d.fr"):
            try:
                urllib.request.urlopen(base + path, timeout=10).close()  # noqa: S310 - our own local server
            except urllib.error.HTTPError:
                pass  # anonymous: 401 for the API, the sign-in page elsewhere
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    written = log_file()
    assert "GET /contacts/?q=…&phone=… HTTP/1.1" in written and "GET /tickets/[carte] HTTP/1.1" in written
    assert leaks([written], [VISA, "0612345678"], ["Dupont", "Jeanne", "j@d.fr"]) == []


def test_a_failed_statement_never_shows_its_values(app, log_file):
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(text("SELECT no_such_column FROM agents WHERE login = :login"), {"login": VISA})
    db.session.rollback()
    logging.getLogger("app.test").error("requête en échec", exc_info=failure.value)
    assert VISA not in str(failure.value) and "hide_parameters" in str(failure.value)
    assert all(engine.hide_parameters for engine in db.engines.values())
    assert VISA not in log_file()


def test_every_engine_hides_its_parameters_the_reports_replica_included(database_url):
    from app import create_app
    from tests.conftest import base_config

    replica = create_app(base_config(database_url) | {"SQLALCHEMY_BINDS": {"reports": database_url}})
    with replica.app_context():
        assert {key: engine.hide_parameters for key, engine in db.engines.items()} == {None: True, "reports": True}
        db.engine.dispose()
        db.engines["reports"].dispose()


def failing_job(detail: str) -> None:
    """A job whose exception holds a card number (as an import naming a refused value once did)."""
    raise ValueError(f"ligne refusée : {detail}")


class _InProcessRelaisWorker(RelaisWorker, SimpleWorker):
    """The production worker's failure handling, without forking a work horse."""


def test_a_failed_jobs_traceback_is_masked_in_the_worker_log_and_in_redis(app, redis_conn, log_file):
    job = get_queue(QUEUE_DEFAULT, connection=redis_conn).enqueue(failing_job, "4111 1111 1111 1111")
    build_worker(app, queues=[QUEUE_DEFAULT], worker_class=_InProcessRelaisWorker).work(burst=True)
    job = Job.fetch(job.id, connection=redis_conn)
    stored = job.latest_result().exc_string
    assert job.get_status() == "failed" and "ValueError: ligne refusée : " + CARD_MASK in stored
    written = log_file()
    assert "ValueError" in written
    assert leaks([written, stored], [VISA]) == []


@pytest.mark.parametrize(("url", "logged"), [
    ("/contacts/?q=Jeanne+Dupont&page=2", "/contacts/?q=…&page=…"),
    ("/tickets/?status=open&site=&q", "/tickets/?status=…&site=&q"),
    ("/api/v1/residents?phone=%2B33%206%2012%2034%2056%2078", "/api/v1/residents?phone=…"),
    ("/api/v1/residents?email=jeanne%40example.fr&account_ref=AB12", "/api/v1/residents?email=…&account_ref=…"),
    ("/x?0612345678=1&jeanne.dupont%40example.fr", "/x?…=…&…"),
    (f"/api/v1/cti/{TOKEN}", f"/api/v1/cti/{TOKEN_MARK}"),
    (f"/api/v1/cti/{TOKEN}?callId={VISA}&from=0612345678", f"/api/v1/cti/{TOKEN_MARK}?callId=…&from=…"),
    ("/api/v1/cti/court", f"/api/v1/cti/{TOKEN_MARK}"),
    ("/exports/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/file", f"/exports/{TOKEN_MARK}/file"),
    (f"/tickets/{VISA}", "/tickets/[carte]"),
    ("/tickets/4111%201111%201111%201111/edit", "/tickets/[carte]/edit"),
    ("/tickets/4111%25201111%25201111%25201111", "/tickets/[carte]"),
    ("/tickets/51%2021%2003%2051%2080%2066%2012%2016", "/tickets/[carte]"),  # in pairs, a phone-like run inside
    ("/tickets/4111|1111+1111~1111", "/tickets/[carte]"),
    ("/notes/carte:%EF%BC%94111%E2%80%AF1111-1111.1111", "/notes/carte:[carte]"),
    ("https://relais.example.fr/contacts/?q=Dupont#top", "https://relais.example.fr/contacts/?q=…"),
    ("https://agent:secret@relais.example.fr/tickets/12", "https://relais.example.fr/tickets/12"),
    ("/tickets/12/edit", "/tickets/12/edit"),
    ("/contacts/%C3%A9t%C3%A9", "/contacts/%C3%A9t%C3%A9"),
    ("/static/css/relais.css", "/static/css/relais.css"),
    ("-", "-"),
])
def test_a_url_is_logged_with_its_path_its_parameter_names_and_nothing_else(url, logged):
    assert mask_url(url) == logged
