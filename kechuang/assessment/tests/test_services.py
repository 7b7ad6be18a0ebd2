"""Facts gathered from the database, figure by figure with their sources, and the county's
assessment runs with their lists."""

import datetime
from decimal import Decimal

import pytest

from kechuang.assessment import services
from kechuang.assessment.facts import FactsLoader
from kechuang.assessment.models import AssessmentResult, AssessmentRun, RecognitionRules
from kechuang.assessment.tests.factories import (
    EnterpriseEventFactory,
    IntellectualPropertyFactory,
    RecognitionFiguresFactory,
    RecognitionProfileFactory,
    financial,
    rd_record,
    ready_enterprise,
    wan,
)
from kechuang.registry.tests.factories import EnterpriseFactory, QualificationFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2025, 6, 1)


def facts(enterprise, code="hnte", on=ON):
    return FactsLoader([enterprise.pk], on, code).facts_with_sources(enterprise.pk)


def test_recognition_figures_come_before_financial_records_before_rd_statistics():
    company = EnterpriseFactory()
    financial(company, 2024, revenue=9000, rd_expense_hnte=300)
    rd_record(company, 2024, rd_expense=280, commissioned_abroad=20)
    rd_record(company, 2023, rd_expense=250)
    RecognitionFiguresFactory(enterprise=company, year=2024, sales=wan(9100))
    got, sources = facts(company)
    assert got.sales_t1 == Decimal("9100")
    assert sources["sales_t1"] == "2024年认定口径数据"
    assert got.rd_t1 == Decimal("300") and sources["rd_t1"] == "2024年财务指标"
    assert got.rd_t2 == Decimal("250") and "107-2" in sources["rd_t2"]
    assert got.rd_domestic_t1 == Decimal("260")  # 280 less 20 commissioned abroad
    assert got.rd_t3 is None and "rd_t3" not in sources


def test_quarterly_records_are_not_read_as_years():
    company = EnterpriseFactory()
    financial(company, 2024, revenue=100)
    from kechuang.monitoring.models import FinancialRecord

    FinancialRecord.objects.create(
        enterprise=company, year=2023, quarter=2, revenue=wan(50), department="statistics"
    )
    got, _ = facts(company)
    assert got.sales_t1 == Decimal("100") and got.sales_t2 is None


def test_ip_counts_what_is_valid_on_the_day_and_unused_class_two_for_hnte():
    company = EnterpriseFactory()
    IntellectualPropertyFactory(enterprise=company)  # Ⅰ类
    IntellectualPropertyFactory(enterprise=company, kind="invention", lapsed_on=ON)
    IntellectualPropertyFactory(
        enterprise=company, kind="invention", granted_on=ON + datetime.timedelta(1)
    )
    IntellectualPropertyFactory(
        enterprise=company, kind="software", expires_on=ON - datetime.timedelta(1)
    )
    IntellectualPropertyFactory(enterprise=company, kind="utility_model")
    IntellectualPropertyFactory(enterprise=company, kind="design", used_in_hnte_year=2022)
    hnte, _ = facts(company, "hnte")
    assert (hnte.ip_class1, hnte.ip_class2) == (1, 1)
    sme, _ = facts(company, "sme")
    assert (sme.ip_class1, sme.ip_class2) == (1, 2)


def test_no_ip_recorded_is_unknown_not_zero():
    company = EnterpriseFactory()
    got, _ = facts(company)
    assert got.ip_class1 is None and got.ip_class2 is None


def test_incidents_look_back_a_year_for_hnte_and_to_last_january_for_sme():
    company = EnterpriseFactory()
    EnterpriseEventFactory(enterprise=company, occurred_on=datetime.date(2024, 3, 1))
    hnte, _ = facts(company, "hnte")
    sme, sources = facts(company, "sme")
    assert hnte.major_incident is None  # more than 365 days before 1 June 2025
    assert sme.major_incident is True and "2024-03-01" in sources["major_incident"]


def test_an_abnormal_listing_counts_while_it_lasts():
    company = EnterpriseFactory()
    EnterpriseEventFactory(
        enterprise=company,
        kind="abnormal_list",
        occurred_on=datetime.date(2021, 1, 1),
        title="未按时报送年度报告",
    )
    assert facts(company, "sme")[0].major_incident is True
    company2 = EnterpriseFactory()
    EnterpriseEventFactory(
        enterprise=company2,
        kind="abnormal_list",
        occurred_on=datetime.date(2021, 1, 1),
        ended_on=datetime.date(2022, 1, 1),
        title="已移出",
    )
    assert facts(company2, "sme")[0].major_incident is None


@pytest.mark.parametrize(("days_before", "expected"), [(0, False), (180, False), (181, None)])
def test_a_confirmation_of_no_incidents_holds_for_half_a_year(days_before, expected):
    company = EnterpriseFactory()
    RecognitionProfileFactory(
        enterprise=company, no_incidents_confirmed_on=ON - datetime.timedelta(days=days_before)
    )
    assert facts(company)[0].major_incident is expected


