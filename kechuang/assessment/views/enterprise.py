"""The enterprise's own page and its 企业创新体检报告; figure confirmations and flags, which
land in the officers' work list; the report for every enterprise of a town in one job."""

import json
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kechuang.assessment import filtersets, forms, reports, tables
from kechuang.assessment.choices import FlagStatus
from kechuang.assessment.models import FigureFlag, RecognitionFigures
from kechuang.assessment.profile import FLAGGABLE, build_profile
from kechuang.core import changelog
from kechuang.core.exports import exports_folder
from kechuang.core.models import Job, OperationLog
from kechuang.core.oplog import log_operation, request_origin
from kechuang.core.views import ObjectListView, announce_errors
from kechuang.registry.choices import RegionLevel
from kechuang.registry.models import Enterprise, Region


def _enterprise(request, pk: int) -> Enterprise:
    if not request.user.has_perm("assessment.view_assessmentresult"):
        raise PermissionDenied
    return get_object_or_404(
        Enterprise.objects.restrict(request.user).select_related("town", "industry"), pk=pk
    )


def my_enterprise(request):
    """An enterprise user's own page; others go to the assessment overview."""
    org = request.user.organisation
    enterprise = getattr(org, "enterprise", None) if org else None
    if enterprise is None:
        return redirect("assessment:overview")
    return redirect("assessment:enterprise_overview", enterprise.pk)


def enterprise_overview(request, pk: int):
    enterprise = _enterprise(request, pk)
    today = timezone.localdate()
    profile = build_profile(enterprise, today)
    is_own = (
        request.user.organisation_id and request.user.organisation_id == enterprise.organisation_id
    )
    years = [row["year"] for row in profile.rows][-3:] or [today.year - 1]
    chart = {
        "years": [row["year"] for row in profile.rows],
        "rd_expense": [row["rd_expense"] for row in profile.rows],
        "intensity": [row["intensity"] for row in profile.rows],
        "median": [
            row["quartiles"]["intensity"][1] if row["quartiles"] else None for row in profile.rows
        ],
        "revenue": [row["revenue"] for row in profile.rows],
    }
    context = {
        "title": f"{enterprise.name} 创新画像",
        "enterprise": enterprise,
        "profile": profile,
        "chart": json.dumps(chart, ensure_ascii=False),
        "is_own": is_own,
        "can_flag": request.user.has_perm("assessment.add_figureflag")
        and Enterprise.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "flag_form": forms.FigureFlagForm(figures=FLAGGABLE, years=sorted(years, reverse=True)),
    }
    return render(request, "assessment/enterprise_overview.html", context)


def enterprise_report(request, pk: int, fmt: str):
    if fmt not in (reports.PDF, reports.DOCX):
        raise Http404("没有这种报告格式")
    enterprise = _enterprise(request, pk)
    today = timezone.localdate()
    content = reports.render(build_profile(enterprise, today), fmt)
    log_operation(
        request,
        OperationLog.Action.EXPORT,
        "企业创新体检报告",
        summary=f"{enterprise.name}（{fmt}）",
        rows=1,
    )
    response = HttpResponse(content, content_type=reports.CONTENT_TYPES[fmt])
    name = reports.report_name(enterprise, fmt, today)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
