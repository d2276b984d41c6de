"""Bad input to the JSON endpoints, and the two 500s found outside any outage: never a 500.

Forms are fuzzed by `test_bad_input.py`; here the bodies and query strings of the JSON endpoints
get any JSON value — lone UTF-16 surrogates included, which a form cannot carry but JSON can.
"""

import inspect
import json
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from app.extensions import db
from tests.conftest import text_of
from tests.security.factories import make_resident, make_ticket

# Every endpoint answering JSON, with the role that reaches it and how it is called.
JSON_ENDPOINTS = {
    "contacts.search_live": ("operator_3975", "POST", "/contacts/search/live"),
    "reports.run_status": ("manager", "GET", "/reports/runs/{report_run}/status"),
    "main.health": (None, "GET", "/health"),
    "main.health_live": (None, "GET", "/health/live"),
    "tickets.import_run_status": ("admin", "GET", "/tickets/import/{import_run}/status"),
    # Another agent's export (the sample's): 404 whatever the query string.
    "tickets.export_run_status": ("manager", "GET", "/tickets/exports/{ticket_export}/status"),
    "telephony.panel": ("operator_3975", "GET", "/telephony/panel"),
    "telephony.panel_call": ("operator_3975", "GET", "/telephony/panel/{call}"),
    "cti.event": (None, "POST", "/api/v1/cti/{bad_token}"),  # a real token's bodies: tests/api (schemathesis)
}
# /health answers 503 by design when the facts or the scheduler are stale (no scheduler runs in the tests).
DESIGNED_503 = {"main.health"}

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
TEXT = st.text(st.one_of(st.characters(), SURROGATES), max_size=30)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=10,
)
BODIES = st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(["q", "page", "limit"]), JSON_VALUES, max_size=3),
                   st.builds(lambda q: {"q": q}, TEXT))
FUZZ = settings(max_examples=int(os.environ.get("RELAIS_FUZZ_EXAMPLES", "3")) * 10, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_every_json_endpoint_is_fuzzed(app):
    """A new view answering JSON must be added to JSON_ENDPOINTS (this check can fail: it reads the views)."""
    answering_json = {endpoint for endpoint, view in app.view_functions.items()
                      if "jsonify(" in inspect.getsource(inspect.unwrap(view))}
    assert answering_json == set(JSON_ENDPOINTS)


@pytest.mark.parametrize("body", ['{"q": "\\ud800"}', '{"q": "Martin\\udfff"}', '{"q": ["\\ud800"]}',
                                  '{"q": {"a": 1}}', '{"q": 12}', '["q"]', '"q"', "{", "null"])
def test_the_live_search_answers_any_json_with_results_or_a_message(reference, client_as, body):
    response = client_as("operator_3975").post("/contacts/search/live", data=body,
                                               content_type="application/json")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["results"] == [] and answer["message"]


def test_a_lone_surrogate_around_a_name_still_finds_the_resident(reference, client_as):
    resident = make_resident("Paul", "Martin", account_ref="CP-PM")
    db.session.commit()
    response = client_as("operator_3975").post("/contacts/search/live", data='{"q": "Martin\\ud800"}',
                                               content_type="application/json")
    assert [r["id"] for r in response.get_json()["results"]] == [resident.id]


def test_a_resident_with_more_than_a_page_of_tickets_has_a_working_next_page(reference, client_as):
    resident = make_resident()
    references = [make_ticket(resident, channel="counter", site="mairie-02").reference for _ in range(53)]
    db.session.commit()
    client = client_as("counter_agent", site_code="mairie-02")
    first = client.get(f"/tickets/resident/{resident.id}")
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    next_link = body.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert next_link.startswith(f"/tickets/resident/{resident.id}?")
    second = client.get(next_link)
    assert second.status_code == 200
    shown = [ref for ref in references if ref in text_of(first) or ref in text_of(second)]
    assert sorted(shown) == sorted(references)


@pytest.mark.parametrize("endpoint", sorted(JSON_ENDPOINTS))
def test_json_endpoints_survive_any_body_and_query_string(endpoint, app, client_as, matrix_samples):
    role, method, path = JSON_ENDPOINTS[endpoint]
    client = app.test_client() if role is None else client_as(role)
    url = path.format(**matrix_samples)

    @FUZZ
    @given(body=BODIES, query=st.dictionaries(st.sampled_from(["q", "after", "page"]), TEXT, max_size=2))
    @example(body={"q": "\ud800"}, query={"q": "\udfff"})
    @example(body=["q"], query={"after": "\ud800"})
    def run(body, query):
        raw = json.dumps(body)  # ensure_ascii: lone surrogates travel as \\udXXX escapes
        target = url + "?" + urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})
        if method == "POST":
            response = client.post(target, data=raw, content_type="application/json")
        else:
            response = client.get(target)
        designed = endpoint in DESIGNED_503 and response.status_code == 503 and response.is_json
        assert response.status_code < 500 or designed, f"{method} {target} {raw[:200]}: {response.status_code}"
        if response.status_code == 200:
            assert response.is_json

    run()
