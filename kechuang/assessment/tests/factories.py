"""Builders of an enterprise's recognition facts: IP rights, yearly figures, events, and the
period records the rules read, as an officer or the statistics office would enter them."""

import datetime
from decimal import Decimal

import factory

from kechuang.assessment.models import (
    EnterpriseEvent,
    IntellectualProperty,
    RecognitionFigures,
    RecognitionProfile,
)
from kechuang.monitoring.models import FinancialRecord, RDRecord
from kechuang.registry.tests.factories import EnterpriseFactory

WAN = Decimal(10000)


class IntellectualPropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntellectualProperty

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = "invention"
    number = factory.Sequence(lambda n: f"ZL2021{n:07d}.X")
    title = factory.Sequence(lambda n: f"一种高精度轴承套圈加工方法{n}")
    granted_on = datetime.date(2022, 3, 1)


class RecognitionFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecognitionFigures

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024


class EnterpriseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseEvent

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = "safety_incident"
    occurred_on = datetime.date(2024, 9, 1)
    title = "生产车间火灾，造成重大财产损失"


class RecognitionProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecognitionProfile

    enterprise = factory.SubFactory(EnterpriseFactory)
    tech_domain = "8.1.1"
    restricted_catalogue = False


def wan(value) -> Decimal:
    return Decimal(str(value)) * WAN


def financial(enterprise, year, **values):
    """A financial record with amounts given in 万元."""
    amounts = {k: wan(v) if k not in ("employees", "tech_staff") else v for k, v in values.items()}
    return FinancialRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", **amounts
    )


def rd_record(enterprise, year, **values):
    amounts = {k: wan(v) if k not in ("rd_staff",) else v for k, v in values.items()}
    return RDRecord.objects.create(
        enterprise=enterprise, year=year, department="statistics", **amounts
    )


def ready_enterprise(enterprise, *, on_year: int = 2025):
    """An enterprise whose records make it a 高企 on every condition the data decide: the
    three years before `on_year` at 12,000 / 10,000 / 8,000 万元 sales, R&D 5%, all of it
    domestic, 15% technology staff, 75% high-tech income, two inventions, no incident."""
    t1, t2, t3 = on_year - 1, on_year - 2, on_year - 3
    for year, sales, net in ((t1, 12000, 6000), (t2, 10000, 5000), (t3, 8000, 4000)):
        financial(
            enterprise,
            year,
            revenue=sales,
            net_assets=net,
            total_assets=sales * 1.2,
            cost_expense_total=sales * 0.85,
            employees=200,
            tech_staff=30,
        )
        RecognitionFiguresFactory(
            enterprise=enterprise,
            year=year,
            rd_expense=wan(sales * 0.05),
            rd_domestic=wan(sales * 0.05),
            conversions=4,
            total_income=wan(sales * 1.02) if year == t1 else None,
            hightech_income=wan(sales * 0.8) if year == t1 else None,
        )
    IntellectualPropertyFactory(enterprise=enterprise)
    IntellectualPropertyFactory(enterprise=enterprise, kind="utility_model")
    RecognitionProfileFactory(
        enterprise=enterprise, no_incidents_confirmed_on=datetime.date(on_year, 5, 1)
    )
    return enterprise
