"""The probe: every routed page and API operation, for every persona, with ids outside the
persona's scope, ids that do not exist, hostile query parameters and every write method.

Each answer must be a refusal (403/404, a redirect to the login for anonymous users) or a
4xx with a Chinese message, never a server error; no body may name a row outside the
persona's scope; no request may write anything but sessions, lockout counters and logs.
Routes come from the resolver and the OpenAPI schema, so a new URL is probed unchanged.
"""

import datetime
import json

import pytest
from django.conf import settings
from django.test import Client

from kechuang.conftest import SHARED_WORLD
from kechuang.core.models import Job
from kechuang.core.tests.probing import (
    CJK,
    ReadParams,
    api_operations,
    body_text,
    request_writes,
    url_routes,
    walk_routes,
)
from kechuang.monitoring.models import FinancialRecord, ImportBatch, PoolEntry, RDRecord
from kechuang.monitoring.models import ServiceVisit as Visit
from kechuang.monitoring.services import current_rule_set
from kechuang.registry.models import ChainLink, EnterpriseFormerName
from kechuang.registry.tests.factories import IndustryChainFactory, QualificationFactory

pytestmark = SHARED_WORLD

ANONYMOUS = "anonymous"
ALL_ROWS = (
    "nanming_enterprise",
    "own_enterprise",
    "qixing_enterprise",
    "own_institution",
    "other_institution",
    "own_person",
    "other_person",
)
# What each persona must never see, written out rather than computed from the scope code.
HIDDEN = {
    "admin": (),
    "leader": (),
    "staff": (),
    "town": ("qixing_enterprise", "other_institution", "other_person"),
    "enterprise": (
        "nanming_enterprise",
        "qixing_enterprise",
        "own_institution",
        "other_institution",
        "own_person",
        "other_person",
    ),
    "university": (
        "nanming_enterprise",
        "own_enterprise",
        "qixing_enterprise",
        "other_institution",
        "other_person",
    ),
    "outsider": ALL_ROWS,
    ANONYMOUS: ALL_ROWS,
}
PERSONAS = list(HIDDEN)

MISSING_IDS = (987654, 2**31, 2**70, "abc")
# Negative, beyond 64 bits, non-numeric with a NUL, and 10k characters of nested JSON.
HOSTILE_TEXT = ("-5", str(2**70), "abc\x00", "[" * 5000 + "]" * 5000)
# Personas that try each parameter alone with each value (the others send all at once):
# one who reaches every page and two whose scope is narrow.
MATRIX_PERSONAS = ("admin", "town", "enterprise")
WRITE_METHODS = ("post", "put", "patch", "delete")
# Form fields the write views read; a hostile value goes into each.
FORM_FIELDS = (
    "year",
    "quarter",
    "kind",
    "name",
    "uscc",
    "enterprise",
    "institution",
    "officer",
    "entry",
    "town",
    "region",
    "industry",
    "level",
    "issued_on",
    "valid_until",
    "status",
    "next",
    "version",
    "create_unknown",
)

LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")
STATIC_PREFIX = ("/static/",)  # /favicon.ico sends everyone to the icon


@pytest.fixture
def probe_world(world):
    """The shared world plus rows hanging off the 七星 enterprise, outside most scopes."""
    qixing = world.qixing_enterprise
    chain = IndustryChainFactory(name="高端装备")
    extra = [
        QualificationFactory(enterprise=qixing, title="七星省级研发中心"),
        ChainLink.objects.create(enterprise=qixing, chain=chain, position="midstream"),
        EnterpriseFormerName.objects.create(enterprise=qixing, name="新昌县七星制冷厂"),
        RDRecord.objects.create(enterprise=qixing, year=2024, department="statistics"),
        FinancialRecord.objects.create(enterprise=qixing, year=2024, department="statistics"),
    ]
    entry = PoolEntry.objects.create(
        enterprise=qixing, officer=world.other_town, joined_on=datetime.date(2025, 3, 1)
    )
    visit = Visit.objects.create(
        entry=entry,
        visited_on=datetime.date(2025, 3, 2),
        visitors="七星街道",
        people_met="厂长",
        problems="用地",
    )
    batch = ImportBatch.objects.create(
        kind="rd",
        year=2024,
        department="statistics",
        filename="a.xlsx",
        sha256="0",
        status="failed",
    )
    job = Job.objects.create(kind="probe", title="probe", created_by=world.staff)
    # The built-in rule version is written on first use; that first use is not the probe's.
    current_rule_set()
    world.qixing_rows = [*extra, entry, visit]
    world.unscoped_rows = [batch, job]
    return world


