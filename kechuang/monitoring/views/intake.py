"""Data intake pages: upload a 107-2 or financial file, preview every problem, commit all or
nothing, roll a batch back, download the template and the list of issues.

Big work runs as a background job (core.jobs) while the browser shows a progress bar that
polls `job_status`: a file of BACKGROUND_BYTES or more is read and validated by a job (about
5,000 rows of a full 107-2 sheet), and a batch of BACKGROUND_ROWS rows or more is committed
by one. Smaller files are handled in the request, which is faster than any progress page.
Jobs are registered here, and this module is imported with the URL configuration, which the
web process, `kechuang worker` (through Django's system checks) and the tests all load.

After a commit or rollback of annual figures the year's monitoring is recomputed; if that
fails the import stands and the user is told to recompute from the overview.
"""

import csv
import io
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kechuang.core import jobs
from kechuang.core.excel import (
    UnreadableFile,
    add_sheet,
    new_workbook,
    read_rows,
    workbook_response,
)
from kechuang.core.models import Job, OperationLog
from kechuang.core.requests import client_ip
from kechuang.core.views import ObjectListView
from kechuang.monitoring import choices, filtersets, intake, services, tables
from kechuang.monitoring.columns import FINANCIAL_GROUPS, RD_GROUPS
from kechuang.monitoring.forms import CommitForm, UploadForm
from kechuang.monitoring.models import ImportBatch

BACKGROUND_BYTES = 1_500_000
BACKGROUND_ROWS = 5_000
SHOWN_ISSUES = 500
LAYOUT_ROWS = 40  # parse looks for the header in the first 20 rows, up to three rows deep

STATUS_BADGES = {
    choices.BatchStatus.VALIDATED: "primary",
    choices.BatchStatus.FAILED: "danger",
    choices.BatchStatus.COMMITTED: "success",
    choices.BatchStatus.ROLLED_BACK: "secondary",
}
IDENTITY_NAMES = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "town": "乡镇街道",
    "industry": "行业代码",
}
UNIT_NAMES = {1: "元", 1_000: "千元", 10_000: "万元"}


class ImportBatchListView(ObjectListView):
    """The import history: every uploaded file with its status and what it changed."""

    model = ImportBatch
    table_class = tables.ImportBatchTable
    filterset_class = filtersets.ImportBatchFilterSet
    select_related = ("created_by",)
    import_url_name = "monitoring:batch_upload"


# -- template -----------------------------------------------------------------------------

