"""Fixed personas (县局管理员, 乡镇科员, 企业填报员, an outsider, ...) shared by every app's tests.

Each persona is a real user with a standard role and organisation, as in production. The
town persona works for 南明街道; `other_town` for 七星街道; the enterprise persona's
enterprise lies in 南明街道; the university persona belongs to one institute.

A module whose tests only read the world, or write inside their own test, declares
`pytestmark = [SHARED_WORLD, ...]`: the world is then built once for the module inside a
transaction, each test gets a copy and its writes are rolled back at the test's end.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Django is imported inside the fixtures, not here, so that the engines' tests, which need
# none of it, also run without Django (`pytest -p no:django kechuang/engines`).
if TYPE_CHECKING:
    from django.test import Client

    from kechuang.accounts.models import User

PASSWORD = "test-pass-2026"
PERSONAS = (
    "admin",
    "leader",
    "staff",
    "town",
    "other_town",
    "enterprise",
    "university",
    "outsider",
)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NANMING = "330624002"
QIXING = "330624003"


@dataclass
class World:
    """The personas, their organisations and a few rows in and out of each scope."""

    admin: User
    leader: User
    staff: User
    town: User
    other_town: User
    enterprise: User
    university: User
    outsider: User
    nanming_enterprise: object
    qixing_enterprise: object
    own_enterprise: object
    own_institution: object
    other_institution: object
    own_person: object
    other_person: object

    def personas(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "leader": self.leader,
            "staff": self.staff,
            "town": self.town,
            "enterprise": self.enterprise,
            "university": self.university,
            "outsider": self.outsider,
        }


def _django_settings(request):
    """pytest-django's `settings` fixture, or None in a run without Django."""
    if not request.config.pluginmanager.has_plugin("django"):
        return None
    return request.getfixturevalue("settings")


@pytest.fixture(autouse=True)
def fast_password_hashing(request):
    settings = _django_settings(request)
    if settings is not None:
        settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def immediate_tasks(request):
    """Background jobs run at once, in the caller, unless a test chooses another backend."""
    settings = _django_settings(request)
    if settings is not None:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }


@pytest.fixture(autouse=True)
def fresh_match_indexes(request, tmp_path_factory):
    """Each test matches against its own database: the technology market's indexes are built
    afresh in a directory of the test's, lexical signals only unless a test turns the
    embedding model on."""
    settings = _django_settings(request)
    if settings is None:
        yield
        return
    from kechuang.techmarket import matching

    settings.MATCH_INDEX_DIR = tmp_path_factory.mktemp("match")
    settings.MATCH_EMBEDDINGS = "off"
    matching.embedder_or_none.cache_clear()
    matching.forget()
    yield
    matching.forget()
    matching.embedder_or_none.cache_clear()


@pytest.fixture
def worker_keeps_the_test_connection(monkeypatch):
    """The database worker closes connections outside autocommit: in a test, the test's own
    transaction, which PostgreSQL then loses (SQLite's in-memory database ignores a close)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


SHARED_WORLD = pytest.mark.usefixtures("shared_world")


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world of a SHARED_WORLD module: module-scoped, so pytest builds it before any
    test's own transaction, which then nests inside this one as a savepoint."""
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
    ):
        yield build_world()
        transaction.set_rollback(True)


def pytest_collection_modifyitems(items):
    # A test of a SHARED_WORLD module that does not touch the world must not build it: such
    # tests run after the transactional ones, whose flush has emptied the database.
    for item in items:
        names = getattr(item, "fixturenames", [])
        if "shared_world" in names and "world" not in names:
            names.remove("shared_world")


@pytest.fixture
def world(request, db) -> World:
    if "shared_world" not in request.fixturenames:
        return build_world()
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        pytest.fail("SHARED_WORLD is for tests in a transaction: this test commits.")
    return copy.deepcopy(request.getfixturevalue("shared_world"))


