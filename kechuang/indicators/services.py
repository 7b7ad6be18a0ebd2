"""Regional indicators: storing values with their source, deriving ratios and the values
computed from enterprise data, and building the index for a year from the store."""

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from kechuang.core import changelog
from kechuang.engines import composite
from kechuang.engines.composite.framework import Framework
from kechuang.engines.composite.methods import Methods
from kechuang.indicators import calculators
from kechuang.indicators.choices import IndicatorKind, ValueOrigin
from kechuang.indicators.models import IndexFramework, Indicator, IndicatorValue, PeerSet
from kechuang.registry.choices import RegionLevel
from kechuang.registry.models import Region

QUANTUM = Decimal("0.000001")
# Bulletin figures that the default framework divides by (its Denominator column).
DENOMINATORS = {"gdp", "population", "employment", "fiscal_expenditure"}
COMPUTED_SOURCE = "企业数据计算"
DERIVED_SOURCE = "由{numerator}与{denominator}算出"


class ValueRefused(Exception):
    """A value that cannot be stored (said in Chinese)."""


def home_region() -> Region:
    return Region.objects.get(code=settings.HOME_REGION_CODE)


def county_units(home: Region | None = None):
    """The county-level units of the home county's province: the index's population."""
    home = home or home_region()
    return Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=home.code[:2])


def towns(home: Region | None = None):
    home = home or home_region()
    return Region.objects.filter(level=RegionLevel.TOWN, parent=home)


def peers(home: Region | None = None) -> list[Region]:
    home = home or home_region()
    peer_set = PeerSet.objects.filter(home=home).first()
    return list(peer_set.members.order_by("code")) if peer_set else []


def save_peers(codes: Iterable[str], *, user, home: Region | None = None) -> list[Region]:
    """The home county's default peers; at least one, each a county-level unit of its province
    (ValueRefused otherwise). The same peers again write nothing."""
    home = home or home_region()
    codes = [code for code in codes if isinstance(code, str) and code.isascii() and code.isdigit()]
    members = list(county_units(home).filter(code__in=codes).exclude(pk=home.pk))
    if not members:
        raise ValueRefused("请至少选择一个本省的县（市、区）作为对标地区。")
    if {region.code for region in members} == {region.code for region in peers(home)}:
        return members
    with transaction.atomic(), changelog.recording(user, reason="修改默认对标地区"):
        peer_set, _ = PeerSet.objects.get_or_create(home=home)
        peer_set.members.set(members)
        peer_set.save()
    return members


def current_framework(on: datetime.date | None = None) -> IndexFramework:
    on = on or timezone.localdate()
    row = (
        IndexFramework.objects.filter(effective_from__lte=on).first()
        or IndexFramework.objects.first()
    )
    if row is None:
        raise LookupError("没有指数框架")
    return row


def engine_framework(row: IndexFramework) -> Framework:
    return composite.read_framework(row.elements)


def engine_methods(row: IndexFramework) -> Methods:
    return Methods(**row.methods)


def quantised(value) -> Decimal:
    return Decimal(str(value)).quantize(QUANTUM)


# -- storing values ------------------------------------------------------------------------


def save_value(
    indicator: Indicator,
    region: Region,
    year: int,
    value,
    *,
    source: str,
    origin: str = ValueOrigin.ENTERED,
    note: str = "",
    user=None,
    reason: str = "",
) -> IndicatorValue:
    """Store an official value (a change keeps the previous one in the history), then the
    ratios it is part of."""
    if indicator.kind == IndicatorKind.RATIO:
        raise ValueRefused(
            f"“{indicator.name}”由{indicator.numerator.name}和{indicator.denominator.name}算出，请录入这两项"
        )
    if not source.strip():
        raise ValueRefused("请写明数值的出处（如“2024年新昌县国民经济和社会发展统计公报”）")
    problem = value_problem(indicator, Decimal(str(value)))
    if problem:
        raise ValueRefused(f"{indicator.name}{problem}")
    with transaction.atomic(), changelog.recording(user, reason=reason or "录入指标数值"):
        stored, _written = _store(
            indicator, region, year, value, origin=origin, source=source, note=note
        )
        derive(region, year, [indicator])
    return stored


