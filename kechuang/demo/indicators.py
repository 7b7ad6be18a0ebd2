"""Demo regional indicators: plausible bulletin figures for Zhejiang's 90 county-level units,
2015–2024, with the seed's published figures holding for the home county and 滨江, and the
home county 5th overall and 1st in 技术创新 in 2024 (as the seed reports).

Figures are generated from each unit's latent strength (by city, district or county, and
noise) and then the home county's unpublished figures are scaled until the published ranks
hold, so the index built from the store reproduces them.
"""

import datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction

from kechuang.demo.profiles import LAST_YEAR as DEMO_LAST_YEAR
from kechuang.engines import composite
from kechuang.engines.composite.methods import Methods
from kechuang.indicators import defaults, services
from kechuang.indicators.choices import ValueOrigin
from kechuang.indicators.models import Indicator, IndicatorValue, Target
from kechuang.registry.choices import QualificationKind, RegionLevel
from kechuang.registry.models import Qualification, Region

FIRST, LAST = 2015, 2024
BINJIANG = "330108"
SOURCE = "{year}年{name}国民经济和社会发展统计公报（演示数据）"
CITY_STRENGTH = {
    "3301": 1.0,
    "3302": 0.85,
    "3304": 0.75,
    "3306": 0.72,
    "3305": 0.7,
    "3310": 0.62,
    "3303": 0.6,
    "3307": 0.6,
    "3309": 0.5,
    "3308": 0.45,
    "3311": 0.4,
}
# The province's strongest innovators, pinned so that the top of the demo's table looks like
# Zhejiang's (Hangzhou's and Ningbo's core districts); figures approximate, for the demo only.
STRONG = {
    "330108": 1.6,
    "330106": 1.45,
    "330110": 1.45,
    "330102": 1.3,
    "330109": 1.25,
    "330105": 1.2,
    "330212": 1.25,
    "330203": 1.1,
    "330402": 1.05,
    "330521": 1.0,
}
GDP_2024 = {
    "330108": 2310.5,
    "330110": 2820.0,
    "330106": 2530.0,
    "330109": 2350.0,
    "330212": 2860.0,
    "330402": 780.0,
    "330521": 720.0,
}
# The seed's figures for 2024 (RULES.md §6): R&D/GDP 4.55% (3rd), 规上 R&D/revenue 3.49% (1st),
# R&D-institution share 42.1%; 滨江 R&D/GDP 9.52%. GDP 2023 606.67亿元, growth 7.4% in 2024.
HOME_2024 = {"above_rd_intensity": 3.49, "rd_institution_share": 42.1}
HOME_RD_GDP_2024 = 4.55
HOME_GDP = {2023: 606.67, 2024: 651.56}
BINJIANG_RD_GDP_2024 = 9.52
INNOVATION = ("new_product_rate",)
INNOVATION_CAP = 68.0
TUNABLE = (
    "platforms",
    "incubators",
    "digital_share",
    "tech_contract",
    "valid_inventions",
    "rd_personnel",
)
BULLETIN_CODES = (
    "gdp",
    "rd_total",
    "population",
    "employment",
    "fiscal_expenditure",
    "fiscal_st",
    "tech_contract",
    "valid_inventions",
    "rd_personnel",
    "platforms",
    "incubators",
    "hitech_va_share",
    "digital_share",
    "new_product_rate",
    "tech_sme_total",
    "hnte_total",
    "above_rd_intensity",
    "rd_institution_share",
)
# Figures that grow with the economy; shares drift instead.
GROWING = (
    "gdp",
    "fiscal_expenditure",
    "fiscal_st",
    "tech_contract",
    "valid_inventions",
    "rd_personnel",
    "platforms",
    "incubators",
    "tech_sme_total",
    "hnte_total",
)
INTEGER_CODES = {
    "valid_inventions",
    "rd_personnel",
    "platforms",
    "incubators",
    "tech_sme_total",
    "hnte_total",
}


