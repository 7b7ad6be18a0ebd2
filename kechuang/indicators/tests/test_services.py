"""The store: official values with their source, ratios derived from them, values computed
from enterprise data, and the index built from what is stored."""

import datetime
from decimal import Decimal

import pytest

from kechuang.conftest import NANMING, QIXING, SHARED_WORLD
from kechuang.indicators import services, targets
from kechuang.indicators.choices import ValueOrigin
from kechuang.indicators.models import Indicator, IndicatorValue, Target
from kechuang.indicators.tests.factories import HOME, UNITS, official, province
from kechuang.monitoring import services as monitoring
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry.models import Region
from kechuang.registry.tests.factories import QualificationFactory, ScaleRecordFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

WAN = Decimal(10_000)


def indicator(code):
    return Indicator.objects.get(code=code)


def region(code):
    return Region.objects.get(code=code)


def value_of(code, where, year, computed=False):
    return IndicatorValue.objects.get(
        indicator__code=code, region_id=where, year=year, is_computed=computed
    ).value


def test_a_bulletin_value_derives_its_ratio(world):
    home = region(HOME)
    services.save_value(
        indicator("gdp"), home, 2024, "651.56", source="2024年新昌县统计公报", user=world.staff
    )
    assert not IndicatorValue.objects.filter(indicator__code="rd_gdp").exists()  # no R&D yet
    services.save_value(
        indicator("rd_total"), home, 2024, "29.646", source="2024年新昌县统计公报", user=world.staff
    )
    # 651.56 × 4.55% = 29.64598, so 29.646 is 0.00002 more: 4.55% + 0.00002 / 651.56 = 4.5500031%
    assert value_of("rd_gdp", HOME, 2024) == Decimal("4.550003")
    derived = IndicatorValue.objects.get(indicator__code="rd_gdp", region_id=HOME, year=2024)
    assert derived.origin == ValueOrigin.DERIVED
    assert derived.provenance["numerator"] == "29.646000"
    assert "全社会R&D经费支出" in derived.source


def test_changing_a_part_recomputes_the_ratio_and_keeps_the_old_value(world):
    home = region(HOME)
    services.save_value(indicator("gdp"), home, 2024, 600, source="快报", user=world.staff)
    services.save_value(indicator("rd_total"), home, 2024, 30, source="快报", user=world.staff)
    assert value_of("rd_gdp", HOME, 2024) == Decimal("5.000000")
    services.save_value(
        indicator("gdp"), home, 2024, 750, source="统计公报", user=world.staff, reason="公报修订"
    )
    assert value_of("rd_gdp", HOME, 2024) == Decimal("4.000000")
    gdp = IndicatorValue.objects.get(indicator__code="gdp", region_id=HOME, year=2024)
    versions = list(gdp.history.order_by("history_date").values_list("value", "source"))
    assert versions == [(Decimal("600.000000"), "快报"), (Decimal("750.000000"), "统计公报")]
    assert gdp.history.latest().history_change_reason == "公报修订"
    assert gdp.history.latest().history_user == world.staff


def test_a_zero_denominator_is_refused(world):
    home = region(HOME)
    with pytest.raises(services.ValueRefused, match="地区生产总值是其他指标的分母，不能为 0"):
        services.save_value(indicator("gdp"), home, 2024, 0, source="s", user=world.staff)
    services.save_value(indicator("rd_total"), home, 2024, 5, source="s", user=world.staff)
    assert not IndicatorValue.objects.filter(indicator__code="rd_gdp").exists()


@pytest.mark.parametrize(
    ("code", "value", "problem"),
    [
        ("hnte_total", "10.5", "应为整数"),
        ("hitech_va_share", "100.01", "不能超过 100"),
        ("tech_contract", "-0.01", "不能为负数"),
    ],
)
def test_impossible_values_are_refused(world, code, value, problem):
    with pytest.raises(services.ValueRefused, match=problem):
        services.save_value(
            indicator(code), region(HOME), 2024, value, source="s", user=world.staff
        )


def test_shares_at_their_bounds_and_falling_growth_are_accepted(world):
    for code, value in (("hitech_va_share", "100"), ("hitech_va_share", "0"), ("hnte_total", "10")):
        services.save_value(
            indicator(code), region(HOME), 2024, value, source="s", user=world.staff
        )
    assert services.value_problem(indicator("enterprise_rd_growth"), Decimal("-12.5")) == ""


def test_a_value_loaded_in_bulk_keeps_its_first_version_when_changed(world):
    loaded = IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=indicator("gdp"),
                region_id=HOME,
                year=2024,
                value=Decimal("651.56"),
                origin=ValueOrigin.IMPORTED,
                source="公报",
            )
        ]
    )[0]
    assert not loaded.history.exists()
    services.save_value(indicator("gdp"), region(HOME), 2024, 600, source="修订", user=world.staff)
    versions = list(
        loaded.history.order_by("history_date").values_list("value", "history_change_reason")
    )
    assert versions[0] == (Decimal("651.560000"), "首次载入")
    assert versions[1][0] == Decimal("600.000000")


