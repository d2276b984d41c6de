"""Schemathesis against a real HTTP server of the app, every check on, fixed seeds: no failure, no 5xx.

The run is the command line's (`st run`): examples, coverage (boundaries, undeclared methods, missing
parameters), fuzzing and stateful phases, every built-in check. One allowance, said here and in
docs/api.md: a POST (and the residents' look-up) may answer 422 to a request the document allows, because
what it checks needs the database (the codes of sites and channels, the agent named, a phone number valid
in its numbering plan, the ticket rules): the document cannot say which values exist. Every other answer
must be the document's: a GET with valid values is never refused.
"""

import threading
import warnings

import pytest
import schemathesis
from hypothesis.errors import HypothesisWarning
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from werkzeug.serving import make_server

from app.api.labels import SCOPES
from app.api.tokens import create_token
from app.extensions import db

SEEDS = (271828, 314159)  # two fixed seeds: a failure found is found again
EXAMPLES = 10  # per operation and phase: the run stays well under a minute
# What valid data may get: the defaults, and 400 for a NUL character (U+0000), refused everywhere since no
# database can hold it (the document does not repeat it on every text); a POST may also answer 422.
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
DOMAIN_RULES = ACCEPTED + ["422"]


@pytest.fixture
def served(app):
    """The app behind a real HTTP server on a free port (one request at a time, in the test's transaction)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def _config(base_url: str, seed: int, bearer: str, cti: str) -> SchemathesisConfig:
    allow_domain_rules = {"checks": {"positive_data_acceptance": {"expected-statuses": DOMAIN_RULES}}}
    return SchemathesisConfig.from_dict({
        "seed": seed, "base-url": base_url, "workers": 1,
        "headers": {"Authorization": f"Bearer {bearer}"},
        "parameters": {"path.token": cti},
        "generation": {"max-examples": EXAMPLES},
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
        "operations": [{"include-method": "POST", **allow_domain_rules},
                       {"include-path": "/api/v1/residents", **allow_domain_rules}],
    })


def _run(base_url: str, config: SchemathesisConfig) -> tuple[list[str], set[str]]:
    """(failures and errors in words, operations exercised)."""
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)
    problems, exercised = [], set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HypothesisWarning)  # "overly large repr" of a fuzzed body
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                if event.label:
                    exercised.add(event.label)
                for checks in event.recorder.checks.values():
                    problems.extend(f"{event.phase} {event.label} {check.name}: {check.failure_info.failure.title}\n"
                                    f"{check.failure_info.code_sample}"
                                    for check in checks if check.status == Status.FAILURE)
            elif isinstance(event, events.NonFatalError | events.FatalError):
                problems.append(f"erreur : {getattr(event, 'label', '')} {getattr(event, 'value', event)!r}")
    return problems, exercised


@pytest.mark.parametrize("seed", SEEDS)
def test_schemathesis_finds_no_failure_and_no_server_error(app, served, operator, jeanne, seed):
    bearer = create_token("Tout", list(SCOPES), all_sites=True)[1]
    cti = create_token("Standard", "cti", sites="plateforme-3975")[1]
    db.session.commit()
    problems, exercised = _run(served, _config(served, seed, bearer, cti))
    assert not problems, "\n\n".join(problems)
    assert {"GET /api/v1/tickets", "GET /api/v1/calls", "POST /api/v1/cti/{token}"} <= exercised
