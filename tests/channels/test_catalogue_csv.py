"""Catalogue CSV: all-or-nothing import with a line-by-line report, dry run, Excel formats, safe export."""

import pytest

from app.audit.models import AuditEntry
from app.channels.catalogue_csv import COLUMNS, export_catalogue, import_catalogue
from app.channels.models import Procedure
from app.channels.queries import get_by_code
from app.extensions import db
from tests.conftest import text_of

HEADER = ",".join(COLUMNS)
GOOD = "pass-senior,Pass Paris Seniors 2,city,social,online,non,https://www.paris.fr/seniors,2017-01-01,,oui"


def _count() -> int:
    return db.session.execute(db.select(db.func.count(Procedure.id))).scalar_one()


def _csv(*lines, separator=",", bom=False) -> bytes:
    text = "\r\n".join([HEADER.replace(",", separator), *lines]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def test_a_bad_line_imports_nothing_and_names_every_problem(reference):
    before = _count()
    data = _csv(GOOD,
                "critair,Vignette Crit'Air,state,mobilité,online,oui,,,,oui",
                "new-one,,region,famille,sometimes,peut-être,ftp://x,31/02/2017,,oui")
    report = import_catalogue(data)
    assert not report.ok
    assert report.problems == [
        "ligne 4, colonne label : valeur obligatoire",
        "ligne 4, colonne owner : valeur « region » inconnue (attendu : city ou state)",
        "ligne 4, colonne availability : valeur « sometimes » inconnue (attendu : online, not_online ou offline_only)",
        "ligne 4, colonne involves_payment : valeur « peut-être » non reconnue (attendu : oui ou non)",
        "ligne 4, colonne online_url : adresse « ftp://x » invalide (attendu : https://…)",
        "ligne 4, colonne active_from : date « 31/02/2017 » invalide (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)",
    ]
    assert _count() == before and get_by_code(Procedure, "pass-senior") is None
    assert get_by_code(Procedure, "critair").label == "Vignette Crit'Air (certificat qualité de l'air)"


def test_repeated_code_and_reversed_dates_are_reported(reference):
    data = _csv(GOOD, GOOD.replace("2017-01-01,", "2017-01-01,2016-12-31"))
    assert import_catalogue(data).problems == [
        "ligne 3, colonne active_to : la date de fin précède la date de début",
        "ligne 3, colonne code : le code « pass-senior » figure déjà ligne 2",
    ]


def test_missing_or_unknown_columns_refuse_the_file(reference):
    data = b"code;label;owner;domain;availability;colour\r\nx;X;city;famille;online;bleu\r\n"
    problems = import_catalogue(data).problems
    assert problems[0] == "ligne 1 : colonne(s) inconnue(s) : colour"
    assert problems[1].startswith("ligne 1 : colonne(s) manquante(s) : involves_payment, online_url")


def test_a_file_not_in_utf8_is_refused_with_its_line(reference):
    data = _csv(GOOD).replace(b"Seniors", "Séniors".encode("cp1252"))
    assert import_catalogue(data).problems == [
        "ligne 2 : le fichier n'est pas encodé en UTF-8 (dans Excel, enregistrez-le au format « CSV UTF-8 »)."]


def test_semicolon_file_with_bom_and_french_dates_imports(reference):
    line = 'pass-senior;"Pass Paris Seniors; 2";Ville;social;En ligne;Oui;;01/03/2017;;'
    report = import_catalogue(_csv(line, "critair;Vignette Crit'Air (certificat qualité de l'air);state;mobilité;"
                                         "online;oui;https://www.certificat-air.gouv.fr;2016-10-01;;oui",
                                   separator=";", bom=True))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (["pass-senior"], {}, 1)
    created = get_by_code(Procedure, "pass-senior")
    assert (created.label, created.owner, created.availability, created.involves_payment) == (
        "Pass Paris Seniors; 2", "city", "online", True)
    assert created.active_from.isoformat() == "2017-03-01" and created.active is True


def test_dry_run_reports_and_writes_nothing(reference):
    before = _count()
    changed = "critair,Vignette Crit'Air,state,mobilité,online,oui,https://www.certificat-air.gouv.fr,2016-10-01,,oui"
    report = import_catalogue(_csv(GOOD, changed), dry_run=True)
    assert report.ok and report.created == ["pass-senior"] and report.updated == {"critair": ["label"]}
    assert report.summary() == "1 démarche(s) seraient créée(s), 1 seraient modifiée(s), 0 inchangée(s)."
    db.session.expire_all()
    assert _count() == before and get_by_code(Procedure, "critair").label.startswith("Vignette Crit'Air (")
    assert db.session.execute(db.select(AuditEntry).where(AuditEntry.object_type == "procedure")).first() is None


def test_valid_file_creates_updates_and_audits(reference):
    deactivate = "dansmarue,Signalement d'une anomalie dans la rue (DansMaRue),city,espace public,online,non," \
                 "https://www.paris.fr/dansmarue,2016-10-01,,non"
    report = import_catalogue(_csv(GOOD, deactivate))
    assert report.summary() == "1 démarche(s) ont été créée(s), 1 ont été modifiée(s), 0 inchangée(s)."
    assert get_by_code(Procedure, "dansmarue").active is False
    audits = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "reference.change",
                                                            AuditEntry.object_type == "procedure")).scalars()
    assert sorted((a.detail["code"], a.detail["operation"], a.detail["source"]) for a in audits) == [
        ("dansmarue", "update", "import"), ("pass-senior", "create", "import")]


