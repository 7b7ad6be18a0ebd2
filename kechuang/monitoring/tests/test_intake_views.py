"""Intake through the pages, the `kechuang import` command and the API: who may do what,
the preview, commit and rollback with the monitoring recomputed, the background-job path,
the template and the issue list as Excel.

The three doors are tested side by side in one file on purpose: each answer the page gives
is checked against the CLI's and the API's for the same upload."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kechuang.conftest import PASSWORD, SHARED_WORLD
from kechuang.core import jobs
from kechuang.core.models import Job, OperationLog
from kechuang.engines import uscc
from kechuang.monitoring import batches, intake, services, workbooks
from kechuang.monitoring.models import (
    FinancialRecord,
    ImportBatch,
    RDRecord,
    Snapshot,
    SnapshotEntry,
)
from kechuang.monitoring.tests.factories import (
    FULL,
    financial_workbook,
    full_row,
    full_workbook,
    rd_row,
    rd_workbook,
    sheet_bytes,
    stage,
)
from kechuang.registry.models import Enterprise, ScaleRecord

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

UPLOAD = reverse("monitoring:batch_upload")
BATCHES = reverse("monitoring:batch_list")
API = "/api/monitoring/batches/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _form(content: bytes, filename: str = "107-2.xlsx", **changes) -> dict:
    return {
        "kind": "rd",
        "year": 2024,
        "quarter": 0,
        "department": "statistics",
        "default_unit": "thousand",
        "file": SimpleUploadedFile(filename, content),
        **changes,
    }


def _upload(client, content: bytes, **changes) -> ImportBatch:
    response = client.post(UPLOAD, _form(content, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == batch.get_absolute_url()
    return batch


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _good(world) -> bytes:
    return full_workbook([full_row(world.nanming_enterprise), full_row(world.qixing_enterprise)])


# -- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("admin", 200),
        ("leader", 200),
        ("staff", 200),
        ("town", 403),
        ("enterprise", 403),
        ("university", 403),
        ("outsider", 403),
    ],
)
def test_batch_list_and_detail_need_view_permission(world, login, persona, status):
    batch = stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)]), filename="a.xlsx")
    client = login(getattr(world, persona))
    assert client.get(BATCHES).status_code == status
    assert client.get(batch.get_absolute_url()).status_code == status
    assert client.get(reverse("monitoring:batch_issues", args=[batch.pk])).status_code == status


@pytest.mark.parametrize(
    "persona, status",
    [("admin", 200), ("staff", 200), ("leader", 403), ("town", 403), ("enterprise", 403)],
)
def test_upload_needs_import_permission(world, login, persona, status):
    client = login(getattr(world, persona))
    assert client.get(UPLOAD).status_code == status
    assert client.get(reverse("monitoring:batch_template", args=["rd"])).status_code == status
    response = client.post(UPLOAD, _form(rd_workbook([rd_row(world.nanming_enterprise)])))
    assert response.status_code == (302 if status == 200 else 403)
    assert ImportBatch.objects.exists() is (status == 200)


def test_leader_sees_the_preview_but_cannot_commit_or_roll_back(world, login):
    batch = stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)]), filename="a.xlsx")
    client = login(world.leader)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'data-testid="batch-status"' in page
    assert 'data-testid="commit-form"' not in page
    assert client.post(reverse("monitoring:batch_commit", args=[batch.pk])).status_code == 403
    assert client.post(reverse("monitoring:batch_rollback", args=[batch.pk])).status_code == 403
    batch.refresh_from_db()
    assert batch.status == "validated"


def test_list_shows_batches_with_an_import_button_for_importers(world, login):
    _upload(login(world.staff), rd_workbook([rd_row(world.nanming_enterprise)]))
    page = login(world.staff).get(BATCHES).content.decode()
    assert "共 1 条" in page
    assert "107-2.xlsx" in page
    assert UPLOAD in page
    assert UPLOAD not in login(world.leader).get(BATCHES).content.decode()


# -- template -----------------------------------------------------------------------------


def test_rd_template_has_the_official_two_row_header_and_units(world, login):
    response = login(world.staff).get(
        reverse("monitoring:batch_template", args=["rd"]), {"year": 2023}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "企业研究开发活动及相关情况"
    assert "统计年度：2023年" in rows[1]
    assert rows[2][:3] == ("统一社会信用代码", "单位详细名称", "研究开发人员")
    assert rows[3][2:4] == ("合计", "其中：管理和服务人员")
    assert rows[4][:3] == ("甲", "乙", "人")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:H3"} <= merged  # 研究开发人员 spans its six columns
    expense = rows[2].index("研究开发费用")
    assert rows[3][expense] == "合计"
    assert rows[4][expense] == "千元"
    assert OperationLog.objects.filter(action="template", user=world.staff).count() == 1

    # Filled in, the template reads back into every field.
    enterprise = world.nanming_enterprise
    sheet.append([enterprise.uscc, enterprise.name, *[FULL[f] for f in _template_fields("rd")]])
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    parsed = intake.parse("t.xlsx", buffer.getvalue(), "rd", "yuan")
    assert parsed.issues == []
    assert parsed.stated_year == 2023
    assert parsed.rows[0].values["rd_expense"] == 1_000_000


def _template_fields(kind):
    return [f for *_, f in workbooks.template_columns(kind)]


def test_financial_template_reads_back_into_every_field(world, login):
    response = login(world.staff).get(reverse("monitoring:batch_template", args=["financial"]))
    workbook = load_workbook(io.BytesIO(response.content))
    enterprise = world.nanming_enterprise
    fields = _template_fields("financial")
    workbook.active.append([enterprise.uscc, enterprise.name, *range(1, len(fields) + 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = intake.parse("f.xlsx", buffer.getvalue(), "financial", "yuan")
    assert parsed.issues == []
    assert [c.field for c in parsed.columns][2:] == fields
    assert set(fields) == {
        "revenue",
        "main_revenue",
        "total_assets",
        "net_assets",
        "cost_expense_total",
        "employees",
        "tech_staff",
        "rd_expense_hnte",
        "rd_expense_deduction",
    }
    assert parsed.rows[0].values["revenue"] == 1_000  # 千元 in the units line


def test_unknown_template_kind_is_404(world, login):
    url = reverse("monitoring:batch_template", args=["patents"])
    assert login(world.staff).get(url).status_code == 404


# -- preview, commit, rollback ------------------------------------------------------------


def test_preview_lists_errors_warnings_unknown_codes_and_columns(world, login):
    client = login(world.staff)
    unknown = uscc.make("91", "330624", "MF000001")
    content = full_workbook(
        [
            full_row(world.nanming_enterprise, cost_other=45),
            full_row(world.qixing_enterprise, rd_staff="约30"),
            {**full_row(world.own_enterprise), "uscc": unknown, "name": "新昌县未登记科技有限公司"},
        ]
    )
    batch = _upload(client, content, year=2025)
    assert batch.status == "failed"
    response = client.get(batch.get_absolute_url())
    page = response.content.decode()

    assert response.context["error_count"] == 3
    # In the file's order: the title's year first, then row by row.
    assert [(e["row"], e["code"]) for e in response.context["errors"]] == [
        (0, "year_mismatch"),
        (6, "cost_items_sum"),
        (7, "not_number"),
    ]
    assert 'data-testid="error-count">3<' in page
    assert "约30" in page
    assert "应等于八项费用" in page
    assert unknown in page and "新昌县未登记科技有限公司" in page
    assert "校验未通过" in page
    assert 'data-testid="commit-form"' not in page
    columns = {c["label"]: c for c in response.context["layout"]["columns"]}
    assert columns["研究开发费用 / 合计"] == {
        "column": "I",
        "label": "研究开发费用 / 合计",
        "field": "rd_expense",
        "field_label": "研究开发费用合计",
        "unit": "千元",
        "unit_source": "表头下的单位行",
    }
    assert columns["统一社会信用代码"]["field_label"] == "统一社会信用代码"
    assert "<td>研究开发费用合计</td><td>千元</td><td>表头下的单位行</td>" in page

    log = OperationLog.objects.get(action="import")
    assert (log.user, log.success, log.row_count) == (world.staff, False, 3)
    assert f"批次#{batch.pk}" in log.summary


def test_preview_names_ignored_headers(world, login):
    code = world.nanming_enterprise.uscc
    content = sheet_bytes(
        [["序号", "统一社会信用代码", "研发费用合计", "填报人电话"], [1, code, 100, "138"]]
    )
    batch = _upload(login(world.staff), content)
    page = login(world.staff).get(batch.get_absolute_url()).content.decode()
    assert 'data-testid="ignored-headers"' in page
    assert "A列 序号、D列 填报人电话" in page
    # An unknown header may be a figure the officer meant to import: warned of. A 序号 is not.
    (warning,) = batch.warnings
    assert warning["code"] == "ignored_columns"
    assert "D列 填报人电话" in warning["message"] and "序号" not in warning["message"]


def test_issue_list_downloads_as_excel(world, login):
    client = login(world.staff)
    content = rd_workbook(
        [rd_row(world.nanming_enterprise, rd_staff=-3), rd_row(world.qixing_enterprise)]
    )
    batch = _upload(client, content, year=2023)
    response = client.get(reverse("monitoring:batch_issues", args=[batch.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("行号", "企业", "列", "值", "原因", "级别")
    enterprise = world.nanming_enterprise
    named = f"{enterprise.name}（{enterprise.uscc}）"
    assert (6, named, "研究开发人员 / 合计", "-3", "不能为负数。", "错误") in rows
    assert any(r[5] == "错误" and r[1] is None and "2024年" in r[4] for r in rows[1:])
    assert OperationLog.objects.filter(action="export", target="导入问题清单").exists()


def test_fix_and_commit_recomputes_the_year(world, login):
    client = login(world.staff)
    batch = _upload(client, _good(world))
    assert batch.status == "validated"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'data-testid="commit-form"' in page
    assert "校验通过" in page

    response = client.post(reverse("monitoring:batch_commit", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert (batch.created_count, batch.updated_count) == (2, 0)
    page = response.content.decode()
    assert "已提交：新增 2 条，更新 0 条，未变化 0 条。" in page
    assert _messages(response) == []  # the page says it; a failed recompute would warn
    assert 'data-testid="rollback"' in page
    assert RDRecord.objects.filter(year=2024, batch=batch).count() == 2
    snapshot = Snapshot.objects.get(year=2024, is_current=True)
    assert snapshot.computed_by == world.staff
    assert SnapshotEntry.objects.of(snapshot).count() == 2
    log = OperationLog.objects.filter(action="import").latest("at")
    assert log.row_count == 2 and log.success and "新增 2" in log.summary


def test_recompute_failure_keeps_the_import_and_warns(world, login, monkeypatch):
    def broken(year, *, user=None, today=None):
        raise RuntimeError("facts has no rows")

    logged = []
    monkeypatch.setattr(batches.committing.logger, "exception", lambda *args: logged.append(args))

    monkeypatch.setattr(services, "recompute", broken)
    client = login(world.staff)
    batch = _upload(client, _good(world))
    response = client.post(reverse("monitoring:batch_commit", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert RDRecord.objects.count() == 2
    shown = _messages(response)
    assert any("未能重新计算（错误已记入系统日志）" in m for m in shown), shown
    assert not any("facts" in m for m in shown)  # the engine's own words go to the log
    assert logged and logged[0][1] == batch.year
    assert not Snapshot.objects.exists()


def test_quarterly_batches_do_not_recompute(world, login, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "recompute", lambda year, **kw: calls.append(year))
    client = login(world.staff)
    batch = _upload(client, _good(world), quarter=3)
    client.post(reverse("monitoring:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert calls == []


def test_commit_refused_for_unknown_codes_then_created_on_request(world, login):
    client = login(world.staff)
    code = uscc.make("91", "330624", "MF000002")
    content = rd_workbook(
        [{**rd_row(world.nanming_enterprise), "uscc": code, "name": "新昌县页面新建科技有限公司"}]
    )
    batch = _upload(client, content)
    url = reverse("monitoring:batch_commit", args=[batch.pk])
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "一并新建未登记的企业" in page

    response = client.post(url, follow=True)
    assert any("尚未登记" in m for m in _messages(response))
    batch.refresh_from_db()
    assert batch.status == "validated"
    assert not Enterprise.objects.filter(uscc=code).exists()

    response = client.post(
        url, {"create_unknown": "on", "town": "330624003", "industry": "c3484"}, follow=True
    )
    batch.refresh_from_db()
    assert batch.status == "committed", _messages(response)
    created = Enterprise.objects.get(uscc=code)
    assert (created.town_id, created.industry_id) == ("330624003", "3484")


def test_commit_form_refuses_a_town_outside_scope(world, login):
    client = login(world.staff)
    batch = _upload(client, _good(world))
    response = client.post(
        reverse("monitoring:batch_commit", args=[batch.pk]),
        {"create_unknown": "on", "town": "330683001"},
        follow=True,
    )
    assert any("提交选项有误" in m for m in _messages(response))
    batch.refresh_from_db()
    assert batch.status == "validated"


def test_update_checkbox(world, login):
    client = login(world.staff)
    first = _upload(client, rd_workbook([rd_row(world.nanming_enterprise)]))
    client.post(reverse("monitoring:batch_commit", args=[first.pk]))
    changed = rd_workbook([rd_row(world.nanming_enterprise, rd_staff=33)])

    refused = _upload(client, changed)
    assert refused.status == "failed"
    assert [e["code"] for e in refused.errors] == ["exists"]
    accepted = _upload(client, changed, allow_update="on")
    assert accepted.status == "validated"
    client.post(reverse("monitoring:batch_commit", args=[accepted.pk]))
    assert RDRecord.objects.get().rd_staff == 33


def test_rollback_restores_and_recomputes(world, login):
    client = login(world.staff)
    first = _upload(client, _good(world))
    client.post(reverse("monitoring:batch_commit", args=[first.pk]))
    second = _upload(
        client,
        full_workbook([full_row(world.nanming_enterprise, rd_staff=31)]),
        allow_update="on",
    )
    client.post(reverse("monitoring:batch_commit", args=[second.pk]))

    # The first batch cannot be rolled back while the second stands.
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'data-testid="rollback-blocked"' in page
    response = client.post(reverse("monitoring:batch_rollback", args=[first.pk]), follow=True)
    assert any(f"#{second.pk}" in m for m in _messages(response))
    first.refresh_from_db()
    assert first.status == "committed"
    assert OperationLog.objects.filter(action="other", success=False).count() == 1

    snapshots = Snapshot.objects.count()
    response = client.post(reverse("monitoring:batch_rollback", args=[second.pk]), follow=True)
    assert any(f"已撤销批次#{second.pk}" in m for m in _messages(response))
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 30
    assert Snapshot.objects.count() == snapshots + 1
    assert 'data-testid="batch-status">已撤销<' in response.content.decode()
    log = OperationLog.objects.filter(action="other", success=True).get()
    assert f"撤销批次#{second.pk}" in log.summary


def test_rolling_back_a_years_only_batch_withdraws_its_results(world, login):
    client = login(world.staff)
    batch = _upload(client, _good(world))
    client.post(reverse("monitoring:batch_commit", args=[batch.pk]))
    assert Snapshot.objects.filter(year=batch.year, is_current=True).exists()

    response = client.post(reverse("monitoring:batch_rollback", args=[batch.pk]), follow=True)
    shown = _messages(response)
    assert any(f"{batch.year}年已无年报数据" in m for m in shown), shown
    assert not any("数据已保存" in m or "rows" in m for m in shown), shown
    assert not Snapshot.objects.filter(year=batch.year, is_current=True).exists()
    assert Snapshot.objects.filter(year=batch.year).exists()  # kept, no longer current


def test_commit_and_rollback_need_post(world, login):
    client = login(world.staff)
    batch = _upload(client, _good(world))
    assert client.get(reverse("monitoring:batch_commit", args=[batch.pk])).status_code == 405
    assert client.get(reverse("monitoring:batch_rollback", args=[batch.pk])).status_code == 405


def test_upload_form_errors_are_shown(world, login):
    response = login(world.staff).post(UPLOAD, {"kind": "rd", "year": 1990})
    assert response.status_code == 200
    assert "请修正下列标红的字段" in response.content.decode()
    assert response.context["form"].errors.keys() >= {"year", "file"}
    assert not ImportBatch.objects.exists()


# -- the background-job path --------------------------------------------------------------


def test_large_file_is_staged_and_committed_by_jobs(world, login, settings):
    settings.INTAKE_BACKGROUND_BYTES = 0
    settings.INTAKE_BACKGROUND_ROWS = 1
    client = login(world.staff)

    response = client.post(UPLOAD, _form(_good(world)))
    job = Job.objects.get(kind="monitoring.stage")
    assert response["Location"] == reverse("core:job_status", args=[job.pk])
    assert (job.status, job.progress, job.created_by) == ("succeeded", 100, world.staff)
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert batch.created_by == world.staff
    response = client.get(response["Location"])
    assert response["Location"] == batch.get_absolute_url()
    assert OperationLog.objects.get(action="import").path == UPLOAD

    page = client.get(batch.get_absolute_url()).content.decode()
    assert "数据较多，将在后台提交并显示进度" in page
    response = client.post(reverse("monitoring:batch_commit", args=[batch.pk]))
    job = Job.objects.get(kind="monitoring.commit")
    assert response["Location"] == reverse("core:job_status", args=[job.pk])
    assert job.status == "succeeded", job.error
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert RDRecord.objects.count() == 2
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == batch.get_absolute_url()
    assert "已提交：新增 2 条，更新 0 条，未变化 0 条。" in response.content.decode()


def test_job_status_as_json_htmx_partial_and_page(world, login):
    client = login(world.staff)
    running = Job.objects.create(
        kind="monitoring.stage",
        title="校验导入文件 big.xlsx",
        status="running",
        progress=35,
        message="读取并校验文件",
        created_by=world.staff,
    )
    url = reverse("core:job_status", args=[running.pk])
    data = client.get(url, {"format": "json"}).json()
    assert data == {
        "id": running.pk,
        "title": "校验导入文件 big.xlsx",
        "status": "running",
        "status_display": "运行中",
        "progress": 35,
        "message": "读取并校验文件",
        "finished": False,
        "url": None,
        "error": "",
        "poll_after": 1,
    }
    page = client.get(url).content.decode()
    assert 'hx-trigger="load delay:1s"' in page
    assert 'style="width: 35%"' in page
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "HX-Redirect" not in partial

    running.status, running.progress = "succeeded", 100
    running.result = {"url": "/monitoring/batches/1/", "success": "完成"}
    running.save()
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial["HX-Redirect"] == "/monitoring/batches/1/"
    assert client.get(url, HTTP_ACCEPT="application/json").json()["finished"] is True


def test_failed_job_is_shown_and_other_users_cannot_see_it(world, login):
    client = login(world.staff)
    response = client.post(
        UPLOAD, _form(rd_workbook([rd_row(world.nanming_enterprise)]), "107-2.xlsx")
    )
    assert response.status_code == 302
    # A job whose archived file has gone fails; the page says so in Chinese.
    job = Job.objects.create(
        kind="monitoring.stage",
        title="校验导入文件 lost.xlsx",
        params={"path": "/nonexistent/lost.xlsx", "user_id": world.staff.pk},
        created_by=world.staff,
    )
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    url = reverse("core:job_status", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="job-error"' in page
    assert "任务失败" in page
    assert "Traceback" not in page
    assert client.get(url, {"format": "json"}).json()["error"].startswith("[Errno 2]")
    assert login(world.leader).get(url).status_code == 404
    assert login(world.admin).get(url).status_code == 200


# -- command line -------------------------------------------------------------------------


def _file(tmp_path, content: bytes, name: str = "107-2.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_cli_imports_with_year_from_the_title(world, tmp_path):
    out = io.StringIO()
    call_command("import", "rd", _file(tmp_path, _good(world)), stdout=out)
    text = out.getvalue()
    assert "统计年度：2024年（取自文件标题）" in text
    assert "新增 2，更新 0，未变化 0" in text
    assert "已重新计算2024年监测结果" in text
    batch = ImportBatch.objects.get()
    assert (batch.year, batch.status, batch.created_by) == (2024, "committed", world.admin)
    assert RDRecord.objects.filter(year=2024).count() == 2
    assert OperationLog.objects.filter(action="import", user=world.admin).count() == 1


def test_cli_year_defaults_to_last_year_without_a_title(world, tmp_path, monkeypatch):
    code = world.nanming_enterprise.uscc
    path = _file(
        tmp_path, sheet_bytes([["统一社会信用代码", "研发人员合计", "研发费用合计"], [code, 4, 90]])
    )
    out = io.StringIO()
    call_command("import", "rd", path, "--user", "staff", stdout=out)
    last_year = timezone.localdate().year - 1
    assert f"统计年度：{last_year}年（文件未注明，默认上一年）" in out.getvalue()
    assert RDRecord.objects.get().year == last_year
    assert ImportBatch.objects.get().created_by == world.staff


def test_cli_lists_errors_and_exits_non_zero(world, tmp_path):
    content = full_workbook(
        [full_row(world.nanming_enterprise, cost_other=41), full_row(world.qixing_enterprise)]
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验未通过：1 处错误，未写入任何数据"):
        call_command("import", "rd", _file(tmp_path, content), "--year", "2024", stdout=out)
    text = out.getvalue()
    assert "错误（1）：" in text
    assert "第6行\t研究开发费用 / 合计" in text
    assert "应等于八项费用" in text
    assert RDRecord.objects.count() == 0


def test_cli_bad_file_and_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import", "rd", str(tmp_path / "nope.xlsx"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("import", "rd", _file(tmp_path, b"garbage"), "--year", "2024", stdout=out)
    assert "不是有效的 Excel 文件" in out.getvalue()


def test_cli_dry_run_writes_nothing(world, tmp_path):
    out = io.StringIO()
    call_command("import", "rd", _file(tmp_path, _good(world)), "--dry-run", stdout=out)
    assert "校验通过：2 行可导入（试运行，未写入任何数据）" in out.getvalue()
    assert not ImportBatch.objects.exists()
    assert not RDRecord.objects.exists()
    assert not OperationLog.objects.exists()
    bad = full_workbook([full_row(world.nanming_enterprise, rd_expense="x")])
    with pytest.raises(CommandError, match="试运行"):
        call_command("import", "rd", _file(tmp_path, bad, "b.xlsx"), "--dry-run", stdout=out)
    assert not ImportBatch.objects.exists()


def test_cli_update_flag(world, tmp_path):
    call_command("import", "rd", _file(tmp_path, _good(world)), stdout=io.StringIO())
    changed = full_workbook([full_row(world.nanming_enterprise, rd_staff=44)])
    path = _file(tmp_path, changed, "changed.xlsx")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "rd", path, stdout=out)
    assert "已有该期数据" in out.getvalue() and "--update" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import", "rd", path, "--dry-run", stdout=io.StringIO())
    call_command("import", "rd", path, "--update", stdout=io.StringIO())
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 44
    # The same file again without --update is fine: nothing differs.
    out = io.StringIO()
    call_command("import", "rd", path, stdout=out)
    assert "新增 0，更新 0，未变化 1" in out.getvalue()


def test_cli_unknown_codes(world, tmp_path):
    code = uscc.make("91", "330624", "MG000001")
    row = {**full_row(world.nanming_enterprise), "uscc": code, "name": "新昌县命令行新建有限公司"}
    path = _file(tmp_path, full_workbook([row]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="尚未登记"):
        call_command("import", "rd", path, stdout=out)
    assert f"第6行\t{code}\t新昌县命令行新建有限公司" in out.getvalue()
    assert not RDRecord.objects.exists()
    call_command(
        "import",
        "rd",
        path,
        "--create-unknown",
        "--town",
        "330624002",
        "--industry",
        "3484",
        stdout=io.StringIO(),
    )
    assert Enterprise.objects.get(uscc=code).town_id == "330624002"
    assert RDRecord.objects.filter(enterprise__uscc=code).exists()


def test_cli_financial_above_scale(world, tmp_path):
    a = world.nanming_enterprise
    rows = [{"uscc": a.uscc, "name": a.name, "revenue": 3_000, "employees": 120}]
    path = _file(tmp_path, financial_workbook(rows), "规上.xlsx")
    with pytest.raises(CommandError, match="只用于规上企业财务指标"):
        call_command("import", "rd", path, "--above-scale")
    call_command(
        "import", "financial", path, "--year", "2024", "--above-scale", stdout=io.StringIO()
    )
    assert FinancialRecord.objects.get().revenue == 30_000_000
    assert ScaleRecord.objects.get(enterprise=a, year=2024).is_above_scale is True


def test_cli_user_must_exist(world, tmp_path):
    with pytest.raises(CommandError, match="没有这个用户"):
        call_command("import", "rd", _file(tmp_path, _good(world)), "--user", "nobody")


# -- API ----------------------------------------------------------------------------------


def _token_client(username: str) -> Client:
    response = Client().post("/api/accounts/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return Client(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")


def _api_upload(client, content: bytes, **changes):
    data = {"kind": "rd", "year": 2024, "file": SimpleUploadedFile("107-2.xlsx", content)}
    data.update(changes)
    return client.post(API, data)


def test_api_options_with_a_misspelt_name_are_refused_and_nothing_is_written(world):
    client = _token_client("staff")
    before = ImportBatch.objects.count()
    response = _api_upload(client, _good(world), updat="true")
    assert response.status_code == 400
    assert response.json() == {"updat": ["没有这个字段。"]}
    assert ImportBatch.objects.count() == before

    batch_id = _api_upload(client, _good(world)).json()["id"]
    response = client.post(
        f"{API}{batch_id}/commit/", {"create_unknwn": True}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"create_unknwn": ["没有这个字段。"]}
    assert ImportBatch.objects.get(pk=batch_id).status == "validated"
    assert not RDRecord.objects.exists()


def test_api_rollback_names_the_unchanged_later_batch_it_withdraws(world):
    client = _token_client("staff")
    first = _api_upload(client, _good(world)).json()["id"]
    client.post(f"{API}{first}/commit/", {}, content_type="application/json")
    again = _api_upload(client, _good(world)).json()["id"]
    response = client.post(f"{API}{again}/commit/", {}, content_type="application/json")
    assert response.json()["status"] == "committed"

    response = client.post(f"{API}{first}/rollback/")
    assert response.status_code == 200
    assert f"#{again}一并标记为已撤销" in response.json()["message"]
    response = client.post(f"{API}{again}/rollback/")
    assert response.status_code == 400
    assert "已随前一批次一并撤销" in response.json()["detail"]


def test_api_upload_commit_and_rollback(world):
    client = _token_client("staff")
    bad = full_workbook([full_row(world.nanming_enterprise, rd_staff="三十")])
    response = _api_upload(client, bad)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "failed"
    assert body["issues"] == [
        {
            "row": 6,
            "column": "研究开发人员 / 合计",
            "value": "三十",
            "message": "不是数字。",
            "severity": "error",
            "code": "not_number",
            "enterprise": f"{world.nanming_enterprise.name}（{world.nanming_enterprise.uscc}）",
        }
    ]
    assert body["created_by"] == "staff"
    failed = body["id"]
    response = client.post(f"{API}{failed}/commit/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "只有校验通过" in response.json()["detail"]

    response = _api_upload(client, _good(world))
    batch_id = response.json()["id"]
    assert response.json()["status"] == "validated"
    response = client.post(f"{API}{batch_id}/commit/", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["created_count"]) == ("committed", 2)
    assert response.json()["recompute_warning"] == ""
    assert response.json()["message"] == "已提交：新增 2 条，更新 0 条，未变化 0 条。"
    assert Snapshot.objects.filter(year=2024, is_current=True).exists()

    listing = client.get(API, {"status": "committed"}).json()
    assert [b["id"] for b in listing["results"]] == [batch_id]
    assert client.get(API, {"quarter": "1"}).json()["results"] == []
    assert batch_id in [b["id"] for b in client.get(API, {"quarter": "0"}).json()["results"]]
    assert client.get(f"{API}{batch_id}/").json()["row_count"] == 2

    response = client.post(f"{API}{batch_id}/rollback/")
    assert response.status_code == 200
    assert response.json()["status"] == "rolled_back"
    assert not RDRecord.objects.exists()
    response = client.post(f"{API}{batch_id}/rollback/")
    assert response.status_code == 400
    assert OperationLog.objects.filter(path__startswith=API).count() == 6


def test_api_commit_with_new_enterprises(world):
    client = _token_client("staff")
    code = uscc.make("91", "330624", "MH000001")
    content = rd_workbook(
        [{**rd_row(world.nanming_enterprise), "uscc": code, "name": "接口新建公司"}]
    )
    batch_id = _api_upload(client, content).json()["id"]
    refused = client.post(f"{API}{batch_id}/commit/", {}, content_type="application/json")
    assert refused.status_code == 400 and "尚未登记" in refused.json()["detail"]
    response = client.post(
        f"{API}{batch_id}/commit/",
        json.dumps({"create_unknown": True, "town": "330624002", "industry": "3484"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Enterprise.objects.get(uscc=code).name == "接口新建公司"


def test_api_upload_validation_and_permissions(world, login):
    response = _api_upload(_token_client("staff"), b"", kind="patents")
    assert response.status_code == 400
    assert "kind" in response.json()
    for persona in ("leader", "town", "enterprise"):
        response = _api_upload(_token_client(persona), _good(world))
        assert response.status_code == 403, persona
    assert login(world.leader).get(API).status_code == 200
    assert login(world.town).get(API).status_code == 403
    assert Client().get(API).status_code in (401, 403)
    assert not ImportBatch.objects.exists()


def test_api_records_are_scoped_and_filtered(world, login):
    batches.commit(
        stage(world.staff, _good(world), filename="a.xlsx"),
        user=world.staff,
        create_unknown=False,
    )
    RDRecord.objects.create(
        enterprise=world.own_enterprise, year=2023, department="statistics", rd_staff=3
    )
    FinancialRecord.objects.create(
        enterprise=world.own_enterprise, year=2024, department="statistics", revenue=5
    )

    def names(user, url, **params):
        response = login(user).get(url, params)
        assert response.status_code == 200, response.content
        return sorted((r["enterprise_name"], r["year"]) for r in response.json()["results"])

    rd = "/api/monitoring/rd-records/"
    assert len(names(world.staff, rd)) == 3
    assert names(world.staff, rd, year=2023) == [("新昌县南明轴承有限公司", 2023)]
    assert names(world.staff, rd, enterprise=world.qixing_enterprise.pk) == [
        ("新昌县七星制冷配件有限公司", 2024)
    ]
    assert names(world.staff, rd, uscc=world.nanming_enterprise.uscc.lower()) == [
        ("浙江新禾成生物医药股份有限公司", 2024)
    ]
    assert names(world.town, rd) == [
        ("新昌县南明轴承有限公司", 2023),
        ("浙江新禾成生物医药股份有限公司", 2024),
    ]
    assert names(world.other_town, rd) == [("新昌县七星制冷配件有限公司", 2024)]
    assert names(world.enterprise, rd) == [("新昌县南明轴承有限公司", 2023)]
    assert login(world.university).get(rd).status_code == 403
    record = login(world.staff).get(rd, {"year": 2024}).json()["results"][0]
    assert record["rd_expense"] == "1000000.00"
    assert record["source_unit"] == "thousand"
    fin = "/api/monitoring/financial-records/"
    assert names(world.enterprise, fin) == [("新昌县南明轴承有限公司", 2024)]
    assert names(world.other_town, fin) == []
    assert login(world.staff).post(rd, {}).status_code in (403, 405)
    assert not RDRecord.objects.filter(year=2025).exists()


def test_api_schema_includes_the_intake_endpoints(world, login):
    schema = login(world.staff).get("/api/schema/", {"format": "json"}).json()
    assert "/api/monitoring/batches/" in schema["paths"]
    assert "/api/monitoring/batches/{id}/commit/" in schema["paths"]
    assert "/api/monitoring/rd-records/" in schema["paths"]