def _hidden_rows(world, persona: str) -> list:
    rows = [getattr(world, name) for name in HIDDEN[persona]]
    if "qixing_enterprise" in HIDDEN[persona]:
        rows += world.qixing_rows
    return rows


def _hidden_names(world, persona: str) -> list[str]:
    return [getattr(world, name).name for name in HIDDEN[persona]]


class Probe:
    """One persona's client, what it must not see, and the failures found."""

    def __init__(self, world, persona: str):
        self.world = world
        self.persona = persona
        self.user = None if persona == ANONYMOUS else world.personas()[persona]
        self.client = self._client()
        self.hidden = _hidden_rows(world, persona)
        self.names = _hidden_names(world, persona)
        self.failures: list[str] = []

    def _client(self) -> Client:
        client = Client(raise_request_exception=False)
        if self.user is not None:
            client.force_login(self.user)
        return client

    def hidden_ids(self, model) -> list[int]:
        return [row.pk for row in self.hidden if type(row) is model]

    def any_hidden_ids(self) -> list[int]:
        return sorted({row.pk for row in self.hidden})

    def send(self, method: str, url: str, *, refuse: bool, **kwargs):
        """Request and check; `refuse` asks for a refusal rather than any safe answer."""
        response, writes = request_writes(lambda: getattr(self.client, method)(url, **kwargs))
        label = f"{method.upper()} {url[:160]!r} {kwargs.get('HTTP_ACCEPT', '')}".strip()
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{label}: {status}")
        if writes:
            self.failures.append(f"{label}: wrote {writes[:3]}")
        text = body_text(response) if method != "head" else ""
        leaked = [name for name in self.names if name in text]
        if leaked:
            self.failures.append(f"{label}: shows {leaked}")
        location = response.get("Location", "")
        if self.user is None and status < 500:
            if 200 <= status < 300 and not _public(url):
                self.failures.append(f"{label}: {status} to an anonymous user")
            if 300 <= status < 400 and not location.startswith(LOGIN_PREFIXES + STATIC_PREFIX):
                self.failures.append(f"{label}: anonymous redirected to {location}")
        elif refuse and status not in (403, 404, 405, 406):
            self.failures.append(f"{label}: {status} for a row outside the scope")
        if 400 <= status < 500 and status != 404 and text and not CJK.search(text):
            self.failures.append(f"{label}: {status} without a Chinese message: {text[:80]!r}")
        session = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if session is not None and not session.value and self.user is not None:
            self.client = self._client()  # logged out (or session flushed): log in again
        return response

    def check(self):
        assert not self.failures, f"{len(self.failures)} failures:\n" + "\n".join(
            self.failures[:60]
        )


def _public(url: str) -> bool:
    return url.startswith(LOGIN_PREFIXES)


def _routes():
    """Every route but the back office (probed below)."""
    return walk_routes(url_routes(skip_prefixes=("admin/",)))


def _id_values(probe: Probe, route) -> list[tuple[object, bool]]:
    """(id, must be refused) pairs for a route's id parameters."""
    if route.model is not None:
        hidden = probe.hidden_ids(route.model)
    else:
        hidden = probe.any_hidden_ids()
    refused = route.model is not None
    pairs = [(pk, refused) for pk in hidden] + [(pk, True) for pk in MISSING_IDS]
    if "format" in route.params:  # the same view as its twin without a suffix
        return pairs[:1] + [(MISSING_IDS[0], True)]
    return pairs


def _fill(route, value) -> str:
    return route.url({name: ("json" if name == "format" else value) for name in route.params})


def _has_ids(route) -> bool:
    return bool(set(route.params) - {"format"})


