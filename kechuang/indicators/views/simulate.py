"""The what-if simulator and the download of every stage of the index."""

import io
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils import timezone

from kechuang.core.excel import XLSX_TYPE, attachment
from kechuang.engines.composite.pipeline import STAGE_NAMES
from kechuang.indicators import forms, services, simulation, targets
from kechuang.indicators.models import Indicator, Target
from kechuang.indicators.views.index import VIEW, asked_year
from kechuang.registry.models import Enterprise

PERCENT = 100


@permission_required(VIEW, raise_exception=True)
def simulate(request):
    years = services.index_years()
    this_year = timezone.localdate().year
    base_year = years[-1] if years else None
    data = request.GET if "year" in request.GET and "top_n" in request.GET else None
    initial = {"year": base_year, "target_year": max(this_year + 1, 2027)}
    form = forms.SimulationForm(data, years=years, initial=initial)
    framework = services.engine_framework(services.current_framework())
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    names = {code: indicator.name for code, indicator in indicators.items()}
    units = dict(Indicator.objects.values_list("code", "unit"))
    adjustable = [(e.code, e.label) for e in framework.indicators]
    projection = None
    overrides = {}
    if form.is_bound and form.is_valid():
        if form.cleaned_data["year"] not in years:
            form.add_error("year", "该年度的指标数值不足以计算指数")
        for code, _label in adjustable:
            text = request.GET.get(f"set_{code}", "").strip()
            if text:
                try:
                    value = Decimal(text)
                    if not value.is_finite():
                        raise InvalidOperation
                except InvalidOperation:
                    form.add_error(None, f"“{names.get(code, code)}”的设定值“{text}”不是数字")
                    continue
                problem = (
                    services.value_problem(indicators[code], value) if code in indicators else ""
                )
                if problem:
                    form.add_error(None, f"“{names.get(code, code)}”的设定值{problem}")
                    continue
                overrides[code] = float(value)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        scenario = simulation.Scenario(
            year=data["year"],
            target_year=data["target_year"],
            top_n=data["top_n"],
            top_growth=float(data["top_growth"]) / PERCENT,
            others_growth=float(data["others_growth"]) / PERCENT,
            zero_start_share=float(data["zero_start_share"]) / PERCENT,
            gdp_growth=float(data["gdp_growth"]) / PERCENT,
            overrides=overrides,
        )
        visible = set(Enterprise.objects.restrict(request.user).values_list("pk", flat=True))
        projection = simulation.project(scenario, visible=visible)
    home = services.home_region()
    shown = ["rd_gdp", "above_rd_intensity", *[code for code, _ in adjustable if code in overrides]]
    rows = []
    if projection is not None:
        for code in dict.fromkeys(shown):
            rows.append(
                {
                    "name": names.get(code, code),
                    "unit": units.get(code, ""),
                    "base": projection.base.get(code),
                    "projected": projection.projected.get(code),
                }
            )
    county_targets = [
        targets.progress(t)
        for t in Target.objects.filter(region=home).select_related("indicator", "region")
    ]
    target_rows = []
    for progress in county_targets:
        target = progress.target
        code = target.indicator.code
        simulated = (
            projection.projected.get(code) if projection and code in projection.changed else None
        )
        verdict = ""
        if projection is not None and simulated is not None and simulated == simulated:
            gap = (float(target.value) - simulated) * target.indicator.direction
            when = f"模拟到 {projection.scenario.target_year} 年"
            unit = " 个百分点" if target.indicator.unit == "%" else target.indicator.unit
            decimals = 2 if target.indicator.unit == "%" else target.indicator.decimals
            verdict = f"{when}可达到" if gap <= 0 else f"{when}仍差 {gap:,.{decimals}f}{unit}"
        target_rows.append({"progress": progress, "simulated": simulated, "verdict": verdict})
    return render(
        request,
        "indicators/simulate.html",
        {
            "title": "模拟测算",
            "form": form,
            "projection": projection,
            "rows": rows,
            "adjustable": [
                (code, label, request.GET.get(f"set_{code}", "")) for code, label in adjustable
            ],
            "home": home,
            "county_targets": county_targets,
            "target_rows": target_rows,
            "projected_by_code": projection.projected if projection else {},
        },
    )


@permission_required(VIEW, raise_exception=True)
def stages(request):
    years = services.index_years()
    year = asked_year(request, years)
    if year not in years:
        raise BadRequest("该年度没有指数结果")
    build = services.build_year(year)
    names = dict(services.county_units().values_list("code", "name"))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for stage, title in {"raw": "原始数据", **STAGE_NAMES}.items():
            table = build.stage(stage).copy()
            table.insert(0, "uName", [names.get(code, code) for code in table.index])
            table.index.name = "uCode"
            table.to_excel(writer, sheet_name=title)
        build.ranks.rename_axis("uCode").to_excel(writer, sheet_name="排名")
        pd.DataFrame(
            [
                {
                    "iCode": t.code,
                    "偏度（处理前）": t.skew_before,
                    "峰度（处理前）": t.kurtosis_before,
                    "处理": t.summary,
                    "偏度（处理后）": t.skew_after,
                    "峰度（处理后）": t.kurtosis_after,
                }
                for t in build.treatments
            ]
        ).to_excel(writer, sheet_name="离群值处理", index=False)
        build.correlations().rename(
            columns={
                "code": "iCode",
                "parent": "上级",
                "with_parent": "与上级相关",
                "with_index": "与总指数相关",
            }
        ).to_excel(writer, sheet_name="相关", index=False)
        pd.DataFrame(build.framework.as_rows()).to_excel(writer, sheet_name="框架", index=False)
        pd.DataFrame(
            [{"选择": key, "方法": value} for key, value in build.methods.describe().items()]
        ).to_excel(writer, sheet_name="方法", index=False)
    return attachment(buffer.getvalue(), XLSX_TYPE, f"{year}年创新指数各阶段数据.xlsx")
