"""The training rules a ticket obeys come from a per-process snapshot: a change shows at the next post."""

from sqlalchemy import text

from app.channels.models import Procedure, Site
from app.extensions import db
from app.training import cache
from app.training.models import TrainingRequirement
from app.training.queries import get_module_by_code
from tests.conftest import text_of
from tests.tickets.helpers import ref, resident

REFUSED = "(personal-data)"


def _post_bulky_waste(client, person):
    return client.post(f"/tickets/new?resident_id={person.id}", data={
        "procedure_id": ref(Procedure, "bulky-waste").id, "outcome": "completed", "status": "closed"})


def _bulky_waste_requirement():
    return db.session.execute(db.select(TrainingRequirement).where(
        TrainingRequirement.procedure_id == ref(Procedure, "bulky-waste").id)).scalar_one()


def test_a_requirement_the_admin_adds_is_obeyed_at_the_next_post_and_lifted_when_removed(training, client_as):
    person = resident()
    db.session.commit()
    operator = client_as("operator_3975")
    admin = client_as("admin")
    assert _post_bulky_waste(operator, person).status_code == 302  # the rules are now in the snapshot
    added = admin.post("/training/requirements", data={"module": "personal-data", "scope": "procedure",
                                                       "procedure": "bulky-waste", "channel": ""})
    assert added.status_code == 303
    refused = _post_bulky_waste(operator, person)
    assert refused.status_code == 400 and REFUSED in text_of(refused)
    removed = admin.post(f"/training/requirements/{_bulky_waste_requirement().id}/delete")
    assert removed.status_code == 303
    assert _post_bulky_waste(operator, person).status_code == 302


def test_a_site_policy_the_admin_changes_is_obeyed_at_the_next_post(training, client_as):
    person = resident()
    db.session.add(TrainingRequirement(module_id=get_module_by_code("personal-data").id, scope="procedure",
                                       procedure_id=ref(Procedure, "bulky-waste").id))
    db.session.commit()
    operator = client_as("operator_3975")
    admin = client_as("admin")
    assert _post_bulky_waste(operator, person).status_code == 400  # the platform refuses by default
    platform = ref(Site, "plateforme-3975")
    assert admin.post("/training/sites", data={"site": str(platform.id), "on_missing": "flag"}).status_code in (302, 303)
    assert _post_bulky_waste(operator, person).status_code == 302  # saved, flagged "agent non formé"


def test_a_rule_added_by_another_process_is_obeyed_once_it_says_so(training, client_as, redis_conn):
    person = resident()
    db.session.commit()
    operator = client_as("operator_3975")
    assert _post_bulky_waste(operator, person).status_code == 302
    # Another worker adds the requirement: its commit bumps the shared version in Redis; this process's
    # snapshot is dropped at its next check.
    db.session.execute(text("INSERT INTO training_requirements (module_id, scope, procedure_id) VALUES (:m, "
                            "'procedure', :p)"), {"m": get_module_by_code("personal-data").id,
                                                  "p": ref(Procedure, "bulky-waste").id})
    db.session.commit()
    redis_conn.incr(cache.VERSION_KEY)
    cache._rules.checked_at.clear()  # as if CHECK_SECONDS had passed
    refused = _post_bulky_waste(operator, person)
    assert refused.status_code == 400 and REFUSED in text_of(refused)