def is_denominator(indicator: Indicator) -> bool:
    return (
        Indicator.objects.filter(denominator=indicator).exists() or indicator.code in DENOMINATORS
    )


def value_problem(indicator: Indicator, value: Decimal) -> str:
    """Why a value cannot be the indicator's ('' when it can): shares within 0–100 (growth
    rates may fall), counts whole, denominators above zero."""
    growth = indicator.code.endswith("_growth")
    if value < 0 and not growth:
        return "不能为负数"
    if indicator.unit == "%" and value > 100 and not growth:
        return "是百分比，不能超过 100"
    if indicator.decimals == 0 and value != value.to_integral_value():
        return f"以“{indicator.unit or '个'}”计，应为整数"
    if value == 0 and is_denominator(indicator):
        return "是其他指标的分母，不能为 0"
    return ""


def _store(
    indicator, region, year, value, *, origin, source, note="", provenance=None
) -> IndicatorValue:
    computed = origin == ValueOrigin.COMPUTED
    row = IndicatorValue.objects.filter(
        indicator=indicator, region=region, year=year, is_computed=computed
    ).first()
    value = quantised(value)
    if row is None:
        row = IndicatorValue(indicator=indicator, region=region, year=year)
    elif row.value == value and row.source == source and row.origin == origin and row.note == note:
        return row, False
    elif not row.history.exists():
        # A value loaded in bulk has no version yet: keep it as the first before it changes.
        IndicatorValue.history.bulk_history_create(
            [row], default_date=row.created_at, default_change_reason="首次载入"
        )
    row.value, row.origin, row.source, row.note = value, origin, source, note
    row.provenance = provenance or {}
    row.save()
    return row, True


def derive(
    region: Region, year: int, changed: Iterable[Indicator] | None = None
) -> list[IndicatorValue]:
    """Recompute the ratio indicators of a region and year from their official parts."""
    ratios = Indicator.objects.filter(kind=IndicatorKind.RATIO).select_related(
        "numerator", "denominator"
    )
    if changed is not None:
        ids = [indicator.pk for indicator in changed]
        ratios = ratios.filter(numerator_id__in=ids) | ratios.filter(denominator_id__in=ids)
    official = {
        row.indicator_id: row
        for row in IndicatorValue.objects.filter(region=region, year=year, is_computed=False)
    }
    stored = []
    for ratio in ratios.distinct():
        top, bottom = official.get(ratio.numerator_id), official.get(ratio.denominator_id)
        if top is None or bottom is None or not bottom.value:
            continue
        value = top.value / bottom.value * Decimal(str(ratio.scale))
        source = DERIVED_SOURCE.format(
            numerator=ratio.numerator.name, denominator=ratio.denominator.name
        )
        row, _written = _store(
            ratio,
            region,
            year,
            value,
            origin=ValueOrigin.DERIVED,
            source=source,
            provenance={
                "numerator": str(top.value),
                "denominator": str(bottom.value),
                "numerator_source": top.source,
                "denominator_source": bottom.source,
            },
        )
        stored.append(row)
    return stored


def derive_all(ratio: Indicator) -> int:
    """A new or revised ratio, derived for every region and year that has both its parts."""
    pairs = (
        IndicatorValue.objects.filter(
            indicator_id__in=[ratio.numerator_id, ratio.denominator_id], is_computed=False
        )
        .values_list("region_id", "year")
        .distinct()
    )
    regions = {
        region.code: region for region in Region.objects.filter(code__in={r for r, _ in pairs})
    }
    with transaction.atomic():
        for region_code, year in sorted(set(pairs)):
            derive(regions[region_code], year, [ratio.numerator, ratio.denominator])
    return len(set(pairs))


