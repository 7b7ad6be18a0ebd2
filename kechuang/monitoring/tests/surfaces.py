"""Monitoring models in the shared permission and scope suite (core/tests/surfaces.py)."""

import datetime
from decimal import Decimal

from django.urls import reverse

from kechuang.core.tests.surfaces import (
    COUNTY_OFFICERS,
    COUNTY_WRITERS,
    Surface,
    enterprises_of,
)
from kechuang.monitoring.models import FinancialRecord, RDRecord, ServiceVisit
from kechuang.monitoring.services import add_to_pool


def pool_entries(world) -> dict:
    return {
        key: add_to_pool(
            enterprise, officer=world.staff, target="认定高新技术企业", reason="", user=world.staff
        )
        for key, enterprise in enterprises_of(world).items()
    }


def visits(world) -> dict:
    return {
        key: ServiceVisit.objects.create(
            entry=entry,
            visited_on=datetime.date(2026, 3, 2),
            visitors="科技局走访组",
            problems="研发人员不足",
        )
        for key, entry in pool_entries(world).items()
    }


def rd_records(world) -> dict:
    return {
        key: RDRecord.objects.create(
            enterprise=enterprise, year=2024, department="statistics", rd_expense=Decimal(1000)
        )
        for key, enterprise in enterprises_of(world).items()
    }


def financial_records(world) -> dict:
    return {
        key: FinancialRecord.objects.create(
            enterprise=enterprise, year=2024, department="statistics", revenue=Decimal(90_000)
        )
        for key, enterprise in enterprises_of(world).items()
    }


def enterprise_name(row) -> str:
    return row.enterprise.name


SURFACES = [
    Surface(
        name="monitoring.poolentry",
        rows=pool_entries,
        label=enterprise_name,
        viewers=COUNTY_OFFICERS,
        editors=COUNTY_WRITERS,
        exporters=COUNTY_OFFICERS,
        list_url="/monitoring/pool/",
        api_url="/api/monitoring/pool/",
        detail_url=lambda entry: entry.get_absolute_url(),
        edit_url=lambda entry: reverse("monitoring:poolentry_edit", args=[entry.pk]),
    ),
    Surface(
        name="monitoring.servicevisit",
        rows=visits,
        label=lambda visit: visit.entry.enterprise.name,
        viewers=COUNTY_OFFICERS,
        editors=COUNTY_WRITERS,
        exporters=COUNTY_OFFICERS,
        list_url="/monitoring/visits/?q=",  # an officer without a query sees only their own
        api_url="/api/monitoring/visits/",
        edit_url=lambda visit: reverse("monitoring:servicevisit_edit", args=[visit.pk]),
    ),
    Surface(
        name="monitoring.rdrecord",
        rows=rd_records,
        label=enterprise_name,
        viewers=COUNTY_OFFICERS | {"enterprise"},
        api_url="/api/monitoring/rd-records/",
    ),
    Surface(
        name="monitoring.financialrecord",
        rows=financial_records,
        label=enterprise_name,
        viewers=COUNTY_OFFICERS | {"enterprise"},
        api_url="/api/monitoring/financial-records/",
    ),
]
