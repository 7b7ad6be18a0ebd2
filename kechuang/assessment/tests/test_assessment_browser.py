"""Recognition readiness walked in headless Chromium: the bureau runs the county's 高企
assessment, finds the 小升高 candidate, records a missing fact and sees the verdict move;
the enterprise opens its own page, flags a figure and downloads its report."""

import datetime

from django.utils import timezone
from docx import Document

from kechuang.assessment.models import FigureFlag, RecognitionProfile
from kechuang.assessment.tests.factories import ready_enterprise
from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, assert_accessible, log_in
from kechuang.registry.tests.factories import QualificationFactory

pytestmark = BROWSER_MARKS


def test_officer_runs_the_county_and_closes_a_gap(world, page):
    year = timezone.localdate().year
    enterprise = ready_enterprise(world.nanming_enterprise, on_year=year)
    RecognitionProfile.objects.filter(enterprise=enterprise).update(tech_domain="")
    QualificationFactory(
        enterprise=enterprise,
        kind="tech_sme",
        issued_on=datetime.date(year, 1, 2),
        valid_until=datetime.date(year + 1, 3, 31),
    )
    log_in(page, "staff")
    page.goto("/assessment/")
    page.get_by_test_id("run").click()
    page.wait_for_url("**/assessment/results/**")
    page.goto("/assessment/")
    assert page.get_by_test_id("card-hnte").is_visible()
    page.get_by_test_id("candidates-link").click()
    page.wait_for_url("**list=candidates")
    page.screenshot(path=ARTIFACTS / "assessment-candidates.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name=enterprise.name).first.click()
    page.wait_for_url(f"**/assessment/enterprises/{enterprise.pk}/**")
    criteria = page.get_by_test_id("criteria")
    assert "需补充信息" in criteria.locator("tr[data-key=c3]").inner_text()
    assert "满 365 天" in criteria.locator("tr[data-key=c1]").inner_text()
    page.screenshot(path=ARTIFACTS / "assessment-enterprise.png", full_page=True)
    assert_accessible(page)

    page.get_by_test_id("facts-link").click()
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/facts/")
    page.get_by_role("link", name="修改").click()
    page.fill("#id_tech_domain", "8.5.1")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/facts/")
    assert (
        "8.5.1 先进制造与自动化／新型机械／机械基础件及制造技术"
        in page.get_by_test_id("profile").inner_text()
    )
    page.goto(f"/assessment/enterprises/{enterprise.pk}/")
    assert "符合" in page.get_by_test_id("criteria").locator("tr[data-key=c3]").inner_text()
    assert "待专家" in page.get_by_test_id("criteria").locator("tr[data-key=c7]").inner_text() or (
        "专家评判" in page.get_by_test_id("criteria").locator("tr[data-key=c7]").inner_text()
    )


def test_enterprise_opens_its_page_flags_a_figure_and_downloads_its_report(world, page):
    year = timezone.localdate().year
    ready_enterprise(world.own_enterprise, on_year=year)
    log_in(page, "enterprise")
    page.get_by_role("link", name="我的创新画像").click()
    page.wait_for_url(f"**/assessment/enterprises/{world.own_enterprise.pk}/overview/")
    assert page.get_by_test_id("ready-hnte").is_visible()
    assert "还差什么" in page.get_by_test_id("gaps").inner_text()
    figures = page.get_by_test_id("figures").inner_text()
    assert "nan" not in figures.lower() and "12000.00" in figures
    page.wait_for_selector("#overview-chart canvas")
    page.screenshot(path=ARTIFACTS / "enterprise-overview.png", full_page=True)
    assert_accessible(page)

    form = page.get_by_test_id("flag-form")
    form.locator("#id_figure").select_option("rd_expense")
    form.locator("#id_note").fill("研发费用应为 620 万元，漏报委托高校研发 20 万元")
    form.get_by_role("button", name="提交").click()
    page.wait_for_url("**/overview/")
    assert "科技局将核实处理" in page.content()
    assert FigureFlag.objects.get(enterprise=world.own_enterprise).status == "open"

    with page.expect_download() as pdf:
        page.get_by_test_id("report-pdf").click()
    path = pdf.value.path()
    assert open(path, "rb").read(4) == b"%PDF"
    with page.expect_download() as word:
        page.get_by_test_id("report-docx").click()
    document = Document(word.value.path())
    assert world.own_enterprise.name in "\n".join(p.text for p in document.paragraphs)
