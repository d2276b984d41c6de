"""Races on PostgreSQL: real commits from concurrent threads, each with its own connection.

SQLite serialises writers (BEGIN IMMEDIATE), so these races cannot happen there; the tests skip.
Rows are committed for real and removed at the end.
"""

import threading
import time
import uuid

import pytest
from sqlalchemy import text

from app import create_app
from app.auth.models import Agent
from app.auth.services import create_agent
from app.contacts.services import ResidentError, create_resident
from app.extensions import db
from tests.conftest import PASSWORD, base_config, sign_in, text_of


@pytest.fixture
def live_app(database_url):
    """An application whose requests commit for real (no rolled-back test transaction)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers are a PostgreSQL matter; SQLite serialises them")
    app = create_app(base_config(database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def cleanup(live_app):
    """Logins and account references to delete, with what refers to them, at the end."""
    logins, refs = [], []
    yield logins, refs
    with live_app.app_context(), db.engine.begin() as conn:
        for login in logins:
            ids = "(SELECT id FROM agents WHERE login = :login)"
            conn.execute(text(f"DELETE FROM audit_entries WHERE agent_id IN {ids} OR agent_login = :login"),
                         {"login": login})
            conn.execute(text(f"DELETE FROM agent_sessions WHERE agent_id IN {ids}"), {"login": login})
            conn.execute(text(f"UPDATE residents SET created_by_id = NULL WHERE created_by_id IN {ids}"),
                         {"login": login})
            conn.execute(text("DELETE FROM agents WHERE login = :login"), {"login": login})
        for ref in refs:
            resident_ids = "(SELECT id FROM residents WHERE account_ref = :ref)"
            conn.execute(text(f"DELETE FROM resident_changes WHERE resident_id IN {resident_ids}"), {"ref": ref})
            conn.execute(text(f"DELETE FROM audit_entries WHERE resident_id IN {resident_ids}"), {"ref": ref})
            conn.execute(text(f"UPDATE residents SET merged_into_id = NULL WHERE merged_into_id IN {resident_ids}"),
                         {"ref": ref})
            conn.execute(text("DELETE FROM residents WHERE account_ref = :ref"), {"ref": ref})


def _committed_agent(app, role, logins) -> str:
    login = f"race-{uuid.uuid4().hex[:8]}"
    logins.append(login)
    with app.app_context():
        create_agent(login, role, PASSWORD)
        db.session.commit()
    return login


def _run_together(count, work):
    """Run `work(i)` in `count` threads released at once by a barrier; returns results in order."""
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def _wait_for_blocked_insert(app, table: str) -> None:
    """Wait until another connection waits on a lock (its insert into `table`, on the unique index)."""
    with app.app_context(), db.engine.connect() as conn:
        for _ in range(1500):  # up to 30 s: the request hashes a password first, slow on a loaded machine
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            if waiting:
                return
            time.sleep(0.02)
    pytest.fail(f"no insert into {table} was seen waiting on the unique index")


def test_ten_concurrent_wrong_passwords_lock_the_account(live_app, cleanup):
    login = _committed_agent(live_app, "counter_agent", cleanup[0])
    clients = [live_app.test_client() for _ in range(10)]
    statuses = _run_together(10, lambda i: sign_in(clients[i], login, "mauvais-mot-de-passe").status_code)
    assert set(statuses) == {401}
    response = sign_in(live_app.test_client(), login)  # the right password, now refused
    assert response.status_code == 401 and "verrouillé" in text_of(response)
    with live_app.app_context():
        agent = db.session.execute(db.select(Agent).where(Agent.login == login)).scalar_one()
        assert agent.locked_until is not None


def test_concurrent_wrong_passwords_are_each_counted(live_app, cleanup):
    login = _committed_agent(live_app, "counter_agent", cleanup[0])
    clients = [live_app.test_client() for _ in range(4)]
    _run_together(4, lambda i: sign_in(clients[i], login, "mauvais-mot-de-passe").status_code)
    with live_app.app_context():
        agent = db.session.execute(db.select(Agent).where(Agent.login == login)).scalar_one()
        assert agent.failed_logins == 4 and agent.locked_until is None


def test_two_admins_creating_the_same_login_at_once_get_a_field_message(live_app, cleanup):
    logins = cleanup[0]
    admin = live_app.test_client()
    assert sign_in(admin, _committed_agent(live_app, "admin", logins)).status_code == 302
    login = f"double-{uuid.uuid4().hex[:8]}"
    logins.append(login)
    form = {"login": login, "name": "Agent double", "role": "manager", "site_id": "",
            "password": PASSWORD, "confirm": PASSWORD}
    # The other admin's creation is in flight: inserted, not yet committed, when this one checks.
    with live_app.app_context(), db.engine.connect() as other:
        other.execute(text("INSERT INTO agents (login, name, role, password_hash, active, failed_logins, "
                           "session_version, created_at) VALUES (:login, 'x', 'manager', 'x', true, 0, 1, now())"),
                      {"login": login})
        responses = []
        thread = threading.Thread(target=lambda: responses.append(admin.post("/admin/agents/new", data=form)))
        thread.start()
        _wait_for_blocked_insert(live_app, "agents")
        other.commit()
        thread.join(30)
    response = responses[0]
    assert response.status_code == 400
    assert f"L'identifiant '{login}' existe déjà." in text_of(response).replace("&#39;", "'")


def test_two_agents_creating_the_same_account_reference_at_once_get_a_field_message(live_app, cleanup):
    ref = f"CP-RACE-{uuid.uuid4().hex[:6].upper()}"
    cleanup[1].append(ref)
    outcome = []

    def create():
        with live_app.app_context():
            try:
                create_resident({"last_name": "Durand", "first_name": "Léa", "account_ref": ref})
                db.session.commit()
                outcome.append("created")
            except ResidentError as exc:
                db.session.rollback()
                outcome.append((exc.field, exc.message))

    with live_app.app_context(), db.engine.connect() as other:
        other.execute(text("INSERT INTO residents (first_name, last_name, account_ref, preferred_language, needs, "
                           "consent_contact, search_name, created_at, updated_at, version) VALUES "
                           "('Léa', 'Durand', :ref, 'fr', '[]', false, 'durand lea', now(), now(), 1)"),
                      {"ref": ref})
        thread = threading.Thread(target=create)
        thread.start()
        _wait_for_blocked_insert(live_app, "residents")
        other.commit()
        thread.join(30)
    assert outcome == [("account_ref", f"La référence compte parisien {ref} appartient déjà à un usager.")]


def test_two_opposite_merges_at_once_one_wins_the_other_gets_a_clear_message_and_no_loop(live_app, cleanup):
    from app.contacts.merge import merge_residents
    from app.contacts.models import Resident

    refs = cleanup[1]
    refs += [f"CP-M-{uuid.uuid4().hex[:6].upper()}" for _ in range(2)]
    with live_app.app_context():
        ids = [create_resident({"last_name": "Martin", "first_name": "Paul", "account_ref": ref}).id for ref in refs]
        db.session.commit()
    directions = [(ids[0], ids[1]), (ids[1], ids[0])]  # A into B, and B into A

    def merge(i):
        survivor_id, other_id = directions[i]
        with live_app.app_context():
            survivor, other = db.session.get(Resident, survivor_id), db.session.get(Resident, other_id)
            try:
                merge_residents(survivor, other, {}, None)
                db.session.commit()
                return "merged"
            except ResidentError as exc:
                db.session.rollback()
                return exc.message

    for _ in range(3):  # a few rounds: the race must never let both commit
        outcomes = _run_together(2, merge)
        assert outcomes.count("merged") == 1, outcomes
        loser = next(o for o in outcomes if o != "merged")
        assert "déjà fusionnée" in loser and "rien n'a été modifié" in loser
        with live_app.app_context():
            pointers = dict(db.session.execute(db.select(Resident.id, Resident.merged_into_id).where(
                Resident.id.in_(ids))).all())
        assert pointers in ({ids[0]: ids[1], ids[1]: None}, {ids[0]: None, ids[1]: ids[0]}), pointers
        with live_app.app_context(), db.engine.begin() as conn:  # undo the merge for the next round
            conn.execute(text("UPDATE residents SET merged_into_id = NULL WHERE id IN (:a, :b)"),
                         {"a": ids[0], "b": ids[1]})
            conn.execute(text("UPDATE residents SET account_ref = :ref WHERE id = :id"),
                         [{"ref": ref, "id": rid} for ref, rid in zip(refs, ids, strict=True)])
