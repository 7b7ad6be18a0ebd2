"""The league table of the home county's towns and streets, and the targets set for regions."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kechuang.core import changelog
from kechuang.core.excel import add_sheet, new_workbook, workbook_response
from kechuang.core.views import ObjectListView
from kechuang.indicators import filtersets, forms, services, tables, targets
from kechuang.indicators.models import Indicator, IndicatorValue, Target
from kechuang.indicators.views.index import asked_year

# The league table's columns, with the short headings a table of twelve towns can carry.
TOWN_COLUMNS = {
    "enterprise_rd": "研发投入",
    "enterprise_rd_growth": "研发投入增长",
    "above_rd_intensity": "规上研发强度",
    "rd_coverage": "规上研发覆盖率",
    "rd_institution_share": "研发机构设置率",
    "full_coverage_share": "五个全覆盖达标率",
    "hnte_total": "高新技术企业",
    "above_scale_count": "规上工业企业",
}


def town_years() -> list[int]:
    return sorted(
        IndicatorValue.objects.filter(
            is_computed=True, region__parent_id=services.home_region().code
        )
        .order_by("year")
        .values_list("year", flat=True)
        .distinct(),
        reverse=True,
    )


@permission_required("indicators.view_indicatorvalue", raise_exception=True)
def town_table(request):
    years = town_years()
    year = asked_year(request, sorted(years))
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=TOWN_COLUMNS)}
    columns = [indicators[code] for code in TOWN_COLUMNS if code in indicators]
    sort = request.GET.get("sort", "enterprise_rd")
    if sort not in indicators:
        sort = "enterprise_rd"
    rows = []
    if year is not None:
        town_list = list(services.towns())
        values = services.values_frame([t.code for t in town_list], [year])
        table = values.pivot_table(index="region", columns="code", values="value", aggfunc="first")
        town_targets = targets.progress_for(
            Target.objects.filter(region__in=town_list, year__gte=year)
        )
        for town in town_list:
            cells = []
            for indicator in columns:
                value = (
                    table.at[town.code, indicator.code]
                    if (town.code in table.index and indicator.code in table.columns)
                    else None
                )
                cells.append(None if value is None or value != value else float(value))
            rows.append(
                {
                    "town": town,
                    "cells": cells,
                    "cells_with_columns": list(zip(cells, columns, strict=True)),
                    "targets": town_targets.get(town.code, []),
                }
            )
        position = [i.code for i in columns].index(sort)
        direction = indicators[sort].direction
        rows.sort(
            key=lambda r: (r["cells"][position] is None, -(r["cells"][position] or 0) * direction)
        )
        for place, row in enumerate(rows, start=1):
            row["place"] = place if row["cells"][position] is not None else None
    if request.GET.get("export") == "xlsx" and year is not None:
        if not request.user.has_perm("indicators.export_indicatorvalue"):
            raise PermissionDenied
        workbook = new_workbook()
        header = ["排名", "乡镇街道", "区划代码"] + [
            f"{i.name}（{i.unit}）" if i.unit else i.name for i in columns
        ]
        add_sheet(
            workbook,
            f"{year}年乡镇街道",
            header,
            [[r["place"], r["town"].name, r["town"].code, *r["cells"]] for r in rows],
        )
        return workbook_response(workbook, f"{year}年乡镇街道创新指标.xlsx")
    return render(
        request,
        "indicators/towns.html",
        {
            "title": "乡镇街道创新指标",
            "years": years,
            "year": year,
            "columns": [(indicator, TOWN_COLUMNS[indicator.code]) for indicator in columns],
            "rows": rows,
            "sort": sort,
            "home": services.home_region(),
        },
    )


class TargetListView(ObjectListView):
    model = Target
    table_class = tables.TargetTable
    filterset_class = filtersets.TargetFilterSet
    select_related = ("indicator", "region")
    create_url_name = "indicators:target_add"
    export_name = "目标"


@permission_required("indicators.add_target", raise_exception=True)
def target_edit(request, pk: int | None = None):
    target = get_object_or_404(Target, pk=pk) if pk else None
    if target is not None and not request.user.has_perm("indicators.change_target"):
        raise BadRequest("没有修改目标的权限")
    initial = {}
    if target is None:
        for key in ("region", "year"):
            if key in request.GET:
                initial[key] = request.GET[key]
        if "indicator" in request.GET:
            found = Indicator.objects.filter(code=request.GET["indicator"]).first()
            if found is not None:
                initial["indicator"] = found.pk
    form = forms.TargetForm(request.POST or None, instance=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        with changelog.recording(request.user, reason="设定目标"):
            saved = form.save()
        messages.success(request, f"已保存：{saved}")
        return redirect("indicators:target_list")
    return render(
        request,
        "indicators/form.html",
        {
            "title": "修改目标" if target else "设定目标",
            "form": form,
            "intro": "为本县、乡镇街道或任一县（市、区）设定某项指标到某年要达到的数值，"
            "如“2027 年 R&D 经费支出占 GDP 比重 5.0%”。目标列表和模拟测算页显示差距和每年所需的提高。",
            "cancel_url": reverse("indicators:target_list"),
        },
    )