def _units() -> pd.DataFrame:
    rows = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith="33").order_by("code")
    return pd.DataFrame([(r.code, r.name) for r in rows], columns=["code", "name"]).set_index(
        "code"
    )


def _latest(units: pd.DataFrame, rng) -> pd.DataFrame:
    """Each unit's 2024 figures from its strength."""
    strength = np.array(
        [
            STRONG.get(code)
            or CITY_STRENGTH.get(code[:4], 0.5)
            + (0.12 if name.endswith("区") else 0)
            + rng.normal(0, 0.06)
            for code, name in zip(units.index, units["name"], strict=True)
        ]
    ).clip(0.2, 1.6)
    n = len(units)
    gdp = np.exp(rng.normal(6.0, 0.35, n)) * (0.6 + strength)
    for code, value in GDP_2024.items():
        if code in units.index:
            gdp[units.index.get_loc(code)] = value
    population = gdp / rng.uniform(9, 16, n)
    employment = population * rng.uniform(0.55, 0.68, n)
    frame = pd.DataFrame(index=units.index)
    frame["gdp"] = gdp
    frame["population"] = population
    frame["employment"] = employment
    frame["rd_gdp"] = (0.6 + 2.4 * strength + rng.normal(0, 0.25, n)).clip(0.6, 4.3)
    frame["rd_total"] = frame["gdp"] * frame["rd_gdp"] / 100
    frame["fiscal_expenditure"] = gdp * rng.uniform(0.08, 0.14, n)
    frame["fiscal_st"] = frame["fiscal_expenditure"] * (0.02 + 0.05 * strength).clip(0.015, 0.1)
    frame["tech_contract"] = gdp * (0.01 + 0.05 * strength**2 * rng.uniform(0.6, 1.4, n))
    frame["valid_inventions"] = population * (10 + 60 * strength**3 * rng.uniform(0.7, 1.3, n))
    frame["rd_personnel"] = employment * (60 + 260 * strength**2 * rng.uniform(0.7, 1.3, n))
    frame["platforms"] = gdp / 100 * (1 + 5 * strength * rng.uniform(0.6, 1.4, n))
    frame["incubators"] = population / 10 * (0.3 + 1.5 * strength**2 * rng.uniform(0.6, 1.4, n))
    frame["hitech_va_share"] = (35 + 35 * strength + rng.normal(0, 4, n)).clip(20, 90)
    frame["digital_share"] = (3 + 14 * strength**2 * rng.uniform(0.6, 1.4, n)).clip(2, 60)
    frame["new_product_rate"] = (20 + 22 * strength + rng.normal(0, 4, n)).clip(10, 58)
    frame["tech_sme_total"] = gdp * (0.15 + 0.45 * strength * rng.uniform(0.6, 1.2, n))
    frame["hnte_total"] = gdp * (0.08 + 0.22 * strength * rng.uniform(0.6, 1.2, n))
    frame["above_rd_intensity"] = (1.0 + 1.6 * strength + rng.normal(0, 0.2, n)).clip(0.6, 3.3)
    frame["rd_institution_share"] = (15 + 20 * strength + rng.normal(0, 3, n)).clip(8, 40)
    return frame


def _registry_counts(year: int) -> dict[str, int]:
    """The home county's certified enterprises in the demo registry, so the bulletin agrees."""
    year_end = datetime.date(year, 12, 31)
    valid = Qualification.objects.filter(Qualification.valid_on_q(year_end))
    counts = {
        "hnte_total": valid.filter(kind=QualificationKind.HNTE)
        .values("enterprise")
        .distinct()
        .count(),
        "tech_sme_total": valid.filter(kind=QualificationKind.TECH_SME)
        .values("enterprise")
        .distinct()
        .count(),
    }
    return {code: count for code, count in counts.items() if count}


