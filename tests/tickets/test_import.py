"""Importing historical logs: all or nothing, every problem named by line and column, idempotent."""

import io

import pytest

from app.contacts.models import Resident
from app.extensions import db
from app.tickets.importing import import_tickets
from app.tickets.models import Ticket, TicketEvent
from tests.tickets.helpers import resident

HEADER = ("external_ref;opened_at;closed_at;channel;site;device;procedure;resident_name;resident_email;"
          "resident_phone;status;outcome;payment_assisted;protocol_confirmed;requested_service;notes")


def _line(i: int, **override) -> str:
    cells = {"external_ref": f"PILOTE-{i:05d}", "opened_at": f"2016-11-{1 + i % 28:02d} 10:{i % 60:02d}",
             "closed_at": "", "channel": "counter", "site": "mairie-17", "device": "tablet",
             "procedure": "critair" if i % 5 == 0 else "compte-parisien", "resident_name": f"DURAND Paul{i % 40}",
             "resident_email": f"paul{i % 40}@exemple.fr", "resident_phone": "", "status": "closed",
             "outcome": "completed", "payment_assisted": "yes" if i % 5 == 0 else "no",
             "protocol_confirmed": "yes" if i % 5 == 0 else "no", "requested_service": "", "notes": ""}
    cells.update(override)
    return ";".join(cells[c] for c in HEADER.split(";"))


def _file(lines: list[str]) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@pytest.fixture
def lines(reference):
    return [_line(i) for i in range(1, 1001)]


def test_one_bad_line_in_a_thousand_imports_nothing_then_the_fixed_file_imports_all_once(lines):
    bad = list(lines)
    bad[636] = _line(637, site="mairie-99")  # file line 638 (header is line 1)
    result = import_tickets(_file(bad))
    assert result.errors == ["ligne 638, colonne site : code inconnu « mairie-99 »."]
    assert result.tickets_created == 0
    db.session.rollback()
    assert _count(Ticket) == 0 and _count(Resident) == 0
    result = import_tickets(_file(lines), source="pilote.csv")
    assert result.ok and (result.tickets_created, result.tickets_skipped) == (1000, 0)
    assert result.residents_created == 40
    db.session.commit()
    assert _count(Ticket) == 1000 and _count(Resident) == 40 and _count(TicketEvent) == 1000
    again = import_tickets(_file(lines))
    assert (again.tickets_created, again.tickets_skipped, again.residents_created) == (0, 1000, 0)
    assert _count(Ticket) == 1000


def test_imported_tickets_have_references_paris_times_and_updated_at(lines):
    import_tickets(_file(lines[:3]))
    ticket = db.session.execute(db.select(Ticket).where(Ticket.external_ref == "PILOTE-00001")).scalar_one()
    assert ticket.reference.startswith("2016-")
    assert ticket.opened_at.hour == 9 and ticket.opened_at.minute == 1  # 10:01 Paris in November = 09:01 UTC
    assert ticket.updated_at is not None and ticket.version == 1
    person = db.session.get(Resident, ticket.resident_id)
    assert person.last_name == "Durand" and person.first_name == "Paul1" and person.last_contact_at is not None


def test_card_number_in_an_import_is_refused_without_echoing_it(lines):
    bad = list(lines)
    bad[9] = _line(10, notes="CB 4111 1111 1111 1111")
    result = import_tickets(_file(bad))
    assert len(result.errors) == 1
    assert result.errors[0].startswith("ligne 11, colonne notes : ce champ semble contenir un numéro de carte")
    assert "4111" not in result.errors[0]
    fine = list(lines)
    fine[9] = _line(10, notes="dossier 4111 1111 1111 1112")
    assert import_tickets(_file(fine)).ok


def test_channel_rules_are_refused_through_the_import_with_the_column_named(reference):
    result = import_tickets(_file([_line(1, device=""), _line(2, channel="phone_3975"),
                                   _line(3, channel="facil_familles", site="facil-familles", device="")]))
    assert [e.split(" : ")[0] for e in result.errors] == [
        "ligne 2, colonne device", "ligne 3, colonne site", "ligne 4, colonne family_number"]


def test_every_problem_is_listed_by_line_and_column(reference):
    result = import_tickets(_file([_line(1, opened_at="31/12/2016"), _line(2, status="done", resident_name=""),
                                   _line(3, payment_assisted="yes", protocol_confirmed="no"),
                                   _line(4, resident_phone="12")]))
    assert result.errors == [
        "ligne 2, colonne opened_at : « 31/12/2016 » n'est pas une date (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM, "
        "heure de Paris sans décalage).",
        "ligne 3, colonne resident_name : valeur obligatoire (sauf si anonymous vaut yes).",
        "ligne 3, colonne status : Statut : valeur inconnue « done » (valeurs possibles : open, in_progress, "
        "waiting_resident, resolved, closed, transferred).",
        "ligne 4, colonne protocol_confirmed : Paiement accompagné : confirmez le protocole (l'usager a saisi "
        "lui-même ses coordonnées bancaires, vous ne les avez pas notées).",
        "ligne 5, colonne resident_phone : « 12 » n'est pas un numéro de téléphone valide.",
    ]


def test_header_problems_stop_before_reading_lines(reference):
    result = import_tickets(b"opened_at,canal,site\n2016-10-03,counter,mairie-02\n")
    assert "ligne 1, colonne canal : colonne inconnue (voir docs/import-format.md)." in result.errors
    assert "ligne 1, colonne procedure : colonne obligatoire absente." in result.errors