def refresh_computed(year: int, *, user=None) -> int:
    """Store the indicators computed from enterprise data for the home county and its towns.
    Only values that changed are written; values no longer computable are left as they were."""
    computed = calculators.compute(year)
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(kind=IndicatorKind.COMPUTED)
    }
    regions = {region.code: region for region in [home_region(), *towns()]}
    written = 0
    with (
        transaction.atomic(),
        changelog.recording(user, reason=f"按企业数据重新计算{year}年区域指标"),
    ):
        for (code, region_code), result in computed.items():
            if code not in indicators or region_code not in regions:
                continue
            before = (
                IndicatorValue.objects.filter(
                    indicator=indicators[code],
                    region=regions[region_code],
                    year=year,
                    is_computed=True,
                )
                .values_list("value", flat=True)
                .first()
            )
            if before is not None and before == quantised(result.value):
                continue
            _store(
                indicators[code],
                regions[region_code],
                year,
                result.value,
                origin=ValueOrigin.COMPUTED,
                source=COMPUTED_SOURCE,
                provenance=_plain(result.provenance),
            )
            written += 1
    return written


def _plain(data: dict) -> dict:
    return {key: (float(value) if hasattr(value, "item") else value) for key, value in data.items()}


# -- reading values ------------------------------------------------------------------------


def values_frame(
    regions: Iterable[str] | None = None, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """One row per (region, year, indicator): the official value where there is one, else the
    computed one; with the other kind beside it when both exist."""
    rows = IndicatorValue.objects.all()
    if regions is not None:
        rows = rows.filter(region_id__in=list(regions))
    if years is not None:
        rows = rows.filter(year__in=list(years))
    frame = pd.DataFrame(
        list(
            rows.values_list(
                "region_id", "year", "indicator__code", "value", "is_computed", "source", "origin"
            )
        ),
        columns=["region", "year", "code", "value", "is_computed", "source", "origin"],
    )
    if frame.empty:
        return frame.assign(other=pd.Series(dtype=float))
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values("is_computed")
    preferred = frame.drop_duplicates(["region", "year", "code"], keep="first")
    others = frame[frame.duplicated(["region", "year", "code"], keep="first")]
    other = others.set_index(["region", "year", "code"])["value"].rename("other")
    return preferred.join(other, on=["region", "year", "code"]).reset_index(drop=True)


def data_stamp() -> str:
    stats = IndicatorValue.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    frameworks = IndexFramework.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    text = f"{stats['n']}|{stats['last']}|{frameworks['n']}|{frameworks['last']}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


MIN_UNITS = 3


def index_years() -> list[int]:
    """Years in which at least MIN_UNITS county-level units have half the framework's
    indicators: an index needs units to compare."""
    framework = engine_framework(current_framework())
    codes = [element.code for element in framework.indicators]
    covered = (
        IndicatorValue.objects.filter(indicator__code__in=codes, region__level=RegionLevel.COUNTY)
        .values("year", "region")
        .annotate(n=Count("indicator", distinct=True))
        .filter(n__gte=(len(codes) + 1) // 2)
        .values_list("year", flat=True)
    )
    units = Counter(covered)
    return sorted(year for year, count in units.items() if count >= MIN_UNITS)


def raw_table(year: int, framework: Framework, units: list[str]) -> pd.DataFrame:
    needed = {element.code for element in framework.indicators}
    needed |= {element.denominator for element in framework.indicators if element.denominator}
    frame = values_frame(units, [year])
    frame = frame[frame["code"].isin(needed)]
    table = frame.pivot_table(index="region", columns="code", values="value", aggfunc="first")
    table = table.reindex(index=units, columns=sorted(needed)).astype(float)
    return table.dropna(how="all")


def build_year(year: int, row: IndexFramework | None = None, *, overrides: dict | None = None):
    """The index of all county-level units for `year` (cached until a value or framework changes)."""
    row = row or current_framework()
    units = list(county_units().values_list("code", flat=True))
    key = f"indicators:build:{row.pk}:{year}:{data_stamp()}"
    if overrides is None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    framework = engine_framework(row)
    raw = raw_table(year, framework, units)
    for (unit, code), value in (overrides or {}).items():
        raw.loc[unit, code] = value
    result = composite.build(raw, framework, engine_methods(row))
    if overrides is None:
        cache.set(key, result, 3600)
    return result