TEMPLATE_TITLES = {
    choices.BatchKind.RD: ("企业研究开发活动及相关情况", "表号：107-2表"),
    choices.BatchKind.FINANCIAL: ("规模以上企业主要财务指标", "规上企业财务指标"),
}
# Headers a flat label cannot express: brackets are read as units, so calibers go in two rows.
TEMPLATE_HEADERS = {
    "rd_expense_hnte": ("研发费用", "高企认定口径"),
    "rd_expense_deduction": ("研发费用", "加计扣除口径"),
}
COUNT_UNIT_OF = {
    "institutions": "个",
    "overseas_institutions": "个",
    "patent_applications": "件",
    "invention_applications": "件",
    "valid_inventions": "件",
    "implemented_inventions": "件",
    "patent_transfers": "件",
    "trademarks": "件",
    "papers": "篇",
    "standards": "项",
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_columns(kind_key: str) -> list[tuple[str, str, str]]:
    """(parent header, child header, field) for every field of the form, in form order."""
    kind = intake.KINDS[kind_key]
    groups = RD_GROUPS if kind_key == choices.BatchKind.RD else FINANCIAL_GROUPS
    columns, seen = [], set()
    for parent, children in groups.items():
        for child, field_name in children.items():
            if field_name in seen:
                continue  # a synonym of a header already placed
            seen.add(field_name)
            verbose = str(kind.model._meta.get_field(field_name).verbose_name)
            if verbose.startswith("其中"):
                child = f"其中：{child}"
            columns.append((*TEMPLATE_HEADERS.get(field_name, (parent, child)), field_name))
    return columns


def _unit_label(kind: intake.IntakeKind, field_name: str) -> str:
    if field_name in kind.money_fields:
        return "千元"
    return COUNT_UNIT_OF.get(field_name, "人")


def template_workbook(kind_key: str, year: int) -> Workbook:
    """The official layout: title rows, a two-row header with merged parents, a units line."""
    kind = intake.KINDS[kind_key]
    columns = template_columns(kind_key)
    title, form_number = TEMPLATE_TITLES[kind_key]
    width = 2 + len(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=min(width, 12))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([form_number, None, f"统计年度：{year}年", None, None, "金额单位：千元"])
    top = ["统一社会信用代码", "单位详细名称"]
    bottom = [None, None]
    for parent, child, _field in columns:
        if parent:
            top.append(parent)
            bottom.append(child)
        else:
            top.append(child)
            bottom.append(None)
    # Write each parent once, over the run of its children, as the statistics office does.
    spans = []
    position = 2
    while position < width:
        parent = top[position]
        end = position
        if bottom[position] is not None:
            while end + 1 < width and top[end + 1] == parent and bottom[end + 1] is not None:
                end += 1
        spans.append((position, end))
        position = end + 1
    sheet.append([top[i] if i < 2 or any(s == i for s, _ in spans) else None for i in range(width)])
    sheet.append(bottom)
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    sheet.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    for start, end in spans:
        if bottom[start] is None:
            sheet.merge_cells(start_row=3, start_column=start + 1, end_row=4, end_column=start + 1)
        elif end > start:
            sheet.merge_cells(start_row=3, start_column=start + 1, end_row=3, end_column=end + 1)
    sheet.append(["甲", "乙", *[_unit_label(kind, f) for _p, _c, f in columns]])
    for row in sheet.iter_rows(min_row=3, max_row=5):
        for cell in row:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 30
    for index in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.row_dimensions[4].height = 45
    sheet.freeze_panes = "C6"
    return workbook


@permission_required("monitoring.import_importbatch", raise_exception=True)
def template(request, kind: str):
    if kind not in intake.KINDS:
        raise Http404("没有这种数据类型")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        raise Http404("年度不正确") from None
    label = choices.BatchKind(kind).label
    _log(
        request.user,
        OperationLog.Action.TEMPLATE,
        label,
        f"下载{label}导入模板",
        origin=_origin(request),
    )
    return workbook_response(template_workbook(kind, year), f"{label}导入模板.xlsx")


# -- upload -------------------------------------------------------------------------------


class IntakeUploadForm(UploadForm):
    allow_update = forms.BooleanField(
        label="更新已有数据",
        required=False,
        help_text="不勾选时，企业该期已有不同数据的行列为错误；勾选后以本文件为准覆盖。",
    )


@permission_required("monitoring.import_importbatch", raise_exception=True)
def upload(request):
    """Read and validate a file into a batch awaiting commit, then show its preview."""
    if request.method == "POST":
        form = IntakeUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            file = data["file"]
            content = file.read()
            params = {
                "filename": file.name,
                "kind_key": data["kind"],
                "year": data["year"],
                "quarter": data["quarter"],
                "department": data["department"],
                "default_unit": data["default_unit"],
                "marks_above_scale": data["marks_above_scale"],
                "allow_update": data["allow_update"],
            }
            if len(content) >= BACKGROUND_BYTES:
                path = intake.archive(content, intake.file_digest(content), file.name)
                job = jobs.enqueue(
                    "monitoring.stage",
                    f"校验导入文件 {file.name}",
                    params={
                        **params,
                        "path": path,
                        "user_id": request.user.pk,
                        "origin": _origin(request),
                    },
                    user=request.user,
                )
                return redirect("monitoring:job_status", job.pk)
            batch = intake.stage(content=content, user=request.user, **params)
            _log_staged(request.user, batch, _origin(request))
            return redirect(batch)
    else:
        initial = {"kind": request.GET.get("kind") or choices.BatchKind.RD}
        form = IntakeUploadForm(initial=initial)
    return render(
        request,
        "monitoring/batch_upload.html",
        {"title": "导入研发与财务数据", "form": form, "kinds": choices.BatchKind.choices},
    )


def _log_staged(user, batch: ImportBatch, origin: dict) -> None:
    _log(
        user,
        OperationLog.Action.IMPORT,
        batch.get_kind_display(),
        f"上传并校验 {batch.filename}（{batch.year}年，批次#{batch.pk}）：{batch.row_count} 行，"
        f"错误 {len(batch.errors)}，警告 {len(batch.warnings)}，"
        f"未登记企业 {len(batch.unknown_usccs)}",
        rows=batch.row_count,
        success=batch.status == choices.BatchStatus.VALIDATED,
        origin=origin,
    )


@jobs.handler("monitoring.stage")
def stage_job(job: Job, report) -> dict:
    params = dict(job.params)
    user = get_user_model().objects.get(pk=params.pop("user_id"))
    origin = params.pop("origin", {})
    content = Path(params.pop("path")).read_bytes()
    report(10, "读取并校验文件")
    batch = intake.stage(content=content, user=user, **params)
    report(95, "保存校验结果")
    _log_staged(user, batch, origin)
    return {"batch_id": batch.pk, "url": batch.get_absolute_url()}


# -- preview ------------------------------------------------------------------------------


def _layout(batch: ImportBatch) -> dict | None:
    """The columns the batch's file matched and the headers it ignored.

    Only the rows around the header are read again (as CSV through the same parser), and the
    answer is cached by file digest, so a preview of a large file stays quick."""
    key = f"intake-layout:{batch.sha256}:{batch.kind}:{batch.default_unit}"
    layout = cache.get(key)
    if layout is not None:
        return layout
    try:
        rows = read_rows(batch.filename, Path(batch.stored_file).read_bytes())[:LAYOUT_ROWS]
    except (OSError, UnreadableFile):
        return None
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if c is None else c for c in row] for row in rows])
    parsed = intake.parse("head.csv", buffer.getvalue().encode(), batch.kind, batch.default_unit)
    model = intake.KINDS[batch.kind].model
    layout = {
        "columns": [
            {
                "label": column.label,
                "field": IDENTITY_NAMES.get(column.field)
                or str(model._meta.get_field(column.field).verbose_name),
                "unit": UNIT_NAMES.get(column.factor, ""),
            }
            for column in parsed.columns
        ],
        "ignored": parsed.ignored,
    }
    cache.set(key, layout, 3600)
    return layout