def test_export_then_import_changes_nothing(reference):
    exported = export_catalogue()
    assert exported.startswith("\ufeff" + ";".join(COLUMNS))
    report = import_catalogue(exported.encode("utf-8"))
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == ([], {}, _count())


def test_export_neutralises_formulas_and_import_restores_them(reference):
    critair = get_by_code(Procedure, "critair")
    critair.label, critair.domain = '=HYPERLINK("http://evil","clic")', "+mobilité"
    db.session.flush()
    exported = export_catalogue(separator=",")
    line = next(row for row in exported.splitlines() if row.startswith("critair,"))
    assert line.startswith("critair,\"'=HYPERLINK(\"\"http://evil\"\",\"\"clic\"\")\",state,'+mobilité,")
    report = import_catalogue(exported.encode("utf-8"))
    assert report.ok and report.updated == {}
    assert get_by_code(Procedure, "critair").label == '=HYPERLINK("http://evil","clic")'


def test_cli_import_with_a_bad_line_fails_and_names_it(reference, runner, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(_csv(GOOD, "bad code,X,city,famille,online,,,,,"))
    result = runner.invoke(args=["reference", "import-catalogue", str(path)])
    assert result.exit_code == 1
    assert "ligne 3, colonne code : code « bad code » invalide" in result.output
    assert get_by_code(Procedure, "pass-senior") is None


def test_cli_dry_run_then_import(reference, runner, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(_csv(GOOD, separator=","))
    dry = runner.invoke(args=["reference", "import-catalogue", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "rien n'a été écrit" in dry.output
    db.session.expire_all()
    assert get_by_code(Procedure, "pass-senior") is None
    real = runner.invoke(args=["reference", "import-catalogue", str(path)])
    assert "1 démarche(s) ont été créée(s)" in real.output
    assert get_by_code(Procedure, "pass-senior") is not None


def test_cli_export_to_stdout_and_to_a_file(reference, runner, tmp_path):
    out = runner.invoke(args=["reference", "export-catalogue", "--separator", ","])
    assert out.output.splitlines()[0] == ",".join(COLUMNS)
    assert "\ncritair,Vignette Crit'Air" in out.output
    path = tmp_path / "export.csv"
    runner.invoke(args=["reference", "export-catalogue", str(path)])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfcode;label;")


@pytest.mark.parametrize("button, imported", [("check", False), ("submit", True)])
def test_upload_page_checks_or_imports(reference, client_as, button, imported):
    from io import BytesIO

    data = {"file": (BytesIO(_csv(GOOD)), "catalogue.csv"), button: "x"}
    response = client_as("admin").post("/admin/reference/procedures/import", data=data,
                                       content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "1 démarche(s)" in text_of(response)
    db.session.expire_all()
    assert (get_by_code(Procedure, "pass-senior") is not None) is imported


def test_upload_page_lists_the_problems(reference, client_as):
    from io import BytesIO

    data = {"file": (BytesIO(_csv("x,X,city,famille,online,,,,,", "y,Y,town,famille,online,,,,,")), "c.csv"),
            "submit": "Importer"}
    response = client_as("admin").post("/admin/reference/procedures/import", data=data,
                                       content_type="multipart/form-data")
    assert response.status_code == 422
    assert "rien n'a été importé" in text_of(response)
    assert "ligne 3, colonne owner : valeur « town » inconnue" in text_of(response)
    assert get_by_code(Procedure, "x") is None


def test_download_link_gives_the_catalogue(reference, client_as):
    response = client_as("admin").get("/admin/reference/procedures/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("\ufeffcode;label;owner")


def test_y_and_n_are_read_as_in_the_ticket_import(reference):
    report = import_catalogue(_csv(GOOD.replace(",non,", ",y,").replace(",oui", ",n")))
    assert report.ok, report.problems
    db.session.commit()
    created = get_by_code(Procedure, "pass-senior")
    assert (created.involves_payment, created.active) == (True, False)


def test_an_unclosed_quote_refuses_the_catalogue_with_its_line(reference):
    report = import_catalogue(_csv(GOOD, 'vote,"Inscription sur les listes,city,citoyenneté,online,non,,,,oui',
                                   GOOD.replace("pass-senior", "pass-2")))
    assert report.problems == ["ligne 3 : guillemet ouvert jamais fermé : tout le reste du fichier tomberait dans "
                               "ce champ. Fermez le guillemet (ou doublez-le s'il fait partie du texte)."]
