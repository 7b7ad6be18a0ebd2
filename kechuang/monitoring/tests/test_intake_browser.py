"""Data intake walked in headless Chromium (Debian's, driven by Playwright): a bureau officer
uploads a 107-2 file with errors, reads them in the preview and in the downloaded list,
uploads the corrected file (large enough to go through a background job with a progress
bar), commits it and finds the year's monitoring computed from it; from the 负增长 list
they open the enterprise whose R&D fell, take it into the cultivation pool and log a visit."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, log_in
from kechuang.core.models import Job
from kechuang.monitoring.models import ImportBatch, PoolEntry, RDRecord, ServiceVisit
from kechuang.monitoring.tests import layouts
from kechuang.monitoring.tests.factories import full_row, full_workbook
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = BROWSER_MARKS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choose_file(page, name: str, content: bytes) -> None:
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": content}])


def test_officer_uploads_sees_errors_fixes_and_commits(world, page, settings, tmp_path):
    # Queued jobs wait for a worker; the test runs the worker once, so the browser really
    # shows the progress page and follows it to the batch once the job is done.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    a, b = world.nanming_enterprise, world.qixing_enterprise
    broken = full_workbook([full_row(a, cost_other=45), full_row(b, rd_staff="约30")])
    fixed = full_workbook([full_row(a), full_row(b)])
    # Last year a spent 1.6 million yuan on R&D; the file says 1 million this year.
    RDRecord.objects.create(
        enterprise=a, year=2023, rd_expense=Decimal("1600000"), department="statistics"
    )
    log_in(page, "staff")

    page.goto(reverse("monitoring:batch_list"))
    assert page.get_by_test_id("result-count").inner_text() == "共 0 条"
    page.locator(f"main a[href='{reverse('monitoring:batch_upload')}']").click()
    page.wait_for_url(f"**{reverse('monitoring:batch_upload')}")
    page.fill("#id_year", "2024")
    _choose_file(page, "新昌县2024年107-2.xlsx", broken)
    page.screenshot(path=ARTIFACTS / "intake-upload.png", full_page=True)
    page.get_by_test_id("upload").click()

    batch = ImportBatch.objects.get()
    page.wait_for_url(f"**{batch.get_absolute_url()}")
    assert page.get_by_test_id("batch-status").inner_text() == "校验未通过"
    assert page.get_by_test_id("error-count").inner_text() == "2"
    assert page.get_by_test_id("commit-form").count() == 0
    errors = page.get_by_test_id("error-row")
    assert errors.count() == 2
    text_error = errors.filter(has_text="约30")
    assert text_error.count() == 1
    assert "研究开发人员 / 合计" in text_error.inner_text()
    assert "不是数字" in text_error.inner_text()
    sum_error = errors.filter(has_text="应等于八项费用")
    assert sum_error.locator("td").first.inner_text() == "6"
    assert "识别的列（53 列）" in page.get_by_test_id("layout").inner_text()
    assert "研究开发费用 / 合计" in page.get_by_test_id("matched-columns").inner_text()
    page.screenshot(path=ARTIFACTS / "intake-preview-errors.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_test_id("download-issues").click()
    rows = list(
        load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0] == ("行号", "企业", "列", "值", "原因", "级别")
    assert sorted(r[0] for r in rows[1:]) == [6, 7]

    settings.INTAKE_BACKGROUND_BYTES = len(fixed) - 1
    page.click("a:has-text('上传新文件')")
    page.wait_for_url("**/batches/upload/?kind=rd")
    page.fill("#id_year", "2024")
    _choose_file(page, "新昌县2024年107-2（修正）.xlsx", fixed)
    page.get_by_test_id("upload").click()

    job = Job.objects.get(kind="monitoring.stage")
    page.wait_for_url(f"**{reverse('core:job_status', args=[job.pk])}")
    progress = page.get_by_test_id("job-progress")
    assert progress.get_attribute("data-status") == "queued"
    assert page.get_by_test_id("job-state").inner_text() == "排队中"
    page.screenshot(path=ARTIFACTS / "intake-job-progress.png", full_page=True)
    call_command("worker", batch=True, verbosity=0)
    fixed_batch = ImportBatch.objects.exclude(pk=batch.pk).get()
    page.wait_for_url(f"**{fixed_batch.get_absolute_url()}", timeout=15_000)

    assert page.get_by_test_id("batch-status").inner_text() == "已校验待提交"
    assert page.get_by_test_id("error-count").inner_text() == "0"
    assert page.get_by_test_id("row-count").inner_text() == "2"
    page.screenshot(path=ARTIFACTS / "intake-preview-ok.png", full_page=True)
    page.get_by_test_id("commit").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_test_id("batch-status").inner_text() == "已提交"
    assert page.get_by_test_id("created-count").inner_text() == "2"
    verdict = page.get_by_test_id("batch-verdict").inner_text()
    assert verdict == "已提交：新增 2 条，更新 0 条，未变化 0 条。"
    assert page.get_by_test_id("rollback").count() == 1
    page.screenshot(path=ARTIFACTS / "intake-committed.png", full_page=True)
    assert RDRecord.objects.filter(year=2024, batch=fixed_batch).count() == 2

    page.get_by_test_id("overview-link").click()
    page.wait_for_url("**/monitoring/?year=2024")
    assert page.get_by_test_id("monitored-count").inner_text() == "2"
    page.screenshot(path=ARTIFACTS / "intake-overview.png", full_page=True)
    assert page.get_by_test_id("decline-count").inner_text() == "1"

    page.get_by_test_id("decline-count").click()
    page.wait_for_url("**/monitoring/entries/?list=decline&year=2024")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert a.name in rows.first.inner_text()
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[-4:] == ["100.00", "160.00", "60.00", "37.50%"]  # 万元, as the list shows
    page.screenshot(path=ARTIFACTS / "intake-decline-list.png", full_page=True)
    rows.first.get_by_role("link", name=a.name).click()
    page.wait_for_url(f"**{a.get_absolute_url()}")

    page.get_by_test_id("pool-panel").get_by_test_id("add-to-pool").click()
    page.wait_for_url("**/add/?enterprise=*")
    page.fill("#id_target", "扭转研发投入下滑")
    page.fill("#id_reason", "2024年研发费用较上年下降37.5%")
    page.click("button:has-text('保存')")
    entry = PoolEntry.objects.get(enterprise=a)
    page.wait_for_url(f"**{entry.get_absolute_url()}")

    due = datetime.date.today() + datetime.timedelta(days=30)
    page.get_by_test_id("add-visit").click()
    page.wait_for_url("**/add/?entry=*")
    page.fill("#id_people_met", "研发部经理")
    page.fill("#id_problems", "主要客户订单下滑，研发项目暂缓")
    page.fill("#id_help_promised", "对接县产业创新服务综合体，申报市级研发项目")
    page.fill("#id_follow_up_due", due.isoformat())
    page.click("button:has-text('保存')")
    page.wait_for_url(f"**{entry.get_absolute_url()}")
    visit = page.get_by_test_id("visit")
    assert visit.count() == 1
    assert "研发项目暂缓" in visit.first.inner_text()
    assert ServiceVisit.objects.get().entry == entry
    page.screenshot(path=ARTIFACTS / "intake-visit-logged.png", full_page=True)


def test_officer_imports_a_sectioned_workbook_in_wan_yuan_with_a_county_total(
    world, page, settings, tmp_path
):
    """The statistics office's own layout: title rows, a units line saying 万元 above a
    two-row sectioned header, a code row, a 序号 column, a phone column and a 全县合计 row.
    The upload form's default unit stays 千元; the file's units line must win."""
    settings.MEDIA_ROOT = tmp_path
    for row in layouts.ROWS:
        EnterpriseFactory(uscc=row.uscc, name=row.name)
    layout = layouts.build(
        layouts.Spec(
            "walk",
            "xlsx",
            depth=2,
            titles=True,
            units_above="计量单位：人、万元、个、件",
            unit="万元",
            code_row="int",
            seq_column=True,
            extra_columns=True,
            total=("全县合计", "name"),
        )
    )
    log_in(page, "staff")
    page.goto(reverse("monitoring:batch_upload"))
    page.fill("#id_year", "2024")
    assert page.locator("#id_default_unit").input_value() == "thousand"
    _choose_file(page, "新昌县2024年研发活动情况（统计局）.xlsx", layout.content)
    page.get_by_test_id("upload").click()
    batch = ImportBatch.objects.get()
    page.wait_for_url(f"**{batch.get_absolute_url()}")

    assert page.get_by_test_id("batch-status").inner_text() == "已校验待提交"
    assert page.get_by_test_id("error-count").inner_text() == "0"
    assert page.get_by_test_id("row-count").inner_text() == str(len(layouts.ROWS))
    columns = page.get_by_test_id("matched-columns")
    expense = columns.locator("tr", has_text="研究开发费用合计").first.locator("td")
    assert expense.all_inner_texts()[2:] == ["研究开发费用合计", "万元", "计量单位说明"]
    assert "序号" in page.get_by_test_id("ignored-headers").inner_text()
    assert "联系电话" in page.get_by_test_id("ignored-headers").inner_text()
    assert "合计/小计行不作为企业数据导入" in page.get_by_test_id("skipped-totals").inner_text()
    page.screenshot(path=ARTIFACTS / "intake-sectioned-preview.png", full_page=True)

    page.get_by_test_id("commit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("batch-status").inner_text() == "已提交"
    verdict = page.get_by_test_id("batch-verdict").inner_text()
    assert verdict == f"已提交：新增 {len(layouts.ROWS)} 条，更新 0 条，未变化 0 条。"
    for row in layouts.ROWS:
        record = RDRecord.objects.get(enterprise__uscc=row.uscc, year=2024)
        for name in ("rd_expense", "cost_personnel", "fund_self", "rd_staff", "institution_phd"):
            want = row.figures[name]
            assert getattr(record, name) == (Decimal(want) if isinstance(want, Decimal) else want)
    total = sum(row.figures["rd_expense"] for row in layouts.ROWS)
    stored = sum(r.rd_expense for r in RDRecord.objects.filter(year=2024))
    assert stored == total  # the file's 全县合计, in yuan, and not counted twice
    page.screenshot(path=ARTIFACTS / "intake-sectioned-committed.png", full_page=True)
