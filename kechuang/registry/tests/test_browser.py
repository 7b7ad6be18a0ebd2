"""The main path of the registry, walked in headless Chromium (Debian's, driven by Playwright)."""

import io
from pathlib import Path

from openpyxl import load_workbook

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, log_in

pytestmark = BROWSER_MARKS


def test_town_officer_searches_opens_and_exports(world, page):
    log_in(page, "town")
    page.screenshot(path=ARTIFACTS / "home-town.png", full_page=True)
    assert page.get_by_test_id("enterprise-count").inner_text() == "2"

    page.click("text=企业")
    page.wait_for_url("**/registry/enterprises/")
    assert "新昌县七星制冷配件有限公司" not in page.content()

    page.fill("input[name=q]", "xhc")
    page.click("button:has-text('查询')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("result-count").inner_text() == "共 1 条"
    page.screenshot(path=ARTIFACTS / "enterprise-list-town.png", full_page=True)

    page.click("text=浙江新禾成生物医药股份有限公司")
    page.wait_for_url("**/registry/enterprises/*/")
    assert page.get_by_test_id("uscc").inner_text() == world.nanming_enterprise.uscc
    page.screenshot(path=ARTIFACTS / "enterprise-detail-town.png", full_page=True)

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "企业名称"
    assert [r[0] for r in rows[1:]] == ["浙江新禾成生物医药股份有限公司"]


def test_officer_edit_with_bad_input_gets_chinese_message(world, page):
    log_in(page, "staff")
    page.goto(f"/registry/enterprises/{world.own_enterprise.pk}/edit/")
    page.fill("#id_uscc", "91330624MA2BC3D4X3")
    page.click("button:has-text('保存')")
    assert "统一社会信用代码校验位错误" in page.content()
    page.screenshot(path=ARTIFACTS / "enterprise-edit-error.png", full_page=True)
    page.fill("#id_uscc", world.own_enterprise.uscc)
    page.fill("#id_employees", "256")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"**/registry/enterprises/{world.own_enterprise.pk}/")
    assert "已保存" in page.content()
    history = page.get_by_test_id("history").inner_text()
    assert "256" in history


def test_a_long_drop_down_gets_a_filter_box(world, page):
    from kechuang.registry.tests.factories import EnterpriseFactory

    for n in range(35):
        EnterpriseFactory(name=f"新昌县筛选{n:02d}号机械有限公司")
    log_in(page, "staff")
    page.goto("/registry/qualifications/add/")
    box = page.get_by_label("筛选企业")
    box.fill("筛选07")
    shown = page.eval_on_selector_all(
        "#id_enterprise option",
        "options => options.filter(o => !o.hidden && o.value).map(o => o.text)",
    )
    assert shown == ["新昌县筛选07号机械有限公司"]
    page.select_option("#id_enterprise", label="新昌县筛选07号机械有限公司")
    page.screenshot(path=ARTIFACTS / "qualification-enterprise-filter.png", full_page=True)
