"""The card-number corpus (tests/privacy/card_corpus.py) on every input path the tests reach: each row of
MUST_REFUSE is refused on each path, naming the field and never echoing the number; each row of
MUST_ACCEPT is stored as typed; and after the whole corpus has been tried the scan finds nothing."""

import csv
import io
import logging
import unicodedata

import pytest
from sqlalchemy import text

from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.audit.services import record
from app.cards.detector import CARD_MASK, contains_card_number, mask_card_numbers, might_contain_card_number
from app.cards.guard import CardNumberStorageError
from app.channels.catalogue_csv import COLUMNS as CATALOGUE_COLUMNS
from app.channels.catalogue_csv import import_catalogue
from app.channels.models import Device, Procedure
from app.contacts.models import Resident
from app.contacts.services import ResidentError, create_resident
from app.extensions import db
from app.privacy.cardscan import scan_card_numbers
from app.tickets.bulk import insert_tickets
from app.tickets.checks import TicketError
from app.tickets.importing import import_tickets
from app.tickets.models import Ticket, TicketEvent
from app.tickets.services import log_ticket
from app.timeutil import utcnow
from tests.conftest import text_of
from tests.privacy.card_corpus import MUST_ACCEPT, MUST_REFUSE
from tests.tickets.helpers import counter_form, counter_values, ref, resident

REFUSE = pytest.mark.parametrize("spelling", list(MUST_REFUSE.values()), ids=list(MUST_REFUSE))
ACCEPT = pytest.mark.parametrize("spelling", list(MUST_ACCEPT.values()), ids=list(MUST_ACCEPT))
HEADER = ["external_ref", "opened_at", "channel", "site", "device", "procedure", "resident_name",
          "resident_email", "status", "notes"]


def _csv(notes: str = "", ref_no: int = 1) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow([f"CORPUS-{ref_no:05d}", "2016-11-03 10:00", "counter", "mairie-17", "tablet", "compte-parisien",
                     "DURAND Paul", "paul@exemple.fr", "closed", notes])
    return out.getvalue().encode("utf-8")


def _echoes(spelling: str, page: str) -> bool:
    """True when the card's digits appear in `page`, however spaced (pages list ids and dates: no detector
    on a whole page, its digits are compared with the card's)."""
    def digits(text):
        return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdecimal())
    return digits(spelling) in digits(page) or spelling in page


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


@pytest.fixture
def agent(make_agent, reference):
    return make_agent("counter_agent", site_code="mairie-02")


# --- the detector itself -------------------------------------------------------------------------------

@REFUSE
def test_each_spelling_of_a_card_number_is_found_and_masked(spelling):
    assert might_contain_card_number(spelling)
    assert contains_card_number(spelling)
    masked = mask_card_numbers(spelling)
    assert CARD_MASK in masked and not contains_card_number(masked)


@ACCEPT
def test_each_look_alike_is_no_card_number(spelling):
    assert not contains_card_number(spelling)
    assert mask_card_numbers(spelling) == spelling


def test_masking_keeps_the_text_around_the_number():
    assert (mask_card_numbers("payé avec 4111 1111 1111 1111 exp 12/27 cvv 123, rappel 06 12 34 56 78")
            == f"payé avec {CARD_MASK} exp 12/27 cvv 123, rappel 06 12 34 56 78")


# --- services ------------------------------------------------------------------------------------------

@REFUSE
def test_a_ticket_service_refuses_the_spelling_naming_the_field(agent, spelling):
    with pytest.raises(TicketError) as caught:
        log_ticket(counter_values(resident(), notes=spelling), agent)
    assert caught.value.field == "notes" and "Notes : " in caught.value.message
    assert not contains_card_number(str(caught.value))
    assert _count(Ticket) == 0


@ACCEPT
def test_a_ticket_service_stores_the_look_alike_as_typed(agent, spelling):
    ticket = log_ticket(counter_values(resident(), notes=spelling), agent)
    db.session.flush()
    db.session.expire(ticket)
    assert ticket.notes == spelling.strip()


@REFUSE
def test_the_resident_service_refuses_the_spelling_in_the_address(app, spelling):
    with pytest.raises(ResidentError) as caught:
        create_resident({"last_name": "Martin", "address": spelling})
    assert caught.value.field == "address" and "Adresse : " in str(caught.value.message)
    assert _count(Resident) == 0