def test_residents_are_matched_by_account_ref_then_email_then_phone(reference):
    by_ref = resident(last_name="Petit", first_name="Anne", account_ref="CP-100", email="anne@exemple.fr")
    by_phone = resident(last_name="Roux", first_name="Louis", phone="0611223344")
    data = ("opened_at,channel,site,device,procedure,resident_name,resident_account_ref,resident_email,"
            "resident_phone,requested_service\n"
            "2016-12-01,counter,mairie-04,kiosk,compte-parisien,Anne Petit,CP-100,,,parking-residential\n"
            "2016-12-02,counter,mairie-04,kiosk,compte-parisien,A. Petit,,anne@exemple.fr,,carte senior\n"
            "2016-12-03,counter,mairie-04,kiosk,compte-parisien,Louis Roux,,,+33 6 11 22 33 44,\n"
            "2016-12-04,counter,mairie-04,kiosk,compte-parisien,Nina Blanc,,,07 81 23 45 67,\n")
    result = import_tickets(data.encode())
    assert result.ok and (result.residents_created, result.residents_matched) == (1, 2)
    tickets = db.session.execute(db.select(Ticket).order_by(Ticket.opened_at)).scalars().all()
    assert [t.resident_id for t in tickets[:3]] == [by_ref.id, by_ref.id, by_phone.id]
    assert tickets[0].requested_procedure.code == "parking-residential"
    assert tickets[1].requested_service_text == "carte senior"


def test_anonymous_lines_need_no_resident(reference):
    data = ("opened_at;channel;site;procedure;anonymous\n"
            "2017-03-06T09:15:00+01:00;phone_3975;plateforme-3975;bulky-waste;yes\n")
    assert import_tickets(data.encode()).ok
    assert db.session.execute(db.select(Ticket.anonymous)).scalar_one() is True


def test_cli_import_with_dry_run_then_for_real(runner, lines, tmp_path):
    path = tmp_path / "pilote.csv"
    path.write_bytes(_file(lines[:50]))
    dry = runner.invoke(args=["tickets", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Tickets seraient créés : 50" in dry.output
    assert _count(Ticket) == 0
    real = runner.invoke(args=["tickets", "import", str(path)])
    assert real.exit_code == 0 and "Tickets créés : 50 ; déjà importés (ignorés) : 0" in real.output
    path.write_bytes(_file([_line(1, procedure="nope")]))
    bad = runner.invoke(args=["tickets", "import", str(path)])
    assert bad.exit_code != 0 and "ligne 2, colonne procedure : code inconnu « nope »." in bad.output


def test_admin_uploads_a_file_and_sees_each_problem(client_as, lines):
    admin = client_as("admin")
    bad = admin.post("/tickets/import", data={"file": (io.BytesIO(_file([_line(1, outcome="vite")])), "h.csv")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert bad.status_code == 200 and "ligne 2, colonne outcome" in bad.get_data(as_text=True)
    assert "Refusé" in bad.get_data(as_text=True)
    ok = admin.post("/tickets/import", data={"file": (io.BytesIO(_file(lines[:20])), "h.csv")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert ok.status_code == 200 and "Tickets créés : 20" in ok.get_data(as_text=True)
    assert client_as("counter_agent").get("/tickets/import").status_code == 403


def test_a_file_with_an_unclosed_quote_in_line_2s_notes_is_refused_with_its_line(reference):
    # The file of the report: 7 lines; line 2's notes open a quote that nothing closes.
    data = _file([_line(1, notes='"Il manque le justificatif de domicile'),
                  *[_line(i) for i in range(2, 7)]])
    assert data.count(b"\n") == 7
    result = import_tickets(data)
    assert result.errors == ["ligne 2, colonne — : guillemet ouvert jamais fermé : tout le reste du fichier "
                             "tomberait dans ce champ. Fermez le guillemet (ou doublez-le s'il fait partie du "
                             "texte)."]
    assert result.tickets_created == 0 and _count(Ticket) == 0


def test_a_line_cut_in_two_is_refused_and_nothing_is_imported(reference):
    line = _line(2)
    cut = line.index(";critair") if ";critair" in line else line.index(";compte-parisien")
    result = import_tickets(_file([_line(1), line[:cut], line[cut + 1:], _line(3)]))
    assert [e.split(" : ")[0] for e in result.errors] == ["ligne 3, colonne —", "ligne 4, colonne —"]
    assert "ligne coupée par un retour à la ligne hors guillemets" in result.errors[0]
    assert _count(Ticket) == 0


def test_notes_written_on_several_lines_inside_quotes_are_kept_whole(reference):
    result = import_tickets(_file([_line(1, notes='"Rappeler lundi\nDossier complet"'), _line(2)]))
    assert result.ok, result.errors
    notes = db.session.execute(db.select(Ticket.notes).where(Ticket.external_ref == "PILOTE-00001")).scalar_one()
    assert notes == "Rappeler lundi\nDossier complet"


@pytest.mark.parametrize("word", ["y", "oui", "O", "x", "1"])
def test_yes_is_read_the_same_way_as_in_the_catalogue(reference, word):
    result = import_tickets(_file([_line(5, payment_assisted=word, protocol_confirmed="yes")]))
    assert result.ok, result.errors
    assert db.session.execute(db.select(Ticket.payment_assisted)).scalar_one() is True