def _later_batch(batch: ImportBatch) -> ImportBatch | None:
    if batch.status != choices.BatchStatus.COMMITTED:
        return None
    return (
        ImportBatch.objects.filter(
            kind=batch.kind,
            year=batch.year,
            quarter=batch.quarter,
            status=choices.BatchStatus.COMMITTED,
            committed_at__gt=batch.committed_at,
        )
        .order_by("committed_at")
        .first()
    )


@permission_required("monitoring.view_importbatch", raise_exception=True)
def batch_detail(request, pk: int):
    """The preview of a batch: counts, every issue, unknown codes, the columns read."""
    batch = get_object_or_404(
        ImportBatch.objects.restrict(request.user, "view").select_related("created_by"), pk=pk
    )
    can_import = request.user.has_perm("monitoring.import_importbatch")
    errors, warnings = batch.errors, batch.warnings
    context = {
        "title": f"导入批次#{batch.pk}",
        "batch": batch,
        "badge": STATUS_BADGES.get(batch.status, "secondary"),
        "errors": errors[:SHOWN_ISSUES],
        "warnings": warnings[:SHOWN_ISSUES],
        "error_count": len(errors),
        "warning_count": len(warnings),
        "shown_issues": SHOWN_ISSUES,
        "layout": _layout(batch),
        "can_commit": can_import and batch.status == choices.BatchStatus.VALIDATED,
        "can_import": can_import,
        "later": _later_batch(batch),
        "background": batch.row_count >= BACKGROUND_ROWS,
    }
    if context["can_commit"]:
        context["commit_form"] = CommitForm(user=request.user, initial={"create_unknown": False})
    return render(request, "monitoring/batch_detail.html", context)


