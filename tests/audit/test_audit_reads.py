"""Every page that shows a resident's personal data, and every search, writes its audit entries:
who, which record, which page — for a search the kind of query and the number of results, never the text."""

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from tests.security.factories import make_resident, make_ticket


@pytest.fixture
def people(reference):
    marie = make_resident()
    marie2 = make_resident("Marie", "Lefevre", email="m.lefevre@example.org", phone="+33698765432",
                           family_number=None)
    ticket = make_ticket(marie, channel="phone_3975", site="plateforme-3975")
    db.session.commit()
    return {"marie": marie, "marie2": marie2, "ticket": ticket}


def _new_entries(before: int) -> list[AuditEntry]:
    return db.session.execute(db.select(AuditEntry).where(AuditEntry.id > before).order_by(AuditEntry.id)
                              ).scalars().all()


def _last_id() -> int:
    return db.session.execute(db.select(db.func.max(AuditEntry.id))).scalar() or 0


# (role, method, path template, form or JSON, expected entries: (action, resident key, detail))
READS = [
    ("operator_3975", "get", "/contacts/{marie}", None,
     [("resident.view", "marie", {"page": "record"})]),
    ("operator_3975", "get", "/contacts/{marie}/edit", None,
     [("resident.view", "marie", {"page": "edit_form"})]),
    ("operator_3975", "get", "/contacts/{marie}/merge/{marie2}", None,
     [("resident.view", "marie", {"page": "merge"}), ("resident.view", "marie2", {"page": "merge"})]),
    ("operator_3975", "get", "/tickets/new?resident_id={marie}", None,
     [("resident.view", "marie", {"page": "ticket_form"})]),
    ("operator_3975", "get", "/tickets/{ticket}/edit", None,
     [("ticket.view", "marie", {"page": "edit_form"})]),
    ("operator_3975", "post", "/contacts/search", {"q": "Lefèvre Marie"},
     [("resident.search", None, {"source": "search", "kind": "name", "results": 2})]),
    ("operator_3975", "post", "/contacts/search", {"q": "06 12 34 56 78"},
     [("resident.search", None, {"source": "search", "kind": "phone", "results": 1})]),
    ("operator_3975", "json", "/contacts/search/live", {"q": "lefe"},
     [("resident.search", None, {"source": "live", "kind": "name", "results": 2})]),
    ("operator_3975", "json", "/contacts/search/live", {"q": "marie.lefevre@example.org"},
     [("resident.search", None, {"source": "live", "kind": "email", "results": 1})]),
    ("operator_3975", "json", "/contacts/search/live", {"q": "l"},
     [("resident.search", None, {"source": "live", "kind": "name", "results": 0})]),
    ("operator_3975", "post", "/tickets/new", {"q": "Lefevre"},
     [("resident.search", None, {"source": "ticket_form", "kind": "name", "results": 2})]),
    ("manager", "post", "/contacts/search", {"q": "FF-12345"},
     [("resident.search", None, {"source": "search", "kind": "identifier", "results": 0})]),
    ("admin", "post", "/privacy/", {"q": "lefevre"},
     [("resident.search", None, {"source": "privacy", "kind": "name", "results": 2})]),
]


@pytest.mark.parametrize(("role", "method", "path", "data", "expected"), READS,
                         ids=[f"{r[0]}-{r[2]}-{(r[3] or {}).get('q', '')}" for r in READS])
def test_each_page_showing_personal_data_writes_its_audit_entries(people, client_as, role, method, path, data,
                                                                  expected):
    client = client_as(role)
    url = path.format(**{key: row.id for key, row in people.items()})
    before = _last_id()
    if method == "get":
        response = client.get(url)
    elif method == "json":
        response = client.post(url, json=data)
    else:
        response = client.post(url, data=data)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    got = [(e.action, e.resident_id, e.detail, e.agent_id) for e in _new_entries(before)
           if e.action in ("resident.view", "resident.search", "ticket.view")]
    assert got == [(action, people[key].id if key else None, detail, client.agent.id)
                   for action, key, detail in expected]


def test_no_searched_text_is_kept_in_the_audit_trail(people, client_as):
    client = client_as("counter_agent")
    typed = ["Lefèvre Marie", "06 12 34 56 78", "marie.lefevre@example.org", "FF-12345"]
    before = _last_id()
    for q in typed:
        client.post("/contacts/search", data={"q": q})
        client.post("/contacts/search/live", json={"q": q})
    searches = [e for e in _new_entries(before) if e.action == "resident.search"]
    assert len(searches) == 2 * len(typed)
    for entry in searches:
        dumped = str(entry.detail) + str(entry.object_id)
        assert not [q for q in typed + ["lefèvre", "0612345678", "+33612345678"] if q.lower() in dumped.lower()]


def test_the_audit_search_keeps_which_filters_were_used_not_what_was_typed(people, client_as):
    client = client_as("admin")
    before = _last_id()
    client.post("/audit/", data={"resident": "Lefèvre", "agent": "bob"})
    [entry] = [e for e in _new_entries(before) if e.action == "audit.search"]
    assert entry.detail["filters"] == ["agent", "resident"] and "Lefèvre" not in str(entry.detail)
