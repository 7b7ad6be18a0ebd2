"""The main path of the registry, walked in headless Chromium (Debian's, driven by Playwright)."""

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kechuang.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized rollback restores the reference
    # data (regions, industries) that the flush after a transactional test would remove.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(live_server, monkeypatch):
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
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_town_officer_searches_opens_and_exports(world, page):
    _log_in(page, "town")
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
    _log_in(page, "staff")
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