def _seed_figures(latest: pd.DataFrame, home: str) -> None:
    """Place the published figures: 滨江 first and the home county third on R&D/GDP."""
    for code, count in _registry_counts(LAST).items():
        latest.loc[home, code] = count
    latest.loc[home, "gdp"] = HOME_GDP[2024]
    latest.loc[home, "population"] = 41.45
    latest.loc[home, "employment"] = 27.1
    for code, value in HOME_2024.items():
        latest.loc[home, code] = value
    latest.loc[BINJIANG, "rd_gdp"] = BINJIANG_RD_GDP_2024
    second = latest["rd_gdp"].drop([home, BINJIANG]).idxmax()
    latest.loc[second, "rd_gdp"] = max(latest.loc[second, "rd_gdp"], 5.08)
    latest.loc[home, "rd_gdp"] = HOME_RD_GDP_2024
    latest["rd_total"] = latest["gdp"] * latest["rd_gdp"] / 100


def _raw(latest: pd.DataFrame) -> pd.DataFrame:
    """The table the index reads: the bulletin figures and the ratios the catalog derives."""
    raw = latest[list(BULLETIN_CODES)].copy()
    for code in INTEGER_CODES:
        raw[code] = raw[code].round()
    for code, *_rest, extra in defaults.CATALOG:
        if "numerator" in extra:
            raw[code] = raw[extra["numerator"]] / raw[extra["denominator"]] * extra["scale"]
    return raw


def _ranks(latest: pd.DataFrame, home: str) -> tuple[int, int]:
    framework = composite.read_framework(defaults.framework_rows())
    result = composite.build(_raw(latest), framework, Methods())
    return int(result.ranks.loc[home, "Index"]), int(result.ranks.loc[home, "innovation"])


def _tune_home(latest: pd.DataFrame, home: str) -> bool:
    """Scale the home county's unpublished figures until it is 1st in 技术创新 and 5th overall."""
    for _attempt in range(60):
        if _ranks(latest, home)[1] == 1:
            break
        for code in INNOVATION:
            latest.loc[home, code] = min(latest.loc[home, code] * 1.03, INNOVATION_CAP)
    base = latest.loc[home, list(TUNABLE)].copy()
    best = None
    # Coarse steps first, then fine ones from the step before the overall rank reached 5.
    coarse = np.linspace(0.3, 5.0, 48)
    for start, factor in zip([coarse[0], *coarse[:-1]], coarse, strict=True):
        latest.loc[home, list(TUNABLE)] = base * factor
        if _ranks(latest, home)[0] <= 5:
            for fine in np.linspace(start, factor, 21):
                latest.loc[home, list(TUNABLE)] = base * fine
                if _ranks(latest, home) == (5, 1):
                    best = fine
                    break
            break
    if best is None:
        latest.loc[home, list(TUNABLE)] = base
    return best is not None


def _history(latest: pd.DataFrame, rng, home: str) -> dict[int, pd.DataFrame]:
    """Earlier years: figures shrink backwards at a unit's own pace, with a little noise."""
    years = {LAST: latest}
    growth = pd.Series(rng.uniform(0.04, 0.11, len(latest)), index=latest.index)
    for year in range(LAST - 1, FIRST - 1, -1):
        back = LAST - year
        frame = latest.copy()
        level = (1 + growth) ** -back
        for code in GROWING:
            frame[code] = latest[code] * level * rng.uniform(0.97, 1.03, len(latest))
        frame["population"] = latest["population"] * (1 - 0.004 * back)
        frame["employment"] = latest["employment"] * (1 - 0.005 * back)
        for code, drift in (
            ("rd_gdp", 0.07),
            ("above_rd_intensity", 0.06),
            ("rd_institution_share", 1.2),
            ("hitech_va_share", 1.4),
            ("digital_share", 0.5),
            ("new_product_rate", 0.9),
        ):
            frame[code] = (latest[code] - drift * back * rng.uniform(0.6, 1.4, len(latest))).clip(
                lower=0.3
            )
        if year == 2023:
            frame.loc[home, "gdp"] = HOME_GDP[2023]
        # The seed: R&D/GDP at least 4% for 11 years up to 2024.
        frame.loc[home, "rd_gdp"] = max(4.02, HOME_RD_GDP_2024 - 0.055 * back)
        frame["rd_total"] = frame["gdp"] * frame["rd_gdp"] / 100
        years[year] = frame
    return years


