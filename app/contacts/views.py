"""Residents: search (plain form and live), the 360° view. Create, edit, merge: `edit_views.py`."""

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit.queries import agent_names
from app.auth.access import can_see_family_number, can_see_ticket_notes, can_view_ticket
from app.auth.current import request_actor
from app.auth.sessions import note_resident_looked_up, residents_looked_up
from app.contacts import edit_views
from app.contacts.blueprint import new_blueprint, readers_only, ticket_url
from app.contacts.forms import FIELD_TITLES, NEED_LABELS, QuickCreateForm, SearchForm
from app.contacts.labels import HISTORY_ACTIONS, change_value, namesake_hints
from app.contacts.models import Resident
from app.contacts.normalise import display_phone, looks_like_phone
from app.contacts.queries import (
    FoundResident,
    SearchQueryError,
    get_live_resident,
    get_resident,
    resident_history,
    resident_tickets,
)
from app.contacts.reads import record_read, search_for
from app.extensions import db
from app.tickets.labels import OPEN_STATUSES, STATUS_LABELS

LIVE_LIMIT = 8
SHOWN, COUNT_LIMIT = 20, 500


def _quick_form_for(q: str) -> QuickCreateForm:
    """A quick-create form prefilled with what was searched (a name, or a contact detail)."""
    form = QuickCreateForm(formdata=None)
    if "@" in q or looks_like_phone(q):
        form.contact.data = q
    else:
        words = q.split()
        form.last_name.data = words[0] if words else ""
        form.first_name.data = " ".join(words[1:])
    return form


@readers_only
def index():
    return render_template("contacts/search.html", form=SearchForm(formdata=None), results=None,
                           quick=QuickCreateForm(formdata=None))


@readers_only
def search():
    """The plain search form: POST only, so the searched text stays out of URLs and access logs."""
    form, results, total = SearchForm(), None, 0
    if form.validate_on_submit():
        try:
            # Counted up to COUNT_LIMIT (one read, the same tiers); the page lists the first SHOWN.
            found = search_for(request_actor(), form.q.data, "search", limit=COUNT_LIMIT + 1)
            results, total = found[:SHOWN], len(found)
        except SearchQueryError as exc:
            form.q.errors.append(exc.message)
        db.session.commit()
    return render_template("contacts/search.html", form=form, results=results, total=total, shown=SHOWN,
                           hints=namesake_hints(results or []),
                           count_limit=COUNT_LIMIT, quick=_quick_form_for(form.q.data or ""))


@readers_only
def search_live():
    """Results as the agent types (JSON), for static/js/search.js."""
    payload = request.get_json(silent=True) if request.is_json else request.form
    q = payload.get("q") if isinstance(payload, dict) or payload is request.form else None
    try:
        results = search_for(request_actor(), q if isinstance(q, str) else "", "live", limit=LIVE_LIMIT)
    except SearchQueryError as exc:
        db.session.commit()
        return jsonify(results=[], message=exc.message)
    db.session.commit()
    hints = namesake_hints(results)
    return jsonify(results=[_summary(r, hints.get(r.id, "")) for r in results],
                   message="" if results else "Aucun usager trouvé.")


def _summary(resident: FoundResident, hint: str = "") -> dict:
    details = [display_phone(resident.phone), resident.email or "",
               resident.birth_date.strftime("%d/%m/%Y") if resident.birth_date else "", resident.postal_code or "",
               f"({hint})" if hint else ""]
    return {"id": resident.id, "name": f"{resident.last_name.upper()} {resident.first_name}".strip(),
            "detail": " · ".join(d for d in details if d), "url": url_for("contacts.show", resident_id=resident.id)}


@readers_only
def show(resident_id: int):
    """The 360° view; every view is audited. A merged record leads to its survivor."""
    resident = get_resident(resident_id) or abort(404)
    if resident.merged_into_id is not None:
        return redirect(url_for("contacts.show", resident_id=get_live_resident(resident.id).id))
    record_read(request_actor(), resident, "record")
    db.session.commit()
    note_resident_looked_up(resident.id)  # other channels' tickets of this resident may now be opened
    looked_up = residents_looked_up()
    timeline = [{"ticket": t, "url": ticket_url(t) if can_view_ticket(current_user, t, looked_up) else None,
                 "notes": t.notes if can_see_ticket_notes(current_user, t, looked_up) else None}
                for t in resident_tickets(resident.id)]
    show_family = can_see_family_number(current_user)
    history = resident_history(resident.id)
    return render_template("contacts/show.html", resident=resident, timeline=timeline,
                           history=history if show_family else _without_family_numbers(resident, history),
                           field_labels=FIELD_TITLES, need_labels=NEED_LABELS,
                           status_labels=STATUS_LABELS, open_statuses=OPEN_STATUSES, show_family=show_family,
                           display_phone=display_phone, change_value=change_value, history_actions=HISTORY_ACTIONS,
                           agent_names=agent_names(c.agent_id for c in history))


def _without_family_numbers(resident: Resident, history: list) -> list[dict]:
    """The history as plain dicts, with Facil'Familles family numbers masked (for who may not see them)."""
    numbers = {resident.family_number} | {v for c in history for v in (c.changes or {}).get("family_number", [])}
    numbers = {n for n in numbers if n}
    masked = []
    for change in history:
        note = change.note or ""
        for number in numbers:
            note = note.replace(number, "•••")
        changes = {f: (["•••", "•••"] if f == "family_number" else pair) for f, pair in (change.changes or {}).items()}
        masked.append({"at": change.at, "action": change.action, "agent_id": change.agent_id, "changes": changes,
                       "note": note or None})
    return masked


def register(bp: Blueprint) -> None:
    """Put the search and 360° pages on the contacts blueprint."""
    bp.add_url_rule("/", view_func=index)
    bp.add_url_rule("/search", view_func=search, methods=["POST"])
    bp.add_url_rule("/search/live", view_func=search_live, methods=["POST"])
    bp.add_url_rule("/<int:resident_id>", view_func=show)


def build_blueprint() -> Blueprint:
    """The contacts blueprint with every resident page: search and 360° here, create, edit and merge.

    A new one for each app: a blueprint takes no more routes once an app has registered it.
    """
    bp = new_blueprint()
    register(bp)
    edit_views.register(bp)
    return bp
