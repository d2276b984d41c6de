"""The OpenAPI 3.1 document validates, its page is readable, and the API keeps to it (schemathesis)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import text_of

EXAMPLES = 60
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def test_openapi_document_is_valid_openapi_3_1_and_names_every_route_and_scope(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/residents", "/api/v1/tickets", "/api/v1/tickets/{ticket_id}",
                                      "/api/v1/calls", "/api/v1/report-runs", "/api/v1/report-runs/{run_id}",
                                      "/api/v1/cti/{token}"}
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post"):
                assert operation["security"] == ([] if "cti" in path else [{"bearerAuth": []}]), (path, method)
                assert "Portée `" in operation["description"], (path, method)


def test_api_page_lists_the_operations_in_french_without_third_party_script(client):
    response = client.get("/api/v1/docs")
    page = text_of(response)
    assert response.status_code == 200
    assert "GET /api/v1/calls — Journal des appels" in page and "Portées des jetons" in page
    assert "<script src=\"http" not in response.get_data(as_text=True)


def test_api_answers_keep_to_the_openapi_document(app, bearer, operator, jeanne):
    """Schemathesis generates requests for every operation: no server error, every answer as documented."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    calls = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case):
            case.call_and_validate(headers=bearer, checks=CHECKS)
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1

        keeps_to_the_document()
    assert len(calls) == 8 and min(calls.values()) >= 10, calls