def build_world() -> World:
    from kechuang.accounts.choices import OrgKind
    from kechuang.accounts.models import Organisation
    from kechuang.accounts.services import (
        create_user,
        ensure_standard_roles,
        organisation_for_enterprise,
        organisation_for_institution,
    )
    from kechuang.registry.tests.factories import (
        EnterpriseFactory,
        InstitutionFactory,
        PersonFactory,
    )

    roles = ensure_standard_roles()
    bureau = Organisation.objects.create(
        name="新昌县科学技术局", kind=OrgKind.BUREAU, region_id="330624"
    )
    government = Organisation.objects.create(
        name="新昌县人民政府", kind=OrgKind.GOVERNMENT, region_id="330624", parent=bureau
    )
    nanming = Organisation.objects.create(
        name="南明街道", kind=OrgKind.TOWN, region_id=NANMING, parent=bureau
    )
    qixing = Organisation.objects.create(
        name="七星街道", kind=OrgKind.TOWN, region_id=QIXING, parent=bureau
    )
    elsewhere = Organisation.objects.create(
        name="嵊州市科学技术局", kind=OrgKind.BUREAU, region_id="330683"
    )
    nanming_enterprise = EnterpriseFactory(name="浙江新禾成生物医药股份有限公司", town_id=NANMING)
    own_enterprise = EnterpriseFactory(name="新昌县南明轴承有限公司", town_id=NANMING)
    qixing_enterprise = EnterpriseFactory(name="新昌县七星制冷配件有限公司", town_id=QIXING)
    own_institution = InstitutionFactory(name="新昌智能装备研究院", region_id=NANMING)
    other_institution = InstitutionFactory(name="七星生物医药研究院", region_id=QIXING)
    own_person = PersonFactory(name="王教授", institution=own_institution, region_id=NANMING)
    other_person = PersonFactory(name="李研究员", institution=other_institution, region_id=QIXING)

    def user(name, org, role):
        return create_user(name, PASSWORD, organisation=org, roles=[roles[role]] if role else [])

    return World(
        admin=create_user(
            "admin",
            PASSWORD,
            organisation=bureau,
            roles=[roles["系统管理员"]],
            is_staff=True,
            is_superuser=True,
        ),
        leader=user("leader", government, "县领导"),
        staff=user("staff", bureau, "科技局科员"),
        town=user("town", nanming, "乡镇街道科员"),
        other_town=user("town_qixing", qixing, "乡镇街道科员"),
        enterprise=user(
            "enterprise", organisation_for_enterprise(own_enterprise, nanming), "企业填报员"
        ),
        university=user(
            "university", organisation_for_institution(own_institution, bureau), "高校院所用户"
        ),
        outsider=user("outsider", elsewhere, None),
        nanming_enterprise=nanming_enterprise,
        qixing_enterprise=qixing_enterprise,
        own_enterprise=own_enterprise,
        own_institution=own_institution,
        other_institution=other_institution,
        own_person=own_person,
        other_person=other_person,
    )


@pytest.fixture
def login():
    """A logged-in test client for a user."""
    from django.test import Client

    def _login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


# -- headless Chromium (Debian's, driven by Playwright) -----------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

BROWSER_MARKS = [
    pytest.mark.browser,
    # The live server needs committed data; serialized rollback restores the reference
    # data (regions, industries) that the flush after a transactional test would remove.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(live_server, monkeypatch):
    """A Chromium page on the live server; screenshots go to test-artifacts/."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(
            base_url=live_server.url,
            accept_downloads=True,
            locale="zh-CN",
            viewport={"width": 1400, "height": 900},
        )
        yield context.new_page()
        context.close()
        browser.close()
        # While the loop runs, the test's ORM calls get connections of their own context,
        # which the database teardown after the test cannot see: close them here.
        from django.db import connections

        connections.close_all()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


# -- the demo county, for pages that need volume -------------------------------------------

DEMO_SIZE = 200


@dataclass
class DemoCounty:
    """The demo county (`kechuang demo`) at DEMO_SIZE enterprises, and who logs in as whom."""

    usernames: dict[str, str]
    password: str


@pytest.fixture
def demo_county(db) -> DemoCounty:
    """What `make demo` loads, smaller: ten years of records, the cultivation pool and the
    computed monitoring, with many towns and every qualification kind. The demo's accounts
    stand for the personas (other_town is 七星街道's officer); the outsider is added."""
    import io

    from django.core.management import call_command

    from kechuang.accounts.choices import OrgKind
    from kechuang.accounts.models import Organisation
    from kechuang.accounts.services import create_user
    from kechuang.demo.logins import DEMO_PASSWORD

    call_command("demo", enterprises=DEMO_SIZE, stdout=io.StringIO())
    elsewhere = Organisation.objects.create(
        name="嵊州市科学技术局", kind=OrgKind.BUREAU, region_id="330683"
    )
    create_user("outsider", DEMO_PASSWORD, organisation=elsewhere, roles=[])
    usernames = {persona: persona for persona in PERSONAS}
    usernames["other_town"] = "town_qixing"
    return DemoCounty(usernames=usernames, password=DEMO_PASSWORD)


# -- accessibility: axe-core in the page ---------------------------------------------------

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what GB/T 37668-2019 asks of government sites.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}}).then((r) =>
  r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" "))})))"""
AXE_TARGETS_SHOWN = 8


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A/AA violations on the page as it stands, one readable line per
    rule: id, impact, help and the selectors of the elements at fault.

    axe-core comes from node_modules (a dev dependency, never served). It is evaluated
    through the DevTools protocol rather than added as a <script>: the site's
    Content-Security-Policy rightly refuses inline scripts, and stays in force while axe
    checks the page as users get it."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;0")
    lines = []
    for v in page.evaluate(AXE_RUN, AXE_TAGS):
        targets = v["targets"]
        shown = ", ".join(targets[:AXE_TARGETS_SHOWN])
        hidden = len(targets) - AXE_TARGETS_SHOWN
        more = f" … and {hidden} more" if hidden > 0 else ""
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{shown}{more}]")
    return lines


def assert_accessible(page) -> None:
    """Fail with the list of WCAG 2 A/AA violations axe-core finds on the current page."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n  " + "\n  ".join(violations)
