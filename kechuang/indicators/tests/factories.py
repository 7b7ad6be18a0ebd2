"""Regional figures for tests: official values as a statistics bureau publishes them."""

from decimal import Decimal

from kechuang.indicators import defaults, services
from kechuang.indicators.choices import ValueOrigin
from kechuang.indicators.models import Indicator, IndicatorValue
from kechuang.registry.models import Region

HOME = "330624"
# Six county-level units: the home county, 滨江 and four others, with strengths 1..6.
UNITS = ("330624", "330108", "330110", "330521", "330402", "330683")
BULLETIN = {
    "gdp": 500,
    "population": 50,
    "employment": 30,
    "fiscal_expenditure": 60,
    "fiscal_st": 3,
    "tech_contract": 10,
    "valid_inventions": 2000,
    "rd_personnel": 6000,
    "platforms": 20,
    "incubators": 5,
    "hitech_va_share": 60,
    "digital_share": 10,
    "new_product_rate": 40,
    "tech_sme_total": 400,
    "hnte_total": 150,
    "above_rd_intensity": 2.5,
    "rd_institution_share": 30,
    "rd_total": 15,
}


def official(code: str, region: str, year: int, value, source: str = "统计公报") -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code=code),
        region_id=region,
        year=year,
        value=Decimal(str(value)),
        origin=ValueOrigin.IMPORTED,
        source=source,
    )


def province(year: int = 2024, units=UNITS, *, scale=None) -> None:
    """Every bulletin figure of the default framework for `units`; the i-th unit's figures
    are the base times (1 + i/10), so the later a unit is listed the stronger it is; then
    the ratios are derived as the store derives them."""
    for position, code in enumerate(units):
        factor = (scale or {}).get(code, 1 + position / 10)
        for indicator, base in BULLETIN.items():
            value = base * factor if indicator not in ("population", "employment", "gdp") else base
            official(indicator, code, year, round(value, 4))
        services.derive(Region.objects.get(code=code), year)


def framework_codes() -> list[str]:
    return [row["iCode"] for row in defaults.framework_rows() if row["Level"] == 1]
