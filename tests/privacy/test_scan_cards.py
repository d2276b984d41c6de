"""`flask --app app privacy scan-cards [--mask]`: card numbers already stored (planted here below the
application, as an old version or a manual fix could have left them) are found by table, row and
column, never printed, and masked in one transaction recorded in the audit trail — the one change the
audit trail admits."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.audit.actor import Actor
from app.audit.models import AuditEntry
from app.audit.services import record
from app.cards.detector import CARD_MASK, contains_card_number
from app.extensions import db
from app.tickets.models import Ticket, TicketEvent
from app.tickets.services import log_ticket
from tests.tickets.helpers import counter_values, resident

NOTE = "payé avec 4111 1111 1111 1111 exp 12/27, rappel 06 12 34 56 78"
EVENT = '{"notes": [null, "carte 5555-5555-5555-4444"]}'


def _plant(sql: str, *params) -> None:
    """Write below SQLAlchemy (a DBAPI cursor): no guard sees it, as for data stored before the guard."""
    raw = db.session.connection().connection.dbapi_connection
    if db.session.get_bind().dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    raw.cursor().execute(sql, params)


@pytest.fixture
def planted(make_agent, reference):
    """A ticket whose notes hold a card, its creation event holding another, an audit entry holding a third,
    and a ticket whose notes hold look-alikes only."""
    agent = make_agent("counter_agent", site_code="mairie-02")
    person = resident()
    carded = log_ticket(counter_values(person, notes="propre"), agent)
    clean = log_ticket(counter_values(person, notes="SIRET 732 829 320 00074, tél. 06 12 34 56 78 75012"), agent)
    db.session.flush()
    event_id = db.session.execute(db.select(TicketEvent.id).where(TicketEvent.ticket_id == carded.id)).scalar_one()
    _plant("UPDATE tickets SET notes = ? WHERE id = ?", NOTE, carded.id)
    _plant("UPDATE ticket_events SET changes = ? WHERE id = ?", EVENT, event_id)
    _plant("INSERT INTO audit_entries (at, agent_login, action, detail) VALUES (?, ?, ?, ?)",
           "2026-11-30 10:00:00", "4111111111111111", "login.failed", '{"q": "cb 3782 822463 10005"}')
    audit_id = db.session.execute(db.select(db.func.max(AuditEntry.id))).scalar_one()
    db.session.commit()
    db.session.expire_all()
    return {"ticket": carded.id, "clean": clean.id, "event": event_id, "audit": audit_id}


def test_the_scan_names_table_row_and_column_of_each_planted_number_and_exits_non_zero(runner, planted):
    result = runner.invoke(args=["privacy", "scan-cards"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sorted(lines[:-1]) == sorted([f"tickets\t{planted['ticket']}\tnotes",
                                         f"ticket_events\t{planted['event']}\tchanges",
                                         f"audit_entries\t{planted['audit']}\tagent_login",
                                         f"audit_entries\t{planted['audit']}\tdetail"])
    assert lines[-1].startswith("4 valeur(s) contiennent un numéro de carte")
    assert not contains_card_number(result.output)
    assert db.session.get(Ticket, planted["ticket"]).notes == NOTE  # a scan changes nothing


def test_mask_replaces_each_number_keeps_everything_else_and_records_an_audit_entry(runner, planted):
    before = db.session.get(Ticket, planted["clean"]).notes
    result = runner.invoke(args=["privacy", "scan-cards", "--mask"])
    assert result.exit_code == 1 and "4 masquée(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Ticket, planted["ticket"]).notes == f"payé avec {CARD_MASK} exp 12/27, rappel 06 12 34 56 78"
    assert db.session.get(TicketEvent, planted["event"]).changes == {"notes": [None, f"carte {CARD_MASK}"]}
    entry = db.session.get(AuditEntry, planted["audit"])
    assert (entry.agent_login, entry.detail, entry.action) == (CARD_MASK, {"q": f"cb {CARD_MASK}"}, "login.failed")
    assert db.session.get(Ticket, planted["clean"]).notes == before
    trace = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "privacy.cards_masked")).scalar_one()
    assert trace.detail["masked"] == 4
    assert trace.detail["columns"] == ["audit_entries.agent_login", "audit_entries.detail", "ticket_events.changes",
                                       "tickets.notes"]
    again = runner.invoke(args=["privacy", "scan-cards"])
    assert again.exit_code == 0 and again.output.strip() == "Aucun numéro de carte trouvé."


def test_an_empty_scan_exits_zero(runner, app):
    result = runner.invoke(args=["privacy", "scan-cards", "--mask"])
    assert result.exit_code == 0 and db.session.execute(db.select(AuditEntry.id)).first() is None


def _refused(sql: str, **params) -> bool:
    try:
        with db.session.begin_nested():
            db.session.execute(text(sql), params)
    except DBAPIError:
        return True
    return False


def test_the_audit_trail_refuses_every_change_outside_the_masking_path(app):
    record("login.failed", Actor(login="someone"), detail={"q": "x"})
    db.session.flush()
    entry_id = db.session.execute(db.select(AuditEntry.id)).scalar_one()
    assert _refused("UPDATE audit_entries SET detail = '{}' WHERE id = :id", id=entry_id)
    db.session.execute(text("INSERT INTO audit_maskings (at) VALUES (:at)"), {"at": "2026-12-01 10:00:00"})
    assert _refused("UPDATE audit_entries SET id = id + 1000 WHERE id = :id", id=entry_id)
    assert _refused("UPDATE audit_entries SET at = :at WHERE id = :id", id=entry_id, at="2020-01-01 00:00:00")
    assert not _refused("UPDATE audit_entries SET detail = '{}' WHERE id = :id", id=entry_id)