def test_the_same_value_again_writes_nothing(world):
    home = region(HOME)
    services.save_value(indicator("gdp"), home, 2024, 600, source="s", user=world.staff)
    services.save_value(indicator("gdp"), home, 2024, "600.000", source="s", user=world.staff)
    assert IndicatorValue.objects.get(indicator__code="gdp").history.count() == 1


def test_ratios_and_sourceless_values_are_refused(world):
    with pytest.raises(services.ValueRefused, match="由全社会R&D经费支出和地区生产总值算出"):
        services.save_value(
            indicator("rd_gdp"), region(HOME), 2024, 4, source="s", user=world.staff
        )
    with pytest.raises(services.ValueRefused, match="出处"):
        services.save_value(indicator("gdp"), region(HOME), 2024, 4, source="  ", user=world.staff)
    assert not IndicatorValue.objects.exists()


def test_official_values_come_before_computed_ones(world):
    official("above_rd_intensity", HOME, 2024, "3.49")
    IndicatorValue.objects.create(
        indicator=indicator("above_rd_intensity"),
        region_id=HOME,
        year=2024,
        value=Decimal("3.2"),
        origin=ValueOrigin.COMPUTED,
        source=services.COMPUTED_SOURCE,
    )
    frame = services.values_frame([HOME], [2024]).set_index("code")
    assert frame.loc["above_rd_intensity", "value"] == 3.49
    assert frame.loc["above_rd_intensity", "other"] == 3.2


def _figures(enterprise, year, *, rd, revenue, above=True, institutions=0):
    RDRecord.objects.create(
        enterprise=enterprise,
        year=year,
        department="statistics",
        rd_expense=Decimal(rd) * WAN,
        institutions=institutions,
    )
    FinancialRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", revenue=Decimal(revenue) * WAN
    )
    ScaleRecordFactory(enterprise=enterprise, year=year, is_above_scale=above)


@pytest.fixture
def monitored(world):
    """Two 规上 enterprises in 南明街道 (one with R&D and an institution), one in 七星街道."""
    _figures(world.nanming_enterprise, 2023, rd=300, revenue=10_000)
    _figures(world.nanming_enterprise, 2024, rd=400, revenue=10_000, institutions=1)
    _figures(world.own_enterprise, 2023, rd=0, revenue=3_000)
    _figures(world.own_enterprise, 2024, rd=0, revenue=3_000)
    _figures(world.qixing_enterprise, 2023, rd=100, revenue=4_000)
    _figures(world.qixing_enterprise, 2024, rd=200, revenue=5_000)
    QualificationFactory(
        enterprise=world.qixing_enterprise, kind="hnte", issued_on=datetime.date(2023, 3, 1)
    )
    monitoring.recompute(2023, today=datetime.date(2023, 12, 31))
    monitoring.recompute(2024, today=datetime.date(2024, 12, 31))
    return world


def test_computed_indicators_roll_enterprise_figures_up(monitored):
    services.refresh_computed(2024)
    # County: R&D 400 + 0 + 200 = 600万 of revenue 18,000万 -> 3.3333%
    assert value_of("above_rd_intensity", HOME, 2024, computed=True) == Decimal("3.333333")
    # 南明街道: 400 of 13,000 -> 3.076923%; two above-scale enterprises, one with R&D
    assert value_of("above_rd_intensity", NANMING, 2024, computed=True) == Decimal("3.076923")
    assert value_of("rd_coverage", NANMING, 2024, computed=True) == Decimal("50.000000")
    assert value_of("rd_institution_share", NANMING, 2024, computed=True) == Decimal("50.000000")
    assert value_of("rd_institution_share", QIXING, 2024, computed=True) == Decimal("0.000000")
    # 600万 = 0.06亿元; growth (600 / 400) − 1 = 50%
    assert value_of("enterprise_rd", HOME, 2024, computed=True) == Decimal("0.060000")
    assert value_of("enterprise_rd_growth", HOME, 2024, computed=True) == Decimal("50.000000")
    assert value_of("enterprise_rd_growth", QIXING, 2024, computed=True) == Decimal("100.000000")
    assert value_of("hnte_total", HOME, 2024, computed=True) == 1
    assert value_of("hnte_total", QIXING, 2024, computed=True) == 1
    assert not IndicatorValue.objects.filter(
        indicator__code="hnte_total", region_id=NANMING
    ).exists()
    stored = IndicatorValue.objects.get(
        indicator__code="above_rd_intensity", region_id=HOME, year=2024, is_computed=True
    )
    assert stored.provenance["enterprises"] == 3
    assert stored.source == services.COMPUTED_SOURCE


def test_a_second_refresh_writes_only_what_changed(monitored):
    first = services.refresh_computed(2024)
    assert first > 0
    assert services.refresh_computed(2024) == 0


