"""The cultivation pool walked in headless Chromium (Debian's, driven by Playwright): a bureau
officer takes an enterprise into the pool, logs a visit and finds it on the work list."""

import datetime
import io
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, log_in
from kechuang.monitoring.models import PoolEntry, ServiceVisit
from kechuang.monitoring.services import add_to_pool

pytestmark = BROWSER_MARKS


def test_officer_adds_enterprise_to_pool_and_logs_a_visit(world, page):
    enterprise = world.own_enterprise
    today = timezone.localdate()
    due = today + datetime.timedelta(days=10)
    # The officer already looks after another enterprise, with a follow-up two days late.
    earlier = add_to_pool(
        world.nanming_enterprise, officer=world.staff, target="", reason="", user=world.staff
    )
    ServiceVisit.objects.create(
        entry=earlier,
        visited_on=today - datetime.timedelta(days=20),
        visitors="staff",
        people_met="财务总监",
        problems="研发费用归集不规范",
        follow_up_due=today - datetime.timedelta(days=2),
    )
    log_in(page, "staff")

    page.goto(enterprise.get_absolute_url())
    panel = page.get_by_test_id("pool-panel")
    assert panel.get_by_test_id("pool-state").inner_text() == "未入库"
    panel.get_by_test_id("add-to-pool").click()
    page.wait_for_url("**/add/?enterprise=*")
    assert page.locator("#id_enterprise option:checked").inner_text() == enterprise.name
    assert page.locator("#id_officer option:checked").inner_text() == str(world.staff)
    page.screenshot(path=ARTIFACTS / "pool-entry-form.png", full_page=True)
    page.fill("#id_target", "三年内认定国家高新技术企业")
    page.fill("#id_reason", "研发投入连续两年增长")
    page.click("button:has-text('保存')")

    entry = PoolEntry.objects.get(enterprise=enterprise)
    page.wait_for_url(f"**{entry.get_absolute_url()}")
    assert "已保存" in page.content()
    assert page.get_by_test_id("officer").inner_text().startswith(str(world.staff))
    assert page.get_by_test_id("pool-status").inner_text() == "培育中"

    page.get_by_test_id("add-visit").click()
    page.wait_for_url("**/add/?entry=*")
    assert page.locator("#id_entry option:checked").inner_text() == enterprise.name
    page.fill("#id_people_met", "王总经理")
    page.fill("#id_problems", "研发场地不足，急需中试车间")
    page.fill("#id_help_promised", "协调园区标准厂房")
    page.fill("#id_follow_up_due", due.isoformat())
    page.screenshot(path=ARTIFACTS / "pool-visit-form.png", full_page=True)
    page.click("button:has-text('保存')")

    page.wait_for_url(f"**{entry.get_absolute_url()}")
    visits = page.get_by_test_id("visit")
    assert visits.count() == 1
    assert "研发场地不足" in visits.first.inner_text()
    assert f"待跟进（期限 {due.isoformat()}）" in visits.first.inner_text()
    assert visits.first.get_attribute("data-overdue") == "false"
    page.screenshot(path=ARTIFACTS / "pool-entry-detail.png", full_page=True)
    assert ServiceVisit.objects.get(entry=entry).follow_up_due == due

    # The work list opens on the officer's own visits, the overdue follow-up first.
    page.goto(reverse("monitoring:servicevisit_list"))
    page.wait_for_url("**?mine=true")
    assert page.get_by_test_id("result-count").inner_text() == "共 2 条"
    rows = page.locator("table tbody tr")
    assert "研发费用归集不规范" in rows.nth(0).inner_text()
    assert rows.nth(0).get_attribute("data-overdue") == "true"
    assert "table-danger" in rows.nth(0).get_attribute("class")
    assert "研发场地不足，急需中试车间" in rows.nth(1).inner_text()
    assert rows.nth(1).get_attribute("data-overdue") == "false"
    assert "table-danger" not in (rows.nth(1).get_attribute("class") or "")
    page.screenshot(path=ARTIFACTS / "pool-visit-list.png", full_page=True)

    page.select_option("#id_overdue", "true")
    page.click("button:has-text('查询')")
    page.wait_for_url("**overdue=true**")
    assert page.get_by_test_id("result-count").inner_text() == "共 1 条"
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    rows = list(
        load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active.iter_rows(
            values_only=True
        )
    )
    assert [row[rows[0].index("企业")] for row in rows[1:]] == [world.nanming_enterprise.name]

    page.goto(enterprise.get_absolute_url())
    panel = page.get_by_test_id("pool-panel")
    assert panel.get_by_test_id("pool-state").inner_text() == "培育中"
    assert panel.get_by_test_id("pool-officer").inner_text() == str(world.staff)
    assert panel.get_by_test_id("add-to-pool").count() == 0
    panel.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "pool-enterprise-panel.png", full_page=True)

    page.goto(reverse("monitoring:poolentry_list"))
    assert page.get_by_test_id("result-count").inner_text() == "共 2 条"
    first = page.locator("table tbody tr").nth(0).inner_text()
    assert world.nanming_enterprise.name in first  # overdue follow-ups first
    page.screenshot(path=ARTIFACTS / "pool-entry-list.png", full_page=True)

    page.click(f"text={world.nanming_enterprise.name}")
    page.wait_for_url(f"**{earlier.get_absolute_url()}")
    assert page.get_by_test_id("overdue-badge").inner_text() == "1 项跟进逾期"
    assert page.get_by_test_id("visit").first.get_attribute("data-overdue") == "true"
    page.screenshot(path=ARTIFACTS / "pool-entry-overdue.png", full_page=True)
