"""Every route × every role (and anonymous) answers as `expectations.py` says; a new route needs an entry."""

import pytest

from app.auth.models import Agent
from app.auth.sessions import LOOKED_UP_KEY
from app.extensions import db
from tests.conftest import PASSWORD
from tests.security.expectations import ANONYMOUS, EXPECTED, ROLES, SAMPLES


def routes(app):
    """Every URL rule but static files, in a stable order."""
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
                  key=lambda rule: (rule.endpoint, rule.rule))


def missing_entries(app, expected) -> list[str]:
    """Routes of the application without an entry in `expected`."""
    return sorted({f"{rule.endpoint} ({rule.rule})" for rule in routes(app) if rule.endpoint not in expected})


def build_url(rule, entry, samples) -> str:
    """The rule's URL with sample values; a new argument name must be given a sample."""
    values = {}
    for argument in rule.arguments:
        sample = entry.values.get(argument) or SAMPLES.get(argument)
        if sample is None:
            pytest.fail(f"Route {rule.endpoint} ({rule.rule}): no sample value for <{argument}>; "
                        "add it to SAMPLES or to the route's `values` in tests/security/expectations.py")
        values[argument] = samples[sample]
    return rule.build(values, append_unknown=False)[1]


def expected_answers(rule, entry, role):
    """(method, expected status) pairs to check for this rule and role."""
    checks = []
    if "GET" in rule.methods:
        if entry.get is None:
            pytest.fail(f"Route {rule.endpoint} ({rule.rule}) answers GET but its entry has get=None")
        checks.append(("GET", entry.get[role]))
    elif rule.rule.startswith("/api/"):
        # The API answers everyone in JSON: 405, or 401 (no token) when a GET route shares the URL.
        shared = any(other.rule == rule.rule and "GET" in other.methods for other in rule.map.iter_rules())
        checks.append(("GET", 401 if shared else 405))
    else:
        checks.append(("GET", 302 if role == ANONYMOUS else 405))
    if "POST" in rule.methods and role not in entry.skip_post:
        if role == ANONYMOUS:
            checks.append(("POST", 302))
        elif (entry.get is None and role not in entry.post) or (entry.get is not None and entry.get[role] == 403):
            checks.append(("POST", 403))
    return checks


def forget_residents_looked_up(client) -> None:
    """Clear the residents whose page this client opened (they open other channels' tickets)."""
    with client.session_transaction() as cookie:
        cookie.pop(LOOKED_UP_KEY, None)


def test_every_route_has_an_entry(app):
    missing = missing_entries(app, EXPECTED)
    assert not missing, "Routes without an entry in tests/security/expectations.py: " + ", ".join(missing)


def test_entries_name_existing_routes(app):
    endpoints = {rule.endpoint for rule in routes(app)}
    stale = sorted(set(EXPECTED) - endpoints)
    assert not stale, f"Entries for routes that no longer exist: {stale}"


def test_a_route_removed_from_the_table_is_reported(app):
    expected = {rule.endpoint: EXPECTED.get(rule.endpoint) for rule in routes(app)}
    del expected["audit.index"]
    assert missing_entries(app, expected) == ["audit.index (/audit/)"]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_expected(role, app, client_as, matrix_samples):
    client = app.test_client() if role == ANONYMOUS else client_as(role)
    problems = []
    for rule in routes(app):
        entry = EXPECTED.get(rule.endpoint)
        if entry is None:
            problems.append(f"{rule.endpoint} ({rule.rule}): no entry in tests/security/expectations.py")
            continue
        url = build_url(rule, entry, matrix_samples)
        for method, status in expected_answers(rule, entry, role):
            if role != ANONYMOUS:
                forget_residents_looked_up(client)  # each URL reached by itself (ids alone)
            response = client.open(url, method=method, data={}, buffered=True)
            if response.status_code != status:
                problems.append(f"{method} {url} [{rule.endpoint}] as {role}: expected {status}, "
                                f"got {response.status_code}")
    assert not problems, "\n".join(problems)


def test_sample_agent_is_untouched_by_refused_posts(app, client_as, matrix_samples):
    """Refused POSTs change nothing: the target agent stays an active manager."""
    client = client_as("counter_agent")
    client.post(f"/admin/agents/{matrix_samples['target_agent']}/active")
    client.post(f"/admin/agents/{matrix_samples['target_agent']}/password",
                data={"password": PASSWORD + "x", "confirm": PASSWORD + "x"})
    agent = db.session.get(Agent, matrix_samples["target_agent"])
    db.session.refresh(agent)
    assert agent.active and agent.role == "manager" and agent.session_version == 1
