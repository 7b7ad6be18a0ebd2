"""The indicator catalog, and the index framework: its elements, weights, methods and how
much each element moves the ranks; a change is saved as a new version."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kechuang.core import changelog
from kechuang.indicators import forms, frameworks, services
from kechuang.indicators.choices import IndicatorKind
from kechuang.indicators.models import IndexFramework, Indicator, IndicatorValue
from kechuang.indicators.views.index import VIEW


@permission_required(VIEW, raise_exception=True)
def catalog(request):
    row = services.current_framework()
    framework = services.engine_framework(row)
    shares = framework.effective_weights()
    used = {e.code: e for e in framework.indicators}
    denominators = {e.denominator for e in framework.indicators if e.denominator}
    indicators = []
    for indicator in Indicator.objects.filter(is_active=True).select_related(
        "numerator", "denominator"
    ):
        element = used.get(indicator.code)
        indicators.append(
            {
                "indicator": indicator,
                "pillar": framework.by_code[element.parent].label if element else "",
                "share": shares.get(indicator.code) if element else None,
                "is_denominator": indicator.code in denominators,
                "values": IndicatorValue.objects.filter(indicator=indicator).count(),
            }
        )
    return render(
        request,
        "indicators/catalog.html",
        {"title": "指标目录", "indicators": indicators, "framework_row": row},
    )


@permission_required(VIEW, raise_exception=True)
def indicator_detail(request, code: str):
    indicator = get_object_or_404(Indicator, code=code)
    home = services.home_region()
    peers = services.peers(home)
    regions = [home, *peers]
    frame = services.values_frame([r.code for r in regions])
    frame = frame[frame["code"] == indicator.code]
    years = sorted(frame["year"].unique().tolist(), reverse=True)
    table = []
    for year in years:
        cells = []
        for region in regions:
            match = frame[(frame["year"] == year) & (frame["region"] == region.code)]
            cells.append(None if match.empty else match.iloc[0].to_dict())
        table.append((year, cells))
    return render(
        request,
        "indicators/indicator_detail.html",
        {"title": indicator.name, "indicator": indicator, "regions": regions, "table": table},
    )


@permission_required(VIEW, raise_exception=True)
def framework_view(request):
    current = services.current_framework()
    row = current
    asked = request.GET.get("version")
    if asked:
        row = get_object_or_404(IndexFramework, version=asked)
    framework = services.engine_framework(row)
    years = services.index_years()
    can_change = request.user.has_perm("indicators.add_indexframework")
    weights_form = forms.WeightsForm(framework=framework, methods=services.engine_methods(row))
    if request.method == "POST" and request.POST.get("restore"):
        if not can_change:
            raise PermissionDenied
        chosen = get_object_or_404(IndexFramework, pk=request.POST["restore"])
        restored = frameworks.restore(chosen, user=request.user)
        messages.success(request, f"已按 {chosen.version} 版另存为新版本 {restored.version}。")
        return redirect("indicators:framework")
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        weights_form = forms.WeightsForm(
            request.POST, request.FILES, framework=framework, methods=services.engine_methods(row)
        )
        if weights_form.is_valid():
            try:
                saved = frameworks.save_version(row, weights_form, user=request.user)
            except frameworks.FrameworkRefused as error:
                for problem in error.problems:
                    weights_form.add_error(None, problem)
            else:
                messages.success(request, f"已保存为新版本 {saved.version}，指数按新框架重新计算。")
                return redirect("indicators:framework")
    sensitivity = frameworks.sensitivity(row, years[-1]) if years and row == current else None
    return render(
        request,
        "indicators/framework.html",
        {
            "title": "指数框架",
            "row": row,
            "framework": framework,
            "elements": frameworks.element_rows(framework),
            "methods": services.engine_methods(row).describe(),
            "versions": type(row).objects.all(),
            "form": weights_form,
            "can_change": can_change and row == current,
            "is_current": row == current,
            "current": current,
            "sensitivity": sensitivity,
            "year": years[-1] if years else None,
        },
    )


@permission_required(VIEW, raise_exception=True)
def framework_csv(request):
    row = services.current_framework()
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=["iCode", "iName", "Level", "Parent", "Direction", "Weight", "Denominator"],
        lineterminator="\n",
    )
    writer.writeheader()
    for element in services.engine_framework(row).as_rows():
        writer.writerow({key: element[key] for key in writer.fieldnames})
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="framework-{row.version}.csv"'
    return response


@permission_required("indicators.add_indicator", raise_exception=True)
def indicator_edit(request, code: str | None = None):
    indicator = get_object_or_404(Indicator, code=code) if code else None
    if indicator is not None and not request.user.has_perm("indicators.change_indicator"):
        raise PermissionDenied
    form = forms.IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        with changelog.recording(request.user, reason="修改指标目录" if indicator else "新增指标"):
            saved = form.save()
        if saved.kind == IndicatorKind.RATIO:
            services.derive_all(saved)
        messages.success(request, f"已保存：{saved.name}")
        if form.cleaned_data.get("pillar"):
            version = frameworks.add_indicator(
                services.current_framework(),
                saved.code,
                form.cleaned_data["pillar"],
                float(form.cleaned_data.get("weight") or 1),
                user=request.user,
            )
            messages.success(request, f"已加入指数，框架另存为 {version.version} 版。")
        return redirect("indicators:indicator_detail", code=saved.code)
    return render(
        request,
        "indicators/form.html",
        {
            "title": f"修改指标：{indicator.name}" if indicator else "新增指标",
            "form": form,
            "intro": "统计公报等来源的指标在“指标数值”中录入或导入；比率类指标由所选分子、分母自动算出"
            "（分子 ÷ 分母 × 倍数，百分比的倍数为 100）。选择“加入指数的领域”即把新指标放进创新指数。",
            "cancel_url": reverse("indicators:catalog"),
        },
    )
