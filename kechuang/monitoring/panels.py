"""Panels the monitoring app adds to registry pages (see core.panels)."""

import json

import numpy as np
import pandas as pd
from django.core.cache import cache

from kechuang.core import amounts
from kechuang.monitoring.choices import PoolStatus
from kechuang.monitoring.models import FinancialRecord, PoolEntry, RDRecord, ServiceVisit
from kechuang.monitoring.services import current_snapshot, overdue_visits
from kechuang.registry.models import Enterprise


def enterprise_rd_panel(enterprise, request) -> dict | None:
    """Ten years of the enterprise's R&D and finance as charts, and its standing among
    the enterprises of its industry (GB/T 4754 class) in the latest year."""
    user = request.user
    if not user.has_perm("monitoring.view_rdrecord"):
        return None
    rd = {
        r.year: r for r in RDRecord.objects.restrict(user).filter(enterprise=enterprise, quarter=0)
    }
    financial = {
        f.year: f
        for f in FinancialRecord.objects.restrict(user).filter(enterprise=enterprise, quarter=0)
    }
    years = sorted(set(rd) | set(financial))[-10:]
    if not years:
        return {"years": [], "chart": "{}"}

    series = {
        "years": years,
        "rd_expense": [amounts.wan(getattr(rd.get(y), "rd_expense", None)) for y in years],
        "revenue": [amounts.wan(getattr(financial.get(y), "revenue", None)) for y in years],
        "new_product_sales": [
            amounts.wan(getattr(rd.get(y), "new_product_sales", None)) for y in years
        ],
        "rd_staff": [getattr(rd.get(y), "rd_staff", None) for y in years],
        "patents": [getattr(rd.get(y), "patent_applications", None) for y in years],
    }
    series["intensity"] = [
        round(r / v * 100, 2) if r is not None and v else None
        for r, v in zip(series["rd_expense"], series["revenue"], strict=True)
    ]
    latest = years[-1]
    return {
        "years": years,
        "latest": latest,
        "standing": industry_standing(enterprise, latest),
        "chart": json.dumps(series, ensure_ascii=False),
        "single_year": _figures_of_last_year(series) if len(years) == 1 else None,
    }


def _figures_of_last_year(series: dict) -> list[tuple[str, str | None]]:
    """The last year's figures as (label, text with unit): a chart of one year would be a
    row of single bars, so the panel lists them instead."""

    def last(key: str, unit: str, fmt: str = ",") -> str | None:
        value = series[key][-1]
        return None if value is None else f"{value:{fmt}} {unit}"

    return [
        ("营业收入", last("revenue", "万元", ",.2f")),
        ("研发投入", last("rd_expense", "万元", ",.2f")),
        ("研发强度", last("intensity", "%", ".2f")),
        ("新产品销售收入", last("new_product_sales", "万元", ",.2f")),
        ("研发人员", last("rd_staff", "人")),
        ("专利申请", last("patents", "件")),
    ]


# The fewest enterprises of an industry to compare one with: below it, a share of peers
# it is ahead of would tell an enterprise how its few named competitors did.
MIN_PEERS = 5


def industry_standing(enterprise, year: int) -> dict | None:
    """Percentile of the enterprise's R&D spend and intensity among the enterprises of its
    industry in its own county that reported that year (the share of peers it is ahead of).
    Only counts and shares: never who the peers are."""
    county = enterprise.town_id[:6]
    peers = industry_distribution(enterprise.industry_id, year, county)
    me = peers["by_enterprise"].get(enterprise.pk)
    if me is None:
        return None
    if peers["count"] < MIN_PEERS:
        # Among two or three, a share points at the others: say there are too few.
        return {"peers": peers["count"], "too_few": True, "industry": enterprise.industry}
    spend, intensity = me

    def ahead(value, ordered: np.ndarray):
        others = len(ordered) - 1  # the enterprise itself is among them
        if value is None or others < 1:
            return None
        return round(float(np.searchsorted(ordered, value, side="left")) / others * 100, 1)

    return {
        "peers": peers["count"],
        "others": len(peers["spend"]) - 1,
        "too_few": False,
        "spend_percentile": ahead(spend, peers["spend"]),
        "intensity_percentile": ahead(intensity, peers["intensity"]),
        "industry": enterprise.industry,
    }


def industry_distribution(industry_id: str | None, year: int, county: str) -> dict:
    """The R&D spend and intensity of every enterprise of an industry in a county that
    reported `year`, sorted, with each enterprise's own pair. Kept in the cache for as long
    as the year's monitoring results stand: a large industry is thousands of rows read per
    page view."""
    snapshot = current_snapshot(year)
    key = f"industry-distribution:{industry_id}:{county}:{year}:{getattr(snapshot, 'pk', None)}"
    peers_q = {"enterprise__industry_id": industry_id, "enterprise__town__code__startswith": county}
    cached = cache.get(key) if snapshot is not None else None
    if cached is not None:
        return cached
    rd = pd.DataFrame.from_records(
        RDRecord.objects.filter(year=year, quarter=0, **peers_q)
        .values_list("enterprise_id", "rd_expense")
        .order_by(),
        columns=["enterprise_id", "rd_expense"],
    )
    revenue = pd.DataFrame.from_records(
        FinancialRecord.objects.filter(year=year, quarter=0, **peers_q)
        .values_list("enterprise_id", "revenue")
        .order_by(),
        columns=["enterprise_id", "revenue"],
    )
    peers = rd.merge(revenue, on="enterprise_id", how="left")
    spend = peers["rd_expense"].astype(float)
    income = peers["revenue"].astype(float)
    intensity = spend / income.where(income > 0)
    distribution = {
        "count": len(peers),
        "spend": np.sort(spend.dropna().to_numpy()),
        "intensity": np.sort(intensity.dropna().to_numpy()),
        "by_enterprise": {
            int(pk): (_number(s), _number(i))
            for pk, s, i in zip(peers["enterprise_id"], spend, intensity, strict=True)
        },
    }
    if snapshot is not None:
        cache.set(key, distribution, timeout=3600)
    return distribution


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)


def enterprise_pool_panel(enterprise, request) -> dict | None:
    """Whether the enterprise is in the cultivation pool, its 包联 officer and last visits."""
    user = request.user
    if not user.has_perm("monitoring.view_poolentry"):
        return None
    entries = list(
        PoolEntry.objects.restrict(user)
        .filter(enterprise=enterprise)
        .select_related("officer")
        .order_by("-joined_on", "-pk")
    )
    active = next((e for e in entries if e.status == PoolStatus.ACTIVE), None)
    visits = ServiceVisit.objects.restrict(user).filter(entry__enterprise=enterprise)
    can_add = (
        active is None
        and user.has_perm("monitoring.add_poolentry")
        and Enterprise.objects.restrict(user).filter(pk=enterprise.pk).exists()
    )
    recent = list(visits.order_by("-visited_on", "-pk")[:3])
    overdue = set(overdue_visits(visits).values_list("pk", flat=True))
    return {
        "active_entry": active,
        "past_entries": [e for e in entries if e is not active],
        "recent_visits": [(v, v.pk in overdue) for v in recent],
        "overdue_count": len(overdue),
        "can_add_to_pool": can_add,
    }