def test_the_index_is_built_from_the_store(world):
    province(2024)
    assert services.index_years() == [2024]
    build = services.build_year(2024)
    assert list(build.aggregated.index) == sorted(UNITS)
    # The strongest unit (listed last) leads, the home county (listed first) trails.
    assert build.ranks.loc[UNITS[-1], "Index"] == 1
    assert build.ranks.loc[HOME, "Index"] == len(UNITS)


def test_a_year_with_too_few_units_has_no_index(world):
    province(2024, UNITS[:2])
    assert services.index_years() == []


def test_a_changed_value_is_seen_by_the_next_build(world):
    province(2024)
    before = services.build_year(2024).ranks.loc[HOME, "Index"]
    for code in ("rd_total", "platforms", "hitech_va_share", "new_product_rate", "digital_share"):
        services.save_value(
            indicator(code),
            region(HOME),
            2024,
            10_000 if code in ("rd_total", "platforms") else 99,
            source="s",
            user=world.staff,
        )
    assert services.build_year(2024).ranks.loc[HOME, "Index"] < before


@pytest.mark.parametrize(
    ("value", "latest", "needed"),
    [
        ("5.0", "4.55", "每年提高 0.15 个百分点"),  # (5.0 − 4.55) / 3 years
        ("4.55", "4.55", "已达到"),
        ("4.0", "4.55", "已达到"),
    ],
)
def test_target_progress_for_a_share(world, value, latest, needed):
    official("rd_total", HOME, 2024, latest)
    official("gdp", HOME, 2024, 100)
    services.derive(region(HOME), 2024)
    target = Target.objects.create(
        region_id=HOME, indicator=indicator("rd_gdp"), year=2027, value=Decimal(value)
    )
    progress = targets.progress(target)
    assert progress.latest_year == 2024
    assert progress.needed == needed


def test_target_progress_for_a_count_is_a_growth_rate(world):
    official("hnte_total", HOME, 2024, 200)
    target = Target.objects.create(
        region_id=HOME, indicator=indicator("hnte_total"), year=2026, value=Decimal(242)
    )
    # (242 / 200) ** (1/2) − 1 = 10%
    assert targets.progress(target).needed == "每年增长 10.0%"
    target.year = 2023
    assert targets.progress(target).latest is None
    assert targets.progress(target).needed == "尚无数值"


def test_a_monitoring_recompute_refreshes_the_computed_indicators(
    monitored, django_capture_on_commit_callbacks
):
    IndicatorValue.objects.filter(is_computed=True).delete()
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.recompute(2024, today=datetime.date(2024, 12, 31))
    assert value_of("above_rd_intensity", HOME, 2024, computed=True) == Decimal("3.333333")


def test_a_new_hnte_certificate_refreshes_the_count(monitored, django_capture_on_commit_callbacks):
    this_year = datetime.date.today().year
    with django_capture_on_commit_callbacks(execute=True):
        QualificationFactory(
            enterprise=monitored.nanming_enterprise,
            kind="hnte",
            issued_on=datetime.date(this_year, 1, 2),
        )
    assert value_of("hnte_total", NANMING, this_year, computed=True) == 1


def test_the_simulation_lists_only_enterprises_in_the_users_scope(monitored):
    from kechuang.indicators import simulation
    from kechuang.indicators.tests.factories import province
    from kechuang.registry.models import Enterprise

    province(2024)
    scenario = simulation.Scenario(year=2024, target_year=2026, top_growth=0.1, others_growth=0.1)
    everyone = simulation.project(scenario)
    assert {c["id"] for c in everyone.contributors} == {
        monitored.nanming_enterprise.pk,
        monitored.qixing_enterprise.pk,
    }
    visible = set(Enterprise.objects.restrict(monitored.town).values_list("pk", flat=True))
    town = simulation.project(scenario, visible=visible)
    assert {c["id"] for c in town.contributors} == {monitored.nanming_enterprise.pk}
    assert any("数据范围" in note for note in town.notes)
    # The county's total still counts every enterprise: 600万 × 1.1² = 726万 = 0.0726亿元
    assert town.enterprise_rd[1] == pytest.approx(0.0726)


def test_a_growth_target_reads_as_the_rate_to_reach(world):
    IndicatorValue.objects.create(
        indicator=indicator("enterprise_rd_growth"),
        region_id=NANMING,
        year=2025,
        value=Decimal("8.03"),
        origin=ValueOrigin.COMPUTED,
        source=services.COMPUTED_SOURCE,
    )
    target = Target.objects.create(
        region_id=NANMING, indicator=indicator("enterprise_rd_growth"), year=2026, value=Decimal(15)
    )
    assert targets.progress(target).needed == "2026年增速需达到 15.0%（最新 8.0%）"
    met = Target.objects.create(
        region_id=NANMING, indicator=indicator("enterprise_rd_growth"), year=2027, value=Decimal(5)
    )
    assert targets.progress(met).gap == 0 and targets.progress(met).needed == "已达到"