@permission_required("monitoring.view_importbatch", raise_exception=True)
def issues_download(request, pk: int):
    """Every issue of a batch (and its unregistered codes) as a workbook."""
    batch = get_object_or_404(ImportBatch.objects.restrict(request.user, "view"), pk=pk)
    workbook = new_workbook()
    add_sheet(
        workbook,
        "问题清单",
        ["行号", "列", "值", "原因", "级别"],
        (
            (
                issue.get("row") or None,
                issue.get("column", ""),
                issue.get("value", ""),
                issue.get("message", ""),
                "错误" if issue.get("severity") == "error" else "警告",
            )
            for issue in batch.issues
        ),
    )
    if batch.unknown_usccs:
        add_sheet(
            workbook,
            "未登记企业",
            ["行号", "统一社会信用代码", "企业名称", "乡镇街道", "行业代码"],
            (
                (u.get("row"), u.get("uscc"), u.get("name"), u.get("town"), u.get("industry"))
                for u in batch.unknown_usccs
            ),
        )
    _log(
        request.user,
        OperationLog.Action.EXPORT,
        "导入问题清单",
        f"批次#{batch.pk} {batch.filename}",
        rows=len(batch.issues),
        origin=_origin(request),
    )
    return workbook_response(workbook, f"导入批次{batch.pk}问题清单.xlsx")


# -- commit and rollback ------------------------------------------------------------------


def recompute_after(batch: ImportBatch, user) -> str:
    """Recompute the batch's year; an empty string, or the warning to show if it failed."""
    if batch.quarter != 0:
        return ""
    try:
        with transaction.atomic():
            services.recompute(batch.year, user=user)
    except Exception as exc:  # the import stands whatever the monitoring engine does
        return (
            f"数据已保存，但{batch.year}年监测结果未能重新计算（{exc}）；"
            "请稍后在“研发监测总览”中点击“重新计算”。"
        )
    return ""


def _commit(batch: ImportBatch, user, options: dict, origin: dict, report=None) -> dict:
    """Commit, log and recompute; what went wrong, if anything, as messages for the user (the
    batch page itself says what was written)."""
    outcome = {"batch_id": batch.pk, "url": batch.get_absolute_url()}
    try:
        intake.commit(batch, user=user, report=report or (lambda *args: None), **options)
    except intake.CommitRefused as exc:
        _log(
            user,
            OperationLog.Action.IMPORT,
            batch.get_kind_display(),
            f"提交批次#{batch.pk} 被拒绝：{exc}",
            success=False,
            origin=origin,
        )
        return {**outcome, "error": str(exc)}
    _log(
        user,
        OperationLog.Action.IMPORT,
        batch.get_kind_display(),
        f"提交批次#{batch.pk} {batch.filename}（{batch.year}年）：新增 {batch.created_count}，"
        f"更新 {batch.updated_count}，未变化 {batch.unchanged_count}",
        rows=batch.created_count + batch.updated_count,
        origin=origin,
    )
    if report:
        report(95, "重新计算监测结果")
    outcome["warning"] = recompute_after(batch, user)
    return outcome


def industry_code(text: str) -> str:
    """A GB/T 4754 class code as typed ("c3484", "C 3484") -> "3484"."""
    return "".join(text.split()).upper().lstrip("ABCDEFGHIJKLMNOPQRST")


def _announce(request, outcome: dict) -> None:
    for level in ("success", "warning", "error"):
        if outcome.get(level):
            messages.add_message(request, getattr(messages, level.upper()), outcome[level])


@jobs.handler("monitoring.commit")
def commit_job(job: Job, report) -> dict:
    params = dict(job.params)
    user = get_user_model().objects.get(pk=params.pop("user_id"))
    batch = ImportBatch.objects.get(pk=params.pop("batch_id"))
    origin = params.pop("origin", {})
    return _commit(batch, user, params, origin, report=report)


