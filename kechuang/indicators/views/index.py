"""The index page: where the county stands among the province's counties, why, and how sure."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from kechuang.indicators import analysis, geo, services
from kechuang.indicators.models import Indicator
from kechuang.monitoring import results
from kechuang.registry.models import Region

VIEW = "indicators.view_indicatorvalue"


def asked_year(request, years: list[int]) -> int | None:
    """The year asked for (`?year=`, checked as every page checks it), or the newest of `years`."""
    asked = request.GET.get("year")
    if not asked:
        return years[-1] if years else None
    try:
        return results.asked_year(asked)
    except ValueError as error:
        raise BadRequest(str(error)) from None


def chosen_peers(request, home: Region) -> list[Region]:
    asked = request.GET.getlist("peer")
    if not asked:
        return services.peers(home)
    units = services.county_units(home).exclude(pk=home.pk)
    chosen = list(
        units.filter(code__in=[code for code in asked if code.isascii() and code.isdigit()])
    )
    return sorted(chosen, key=lambda region: asked.index(region.code))


@permission_required(VIEW, raise_exception=True)
def overview(request):
    home = services.home_region()
    years = services.index_years()
    year = asked_year(request, years)
    context = {
        "title": "创新指数与区域对标",
        "home": home,
        "years": list(reversed(years)),
        "year": year,
    }
    if year is None or year not in years:
        return render(request, "indicators/overview.html", context)
    peers = chosen_peers(request, home)
    units = [home, *peers]
    codes = [region.code for region in units]
    builds = {y: services.build_year(y) for y in years}
    build, previous = builds[year], builds.get(year - 1)
    names = dict(Indicator.objects.values_list("code", "name"))
    framework = build.framework
    pillars = [element for element in framework.at_level(framework.depth - 1)]
    top = build.index_code
    metric = request.GET.get("map") or top
    metric_choices = (
        [(top, framework.top.label)]
        + [(p.code, p.label) for p in pillars]
        + [(e.code, e.label) for e in framework.indicators]
    )
    if metric not in dict(metric_choices):
        metric = top
    units_of = dict(Indicator.objects.values_list("code", "unit"))
    metric_units = {element.code: "分" for element in framework.aggregates}
    metric_units.update(
        {e.code: units_of.get(e.code, "") for e in framework.indicators if not e.denominator}
    )
    interval = analysis.rank_interval(year, codes)
    table = []
    for region in units:
        row = {"region": region, "is_home": region == home, "cells": []}
        for element in [framework.top, *pillars]:
            row["cells"].append(
                (
                    analysis.score_of(build, region.code, element.code),
                    analysis.rank_of(build, region.code, element.code),
                )
            )
        if region.code in interval.index:
            row["interval"] = interval.loc[region.code].to_dict()
        table.append(row)
    decomposition = analysis.decomposition(build, home.code)
    pull = decomposition[decomposition["versus_mean"] > 0].head(5)
    drag = decomposition[decomposition["versus_mean"] < 0].tail(5).iloc[::-1]
    explained = {
        "home": analysis.score_of(build, home.code, top),
        "mean": float(build.scores.mean()),
        "shown": float(pull["versus_mean"].sum() + drag["versus_mean"].sum()),
        "total": float(decomposition["versus_mean"].sum()),
    }
    explained["rest"] = explained["total"] - explained["shown"]
    changes = analysis.changes(build, previous, home.code)
    trend = analysis.trend(builds, codes)
    region_names = dict(services.county_units(home).values_list("code", "name"))
    chart = {
        "pillars": [p.label for p in pillars],
        "radar": [
            {"name": region.name, "value": [cells[0] for cells in row["cells"][1:]]}
            for region, row in zip(units, table, strict=True)
        ],
        "years": [str(y) for y in years],
        "trend": [
            {"name": region.name, "ranks": [trend[region.code][y][1] for y in years]}
            for region in units
        ],
        "unitCount": len(region_names),
        "map": {
            "metric": dict(metric_choices)[metric],
            "values": [
                {**row, "label": region_names.get(row["name"], row["name"])}
                for row in analysis.map_values(build, metric)
            ],
            "unit": metric_units.get(metric, ""),
            "home": home.code,
            "highlight": codes,
        },
    }
    context.update(
        {
            "peers": peers,
            "units": units,
            "columns": [framework.top.label, *[p.label for p in pillars]],
            "table": table,
            "standings": analysis.standings(build, previous, home.code),
            "indicators": analysis.indicator_table(build, home.code, names),
            "pull": pull.to_dict("records"),
            "drag": drag.to_dict("records"),
            "explained": explained,
            "changes": None if changes is None else changes.to_dict("records"),
            "gap": _named(analysis.gap_to_next(build, home.code), region_names),
            "yearly": analysis.yearly_ranks(builds, home.code),
            "interval": interval.loc[home.code].to_dict() if home.code in interval.index else None,
            "runs": analysis.MONTE_CARLO_RUNS,
            "county_units": sorted(region_names.items()),
            "cities": _by_city(home, region_names),
            "can_save_peers": request.user.has_perm("indicators.change_peerset"),
            "peers_are_default": [p.code for p in peers] == [p.code for p in services.peers(home)],
            "peer_codes": [p.code for p in peers],
            "metric": metric,
            "metric_choices": metric_choices,
            "without_shape": geo.units_without_shape(),
            "chart": json.dumps(chart, ensure_ascii=False),
            "framework_row": services.current_framework(),
            "methods": build.methods.describe(),
            "unit_count": len(build.aggregated),
        }
    )
    return render(request, "indicators/overview.html", context)


def _by_city(home: Region, names: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The county-level units under their cities, for the peer picker."""
    cities = dict(
        Region.objects.filter(level="city", code__startswith=home.code[:2]).values_list(
            "code", "name"
        )
    )
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, name in sorted(names.items()):
        if code != home.code:
            grouped.setdefault(cities.get(code[:4] + "00", ""), []).append((code, name))
    return list(grouped.items())


def _named(gap: dict | None, names: dict[str, str]) -> dict | None:
    if gap is not None:
        gap["rival_name"] = names.get(gap["rival"], gap["rival"])
    return gap


@gzip_page
@cache_control(max_age=86400, private=True)
@permission_required(VIEW, raise_exception=True)
def zhejiang_map(request):
    return HttpResponse(geo.zhejiang_counties_json(), content_type="application/json")


@require_POST
@permission_required("indicators.change_peerset", raise_exception=True)
def save_peers(request):
    home = services.home_region()
    try:
        chosen = services.save_peers(request.POST.getlist("peer"), user=request.user, home=home)
    except services.ValueRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "默认对标地区已设为：" + "、".join(r.name for r in chosen))
    year = request.POST.get("year", "")
    return redirect(reverse("indicators:overview") + (f"?year={year}" if year.isdigit() else ""))