@ACCEPT
def test_the_resident_service_stores_the_look_alike_in_the_account_reference(app, spelling):
    person = create_resident({"last_name": "Martin", "address": spelling})
    db.session.flush()
    assert db.session.get(Resident, person.id).address == spelling.strip()


# --- forms ---------------------------------------------------------------------------------------------

@REFUSE
def test_the_ticket_form_refuses_the_spelling_without_echoing_it(client_as, reference, spelling):
    person = resident()
    db.session.commit()
    response = client_as("counter_agent", "mairie-02").post(
        f"/tickets/new?resident_id={person.id}", data=counter_form(notes=f"note {spelling} fin"))
    assert response.status_code == 400
    assert "Notes : Ce champ semble contenir un numéro de carte bancaire" in text_of(response)
    assert not _echoes(spelling, response.get_data(as_text=True))
    assert _count(Ticket) == 0


@ACCEPT
def test_the_ticket_form_saves_the_look_alike(client_as, reference, spelling):
    person = resident()
    db.session.commit()
    response = client_as("counter_agent", "mairie-02").post(
        f"/tickets/new?resident_id={person.id}", data=counter_form(notes=spelling))
    assert response.status_code == 302
    assert db.session.execute(db.select(Ticket.notes)).scalar_one() == spelling.strip()


@REFUSE
def test_the_reference_form_refuses_the_spelling_in_a_label(client_as, reference, spelling):
    device = ref(Device, "kiosk")
    response = client_as("admin").post(f"/admin/reference/devices/{device.id}/edit",
                                       data={"code": device.code, "label": f"Borne {spelling}"})
    assert response.status_code == 422
    assert "Libellé : Ce champ semble contenir un numéro de carte bancaire" in text_of(response)
    assert not _echoes(spelling, response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Device, device.id).label == "Borne tactile accessible PMR"


# --- the ticket import: cells, file names, command line ------------------------------------------------

@REFUSE
def test_the_import_refuses_the_spelling_in_a_cell_by_line_and_column(reference, spelling):
    result = import_tickets(_csv(notes=spelling))
    assert [e.split(" : ")[0] for e in result.errors] == ["ligne 2, colonne notes"]
    assert not any(contains_card_number(e) for e in result.errors)
    assert _count(Ticket) == 0


@ACCEPT
def test_the_import_stores_the_look_alike_in_a_cell(reference, spelling):
    result = import_tickets(_csv(notes=spelling))
    assert result.ok, result.errors
    assert db.session.execute(db.select(Ticket.notes)).scalar_one() == spelling.strip()


def _catalogue(label: str, owner: str = "city") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(CATALOGUE_COLUMNS)
    writer.writerow(["pass-corpus", label, owner, "social", "online", "non", "", "2017-01-01", "", "oui"])
    return out.getvalue().encode("utf-8")


@REFUSE
def test_the_catalogue_import_refuses_the_spelling_in_any_cell_without_quoting_it(reference, spelling):
    report = import_catalogue(_catalogue(f"Pass {spelling}", owner=spelling))
    # (a cell spanning lines is reported on the line where its record ends, as every catalogue problem)
    assert [p.split(" : ")[0].split(", ")[1] for p in report.problems] == ["colonne label", "colonne owner"]
    assert not any(contains_card_number(p) for p in report.problems)
    assert db.session.execute(db.select(Procedure.id).where(Procedure.code == "pass-corpus")).first() is None


@ACCEPT
def test_the_catalogue_import_stores_the_look_alike_in_a_label(reference, spelling):
    assert import_catalogue(_catalogue(f"Pass {spelling}")).problems == []
    label = db.session.execute(db.select(Procedure.label).where(Procedure.code == "pass-corpus")).scalar_one()
    assert label == f"Pass {spelling}".strip()


@REFUSE
def test_the_import_refuses_a_file_named_with_the_spelling(reference, spelling):
    result = import_tickets(_csv(), source=f"export {spelling}.csv")
    assert result.errors and result.errors[0].startswith("Nom du fichier : ")
    assert not any(contains_card_number(e) for e in result.errors)
    assert _count(Ticket) == 0 and _count(TicketEvent) == 0


