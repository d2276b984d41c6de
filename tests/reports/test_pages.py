"""The dashboard page: asking for a run, reading charts and tables, downloading the same numbers."""

import csv
import io
from datetime import UTC, datetime

import openpyxl

from app.audit.models import AuditEntry
from app.extensions import db
from app.reports.facts.refresh import refresh_facts
from app.reports.models import ReportRun
from tests.conftest import text_of
from tests.reports.factory import make_ticket


def pilot_like_tickets():
    for day in range(1, 11):
        make_ticket(datetime(2017, 1, day, 9, tzinfo=UTC), procedure="critair")
        make_ticket(datetime(2017, 1, day, 10, tzinfo=UTC), procedure="library-card", site="mairie-04")
        make_ticket(datetime(2017, 1, day, 11, tzinfo=UTC), procedure="=HYPERLINK(1)" and "library-card",
                    requested_service_text="=cmd|' /C calc'!A0")
    refresh_facts()
    db.session.commit()


def ask(client, **extra):
    data = {"date_from": "2017-01-01", "date_to": "2017-01-31", "reports": ["state-share", "unmet-demand"], **extra}
    return client.post("/reports/", data=data)


def test_dashboard_is_for_managers_and_admins_only(app, reference, client_as):
    assert client_as("counter_agent").get("/reports/").status_code == 403
    page = client_as("manager").get("/reports/")
    assert page.status_code == 200 and "Calculer des tableaux de bord" in text_of(page)
    assert client_as("admin").get("/reports/").status_code == 200


def test_period_ending_before_it_starts_is_refused_on_the_field(app, reference, client_as):
    response = ask(client_as("manager"), date_from="2017-02-01", date_to="2017-01-01")
    assert response.status_code == 422
    assert "La date de fin doit être le même jour que la date de début ou après" in text_of(response)
    assert db.session.execute(db.select(db.func.count(ReportRun.id))).scalar() == 0


def test_a_run_shows_each_chart_beside_its_table(app, reference, client_as):
    pilot_like_tickets()
    client = client_as("manager")
    response = ask(client)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    body = page.get_data(as_text=True)
    assert "État : terminé" in text_of(page)
    assert "<caption>Part des démarches de l&#39;État — par site</caption>" in body
    assert '<th scope="row">Mairie du 2e arrondissement</th>' in body
    chart_url = body.split('<img src="')[1].split('"')[0]
    chart = client.get(chart_url)
    assert chart.headers["Content-Type"].startswith("image/svg+xml")
    assert "Part de l'État" in chart.get_data(as_text=True) and "<style" not in chart.get_data(as_text=True)


def test_csv_and_xlsx_downloads_hold_the_same_numbers_and_are_audited(app, reference, client_as):
    pilot_like_tickets()
    client = client_as("manager")
    run_url = ask(client).headers["Location"]
    run_id = int(run_url.rstrip("/").split("/")[-1])
    csv_response = client.get(f"/reports/runs/{run_id}/export.csv")
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    site_header = rows.index(["Site", "Total", "État", "Ville de Paris", "Part de l'État"])
    assert rows[site_header + 1] == ["Mairie du 2e arrondissement", "20", "10", "10", "50,0 %"]
    assert ["'=cmd|' /C calc'!A0", "10", "100,0 %"] in rows  # a formula is never executed
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/runs/{run_id}/export.xlsx").data))
    sheet_rows = [list(r) for r in workbook["Part de l'État – sites"].iter_rows(values_only=True)]
    header = sheet_rows.index(["Site", "Total", "État", "Ville de Paris", "Part de l'État"])
    assert sheet_rows[header + 1] == ["Mairie du 2e arrondissement", 20, 10, 10, 0.5]
    assert ["'=cmd|' /C calc'!A0", 10, 1.0] in [list(r) for r in
                                                workbook["Demandes – services"].iter_rows(values_only=True)]
    exports = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "report.export")).scalars().all()
    assert sorted(e.detail["format"] for e in exports) == ["csv", "xlsx"]


def test_with_redis_down_the_page_says_so_and_still_computes(app, reference, client_as):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    client = client_as("manager")
    assert "Le service de calcul est indisponible" in text_of(client.get("/reports/"))
    response = ask(client)
    assert response.status_code == 303
    assert "État : terminé" in text_of(client.get(response.headers["Location"]))


def test_tickets_never_refreshed_are_counted_by_the_next_run_and_the_page_says_how_fresh(app, reference, client_as):
    for day in range(2, 5):  # committed, and no worker ever refreshed the facts
        make_ticket(datetime(2017, 1, day, 9, tzinfo=UTC), procedure="critair")
    db.session.commit()
    manager = client_as("manager")
    stale = text_of(manager.get("/reports/"))
    assert "Faits des tableaux de bord : données jamais mises à jour (jamais)" in stale
    assert "Chaque calcul commence par mettre les faits à jour." in stale
    response = ask(manager, reports=["state-share"])
    run = db.session.get(ReportRun, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert run.status == "finished" and run.results[0].data["summary"]["total"] == 3
    page = text_of(manager.get(f"/reports/runs/{run.id}"))
    assert "Données à jour au " in page
    assert "Faits des tableaux de bord : données à jour au " in text_of(manager.get("/reports/"))


def test_dashboard_form_offers_presets_and_opens_on_the_pilot_when_only_its_data_exist(app, reference, client_as):
    from datetime import date

    from app.reports.forms import period_presets

    assert period_presets(date(2026, 12, 1), with_pilot=False) == [
        ("Ce mois-ci", date(2026, 12, 1), date(2026, 12, 1)),
        ("Le mois dernier", date(2026, 11, 1), date(2026, 11, 30)),
        ("Les 12 derniers mois", date(2026, 1, 1), date(2026, 12, 1)),
        ("Depuis le 1er janvier", date(2026, 1, 1), date(2026, 12, 1))]
    client = client_as("manager")
    assert "Le pilote" not in text_of(client.get("/reports/"))
    make_ticket(datetime(2016, 11, 7, 10, tzinfo=UTC), procedure="critair")
    refresh_facts()
    db.session.commit()
    page = client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/?du=2016-10-01&amp;au=2017-02-15">Le pilote (oct. 2016 – 15 févr. 2017)</a>' in page
    assert 'value="2016-10-01"' in page and 'value="2017-02-15"' in page
    prefilled = client.get("/reports/?du=2017-01-01&au=2017-01-31").get_data(as_text=True)
    assert 'value="2017-01-01"' in prefilled and 'value="2017-01-31"' in prefilled
