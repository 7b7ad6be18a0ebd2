"""Every persona's pages pass axe-core's WCAG 2 A/AA rules (GB/T 37668-2019) in Chromium.

Each persona logs in to the demo county and walks what its menu offers: every menu page,
the first record of each list and its edit form, the monitoring lists' tabs, the buttons
that add or import, an import with errors and its result, and the account pages. Pages a
persona may not open are checked too, as the refusal it gets. All violations of a walk are
listed together, page by page.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from kechuang.conftest import (
    ARTIFACTS,
    BROWSER_MARKS,
    PERSONAS,
    axe_violations,
    log_in,
)
from kechuang.monitoring.tests.factories import full_row, full_workbook
from kechuang.monitoring.tests.test_intake_views import _upload
from kechuang.registry.models import Enterprise

pytestmark = BROWSER_MARKS

# Pages no menu leads to.
ALWAYS = ("/accounts/password/",)
# What a list page leads on to: its first record, and its buttons to add, import, upload
# or handle (an alert).
DETAIL = re.compile(r"/\d+/$")
ACTION = re.compile(r"/(add|import|upload|new|acknowledge)/$")
# A registry import with an error in its only row: the page then lists the errors.
BAD_IMPORT = "企业名称,统一社会信用代码\n测试企业,91330624MA2BC3D4X3\n".encode()


def _hrefs(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map((e) => e.getAttribute('href'))")


class Walk:
    """The pages one persona has seen, and what axe-core found on each."""

    def __init__(self, page):
        self.page = page
        self.seen: set[str] = set()
        self.found: dict[str, list[str]] = {}

    def check(self, label: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.found[label] = violations

    def first_time(self, url: str) -> bool:
        """Whether no page of this kind has been seen yet: addresses alike but for their ids
        are one kind, and so are a model's add and edit forms (one template, one form)."""
        parts = urlsplit(url)
        path = re.sub(r"/\d+/", "/N/", parts.path).replace("/N/edit/", "/add/")
        kind = path + (f"?{parts.query}" if parts.query else "")
        if kind in self.seen:
            return False
        self.seen.add(kind)
        return True

    def visit(self, url: str) -> bool:
        if not self.first_time(url):
            return False
        self.page.goto(url)  # scripts, charts included, have run at "load"
        self.check(url)
        return True

    def list_and_beyond(self, url: str) -> None:
        if not self.visit(url):
            return
        links = _hrefs(self.page, "main a[href]")
        details = [h for h in _hrefs(self.page, "main table tbody a[href]") if DETAIL.search(h)]
        tabs = _hrefs(self.page, "[data-testid=list-tabs] a")
        actions = [h for h in links if ACTION.search(urlsplit(h).path)]
        if details:
            self.visit(details[0])
            edits = [h for h in _hrefs(self.page, "main a[href]") if h.endswith("/edit/")]
            if edits:
                self.visit(edits[0])
        for href in [*tabs, *actions]:
            self.visit(href)
            if href.endswith("/import/"):
                self.import_with_errors()

    def import_with_errors(self) -> None:
        self.page.set_input_files(
            "input[type=file][name=file]",
            files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": BAD_IMPORT}],
        )
        self.page.click("main form button[type=submit]")
        self.page.get_by_test_id("import-result").wait_for()
        self.check(f"{self.page.url} (导入结果)")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_passes_wcag_aa(demo_county, page, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A batch of the statistics intake whose preview lists an error.
    uploader = Client()
    uploader.force_login(get_user_model().objects.get(username="staff"))
    first, second = Enterprise.objects.order_by("pk")[:2]
    _upload(uploader, full_workbook([full_row(first), full_row(second, rd_staff="约30")]))

    walk = Walk(page)
    page.goto(reverse("login"))
    walk.check("登录页")
    log_in(page, demo_county.usernames[persona], demo_county.password)
    walk.check(f"{page.url} (登录后首页)")
    page.screenshot(path=ARTIFACTS / f"a11y-{persona}.png", full_page=True)
    walk.first_time(page.url)
    landing_edits = [h for h in _hrefs(page, "main a[href]") if h.endswith("/edit/")]
    for href in landing_edits[:1]:
        walk.visit(href)
    for href in _hrefs(page, "#sidebar a.nav-link"):
        walk.list_and_beyond(href)
    for url in ALWAYS:
        walk.visit(url)
    assert len(walk.seen) >= 2
    report = "\n".join(
        f"{where}\n  " + "\n  ".join(violations) for where, violations in walk.found.items()
    )
    assert not walk.found, f"{persona}: {len(walk.found)} pages fail WCAG 2 AA\n{report}"
