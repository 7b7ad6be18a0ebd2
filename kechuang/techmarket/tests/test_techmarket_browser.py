"""The market walked in headless Chromium: an enterprise posts a demand, the bureau matches
it, reads why the first candidate ranks first, accepts it, and finds it in the funnel; the
university that owns the result is told and moves the match on."""

from playwright.sync_api import expect

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, assert_accessible, log_in
from kechuang.techmarket.tests.factories import TechResultFactory

pytestmark = BROWSER_MARKS


def test_demand_posted_matched_accepted_and_followed(world, page):
    TechResultFactory(
        institution=world.own_institution,
        title="轴承套圈磨削烧伤巴克豪森噪声无损检测技术",
        abstract="利用巴克豪森噪声信号对滚动轴承套圈磨削烧伤进行在线无损检测，检出率 99%，节拍 3 秒。",
        keywords="磨削烧伤、无损检测、轴承套圈",
    )
    TechResultFactory(
        institution=world.other_institution,
        title="名优茶连续化加工生产线",
        abstract="实现茶叶杀青、揉捻、烘干连续化，能耗降低 20%。",
        keywords="茶叶、连续化",
        industry_id="1530",
        field="2.7",
    )

    log_in(page, "enterprise")
    page.goto("/techmarket/demands/add/")
    page.fill("#id_title", "套圈磨削烧伤检测")
    page.fill(
        "#id_problem", "我们厂的轴承套圈磨完以后偶尔有烧伤，肉眼看不出来，想找在线检测的办法。"
    )
    page.fill("#id_desired_outcome", "烧伤检出率 95% 以上")
    page.fill("#id_budget", "30")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/techmarket/demands/*/")
    page.get_by_role("button", name="发布征集").click()
    expect(page.locator(".badge", has_text="征集中")).to_be_visible()
    demand_url = page.url
    page.screenshot(path=ARTIFACTS / "techmarket-demand.png", full_page=True)
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, "staff")
    page.goto(demand_url)
    first = page.get_by_test_id("suggestion").first
    expect(first).to_contain_text("巴克豪森噪声无损检测")
    expect(first).to_contain_text("共同关键词")
    expect(first.locator("mark").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "techmarket-candidates.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("tab", name="专家").click()
    expect(page.locator("#candidates")).to_contain_text("推荐的专家")
    page.get_by_role("tab", name="科技成果").click()
    expect(page.locator("#candidates")).to_contain_text("推荐的科技成果")
    first = page.get_by_test_id("suggestion").first
    first.get_by_role("button", name="接受推荐").click()
    page.wait_for_url("**/techmarket/matches/*/")
    expect(page.get_by_test_id("match-status")).to_have_text("已推荐")
    expect(page.get_by_test_id("explanation")).to_contain_text("共同关键词")
    match_url = page.url

    page.goto("/techmarket/")
    expect(page.get_by_test_id("funnel")).to_contain_text("已匹配")
    assert "1" in page.get_by_test_id("posted").inner_text()
    page.screenshot(path=ARTIFACTS / "techmarket-funnel.png", full_page=True)
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, "university")
    expect(page.get_by_test_id("inbox")).to_contain_text("1")
    page.goto(match_url)
    form = page.get_by_test_id("move-form")
    expect(form.locator("#id_reason")).to_be_hidden()  # asked only when it came to nothing
    form.locator("#id_to_status").select_option("declined")
    expect(form.locator("#id_reason")).to_be_visible()
    form.locator("#id_to_status").select_option("contacted")
    expect(form.locator("#id_reason")).to_be_hidden()
    form.locator("#id_note").fill("已与企业约定现场交流")
    form.get_by_role("button", name="保存进展").click()
    expect(page.get_by_test_id("match-status")).to_have_text("已联系")
    expect(page.get_by_test_id("steps")).to_contain_text("已与企业约定现场交流")