def flag_create(request, pk: int):
    if not request.user.has_perm("assessment.add_figureflag"):
        raise PermissionDenied
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, "change"), pk=pk)
    today = timezone.localdate()
    years = list(range(today.year - 10, today.year))
    form = forms.FigureFlagForm(request.POST, figures=FLAGGABLE, years=years)
    if not form.is_valid():
        announce_errors(request, form)
        return redirect("assessment:enterprise_overview", pk)
    flag = form.save(commit=False)
    flag.enterprise = enterprise
    if flag.is_confirmation:
        earlier = FigureFlag.objects.filter(enterprise=enterprise, year=flag.year)
        if earlier.filter(status=FlagStatus.OPEN).exists():
            messages.error(request, f"{flag.year}年尚有未处理的数据异议，处理后再确认。")
            return redirect("assessment:enterprise_overview", pk)
        if earlier.filter(is_confirmation=True).exists():
            messages.info(request, f"{flag.year}年数据此前已确认。")
            return redirect("assessment:enterprise_overview", pk)
    with transaction.atomic(), changelog.recording(request.user):
        if flag.is_confirmation:
            flag.figure = ""  # a confirmation covers the whole year
            flag.status = FlagStatus.CONFIRMED
            for figures in RecognitionFigures.objects.filter(enterprise=enterprise, year=flag.year):
                figures.confirmed_at = timezone.now()  # the year's recognition figures too
                figures.save(update_fields=["confirmed_at", "updated_at", "updated_by"])
        flag.save()
    if flag.is_confirmation:
        messages.success(request, f"已确认{flag.year}年数据无误。")
    else:
        messages.success(
            request, f"已提交{flag.year}年“{flag.get_figure_label()}”的异议，科技局将核实处理。"
        )
    return redirect("assessment:enterprise_overview", pk)


class FigureFlagListView(ObjectListView):
    """The officers' work list: figures enterprises flagged as wrong, open ones first."""

    model = FigureFlag
    table_class = tables.FigureFlagTable
    filterset_class = filtersets.FigureFlagFilterSet
    select_related = ("enterprise__town", "handled_by")


def flag_handle(request, pk: int):
    if not request.user.has_perm("assessment.handle_figureflag"):
        raise PermissionDenied
    flag = get_object_or_404(
        FigureFlag.objects.restrict(request.user, "change").select_related("enterprise"), pk=pk
    )
    if request.method == "POST":
        form = forms.FlagHandlingForm(request.POST)
        if flag.status != FlagStatus.OPEN:
            form.add_error(None, "该异议已处理，不能再次处理。")
        if form.is_valid():
            with transaction.atomic(), changelog.recording(request.user):
                flag.status = form.cleaned_data["status"]
                flag.handling_note = form.cleaned_data["handling_note"]
                flag.handled_by = request.user
                flag.handled_at = timezone.now()
                flag.save()
            messages.success(request, f"已处理：{flag}")
            return redirect("assessment:figureflag_list")
    else:
        form = forms.FlagHandlingForm()
    return render(
        request,
        "assessment/flag_handle.html",
        {"title": f"处理异议：{flag}", "flag": flag, "form": form},
    )


def report_batch(request):
    """Reports for every enterprise of a town in one job: the form, and the jobs started.
    Officers choose among the towns in their scope."""
    if not request.user.has_perm("assessment.export_assessmentresult"):
        raise PermissionDenied
    towns = (
        Region.objects.within_scope(request.user).filter(level=RegionLevel.TOWN).order_by("code")
    )
    if request.method == "POST":
        town = towns.filter(code=request.POST.get("town", "")).first()
        fmt = request.POST.get("format")
        if town is None or fmt not in (reports.PDF, reports.DOCX):
            messages.error(request, "请选择您数据范围内的乡镇街道和报告格式。")
            return redirect("assessment:report_batch")
        job = reports.start_town_reports(
            town, fmt, user=request.user, origin=request_origin(request)
        )
        return redirect("core:job_status", job.pk)
    jobs = Job.objects.filter(kind=reports.REPORT_KIND, created_by=request.user).order_by(
        "-created_at"
    )[:10]
    return render(
        request,
        "assessment/report_batch.html",
        {"title": "体检报告批量生成", "towns": towns, "jobs": jobs},
    )


def report_download(request, pk: int):
    job = get_object_or_404(
        Job.objects.filter(
            kind=reports.REPORT_KIND, status=Job.Status.SUCCEEDED, created_by=request.user
        ),
        pk=pk,
    )
    path = Path(job.result.get("path", ""))
    if path.parent != exports_folder() or not path.is_file():
        raise Http404("报告文件已过保存期限被删除，请重新生成。")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.result.get("filename") or path.name,
        content_type=reports.CONTENT_TYPES["zip"],
    )
