"""The ticket list's XLSX export: asked for on the list, written by a worker, downloaded by its agent only,
refused above its size with the CSV offered, deleted once past its time."""

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from rq import SimpleWorker

from app.audit.models import AuditEntry
from app.extensions import db
from app.jobs.schedules import PERIODIC_JOBS
from app.jobs.worker import build_worker
from app.tickets import export_tasks
from app.tickets.export import EXPORT_HEADINGS
from app.tickets.export_models import TicketExport, TicketExportPart
from app.tickets.export_runs import request_ticket_export
from app.tickets.export_tasks import perform_ticket_export, purge_ticket_exports_job
from app.tickets.queries import TicketFilters, export_batches, export_rows
from tests.conftest import text_of
from tests.reports.factory import make_resident, make_ticket

WINTER = datetime(2017, 1, 10, 8, 30, tzinfo=UTC)  # 09:30 in Paris
SUMMER = datetime(2017, 7, 10, 8, 30, tzinfo=UTC)  # 10:30 in Paris


def _tickets():
    """Tickets of mairie-02 (one with a formula in its free text), and one of mairie-12."""
    person = make_resident("Claire")
    summer = make_ticket(SUMMER, procedure="critair", resident=person, closed_at=SUMMER + timedelta(minutes=20),
                         outcome="completed", mode="on_behalf", digital_choice="no_alternative",
                         payment_assisted=True, protocol_confirmed=True,
                         requested_service_text="=cmd|' /C calc'!A0", external_ref="EXT-1")
    winter = make_ticket(WINTER, procedure="library-card", device=None)
    other_site = make_ticket(WINTER, site="mairie-12")
    db.session.commit()
    return summer, winter, other_site


def _export_id(response) -> int:
    assert response.status_code == 303, text_of(response)
    return int(re.search(r"/tickets/exports/(\d+)$", response.headers["Location"]).group(1))


def _workbook(client, export_id):
    response = client.get(f"/tickets/exports/{export_id}/download", buffered=True)
    assert response.status_code == 200, text_of(response)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r"attachment; filename=tickets-\d{8}-\d{4}\.xlsx", response.headers["Content-Disposition"])
    return openpyxl.load_workbook(io.BytesIO(response.data))


