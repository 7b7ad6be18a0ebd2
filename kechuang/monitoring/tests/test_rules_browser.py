"""The rule editor walked in headless Chromium (Debian's, driven by Playwright): an officer
raises the 负增长 threshold and shortens the top list, saves, and reads the version page."""

import re

from django.urls import reverse

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, log_in
from kechuang.monitoring import services
from kechuang.monitoring.models import RuleSet
from kechuang.monitoring.tests.test_rules import county  # noqa: F401  (fixture)

pytestmark = BROWSER_MARKS


def test_officer_edits_a_rule_and_sees_the_version_diff(county, page):  # noqa: F811
    services.recompute(2024)
    log_in(page, "staff")
    page.goto(reverse("monitoring:ruleset_list"))
    page.get_by_test_id("new-version").click()
    page.wait_for_url("**/rules/new/")
    page.screenshot(path=ARTIFACTS / "rule-editor.png", full_page=True)

    page.fill("#id_version", "2026.2")
    page.fill("#id_note", "负增长只列下降超过六成的企业，强企名单缩为 30 家")
    page.fill("#id_top_n", "30")
    page.fill("#id_decline_min_ratio", "60")
    page.fill("#id_top_n", "0")
    page.get_by_test_id("save-rules").click()
    assert "确保该值大于或等于1" in page.get_by_test_id("rule-editor").inner_text()
    page.fill("#id_top_n", "30")
    page.get_by_test_id("save-rules").click()
    page.wait_for_url(re.compile(r".*/rules/\d+/$"))
    saved = RuleSet.objects.get(version="2026.2")
    assert page.url.endswith(saved.get_absolute_url())
    diff = page.get_by_test_id("rule-diff").inner_text()
    assert "研发强企名单数量（N）\t50\t30" in diff
    assert "负增长名单下降幅度下限\t0%\t60%" in diff
    impact = page.get_by_test_id("impact")
    assert "研发30强（按研发投入）" in impact.inner_text()
    decline = impact.locator("tr[data-list=decline]").inner_text().split("\t")
    assert decline[1:] == ["1", "0", "0", "1"]  # 七星 fell 50%: off the list
    page.screenshot(path=ARTIFACTS / "rule-version.png", full_page=True)
