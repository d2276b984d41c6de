"""The ticket edit, from the view to the database, passes through each file of the domain once.

A save is traced (`sys.setprofile`: every Python call made while the request is served) and the calls
from one file of `app/` to another are kept as arrows: the view calls the service, which calls the checks
and the history, which call the models. Back-and-forth — the history calling the service back, the
checks calling the view — would show as a cycle in those arrows.
"""

import sys
from pathlib import Path

import pytest

import app as application
from app.extensions import db
from app.tickets.models import Ticket
from tests.tickets.test_pages import ticket02  # noqa: F401 - the fixture: a counter ticket at the Mairie du 2e

APP = Path(application.__file__).resolve().parent


def _arrows(call) -> set[tuple[str, str]]:
    """(caller file, callee file) of every call between two files of app/ while `call()` runs."""
    arrows = set()

    def profile(frame, event, _arg):
        if event != "call" or frame.f_back is None:
            return
        callee, caller = Path(frame.f_code.co_filename), Path(frame.f_back.f_code.co_filename)
        if callee != caller and APP in callee.parents and APP in caller.parents:
            arrows.add((str(caller.relative_to(APP)), str(callee.relative_to(APP))))

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return arrows


def _cycle(arrows: set[tuple[str, str]]) -> list[str]:
    """A cycle among the arrows (as a list of files), or [] when they form a one-way path."""
    graph: dict[str, set[str]] = {}
    for caller, callee in arrows:
        graph.setdefault(caller, set()).add(callee)
    state: dict[str, str] = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return []


def test_a_ticket_edit_goes_one_way_from_the_view_to_the_models(client_as, ticket02):  # noqa: F811
    agent = client_as("counter_agent", "mairie-02")
    url = f"/tickets/{ticket02.id}/edit"
    assert agent.get(url).status_code == 200
    data = {"device_id": ticket02.device_id, "procedure_id": ticket02.procedure_id, "version": ticket02.version,
            "outcome": "completed", "notes": "Compte créé"}
    arrows = _arrows(lambda: agent.post(url, data=data))
    db.session.expire_all()
    assert db.session.get(Ticket, ticket02.id).notes == "Compte créé"  # the save went through
    tickets = {arrow for arrow in arrows if all(side.startswith("tickets/") for side in arrow)}
    assert ("tickets/edit_views.py", "tickets/services.py") in tickets
    assert {callee for _caller, callee in tickets} >= {"tickets/checks.py", "tickets/history.py"}
    assert _cycle(arrows) == [], f"back-and-forth between files: {' -> '.join(_cycle(arrows))}"


@pytest.mark.parametrize("arrows, cycle", [
    ({("a.py", "b.py"), ("b.py", "c.py")}, []),
    ({("a.py", "b.py"), ("b.py", "a.py")}, ["a.py", "b.py", "a.py"]),
    ({("a.py", "b.py"), ("b.py", "c.py"), ("c.py", "a.py")}, ["a.py", "b.py", "c.py", "a.py"]),
])
def test_the_cycle_check_finds_back_and_forth(arrows, cycle):
    assert _cycle(arrows) == cycle