def _probe_ids(probe: Probe, routes) -> None:
    for route in routes:
        if not _has_ids(route):
            continue
        for value, refuse in _id_values(probe, route):
            url = _fill(route, value)
            probe.send("get", url, refuse=refuse)
            if route.is_api:
                probe.send("get", url, refuse=refuse, HTTP_ACCEPT="text/html")


def _probe_parameters(probe: Probe, routes) -> None:
    hidden_ids = [str(pk) for pk in probe.any_hidden_ids()]
    for route in routes:
        if _has_ids(route):
            continue
        url = _fill(route, None)
        with ReadParams() as read:
            response = probe.send("get", url, refuse=False)
        if route.is_api:
            probe.send("get", url, refuse=False, HTTP_ACCEPT="text/html")
        if response.status_code != 200 or "format" in route.params:
            continue  # refused before any parameter is read, or the twin's view
        params = {*read.names, *route.query_params}
        params = sorted(params)
        values = (*HOSTILE_TEXT, *hidden_ids[:1])
        if probe.persona in MATRIX_PERSONAS:
            for param in params:
                for value in values:
                    probe.send("get", url, refuse=False, data={param: value})
        elif params:
            for value in values:
                probe.send("get", url, refuse=False, data=dict.fromkeys(params, value))


NUMERIC_FIELDS = {"year", "quarter", "enterprise", "institution", "officer", "entry"}


def _bodies(route, method: str):
    yield {}
    yield {
        "data": {
            name: str(2**70) if name in NUMERIC_FIELDS else "x" * 10_000 + "\x00"
            for name in FORM_FIELDS
        }
    }
    if route.is_api:
        yield {"data": json.dumps({n: -5 for n in FORM_FIELDS}), "content_type": "application/json"}
        if method == "post":  # one parser reads every method's body
            yield {"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"}
            yield {"data": "{", "content_type": "application/json"}


def _probe_writes(probe: Probe, routes) -> None:
    for route in routes:
        if "format" in route.params:
            continue  # the same view as its twin without a suffix
        # Rows outside the scope and one missing id; a missing id is refused like the rest.
        targets = [(None, False)]
        if _has_ids(route):
            pairs = _id_values(probe, route)
            targets = [p for p in pairs if p[0] not in MISSING_IDS] + [(MISSING_IDS[0], True)]
        for value, refuse in targets:
            url = _fill(route, value)
            for method in WRITE_METHODS:
                for index, body in enumerate(_bodies(route, method)):
                    response = probe.send(method, url, refuse=refuse, **body)
                    if index == 0 and response.status_code in (302, 401, 403, 404, 405):
                        break  # refused before the body is read


@pytest.mark.parametrize("persona", PERSONAS)
def test_ids_outside_the_scope_are_refused(probe_world, persona):
    probe = Probe(probe_world, persona)
    _probe_ids(probe, _routes())
    probe.check()


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_and_api_answer_hostile_parameters(probe_world, persona):
    probe = Probe(probe_world, persona)
    _probe_parameters(probe, _routes())
    probe.check()


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_outside_the_scope_or_malformed_change_nothing(probe_world, persona):
    probe = Probe(probe_world, persona)
    _probe_writes(probe, _routes())
    probe.check()


def test_every_api_operation_is_probed():
    """The schema's operations all resolve to routes the walk above visits."""
    walked = {r.key for r in _routes()}
    operations = api_operations()
    assert operations
    assert {op.key for op in operations} <= walked


@pytest.mark.parametrize("persona", ["leader", "staff", "town", "enterprise", "university"])
def test_back_office_is_for_administrators_only(probe_world, persona):
    probe = Probe(probe_world, persona)
    admin_routes = [
        r
        for r in walk_routes(url_routes())
        if r.pattern.startswith("admin/")
        and not r.params
        and r.name not in ("admin:login", "admin:logout")
    ]
    assert admin_routes
    for route in admin_routes:
        response = probe.send("get", _fill(route, None), refuse=False)
        assert response.status_code in (302, 403, 404), route.pattern
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/"), route.pattern
    probe.check()
