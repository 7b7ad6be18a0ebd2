"""The pages pass their Content-Security-Policy in Chromium: no violation is reported while the
charts draw, htmx and Bootstrap work, and the data- attribute behaviours replace inline code."""

import pytest
from django.test import Client
from django.urls import reverse

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, log_in
from kechuang.monitoring import services
from kechuang.monitoring.models import ImportBatch
from kechuang.monitoring.tests.factories import full_row, full_workbook
from kechuang.monitoring.tests.test_intake_views import _upload
from kechuang.monitoring.tests.test_monitoring import county
from kechuang.registry.tests.factories import QualificationFactory

pytestmark = BROWSER_MARKS

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error collected."""
    problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "favicon.ico" not in m.location.get("url", "")
            and problems.append(m.text)
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))

    def check(name: str, blocked: tuple[str, ...] = ()) -> None:
        """No violation and no console error, except the outside addresses `blocked` names."""
        page.wait_for_load_state("networkidle")
        page.screenshot(path=ARTIFACTS / f"csp-{name}.png", full_page=True)
        violations = [
            v
            for v in page.evaluate("window.__csp || []")
            if not any(v.endswith(b) for b in blocked)
        ]
        assert violations == [], (name, violations)
        expected = [p for p in problems if any(b in p for b in blocked)]
        assert [p for p in problems if p not in expected] == [], (name, problems)
        page.evaluate("window.__csp = []")
        problems.clear()

    page.check_clean = check
    return page


def _canvas_in(page, selector: str) -> bool:
    return page.locator(f"{selector} canvas").count() > 0


def test_pages_pass_their_policy(world, watched, settings, tmp_path):
    page = watched
    settings.MEDIA_ROOT = tmp_path / "media"
    uploader = Client()
    uploader.force_login(world.staff)
    workbook = full_workbook([full_row(world.nanming_enterprise)])
    batch: ImportBatch = _upload(uploader, workbook)
    county.__wrapped__(world)
    # A second qualification kind: a ring of one kind is not drawn.
    QualificationFactory(enterprise=world.nanming_enterprise, kind="tech_sme")
    services.recompute(2023)
    services.recompute(2024)

    log_in(page, "staff")
    assert _canvas_in(page, "#town-chart") and _canvas_in(page, "#qualification-chart")
    assert page.evaluate("typeof bootstrap !== 'undefined' && typeof htmx !== 'undefined'")
    # htmx may fetch from this site.
    page.evaluate("htmx.ajax('GET', '/api/accounts/me/', {target: 'body', swap: 'none'})")
    page.check_clean("home")

    page.goto(reverse("monitoring:overview") + "?year=2024")
    assert _canvas_in(page, "#class-chart")
    page.select_option("#year-picker", "2023")
    page.wait_for_url("**year=2023*")
    page.check_clean("overview")

    page.goto(batch.get_absolute_url())
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    assert page.locator("form[data-disable-on-submit] button[type=submit]").count() == 1
    page.locator("form[data-confirm] button").first.click()
    page.wait_for_timeout(300)
    assert dialogs and "确定放弃" in dialogs[0]
    assert page.url.endswith(batch.get_absolute_url())
    page.check_clean("batch-detail")

    page.goto(reverse("registry:enterprise_list"))
    page.click("button.dropdown-toggle")
    assert page.locator(".dropdown-menu.show").count() == 1
    page.goto(reverse("registry:enterprise_add"))
    page.click("a[data-history-back]")
    page.wait_for_url("**/registry/enterprises/")
    page.check_clean("form")

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    page.check_clean("api-docs")
    page.goto("/api/redoc/")
    page.wait_for_selector("text=科创 Kechuang API")
    # ReDoc's footer logo lives outside the site: the policy blocks it, as it should.
    page.check_clean("api-redoc", blocked=("https://cdn.redoc.ly/redoc/logo-mini.svg",))
