"""An import whose worker died never stays "en cours": the reaper fails it (nothing was saved) or runs it again."""

import html
import io
from datetime import UTC, datetime, timedelta

from rq import SimpleWorker
from rq.job import Job

from app.extensions import db
from app.jobs.worker import build_worker
from app.tickets.import_models import ImportRun
from app.tickets.import_reaper import INTERRUPTED, reap_stuck_imports, reap_stuck_imports_job
from app.tickets.import_runs import create_import_run
from app.tickets.models import Ticket
from tests.conftest import text_of
from tests.tickets.test_import import _file, _line

LINES = [_line(i, external_ref="") for i in range(1, 6)]


def _count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Ticket)).scalar_one()


def _upload(client, data: bytes):
    return client.post("/tickets/import", data={"file": (io.BytesIO(data), "historique.csv")},
                       content_type="multipart/form-data")


def test_an_import_whose_worker_died_ends_failed_and_the_same_file_is_accepted_again(
        app, reference, client_as, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    admin = client_as("admin")
    data = _file(LINES)
    run = create_import_run(data, "historique.csv", admin.agent)
    run.status, run.stage, run.started_at = "running", "reading", datetime.now(UTC)  # as a worker killed mid-way left it
    db.session.commit()
    refused = _upload(admin, data)
    assert refused.status_code == 409 and "est en cours d'import" in html.unescape(text_of(refused))

    assert reap_stuck_imports()["failed"] == 1  # its job is known to no Redis: nobody works on it
    db.session.commit()
    assert (run.status, run.data, run.error) == ("failed", None, INTERRUPTED)
    page = html.unescape(text_of(admin.get(f"/tickets/import/{run.id}")))
    assert "L'import a été interrompu" in page and "Aucun ticket n'a été enregistré" in page
    assert _count() == 0

    again = _upload(admin, data)  # a failed run does not count as imported: no "importer quand même" needed
    assert again.status_code == 303
    build_worker(app, worker_class=SimpleWorker).work(burst=True)
    assert _count() == 5


def test_a_queued_import_whose_job_was_lost_runs_again_and_a_waiting_one_is_left_alone(
        app, reference, client_as, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    admin = client_as("admin")
    response = _upload(admin, _file(LINES))
    waiting = db.session.get(ImportRun, int(response.headers["Location"].rsplit("/", 1)[1]))
    lost = create_import_run(_file([_line(i, external_ref="") for i in range(10, 13)]), "perdu.csv", admin.agent)
    lost.queued_at = datetime.now(UTC) - timedelta(minutes=5)  # Redis restarted since: its job is gone
    db.session.commit()

    assert reap_stuck_imports_job() == 1
    assert Job.fetch(f"import-{lost.id}", connection=redis_conn).get_status() == "queued"
    assert Job.fetch(f"import-{waiting.id}", connection=redis_conn).get_status() == "queued"
    build_worker(app, worker_class=SimpleWorker).work(burst=True)
    db.session.expire_all()
    assert {db.session.get(ImportRun, waiting.id).status, db.session.get(ImportRun, lost.id).status} == {"finished"}
    assert _count() == 8


def test_without_redis_there_is_nothing_to_reap(app, reference):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there: imports run in the request
    assert reap_stuck_imports() == {"failed": 0, "requeue": []}