@require_POST
@permission_required("monitoring.import_importbatch", raise_exception=True)
def commit_view(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.restrict(request.user, "import"), pk=pk)
    form = CommitForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(
            request, "提交选项有误：" + "；".join(e for es in form.errors.values() for e in es)
        )
        return redirect(batch)
    town = form.cleaned_data["town"]
    options = {
        "create_unknown": form.cleaned_data["create_unknown"],
        "town_code": town.code if town else "",
        "industry_code": industry_code(form.cleaned_data["industry"]),
    }
    if batch.row_count >= BACKGROUND_ROWS and batch.status == choices.BatchStatus.VALIDATED:
        job = jobs.enqueue(
            "monitoring.commit",
            f"提交导入批次#{batch.pk}",
            params={
                **options,
                "batch_id": batch.pk,
                "user_id": request.user.pk,
                "origin": _origin(request),
            },
            user=request.user,
        )
        return redirect("monitoring:job_status", job.pk)
    _announce(request, _commit(batch, request.user, options, _origin(request)))
    return redirect(batch)


@require_POST
@permission_required("monitoring.import_importbatch", raise_exception=True)
def rollback_view(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.restrict(request.user, "import"), pk=pk)
    try:
        intake.rollback(batch, user=request.user)
    except intake.CommitRefused as exc:
        _log(
            request.user,
            OperationLog.Action.OTHER,
            batch.get_kind_display(),
            f"撤销批次#{batch.pk} 被拒绝：{exc}",
            success=False,
            origin=_origin(request),
        )
        messages.error(request, str(exc))
        return redirect(batch)
    _log(
        request.user,
        OperationLog.Action.OTHER,
        batch.get_kind_display(),
        f"撤销批次#{batch.pk} {batch.filename}（{batch.year}年）",
        rows=batch.created_count + batch.updated_count,
        origin=_origin(request),
    )
    messages.success(request, f"已撤销批次#{batch.pk}：该批次写入的数据已恢复为导入前的状态。")
    warning = recompute_after(batch, request.user)
    if warning:
        messages.warning(request, warning)
    return redirect(batch)


# -- jobs ---------------------------------------------------------------------------------


def job_status(request, pk: int):
    """A job's progress: a page with a progress bar, its htmx partial, or JSON.

    A finished job that produced a page sends the browser there."""
    jobs_seen = (
        Job.objects.all()
        if request.user.is_superuser
        else Job.objects.filter(created_by=request.user)
    )
    job = get_object_or_404(jobs_seen, pk=pk)
    succeeded = job.status == Job.Status.SUCCEEDED
    target = job.result.get("url") if succeeded else None
    error = job.error.split("\n", 1)[0] if job.status == Job.Status.FAILED else ""
    if request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    ):
        return JsonResponse(
            {
                "id": job.pk,
                "title": job.title,
                "status": job.status,
                "status_display": job.get_status_display(),
                "progress": job.progress,
                "message": job.message,
                "finished": job.is_finished,
                "url": target,
                "error": error,
            }
        )
    context = {"title": job.title, "job": job, "error": error, "back": _back_url(job)}
    if target and not request.headers.get("HX-Request"):
        _announce(request, job.result)
        return redirect(target)
    response = render(
        request,
        "monitoring/includes/job_progress_bar.html"
        if request.headers.get("HX-Request")
        else "monitoring/job_progress.html",
        context,
    )
    if target:
        _announce(request, job.result)
        response["HX-Redirect"] = target
    return response


def _back_url(job: Job) -> str:
    batch_id = job.params.get("batch_id")
    if batch_id:
        return reverse("monitoring:batch_detail", args=[batch_id])
    return reverse("monitoring:batch_upload")


# -- operation log ------------------------------------------------------------------------


def _origin(request) -> dict:
    return {"ip": client_ip(request), "path": request.path}


def _log(
    user, action: str, target: str, summary: str, *, rows: int = 0, success=True, origin: dict
) -> None:
    """An operation-log row; jobs carry the request's address and path to write it later."""
    OperationLog.objects.create(
        user=user,
        action=action,
        target=target[:100],
        summary=summary[:500],
        row_count=rows,
        success=success,
        ip_address=origin.get("ip"),
        path=(origin.get("path") or "")[:300],
    )