def _as_csv_text(value) -> str:
    """An XLSX cell as the CSV of the same list writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_the_xlsx_of_a_list_is_its_csv_typed_in_paris_time_and_never_runs_a_formula(reference, client_as):
    summer, winter, other_site = _tickets()
    client = client_as("counter_agent", "mairie-02")
    export_id = _export_id(client.post("/tickets/exports?status=&owner="))
    page = text_of(client.get(f"/tickets/exports/{export_id}"))
    assert "État : Prêt" in page and "Export terminé : 2 ticket(s)" in page
    assert "Télécharger le fichier XLSX" in page and "Le fichier est conservé 24 h, jusqu'au" in page
    book = _workbook(client, export_id)
    assert book.sheetnames == ["Tickets", "Critères"]
    sheet = book["Tickets"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(EXPORT_HEADINGS)
    assert [r[0] for r in rows[1:]] == [summer.reference, winter.reference]  # newest first; mairie-12 not visible
    newest = dict(zip(EXPORT_HEADINGS, rows[1], strict=True))
    assert newest["Ouvert le"] == datetime(2017, 7, 10, 10, 30) and newest["Clos le"] == datetime(2017, 7, 10, 10, 50)
    assert dict(zip(EXPORT_HEADINGS, rows[2], strict=True))["Ouvert le"] == datetime(2017, 1, 10, 9, 30)
    assert newest["N° de fiche usager"] == summer.resident_id and not isinstance(newest["N° de fiche usager"], str)
    assert (newest["Statut"], newest["Résultat"], newest["Mode de facilitation"]) == (
        "Clos", "Démarche aboutie", "Pour le compte de l'usager (avec son accord)")
    assert (newest["Porteur"], newest["Paiement accompagné"], newest["Appelant anonyme"]) == ("État", "oui", "non")
    formula = sheet.cell(row=2, column=EXPORT_HEADINGS.index("Service demandé (texte libre)") + 1)
    assert formula.data_type == "s" and formula.value == "'=cmd|' /C calc'!A0"
    opened = sheet.cell(row=2, column=2)
    assert opened.is_date and opened.number_format == "dd/mm/yyyy hh:mm"
    header = sheet.cell(row=1, column=1)
    assert header.font.bold and header.fill.fgColor.rgb.endswith("1F4E8C")
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == "A1:T3"
    assert sheet.column_dimensions["A"].width >= len(summer.reference)
    about = dict(book["Critères"].iter_rows(min_row=2, values_only=True))
    assert about["Par"] == client.agent.name and about["Site"] == "Tous" and about["Porteur"] == "Tous"
    # Cell for cell, what the CSV of the same list says.
    lines = list(csv.reader(io.StringIO(client.get("/tickets/export.csv?status=&owner=", buffered=True)
                                        .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [[_as_csv_text(v) for v in row] for row in rows] == lines


def test_an_export_is_queued_then_the_worker_writes_it_with_its_progress_and_the_download_is_audited(
        app, reference, client_as, redis_conn, monkeypatch):
    app.config["JOBS_IN_PROCESS"] = False
    for day in range(1, 8):
        make_ticket(WINTER + timedelta(days=day))
    db.session.commit()
    manager = client_as("manager")
    export_id = _export_id(manager.post("/tickets/exports?site_id=&status="))
    url = f"/tickets/exports/{export_id}"
    waiting = manager.get(url)
    assert "En attente du worker" in text_of(waiting) and "Lignes écrites : 0 sur 7" in text_of(waiting)
    assert "<progress" in waiting.get_data(as_text=True)
    assert manager.get(url + "/status").get_json() == {
        "status": "queued", "status_label": "En attente du worker", "rows_written": 0, "rows_total": 7, "percent": 0,
        "counts": [["Lignes écrites : ", False], ["0", True], [" sur 7.", False]]}  # what the page's script shows
    assert "Télécharger" not in text_of(waiting) and manager.get(url + "/download").status_code == 410
    monkeypatch.setattr(export_tasks, "BATCH_ROWS", 3)
    monkeypatch.setattr(export_tasks, "PROGRESS_EVERY", 0)
    seen, batches = [], export_tasks.export_batches

    def spy(filters, size):
        for batch in batches(filters, size):
            seen.append(db.session.execute(db.select(TicketExport.status, TicketExport.rows_written)
                                           .where(TicketExport.id == export_id)).one())
            yield batch

    monkeypatch.setattr(export_tasks, "export_batches", spy)
    build_worker(app, worker_class=SimpleWorker).work(burst=True)
    assert seen == [("running", 0), ("running", 3), ("running", 6)]  # committed after each batch
    db.session.expire_all()
    status = manager.get(url + "/status").get_json()
    assert (status["status"], status["rows_written"], status["percent"]) == ("finished", 7, 100)
    export = db.session.get(TicketExport, export_id)
    assert export.metrics["peak_memory_mb"] > 0 and export.byte_size > 0
    assert len(_workbook(manager, export_id)["Tickets"]["A"]) == 8
    entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "ticket.export")).scalar_one()
    assert entry.agent_id == manager.agent.id and entry.detail["format"] == "xlsx" and entry.detail["export"] == export_id


def test_the_same_list_asked_twice_while_its_job_waits_is_one_export(app, reference, client_as, redis_conn):
    app.config["JOBS_IN_PROCESS"] = False
    make_ticket(WINTER)
    db.session.commit()
    manager = client_as("manager")
    first = _export_id(manager.post("/tickets/exports?owner=city"))
    assert _export_id(manager.post("/tickets/exports?owner=city")) == first
    assert _export_id(manager.post("/tickets/exports?owner=state")) != first


def test_only_the_agent_who_asked_sees_the_export(reference, client_as):
    _tickets()
    owner = client_as("manager")
    export_id = _export_id(owner.post("/tickets/exports"))
    other = client_as("manager")
    for path in ("", "/status", "/download"):
        assert other.get(f"/tickets/exports/{export_id}{path}").status_code == 404
        assert client_as("admin").get(f"/tickets/exports/{export_id}{path}").status_code == 403
    assert owner.get(f"/tickets/exports/{export_id}/download", buffered=True).status_code == 200


def test_a_list_above_the_limit_is_refused_at_once_with_the_csv_of_the_same_list(app, reference, client_as):
    app.config["TICKET_XLSX_MAX_ROWS"] = 2
    _tickets()
    manager = client_as("manager")
    assert "compte au plus 2 tickets" in text_of(manager.get("/tickets/search"))
    refused = manager.post("/tickets/exports?owner=&date_from=2017-01-01")
    assert refused.status_code == 409
    page = html.unescape(text_of(refused))
    assert "Cette liste compte plus de 2 tickets : au-delà, l'export XLSX n'est pas produit" in page
    assert 'href="/tickets/export.csv?owner=&amp;date_from=2017-01-01"' in refused.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count()).select_from(TicketExport)).scalar_one() == 0
    assert _export_id(manager.post("/tickets/exports?status=&owner=&date_from=2017-07-01")) > 0  # one ticket: under the limit


def test_a_list_grown_past_the_limit_before_its_job_ran_fails_with_the_reason(app, reference, make_agent):
    app.config["TICKET_XLSX_MAX_ROWS"] = 2
    make_ticket(WINTER)
    agent = make_agent("manager")
    export = request_ticket_export(agent, TicketFilters(), {})
    db.session.commit()
    make_ticket(SUMMER)
    make_ticket(SUMMER)
    db.session.commit()
    perform_ticket_export(export.id)
    db.session.expire_all()
    export = db.session.get(TicketExport, export.id)
    assert export.status == "failed" and "plus de 2 tickets" in export.error
    assert db.session.execute(db.select(db.func.count()).select_from(TicketExportPart)).scalar_one() == 0


def test_an_empty_list_gives_a_workbook_with_its_header(reference, client_as):
    client = client_as("counter_agent", "mairie-02")
    export_id = _export_id(client.post("/tickets/exports"))
    assert [list(r) for r in _workbook(client, export_id)["Tickets"].iter_rows(values_only=True)] == [
        list(EXPORT_HEADINGS)]


def test_the_purge_deletes_files_past_their_time_and_the_page_then_says_so(app, reference, client_as):
    assert any(job.func == "app.tickets.export_tasks.purge_ticket_exports_job" for job in PERIODIC_JOBS)
    _tickets()
    client = client_as("manager")
    kept, expired = _export_id(client.post("/tickets/exports")), _export_id(client.post("/tickets/exports?owner=city"))
    stuck = request_ticket_export(client.agent, TicketFilters(site_id=1), {})
    stuck.queued_at = datetime.now(UTC) - timedelta(hours=1)
    old = request_ticket_export(client.agent, TicketFilters(site_id=2), {})
    old.queued_at = datetime.now(UTC) - timedelta(days=31)
    db.session.execute(db.update(TicketExport).where(TicketExport.id == expired)
                       .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    db.session.commit()
    assert purge_ticket_exports_job() == {"expired": 1, "stuck": 1, "forgotten": 1}
    db.session.expire_all()
    parts = db.session.execute(db.select(TicketExportPart.export_id).distinct()).scalars().all()
    assert parts == [kept]
    assert db.session.get(TicketExport, expired).status == "expired"
    assert db.session.get(TicketExport, stuck.id).status == "failed" and db.session.get(TicketExport, old.id) is None
    page = client.get(f"/tickets/exports/{expired}/download")
    assert page.status_code == 410
    assert "Ce fichier a été supprimé le" in text_of(page) and "conservés 24 h" in text_of(page)
    assert client.get(f"/tickets/exports/{kept}/download", buffered=True).status_code == 200


@pytest.mark.parametrize("size", [1, 2, 5000])
def test_keyset_batches_read_the_rows_of_the_csv_in_the_same_order(reference, size):
    for hour in (9, 9, 9, 10, 11):  # three tickets opened at the same instant: the id decides
        make_ticket(WINTER.replace(hour=hour))
    db.session.commit()
    filters = TicketFilters()
    batched = [tuple(row[:20]) for batch in export_batches(filters, size) for row in batch]
    assert batched == [tuple(row) for row in export_rows(filters)] and len(batched) == 5


def test_names_that_url_for_reads_itself_in_a_list_s_query_string_are_ignored(reference, client_as):
    manager = client_as("manager")
    page = manager.get("/tickets/search?endpoint=x&_external=1&_scheme=javascript&owner=city")
    assert page.status_code == 200 and "javascript:" not in page.get_data(as_text=True)
    export_id = _export_id(manager.post("/tickets/exports?endpoint=x&_external=1&_scheme=javascript&owner=city"))
    assert db.session.get(TicketExport, export_id).query == {"owner": "city"}
    assert "javascript:" not in manager.get(f"/tickets/exports/{export_id}").get_data(as_text=True)


def test_a_running_export_whose_worker_died_fails_at_the_next_purge(app, reference, client_as, redis_conn):
    """No job of its id in Redis (its worker died and took the job with it): failed now, not after 20 min."""
    _tickets()
    client = client_as("manager")
    dead = request_ticket_export(client.agent, TicketFilters(), {})
    dead.status = "running"  # as a worker killed mid-way left it, a minute ago
    db.session.commit()
    assert purge_ticket_exports_job()["stuck"] == 1
    db.session.expire_all()
    export = db.session.get(TicketExport, dead.id)
    assert export.status == "failed" and "Le worker s'est arrêté avant la fin" in export.error
    assert "Relancez l" in text_of(client.get(f"/tickets/exports/{dead.id}"))
