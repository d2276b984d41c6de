"""A manager filters the ticket list, asks for its XLSX, watches the worker write it, downloads it and finds
in it the rows of the CSV of the same list: French headings and labels, opening dates as dates."""

import csv
import re
from datetime import datetime

from openpyxl import load_workbook
from playwright.sync_api import expect

from app.tickets.export import EXPORT_HEADINGS
from tests.e2e.helpers import assert_no_codes

SITE_02 = "Mairie du 2e arrondissement"


def _download(page, tmp_path, link):
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def test_manager_exports_a_filtered_list_as_xlsx_through_the_worker_and_downloads_it(worker, page_as, check_axe,
                                                                                     tmp_path):
    page = page_as("manager", accept_downloads=True)
    page.goto("/tickets/search")
    page.get_by_label("Site").select_option(label=SITE_02)
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"site_id=\d+"))
    page.get_by_role("button", name="Exporter en XLSX").click()
    expect(page).to_have_url(re.compile(r"/tickets/exports/\d+$"))
    # The page polls the export and reloads itself when the worker is done.
    expect(page.locator("#export-state")).to_contain_text("Prêt", timeout=60_000)
    expect(page.get_by_text(re.compile(r"Le fichier est conservé 24 h, jusqu'au"))).to_be_visible()
    check_axe(page, "export-xlsx")

    xlsx = _download(page, tmp_path, page.get_by_role("link", name=re.compile("^Télécharger le fichier XLSX")))
    assert re.fullmatch(r"tickets-\d{8}-\d{4}\.xlsx", xlsx.name)
    workbook = load_workbook(xlsx, read_only=True)  # read-only keeps the file open until closed
    rows = list(workbook["Tickets"].iter_rows(values_only=True))
    workbook.close()
    assert list(rows[0]) == list(EXPORT_HEADINGS) and len(rows) > 1
    assert {row[EXPORT_HEADINGS.index("Site")] for row in rows[1:]} == {SITE_02}
    assert all(isinstance(row[1], datetime) for row in rows[1:])
    assert_no_codes("\n".join(str(v) for row in rows for v in row if isinstance(v, str)), "le fichier XLSX")

    table = _download(page, tmp_path, page.get_by_role("link", name="le CSV de la même liste"))
    lines = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [line[0] for line in lines] == [row[0] for row in rows]  # the same tickets, in the same order
