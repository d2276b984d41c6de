"""An admin uploads a ticket history: the worker imports it while the page shows its progress, and the
same file uploaded again is refused until the admin confirms (a retry never duplicates)."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import random_mobile, unique_name

FILE_LABEL = "Fichier CSV (UTF-8, séparateur virgule ou point-virgule)"


def _history(tmp_path):
    lines = ["opened_at;channel;site;device;procedure;resident_name;resident_phone"]
    for day in (10, 11, 12):
        lines.append(f"2017-01-{day} 10:00;counter;mairie-02;kiosk;critair;{unique_name('Import')} Anne;"
                     f"{random_mobile()[0]}")
    path = tmp_path / "historique-mairie-02.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _upload(page, path, confirm: bool = False):
    if not confirm:
        page.goto("/tickets/import")
    page.get_by_label(FILE_LABEL).set_input_files(path)
    if confirm:
        page.get_by_label("Importer quand même (ce fichier a déjà été importé)").check()
    page.get_by_role("button", name="Importer").click()


def test_admin_uploads_a_history_watches_the_worker_import_it_and_cannot_import_it_twice(
        worker, page_as, check_axe, tmp_path):
    page = page_as("admin")
    path = _history(tmp_path)
    _upload(page, path)
    expect(page).to_have_url(re.compile(r"/tickets/import/\d+$"))
    # The page polls the run and reloads itself when the worker is done.
    expect(page.locator("#import-state")).to_contain_text("Terminé", timeout=60_000)
    expect(page.get_by_text("Import terminé. Tickets créés : 3")).to_be_visible()
    check_axe(page, "import-run")
    _upload(page, path)
    expect(page.get_by_role("alert")).to_contain_text("Ce fichier (même contenu) a déjà été importé le")
    check_axe(page, "import-duplicate")
    _upload(page, path, confirm=True)  # on the refusal page: the file again, and the confirmation
    expect(page.locator("#import-state")).to_contain_text("Terminé", timeout=60_000)
