"""Data intake pages: upload a 107-2 or financial file, preview every problem, commit all or
nothing, roll a batch back, download the template and the list of issues.

Big work runs as a background job (core.jobs) while the browser shows a progress bar that
polls `core.views.job_status`: a file of INTAKE_BACKGROUND_BYTES or more is read and validated by a job
(about 5,000 rows of a full 107-2 sheet), and a batch of INTAKE_BACKGROUND_ROWS rows or more
is committed by one. Smaller files are handled in the request, which is faster than any
progress page.
The work itself is in `batches` (stage, commit, roll back, recompute) and `workbooks`.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kechuang.core.excel import (
    workbook_response,
)
from kechuang.core.models import Job, OperationLog
from kechuang.core.oplog import log_operation, request_origin
from kechuang.core.uploads import is_too_large, too_large_message, upload_route
from kechuang.core.views import ObjectListView, announce
from kechuang.monitoring import batches, choices, filtersets, intake, tables, tasks, workbooks
from kechuang.monitoring.forms import CommitForm, UploadForm
from kechuang.monitoring.models import ImportBatch

SHOWN_ISSUES = 500

STATUS_BADGES = {
    choices.BatchStatus.VALIDATED: "primary",
    choices.BatchStatus.FAILED: "danger",
    choices.BatchStatus.COMMITTED: "success",
    choices.BatchStatus.ROLLED_BACK: "secondary",
    choices.BatchStatus.DISCARDED: "secondary",
}


class ImportBatchListView(ObjectListView):
    """The import history: every uploaded file with its status and what it changed."""

    model = ImportBatch
    table_class = tables.ImportBatchTable
    filterset_class = filtersets.ImportBatchFilterSet
    select_related = ("created_by",)
    import_url_name = "monitoring:batch_upload"


# -- template -----------------------------------------------------------------------------


@permission_required("monitoring.import_importbatch", raise_exception=True)
def batch_template(request, kind: str):
    if kind not in intake.KINDS:
        raise Http404("没有这种数据类型")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        raise Http404("年度不正确") from None
    label = choices.BatchKind(kind).label
    log_operation(request, OperationLog.Action.TEMPLATE, label, summary=f"下载{label}导入模板")
    return workbook_response(workbooks.template_workbook(kind, year), f"{label}导入模板.xlsx")


# -- upload -------------------------------------------------------------------------------


class IntakeUploadForm(UploadForm):
    allow_update = forms.BooleanField(
        label="更新已有数据",
        required=False,
        help_text="不勾选时，企业该期已有不同数据的行列为错误；勾选后以本文件为准覆盖。",
    )


@upload_route("monitoring")
@permission_required("monitoring.import_importbatch", raise_exception=True)
def upload(request):
    """Read and validate a file into a batch awaiting commit, then show its preview."""
    if request.method == "POST":
        form = IntakeUploadForm(request.POST, request.FILES)
        if is_too_large(request.FILES.get("file"), "monitoring"):
            form.add_error("file", too_large_message("monitoring"))
        if form.is_valid():
            data = form.cleaned_data
            file = data["file"]
            content = file.read()
            params = tasks.stage_options(data, allow_update=data["allow_update"])
            staged = tasks.stage_upload(
                content, file.name, params, user=request.user, origin=request_origin(request)
            )
            if isinstance(staged, Job):
                return redirect("core:job_status", staged.pk)
            return redirect(staged)
    else:
        initial = {"kind": request.GET.get("kind") or choices.BatchKind.RD}
        form = IntakeUploadForm(initial=initial)
    return render(
        request,
        "monitoring/batch_upload.html",
        {"title": "导入研发与财务数据", "form": form, "kinds": choices.BatchKind.choices},
    )


# -- preview ------------------------------------------------------------------------------


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
        "layout": batches.layout_for(batch),
        "can_commit": can_import and batch.status == choices.BatchStatus.VALIDATED,
        "can_import": can_import,
        "later": batches.later_batch(batch),
        "can_discard": can_import
        and batch.status in (choices.BatchStatus.VALIDATED, choices.BatchStatus.FAILED),
        "background": tasks.commits_in_background(batch),
    }
    if context["can_commit"]:
        context["commit_form"] = CommitForm(user=request.user, initial={"create_unknown": False})
    return render(request, "monitoring/batch_detail.html", context)


@permission_required("monitoring.view_importbatch", raise_exception=True)
def issues_download(request, pk: int):
    """Every issue of a batch (and its unregistered codes) as a workbook."""
    batch = get_object_or_404(ImportBatch.objects.restrict(request.user, "view"), pk=pk)
    workbook = workbooks.issues_workbook(batch)
    log_operation(
        request,
        OperationLog.Action.EXPORT,
        "导入问题清单",
        summary=f"批次#{batch.pk} {batch.filename}",
        rows=len(batch.issues),
    )
    return workbook_response(workbook, f"导入批次{batch.pk}问题清单.xlsx")


# -- commit and rollback ------------------------------------------------------------------


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
        "industry_code": form.cleaned_data["industry"],
    }
    outcome = tasks.commit_or_start(
        batch, options, user=request.user, origin=request_origin(request)
    )
    if isinstance(outcome, Job):
        return redirect("core:job_status", outcome.pk)
    announce(request, outcome)
    return redirect(batch)


@require_POST
@permission_required("monitoring.import_importbatch", raise_exception=True)
def discard_view(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.restrict(request.user, "import"), pk=pk)
    try:
        batches.discard(batch, user=request.user, origin=request_origin(request))
    except batches.CommitRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已放弃导入批次#{batch.pk}，未写入任何数据。")
    return redirect(batch)


@require_POST
@permission_required("monitoring.import_importbatch", raise_exception=True)
def rollback_view(request, pk: int):
    batch = get_object_or_404(ImportBatch.objects.restrict(request.user, "import"), pk=pk)
    announce(
        request,
        batches.rollback_and_recompute(batch, user=request.user, origin=request_origin(request)),
    )
    return redirect(batch)
