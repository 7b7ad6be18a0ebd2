"""The indicator values: list, entry, import, and each value's source and history."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kechuang.core.excel import workbook_response
from kechuang.core.importing import Issue, issues_workbook
from kechuang.core.views import ObjectListView
from kechuang.indicators import filtersets, forms, importing, services, tables
from kechuang.indicators.models import Indicator, IndicatorValue

PROVENANCE = {
    "numerator": ("分子", None),
    "denominator": ("分母", None),
    "numerator_source": ("分子出处", None),
    "denominator_source": ("分母出处", None),
    "year": ("监测年度", None),
    "snapshot": ("监测结果批次", None),
    "previous_snapshot": ("上年监测结果批次", None),
    "enterprises": ("计入企业（家）", None),
    "with_rd": ("其中有研发投入（家）", None),
    "with_institution": ("其中有研发机构（家）", None),
    "fully_covered": ("其中五个全覆盖（家）", None),
    "rd_yuan": ("研发投入合计（万元）", 10_000),
    "revenue_yuan": ("营业收入合计（万元）", 10_000),
    "previous_rd_yuan": ("上年研发投入合计（万元）", 10_000),
    "valid_on": ("截至", None),
}


def provenance_lines(provenance: dict) -> list[tuple[str, str]]:
    """What a value was computed from, in words and 万元."""
    lines = []
    for key, value in provenance.items():
        label, divisor = PROVENANCE.get(key, (key, None))
        if divisor and isinstance(value, int | float):
            value = f"{value / divisor:,.2f}"
        lines.append((label, value))
    return lines


class IndicatorValueListView(ObjectListView):
    model = IndicatorValue
    table_class = tables.IndicatorValueTable
    filterset_class = filtersets.IndicatorValueFilterSet
    select_related = ("indicator", "region")
    create_url_name = "indicators:indicatorvalue_add"
    import_url_name = "indicators:indicatorvalue_import"
    export_name = "区域指标数值"

    def get_queryset(self):
        return super().get_queryset().with_use()


@permission_required("indicators.view_indicatorvalue", raise_exception=True)
def value_detail(request, pk: int):
    value = get_object_or_404(IndicatorValue.objects.select_related("indicator", "region"), pk=pk)
    other = (
        IndicatorValue.objects.filter(
            indicator=value.indicator, region=value.region, year=value.year
        )
        .exclude(pk=value.pk)
        .first()
    )
    versions = value.history.select_related("history_user").order_by("-history_date")
    provenance = provenance_lines(value.provenance)
    return render(
        request,
        "indicators/value_detail.html",
        {
            "title": str(value),
            "value": value,
            "other": other,
            "versions": versions,
            "provenance": provenance,
        },
    )


@permission_required("indicators.add_indicatorvalue", raise_exception=True)
def value_edit(request):
    initial = {key: request.GET[key] for key in ("region", "year") if key in request.GET}
    if "indicator" in request.GET:
        indicator = Indicator.objects.filter(code=request.GET["indicator"]).first()
        if indicator is not None:
            initial["indicator"] = indicator.pk
    if {"indicator", "region", "year"} <= initial.keys():
        stored = IndicatorValue.objects.filter(
            indicator_id=initial["indicator"],
            region_id=initial["region"],
            year=initial["year"] if str(initial["year"]).isdigit() else 0,
            is_computed=False,
        ).first()
        if stored is not None:
            initial.update(value=stored.value.normalize(), source=stored.source, note=stored.note)
    form = forms.IndicatorValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stored = services.save_value(
                data["indicator"],
                data["region"],
                data["year"],
                data["value"],
                source=data["source"],
                note=data["note"],
                user=request.user,
                reason=data["reason"],
            )
        except services.ValueRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"已保存：{stored}（{stored.value.normalize():f}{stored.indicator.unit}）"
            )
            return redirect(reverse("indicators:indicatorvalue_detail", args=[stored.pk]))
    return render(
        request,
        "indicators/form.html",
        {
            "title": "录入指标数值",
            "form": form,
            "intro": "录入统计公报等来源的官方数值。同一地区、年度、指标已有数值时，保存即为修改，"
            "原数值留在历次数值中。比率类指标（如 R&D 经费支出占 GDP 比重）随分子、分母自动重算。",
            "cancel_url": reverse("indicators:indicatorvalue_list"),
        },
    )


@permission_required("indicators.import_indicatorvalue", raise_exception=True)
def value_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importing.import_values(
            upload.name,
            upload.read(),
            user=request.user,
            default_source=form.cleaned_data["source"],
        )
        if result.ok:
            messages.success(
                request,
                f"已导入 {result.rows} 个数值：新增或修改 {result.written} 个，未变 {result.unchanged} 个；比率类指标已随之重算。",
            )
            return redirect("indicators:indicatorvalue_list")
        request.session["indicator_import_issues"] = [issue.as_dict() for issue in result.issues]
    indicators = Indicator.objects.filter(is_active=True)
    return render(
        request,
        "indicators/value_import.html",
        {"title": "导入指标数值", "form": form, "result": result, "indicators": indicators},
    )


@permission_required("indicators.import_indicatorvalue", raise_exception=True)
def import_issues(request):
    issues = [Issue.from_dict(data) for data in request.session.get("indicator_import_issues", [])]
    return workbook_response(issues_workbook(issues), "指标数值导入问题清单.xlsx")


@permission_required("indicators.refresh_indicatorvalue", raise_exception=True)
def refresh(request):
    if request.method != "POST":
        return redirect("indicators:indicatorvalue_list")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "请选择年度。")
        return redirect("indicators:indicatorvalue_list")
    written = services.refresh_computed(year, user=request.user)
    messages.success(
        request, f"已按企业数据重新计算{year}年本县及乡镇街道指标，更新 {written} 个数值。"
    )
    return redirect(f"{reverse('indicators:indicatorvalue_list')}?year={year}&is_computed=true")
