"""Schemathesis, in process through WSGI, checks every API operation against /api/openapi.json.

A few hundred generated requests in all (valid and invalid filters, pages, formats, slugs):
none may answer 500, and every status code, content type and response body must be what
the OpenAPI document says.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def served_schema():
    """/api/openapi.json as the site serves it (read while collecting tests, with no database)."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        response = Client(HTTP_HOST="localhost").get("/api/openapi.json")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def content(seed_content):
    """The shipped content, so lists, details and filters have rows to answer with; the
    test's database connection stays open across requests, as Django's test client keeps it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_api_operation_conforms_to_its_schema(case):
    case.call_and_validate(checks=CHECKS)
