"""The published API schema tells the truth, for every persona and every operation.

Schemathesis generates requests from the schema drf-spectacular builds (examples, boundary
values, unexpected methods such as TRACE, a few fuzzed cases; seeded, so every run sends the
same requests) and sends them to the WSGI application in-process, inside the test's
transaction, so nothing it writes outlives the test.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from kechuang.conftest import SHARED_WORLD
from kechuang.registry.tests.factories import IndustryChainFactory, QualificationFactory
from kechuang.wsgi import application

pytestmark = SHARED_WORLD

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# One persona per kind of answer the API gives: staff writes everything in its scope, the
# leader reads all and is refused writes, town and enterprise are held to a region and an
# organisation, the outsider is refused everything. The administrator answers as staff
# does and the university user as the enterprise user, so they add time, not cases.
PERSONAS = ("leader", "staff", "town", "enterprise", "outsider")
CSRF_TOKEN = "k" * 32
CONFIG = {
    "seed": 20260611,
    "generation": {
        "max-examples": 2,
        "deterministic": True,
        "database": "none",
        # Requests carry the persona's session, not generated credentials.
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    "checks": {"enabled": False, **{check: {"enabled": True} for check in CHECKS}},
}


# Boundary and negative cases for every field of every write are sent as `staff`, the persona
# with the widest write rights; the others get them for reads, which keeps the run bounded.
WRITES_WITHOUT_COVERAGE = {
    "include-method-regex": "(?i)^(post|put|patch)$",
    "phases": {"coverage": {"enabled": False}},
}


def load_schema(persona: str = "staff"):
    operations = [] if persona == "staff" else [WRITES_WITHOUT_COVERAGE]
    config = SchemathesisConfig.from_dict({**CONFIG, "operations": operations})
    loaded = schemathesis.openapi.from_dict(
        SchemaGenerator().get_schema(public=True), config=config
    )
    loaded.app = application
    return loaded


def credentials_for(user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "headers": {"X-CSRFToken": CSRF_TOKEN},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN},
    }


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """Calls go straight to the WSGI app, which closes the connection after each request as in
    production; the test's transaction needs it open, as Django's test client arranges."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rows(world):
    QualificationFactory(enterprise=world.nanming_enterprise, level="")
    QualificationFactory(enterprise=world.qixing_enterprise, level="city")
    IndustryChainFactory()
    world.credentials = {}
    return world


def conformance_test(persona: str):
    # A schema of its own per persona, so each one also gets every unexpected-method probe.
    @load_schema(persona).parametrize()
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    def test(case, rows):
        if persona not in rows.credentials:
            rows.credentials[persona] = credentials_for(getattr(rows, persona))
        case.call_and_validate(**rows.credentials[persona])

    return test


for _persona in PERSONAS:
    globals()[f"test_api_conforms_to_its_schema_as_{_persona}"] = conformance_test(_persona)


@pytest.mark.parametrize("route", ["chains", "qualifications", "enterprises", "people"])
def test_unknown_method_is_not_allowed(world, login, client, route):
    ids = {
        "chains": IndustryChainFactory().pk,
        "qualifications": QualificationFactory(enterprise=world.nanming_enterprise).pk,
        "enterprises": world.nanming_enterprise.pk,
        "people": world.own_person.pk,
    }
    url = f"/api/registry/{route}/{ids[route]}/"
    assert login(world.staff).generic("TRACE", url).status_code == 405
    assert login(world.outsider).generic("TRACE", url).status_code == 405
    assert client.generic("TRACE", url).status_code in (401, 403)
    assert login(world.staff).get(url).status_code == 200


def test_qualification_without_level_matches_the_schema(world):
    qualification = QualificationFactory(enterprise=world.nanming_enterprise, level="")
    operation = load_schema()["/api/registry/qualifications/{id}/"]["GET"]
    case = operation.Case(path_parameters={"id": qualification.pk})
    response = case.call(**credentials_for(world.staff))
    assert response.status_code == 200 and response.json()["level"] == ""
    case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])


def test_every_operation_documents_its_errors():
    raw = SchemaGenerator().get_schema(public=True)
    components = raw["components"]["schemas"]
    assert components["ErrorDetail"]["required"] == ["detail"]
    assert "additionalProperties" in components["ValidationErrors"]
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                body = operation["responses"]["400"]["content"]["application/json"]["schema"]
                assert body["$ref"].startswith("#/components/schemas/"), (method, path)
    token = raw["paths"]["/api/accounts/token/"]["post"]["responses"]
    assert token["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrors"
    }
    assert "429" in token  # a locked-out login answers 429
    assert "429" not in raw["paths"]["/api/registry/enterprises/"]["get"]["responses"]
    assert "400" not in raw["paths"]["/api/accounts/me/"]["get"]["responses"]


def test_missing_api_url_answers_json(world, login):
    client = login(world.staff)
    response = client.get("/api/registry/qualifications/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到，或不在您的数据范围内。"}
    page = client.get("/registry/nowhere/")
    assert page.status_code == 404 and 'data-testid="not-found"' in page.content.decode()