def _parts(raw: pd.DataFrame, ratio, unit: str, year: int, units: pd.DataFrame) -> dict:
    """What a derived demo figure was divided from, as the store records it."""
    source = SOURCE.format(year=year, name=units.loc[unit, "name"])
    return {
        "numerator": str(services.quantised(raw.at[unit, ratio.numerator.code])),
        "denominator": str(services.quantised(raw.at[unit, ratio.denominator.code])),
        "numerator_source": source,
        "denominator_source": source,
    }


def generate_demo_indicators(seed: int) -> dict:
    rng = np.random.default_rng(seed + 15)
    home = settings.HOME_REGION_CODE
    units = _units()
    if home not in units.index or BINJIANG not in units.index:
        return {"values": 0}
    latest = _latest(units, rng)
    _seed_figures(latest, home)
    placed = _tune_home(latest, home)
    by_year = _history(latest, rng, home)
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    regions = {region.code: region for region in Region.objects.filter(code__in=list(units.index))}
    rows = []
    for year, frame in by_year.items():
        raw = _raw(frame)
        for code in raw.columns:
            indicator = indicators[code]
            derived = indicator.numerator_id is not None
            for unit, value in raw[code].items():
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        region=regions[unit],
                        year=year,
                        value=services.quantised(value),
                        origin=ValueOrigin.DERIVED if derived else ValueOrigin.IMPORTED,
                        is_computed=False,
                        source=(
                            services.DERIVED_SOURCE.format(
                                numerator=indicator.numerator.name,
                                denominator=indicator.denominator.name,
                            )
                            if derived
                            else SOURCE.format(year=year, name=units.loc[unit, "name"])
                        ),
                        provenance=_parts(raw, indicator, unit, year, units) if derived else {},
                    )
                )
    with transaction.atomic():
        # Demo figures only: the bulletin figures and targets are cleared in bulk, with their
        # history, before new ones are drawn. Computed values stay: the monitoring recompute
        # has just refreshed them, and a refresh below writes only what differs.
        for table in (IndicatorValue, IndicatorValue.history.model):
            table.objects.filter(is_computed=False)._raw_delete(table.objects.db)
        for table in (Target, Target.history.model):
            table.objects.all()._raw_delete(table.objects.db)
        IndicatorValue.objects.bulk_create(rows, batch_size=2000)
        county = regions[home]
        towns = {region.name: region for region in Region.objects.filter(parent=county)}
        plans = [
            (county, "rd_gdp", 2027, "5.0", "县科技创新“十五五”目标（演示）"),
            (county, "above_rd_intensity", 2027, "3.8", "规上工业研发投入强度目标（演示）"),
            (county, "hnte_total", 2027, "360", "高新技术企业培育目标（演示）"),
            (
                towns.get("七星街道"),
                "enterprise_rd_growth",
                DEMO_LAST_YEAR + 1,
                "12",
                "年度考核目标（演示）",
            ),
            (
                towns.get("南明街道"),
                "rd_coverage",
                DEMO_LAST_YEAR + 1,
                "90",
                "年度考核目标（演示）",
            ),
            (
                towns.get("羽林街道"),
                "above_rd_intensity",
                DEMO_LAST_YEAR + 1,
                "3.0",
                "年度考核目标（演示）",
            ),
        ]
        Target.objects.bulk_create(
            [
                Target(
                    region=region,
                    indicator=indicators[code],
                    year=year,
                    value=Decimal(value),
                    note=note,
                )
                for region, code, year, value, note in plans
                if region is not None
            ]
        )
    for year in range(FIRST, DEMO_LAST_YEAR + 1):
        services.refresh_computed(year)
    computed = IndicatorValue.objects.filter(is_computed=True).count()
    return {"values": len(rows), "computed": computed, "years": (FIRST, LAST), "placed": placed}
