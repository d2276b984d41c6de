"""The training import: all or nothing, every problem by line and column, the same file twice adds nothing."""

from io import BytesIO

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.training.importing import import_training
from app.training.models import TrainingRecord
from tests.training.helpers import days_ago


def _count() -> int:
    return db.session.execute(db.select(db.func.count(TrainingRecord.id))).scalar_one()


@pytest.fixture
def agents(training, make_agent):
    return [make_agent("counter_agent", "mairie-02", login=f"agent{i}") for i in range(1, 4)]


def _file(lines, separator=";", bom=False, header="login;module;trained_on;trainer") -> bytes:
    text = "\n".join([header.replace(";", separator), *(line.replace(";", separator) for line in lines)]) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def test_one_unknown_login_imports_nothing_the_fixed_file_imports_and_again_adds_nothing(agents, runner, tmp_path):
    lines = ["agent1;facilitation;2016-09-12;Mission numérique", "agent2;payment-protocol;2016-09-13;",
             "agent3;state-procedures;13/09/2016;Préfecture"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_file([*lines[:1], "agnet2;payment-protocol;2016-09-13;", *lines[2:]]))
    refused = runner.invoke(args=["training", "import", str(bad)])
    assert refused.exit_code == 1
    assert "ligne 3, colonne login : agent inconnu « agnet2 »." in refused.output
    assert "Aucune formation importée : 1 problème(s)." in refused.output
    assert _count() == 0
    good = tmp_path / "good.csv"
    good.write_bytes(_file(lines))
    dry = runner.invoke(args=["training", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "Formations seraient enregistrées : 3" in dry.output and _count() == 0
    done = runner.invoke(args=["training", "import", str(good)])
    assert done.exit_code == 0 and "Formations enregistrées : 3 ; déjà connues (ignorées) : 0." in done.output
    assert _count() == 3
    again = runner.invoke(args=["training", "import", str(good)])
    assert again.exit_code == 0 and "Formations enregistrées : 0 ; déjà connues (ignorées) : 3." in again.output
    assert _count() == 3
    assert db.session.execute(db.select(db.func.count(AuditEntry.id))
                              .where(AuditEntry.action == "training.record")).scalar_one() == 3


@pytest.mark.parametrize(("separator", "bom", "header"), [
    (";", False, "login;module;trained_on;trainer"),
    (";", True, "login;module;trained_on;trainer"),  # Excel's « CSV UTF-8 »
    (",", False, "login;module;trained_on;trainer"),
    (",", True, "Login;Module;Trained_on"),  # no trainer column, capitalised names
])
def test_files_as_people_write_them_are_read(agents, separator, bom, header):
    cells = "agent1;facilitation;12/09/2016" + (";Mission" if header.count(";") == 3 else "")
    result = import_training(_file([cells], separator, bom, header))
    assert result.ok, result.errors
    assert result.created == 1


@pytest.mark.parametrize(("line", "error"), [
    ("agent1;facilitaton;2016-09-12;", "ligne 2, colonne module : module inconnu « facilitaton »"),
    ("agent1;facilitation;2016-13-01;", "ligne 2, colonne trained_on : « 2016-13-01 » n'est pas une date"),
    ("agent1;facilitation;;", "ligne 2, colonne trained_on : valeur obligatoire."),
    (";facilitation;2016-09-12;", "ligne 2, colonne login : valeur obligatoire."),
    ("agent1;facilitation;2016-09-12;" + "x" * 201, "ligne 2, colonne trainer : 200 caractères au plus."),
    ("agent1;facilitation;2016-09-12;a;b", "ligne 2, colonne 5 : 5 valeurs pour 4 colonnes"),
])
def test_each_bad_value_is_named_by_line_and_column(agents, line, error):
    result = import_training(_file([line]))
    assert len(result.errors) == 1 and result.errors[0].startswith(error), result.errors
    assert _count() == 0


def test_a_session_in_the_future_is_refused(agents):
    tomorrow = days_ago(-1).isoformat()
    result = import_training(_file([f"agent1;facilitation;{tomorrow};"]))
    assert result.errors == [f"ligne 2, colonne trained_on : la date {days_ago(-1):%d/%m/%Y} est dans le futur."]


@pytest.mark.parametrize(("content", "error"), [
    (b"", "ligne 1, colonne — : le fichier est vide."),
    (b"login;module\nagent1;facilitation\n", "ligne 1, colonne trained_on : colonne obligatoire absente."),
    (b"login;module;trained_on;site\n", "ligne 1, colonne site : colonne inconnue"),
    ("login;module;trained_on\nagent1;facilitation;2016-09-12\n".encode("latin-1") + b"\xe9\n",
     "ligne 3, colonne — : le fichier n'est pas encodé en UTF-8"),
])
def test_unreadable_files_say_why(agents, content, error):
    result = import_training(content)
    assert result.errors and result.errors[0].startswith(error), result.errors


def test_the_upload_page_imports_for_admins_and_lists_problems(agents, client_as):
    admin = client_as("admin")
    page = admin.post("/training/import", data={"file": (BytesIO(_file(["nobody;facilitation;2016-09-12;"])),
                                                         "sessions.csv")}, content_type="multipart/form-data")
    assert page.status_code == 400 and "ligne 2, colonne login : agent inconnu « nobody »." in page.get_data(True)
    ok = admin.post("/training/import", data={"file": (BytesIO(_file(["agent1;facilitation;2016-09-12;"])),
                                                       "sessions.csv")}, content_type="multipart/form-data")
    assert ok.status_code == 200 and "Formations enregistrées : 1" in ok.get_data(True)
    assert _count() == 1
