"""The index walked in headless Chromium: the officer sees where the county stands among
its peers, changes the peers and the map's colouring, then asks what would move the rank."""

import re

from playwright.sync_api import expect

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, assert_accessible, log_in
from kechuang.indicators.tests.factories import province

pytestmark = BROWSER_MARKS


def test_officer_reads_the_index_and_simulates(world, page):
    province(2023)
    province(2024)
    log_in(page, "staff")
    page.get_by_role("link", name="创新指数与对标").click()
    page.wait_for_url("**/indicators/")
    assert "第 6 名" in page.get_by_test_id("standings").inner_text()
    page.wait_for_selector("#map-chart canvas")
    page.wait_for_selector("#radar-chart canvas")
    expect(page.locator("#map-chart")).to_have_attribute("aria-label", re.compile("最高"))
    page.screenshot(path=ARTIFACTS / "indicators-overview.png", full_page=True)
    assert_accessible(page)
    table = page.get_by_test_id("peer-table").inner_text()
    assert "新昌县" in table and "滨江区" in table

    form = page.get_by_test_id("peer-form")
    form.get_by_role("button", name="对标地区").click()
    checked = form.locator("input[name=peer]:checked")
    while checked.count():
        checked.first.uncheck()
    form.get_by_label("嵊州市").check()
    form.get_by_role("button", name="比较").click()
    page.wait_for_url("**peer=330683**")
    table = page.get_by_test_id("peer-table").inner_text()
    assert "嵊州市" in table and "滨江区" not in table
    page.get_by_test_id("save-peers").click()
    page.wait_for_url("**/indicators/?year=2024")
    assert "嵊州市" in page.get_by_test_id("peer-table").inner_text()

    page.select_option("#map-metric", "rd_gdp")
    page.wait_for_url("**map=rd_gdp**")
    expect(page.locator("#map-chart")).to_have_attribute(
        "aria-label", re.compile("R&D经费支出占GDP比重")
    )

    page.get_by_role("link", name="模拟测算").first.click()
    page.wait_for_url("**/indicators/simulate/**")
    page.click("summary:has-text('直接设定某项指标')")
    for code in ("rd_gdp", "above_rd_intensity", "hitech_va_share", "new_product_rate"):
        page.fill(f"#set-{code}", "99")
    page.get_by_role("button", name="测算").click()
    page.wait_for_url("**top_n=**")
    result = page.get_by_test_id("simulation-result").inner_text()
    assert "模拟" in result and "基准年 2024 年为第 6 名" in result
    page.screenshot(path=ARTIFACTS / "indicators-simulate.png", full_page=True)
    assert_accessible(page)
