"""Reading residents' personal data: searches and every page that shows a record, each audited.

An audit entry says who read what and where (`detail.page`), or for a search the kind of query and
the number of results — never the text searched nor any value read. Who reads is an `Actor` (the agent
and the address of the request), given by the view.
"""

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.access import can_see_family_number
from app.contacts.models import Resident
from app.contacts.normalise import looks_like_phone
from app.contacts.queries import FoundResident, SearchQueryError
from app.contacts.search import search_residents

# Where a resident's data is shown, as `detail.page` of `resident.view` entries.
PAGES = ("record", "edit_form", "merge", "duplicates", "ticket_form")
# Where a search is made, as `detail.source` of `resident.search` entries.
SOURCES = ("search", "live", "ticket_form", "privacy")


def query_kind(q: str) -> str:
    """What was searched, as a kind: e-mail, phone, identifier (reference or family number), name, empty."""
    raw = (q or "").strip()
    if not raw:
        return "empty"
    if "@" in raw:
        return "email"
    if looks_like_phone(raw) and not any(ch.isalpha() for ch in raw):
        return "phone"
    if " " not in raw and any(ch.isdigit() for ch in raw):
        return "identifier"
    return "name"


def without_lone_surrogates(text: str) -> str:
    """`text` without lone UTF-16 surrogates (JSON may carry "\\ud800"; no database can store it)."""
    return "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)


def record_search(actor: Actor, q: str, results: list, source: str) -> None:
    """Audit a search of residents: its kind and number of results, never the text."""
    record("resident.search", actor, object_type="resident",
           detail={"source": source, "kind": query_kind(q), "results": len(results)})


def search_for(actor: Actor, q: str, source: str, limit: int = 20) -> list[FoundResident]:
    """Search residents for `actor.agent` (audited). Who may not see family numbers does not find residents by one.

    Raises SearchQueryError (from the queries) when the text is too short to search a name; the
    refused search is audited too.
    """
    q = without_lone_surrogates(q or "")
    try:
        results = search_residents(q, limit=limit)
    except SearchQueryError:
        record_search(actor, q, [], source)
        raise
    if not can_see_family_number(actor.agent):
        raw = q.strip()
        results = [r for r in results if not (r.family_number and r.family_number == raw)]
    record_search(actor, q, results, source)
    return results


def record_read(actor: Actor, resident: Resident | FoundResident, page: str) -> None:
    """Audit that `actor` was shown `resident`'s record on `page` (one of PAGES)."""
    record("resident.view", actor, object_type="resident", object_id=resident.id, resident_id=resident.id,
           detail={"page": page})
