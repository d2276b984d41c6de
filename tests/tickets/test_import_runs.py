"""Uploads run as a job: progress kept on the run, the result in the database, the same file never twice."""

import io

import pytest
from rq import SimpleWorker

from app.audit.models import AuditEntry
from app.extensions import db
from app.jobs.worker import build_worker
from app.tickets import tasks
from app.tickets.import_models import ImportRun
from app.tickets.import_runs import DuplicateImportError, create_import_run
from app.tickets.models import Ticket
from tests.conftest import text_of
from tests.tickets.test_import import _file, _line

# Lines without external_ref: a second import of the same file would create them again.
NO_REF = [_line(i, external_ref="") for i in range(1, 11)]


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def _upload(client, data: bytes, **fields):
    return client.post("/tickets/import", data={"file": (io.BytesIO(data), "historique.csv"), **fields},
                       content_type="multipart/form-data")


def test_the_same_file_uploaded_again_is_refused_unless_the_admin_confirms(reference, client_as):
    admin = client_as("admin")
    first = _upload(admin, _file(NO_REF))
    assert first.status_code == 303
    assert _count(Ticket) == 10
    again = _upload(admin, _file(NO_REF))
    assert again.status_code == 409
    page = text_of(again)
    assert "Ce fichier (même contenu) a déjà été importé le" in page and "Importer quand même" in page
    assert _count(Ticket) == 10
    confirmed = _upload(admin, _file(NO_REF), confirm_duplicate="y")
    assert confirmed.status_code == 303 and _count(Ticket) == 20


def test_a_dry_run_or_a_refused_file_does_not_count_as_imported(reference, client_as):
    admin = client_as("admin")
    assert _upload(admin, _file(NO_REF), dry_run="y").status_code == 303
    bad = _file([*NO_REF, _line(11, site="mairie-99")])
    assert _upload(admin, bad).status_code == 303
    assert _upload(admin, bad).status_code == 303  # refused the first time: nothing was imported
    assert _count(Ticket) == 0
    assert _upload(admin, _file(NO_REF)).status_code == 303 and _count(Ticket) == 10


def test_a_refused_run_keeps_its_errors_and_drops_the_file(reference, client_as):
    admin = client_as("admin")
    response = _upload(admin, _file([_line(1), _line(2, procedure="nope")]))
    run = db.session.get(ImportRun, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (run.status, run.lines_total, run.error_count, run.data) == ("refused", 2, 1, None)
    assert run.result["errors"] == ["ligne 3, colonne procedure : code inconnu « nope »."]
    page = text_of(admin.get(f"/tickets/import/{run.id}"))
    assert "1 erreur(s) : rien n'a été importé." in page and "ligne 3, colonne procedure" in page


def test_progress_is_committed_while_the_lines_are_checked(reference, monkeypatch):
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 0)
    monkeypatch.setattr("app.tickets.importing.PROGRESS_LINES", 100)
    lines = [_line(i) for i in range(1, 401)]
    lines[250] = _line(251, site="mairie-99")
    run = create_import_run(_file(lines), "gros.csv", None)
    db.session.commit()
    seen = []
    writer = tasks._progress_writer(run.id)

    def spy(stage, done, total, errors):
        writer(stage, done, total, errors)
        seen.append(db.session.execute(db.select(ImportRun.stage, ImportRun.lines_read, ImportRun.error_count)
                                       .where(ImportRun.id == run.id)).one())

    tasks.perform_import(run.id, progress=spy)
    checking = [(read, errors) for stage, read, errors in seen if stage == "checking"]
    assert checking == [(100, 0), (200, 0), (300, 1), (400, 1)]
    assert db.session.get(ImportRun, run.id).status == "refused"


def test_an_upload_is_queued_then_the_worker_imports_it_and_the_page_shows_the_result(
        app, reference, client_as, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    admin = client_as("admin")
    response = _upload(admin, _file([_line(i) for i in range(1, 31)]))
    run_url = response.headers["Location"]
    waiting = admin.get(run_url)
    assert "En attente du worker" in text_of(waiting) and "<progress" in waiting.get_data(as_text=True)
    assert admin.get(run_url + "/status").get_json()["status"] == "queued"
    assert _count(Ticket) == 0
    build_worker(app, worker_class=SimpleWorker).work(burst=True)
    db.session.expire_all()
    done = text_of(admin.get(run_url))
    assert "Import terminé. Tickets créés : 30" in done and "30 ligne(s) lue(s)" in done
    assert _count(Ticket) == 30
    status = admin.get(run_url + "/status").get_json()
    assert {key: status[key] for key in ("status", "percent", "lines_read", "errors")} == {
        "status": "finished", "percent": 100, "lines_read": 30, "errors": 0}
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "ticket.import")).scalar_one()
    assert entry.agent_id == admin.agent.id and entry.detail["created"] == 30


def test_cli_refuses_a_file_already_imported_unless_again(runner, reference, tmp_path):
    path = tmp_path / "historique.csv"
    path.write_bytes(_file(NO_REF))
    assert runner.invoke(args=["tickets", "import", str(path)]).exit_code == 0
    twice = runner.invoke(args=["tickets", "import", str(path)])
    assert twice.exit_code == 1 and "a déjà été importé" in twice.output and _count(Ticket) == 10
    assert runner.invoke(args=["tickets", "import", str(path), "--again"]).exit_code == 0
    assert _count(Ticket) == 20


def test_a_run_under_way_counts_as_imported(reference):
    create_import_run(_file(NO_REF), "a.csv", None)
    with pytest.raises(DuplicateImportError, match="est en cours d'import"):
        create_import_run(_file(NO_REF), "b.csv", None)


def test_the_progress_bar_follows_the_stages_and_is_indeterminate_while_writing(reference, client_as):
    admin = client_as("admin")
    run = create_import_run(_file(NO_REF), "a.csv", admin.agent)
    run.status, run.lines_total = "running", 10
    shown = []
    for stage, read in (("reading", 0), ("checking", 5), ("checking", 10), ("rules", 10), ("writing", 10)):
        run.stage, run.lines_read = stage, read
        db.session.commit()
        shown.append(admin.get(f"/tickets/import/{run.id}/status").get_json()["percent"])
    assert shown == [0, 35, 60, 95, None]
    page = admin.get(f"/tickets/import/{run.id}").get_data(as_text=True)
    assert '<progress max="100" aria-labelledby="import-state">' in page and "Enregistrement" in page