def test_routes_come_from_the_registry_and_events():
    company = EnterpriseFactory()
    QualificationFactory(enterprise=company, kind="hnte", issued_on=datetime.date(2023, 12, 1))
    QualificationFactory(
        enterprise=company,
        kind="rd_institution",
        level="county",
        issued_on=datetime.date(2020, 1, 1),
    )
    got, _ = facts(company, "sme")
    assert got.hnte_valid is True and got.provincial_rd_institution is False
    assert got.led_standard_5y is False and got.national_award_5y is False
    QualificationFactory(
        enterprise=company,
        kind="rd_institution",
        level="province",
        issued_on=datetime.date(2021, 1, 1),
    )
    EnterpriseEventFactory(
        enterprise=company,
        kind="standard_led",
        occurred_on=datetime.date(2021, 1, 1),
        title="主导制定行业标准《滚动轴承 套圈》",
    )
    got, _ = facts(company, "sme")
    assert got.provincial_rd_institution is True and got.led_standard_5y is True


def test_conversions_average_over_the_years_operated():
    company = EnterpriseFactory(founded_on=datetime.date(2023, 3, 1))
    RecognitionFiguresFactory(enterprise=company, year=2024, conversions=5)
    RecognitionFiguresFactory(enterprise=company, year=2023, conversions=2)
    assert facts(company)[0].conversions_avg_3y == Decimal("3.5")


def test_a_ready_enterprise_passes_every_condition_the_data_decide():
    company = ready_enterprise(EnterpriseFactory())
    result, _facts, sources, rules = services.assess_enterprise(company, "hnte", ON)
    verdicts = {c.key: c.verdict for c in result.criteria}
    assert verdicts == {
        "c1": "met",
        "c2": "met",
        "c3": "met",
        "c4": "met",
        "c5": "met",
        "c6": "met",
        "c7": "needs_info",
        "c8": "met",
    }
    assert rules.version == "2016"
    assert result.criterion("c5").period == "2022—2024年"
    assert sources["rd_t1"] == "2024年认定口径数据"


def test_rules_in_force_come_from_stored_versions():
    assert RecognitionRules.objects.count() == 2  # stored by the migration, once
    row, rules = services.rules_in_force("hnte", ON)
    revised = dict(row.rules, version="2026", min_tech_staff_ratio="0.2")
    RecognitionRules.objects.create(
        code="hnte",
        version="2026",
        title="修订",
        rules=revised,
        effective_from=datetime.date(2026, 1, 1),
    )
    assert services.rules_in_force("hnte", ON)[0].version == "2016"
    assert services.rules_in_force("hnte", datetime.date(2026, 2, 1))[
        1
    ].min_tech_staff_ratio == Decimal("0.2")
    with pytest.raises(services.AssessmentRefused):
        services.rules_in_force("hnte", datetime.date(2010, 1, 1))


def test_a_run_stores_every_active_enterprise_and_becomes_current(world):
    ready = ready_enterprise(EnterpriseFactory(town_id="330624002"))
    QualificationFactory(
        enterprise=ready,
        kind="tech_sme",
        issued_on=datetime.date(2025, 3, 1),
        valid_until=datetime.date(2026, 3, 31),
    )
    holder = EnterpriseFactory()
    QualificationFactory(enterprise=holder, kind="hnte", issued_on=datetime.date(2022, 12, 1))
    EnterpriseFactory(status="closed")
    first = services.run_assessment("hnte", ON, user=world.staff)
    active = AssessmentResult.objects.filter(run=first).count()
    assert active == first.summary["enterprises"]
    second = services.run_assessment("hnte", ON, user=world.staff)
    assert list(AssessmentRun.objects.filter(code="hnte", is_current=True)) == [second]
    assert AssessmentResult.objects.filter(run=first).count() == active  # kept
    candidates = list(services.candidates(second).values_list("enterprise_id", flat=True))
    assert candidates == [ready.pk]
    expiring = services.expiring(second).get()
    assert expiring.enterprise_id == holder.pk
    assert expiring.hnte_valid_until == datetime.date(2025, 11, 30)
    row = second.results.get(enterprise=ready)
    assert row.verdicts["c5"] == "met" and row.closeness > 90
    assert row.detail["criteria"][4]["period"] == "2022—2024年"


def test_sme_reads_rd_on_the_super_deduction_caliber_first():
    company = EnterpriseFactory()
    financial(company, 2024, revenue=9000, rd_expense_hnte=300, rd_expense_deduction=280)
    assert facts(company, "hnte")[0].rd_t1 == Decimal("300")
    sme, sources = facts(company, "sme")
    assert sme.rd_t1 == Decimal("280") and "加计扣除" in sources["rd_t1"]
