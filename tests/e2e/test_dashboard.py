"""Flow 5: a manager asks for the dashboard of a period, watches the worker complete it, reads the charts,
downloads the XLSX and finds in it the figures of the tickets logged at the counter."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.helpers import (
    assert_keyboard_reaches_every_control,
    create_resident,
    log_ticket,
    random_mobile,
    save_screenshot,
    unique_name,
)

CRITAIR = "Vignette Crit'Air (certificat qualité de l'air) (État, paiement)"
CIVIL_STATUS = "Actes d'état civil (naissance, mariage, décès) (Ville)"
SITE_12 = "Mairie du 12e arrondissement"  # only this test logs tickets there (as guichet12)


def _summary_value(sheet, label: str):
    """The value beside `label` in the first column of a report's sheet."""
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == label:
            return row[1]
    raise AssertionError(f"no « {label} » line in sheet {sheet.title}")


def test_manager_runs_the_dashboard_sees_the_charts_and_downloads_the_xlsx(worker, page_as, check_axe, tmp_path):
    # At the 12th town hall, three facilitations today: two State procedures, one City procedure.
    counter = page_as("guichet12")
    national, _ = random_mobile()
    resident_id = create_resident(counter, unique_name("Lefebvre"), "Marc", phone=national, postal_code="75012")
    for procedure in (CRITAIR, CRITAIR, CIVIL_STATUS):
        log_ticket(counter, resident_id, procedure)
    # The worker refreshes the daily facts every 30 s; the operator command does it now rather than waiting.
    today = datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
    worker.cli("report", "rebuild-facts", "--from", today, "--to", today)

    page = page_as("manager", accept_downloads=True)
    page.goto("/")
    page.get_by_role("link", name="Tableaux de bord").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableaux de bord")
    check_axe(page, "tableau-de-bord-formulaire")
    assert_keyboard_reaches_every_control(page, "form.report-form")
    page.get_by_label("Du", exact=True).fill(today)
    page.get_by_label("Au (inclus)").fill(today)
    page.get_by_label("Sites (aucun choisi : tous)").select_option(label=SITE_12)
    page.get_by_role("button", name="Calculer les tableaux de bord").click()

    # The run page follows the worker until the run is finished, then shows the results.
    expect(page).to_have_url(re.compile(r"/reports/runs/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calcul n°")
    expect(page.locator("#run-state")).to_contain_text("terminé", timeout=60_000)
    expect(page.locator("progress")).to_have_count(0)

    charts = page.get_by_role("img", name=re.compile(r"^Graphique : "))
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0, f"chart {index} did not load"

    state_share = page.get_by_role("region", name="Part des démarches de l'État")
    expect(state_share.locator("dt", has_text="Tickets").locator("xpath=following-sibling::dd")).to_have_text("3")
    expect(state_share.locator("dt", has_text="Démarches de l'État").locator(
        "xpath=following-sibling::dd")).to_have_text("2")
    check_axe(page, "tableau-de-bord-resultats")
    page.set_viewport_size({"width": 1280, "height": 1100})
    page.evaluate("() => window.scrollTo(0, 0)")
    save_screenshot(page, "tableau-de-bord")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = load_workbook(path, read_only=True)
    assert {"volume", "state-share"} <= set(workbook.sheetnames)
    assert _summary_value(workbook["state-share"], "Tickets") == 3
    assert _summary_value(workbook["state-share"], "Démarches de l'État") == 2
    assert _summary_value(workbook["state-share"], "Démarches de la Ville") == 1
    assert _summary_value(workbook["volume"], "Tickets") == 3