@ACCEPT
def test_the_import_keeps_a_file_name_with_the_look_alike_in_the_history(reference, spelling):
    assert import_tickets(_csv(), source=f"export {spelling}.csv").ok
    event = db.session.execute(db.select(TicketEvent)).scalar_one()
    assert event.changes == {"source": [None, f"export {spelling}.csv"]}


FILE_NAMES = {name: value for name, value in MUST_REFUSE.items() if "/" not in value}  # "/" ends a file name


@pytest.mark.parametrize("spelling", list(FILE_NAMES.values()), ids=list(FILE_NAMES))
def test_the_import_command_refuses_a_file_named_with_the_spelling(runner, reference, tmp_path, spelling):
    path = tmp_path / f"export {spelling}.csv"
    path.write_bytes(_csv())
    result = runner.invoke(args=["tickets", "import", str(path)])
    assert result.exit_code != 0
    assert "Nom du fichier : " in result.output
    assert not contains_card_number(result.output.replace(str(tmp_path), ""))
    assert _count(Ticket) == 0


# --- writes no service checks: bulk inserts (COPY on PostgreSQL), SQL text, audit, logs ----------------

@REFUSE
def test_a_bulk_insert_of_the_spelling_is_refused_by_the_storage_guard(agent, spelling):
    person = resident()
    row = dict(counter_values(person), opened_at=utcnow(), status="closed", notes=spelling)
    with pytest.raises(CardNumberStorageError) as caught:
        insert_tickets([row], agent.id)
    assert caught.value.where == [("tickets", "notes")]
    assert not contains_card_number(str(caught.value))
    db.session.rollback()
    assert _count(Ticket) == 0


@REFUSE
def test_sql_text_writing_the_spelling_is_refused_by_the_storage_guard(reference, spelling):
    device = ref(Device, "kiosk")
    with pytest.raises(CardNumberStorageError):
        db.session.execute(text("UPDATE devices SET label = :label WHERE id = :id"),
                           {"label": spelling, "id": device.id})
    db.session.rollback()
    assert not contains_card_number(db.session.get(Device, device.id).label)


@REFUSE
def test_an_audit_entry_masks_the_spelling(app, spelling):
    record("resident.search", Actor.system("cli"), detail={"q": f"cherche {spelling}", "n": 1})
    db.session.flush()
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert entry.detail["q"].startswith("cherche ") and CARD_MASK in entry.detail["q"]
    assert not contains_card_number(entry.detail["q"])


@REFUSE
def test_a_log_line_masks_the_spelling(app, caplog, spelling):
    with caplog.at_level(logging.INFO):
        logging.getLogger("app.test").info("note saisie : %s", spelling)
    [message] = [r.getMessage() for r in caplog.records if r.name == "app.test"]
    assert message.startswith("note saisie : ") and CARD_MASK in message and not contains_card_number(message)


# --- after the whole corpus ----------------------------------------------------------------------------

def test_after_every_spelling_on_every_path_the_scan_finds_nothing(agent, client_as):
    client = client_as("counter_agent", "mairie-02")
    person = resident()
    db.session.commit()
    for number, spelling in enumerate(MUST_REFUSE.values()):
        with pytest.raises(TicketError):
            log_ticket(counter_values(person, notes=spelling), agent)
        with pytest.raises(ResidentError):
            create_resident({"last_name": "Martin", "city": spelling})
        client.post(f"/tickets/new?resident_id={person.id}", data=counter_form(notes=spelling))
        assert not import_tickets(_csv(notes=spelling, ref_no=number)).ok
        assert not import_tickets(_csv(ref_no=number), source=f"{spelling}.csv").ok
        with pytest.raises(CardNumberStorageError):
            insert_tickets([dict(counter_values(person), opened_at=utcnow(), status="closed", family_number=spelling)],
                           agent.id)
        db.session.rollback()
        record("resident.search", Actor(login=spelling), detail={"q": spelling})
        db.session.commit()
    for number, spelling in enumerate(MUST_ACCEPT.values(), start=500):
        log_ticket(counter_values(person, notes=spelling), agent)
        assert import_tickets(_csv(notes=spelling, ref_no=number), source=f"{spelling}.csv").ok
        db.session.commit()
    assert _count(Ticket) == 2 * len(MUST_ACCEPT)
    assert _count(AuditEntry) >= len(MUST_REFUSE)
    assert scan_card_numbers() == []
