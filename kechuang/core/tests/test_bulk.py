"""Set-based writes leave the same rows and history as the ORM would: values, audit columns,
history type, user, reason and request origin (run on SQLite and on PostgreSQL by CI)."""

from decimal import Decimal

import pandas as pd
import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from kechuang.accounts.models import User
from kechuang.core import bulk
from kechuang.monitoring.models import RDRecord
from kechuang.registry.models import ScaleRecord
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user("writer", password="writer-pass-2026")


def rd_frame(enterprises, **values):
    return pd.DataFrame(
        {
            "enterprise_id": [e.pk for e in enterprises],
            "year": 2024,
            "quarter": 0,
            "department": "statistics",
            "source_unit": "thousand",
            **values,
        }
    )


def test_insert_writes_rows_audit_columns_and_one_creation_each(user):
    first, second = EnterpriseFactory(), EnterpriseFactory()
    frame = rd_frame(
        [first, second],
        rd_expense=pd.Series([Decimal("1234567.89"), None], dtype="object"),
        rd_staff=pd.array([12, None], dtype="Int64"),
    )

    bulk.insert_rows(
        RDRecord,
        frame,
        user=user,
        reason="导入批次#1",
        within=RDRecord.objects.filter(year=2024),
        key="enterprise_id",
    )

    stored = RDRecord.objects.get(enterprise=first)
    assert stored.rd_expense == Decimal("1234567.89")
    assert stored.rd_staff == 12
    assert (stored.created_by, stored.updated_by) == (user, user)
    assert stored.created_at is not None and stored.created_at == stored.updated_at
    empty = RDRecord.objects.get(enterprise=second)
    assert (empty.rd_expense, empty.rd_staff) == (None, None)
    history = stored.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        user,
        "导入批次#1",
    )
    assert history.rd_expense == Decimal("1234567.89")
    assert RDRecord.history.count() == 2


def test_history_is_written_only_for_the_rows_the_key_picks_out(user):
    earlier = EnterpriseFactory()
    RDRecord.objects.create(enterprise=earlier, year=2024, department="statistics")
    before = RDRecord.history.count()
    newcomer = EnterpriseFactory()

    bulk.insert_rows(
        RDRecord,
        rd_frame([newcomer]),
        user=user,
        reason="导入",
        within=RDRecord.objects.filter(year=2024),
        key="enterprise_id",
    )

    assert RDRecord.history.count() == before + 1
    assert RDRecord.history.order_by("-history_id").first().enterprise_id == newcomer.pk


def test_update_sets_columns_and_records_the_change(user):
    record = RDRecord.objects.create(
        enterprise=EnterpriseFactory(), year=2024, department="statistics", rd_staff=3
    )

    bulk.update_rows(
        RDRecord,
        pd.DataFrame({"id": [record.pk], "rd_staff": [7], "rd_expense": [Decimal("10.50")]}),
        user=user,
        reason="更新",
    )

    record.refresh_from_db()
    assert (record.rd_staff, record.rd_expense, record.updated_by) == (7, Decimal("10.50"), user)
    latest = record.history.order_by("-history_id").first()
    assert (latest.history_type, latest.rd_staff, latest.history_change_reason) == ("~", 7, "更新")
    changes = latest.diff_against(latest.prev_record).changed_fields
    assert {"rd_staff", "rd_expense"} <= set(changes)


def test_delete_keeps_a_deletion_row_in_history(user):
    record = ScaleRecord.objects.create(
        enterprise=EnterpriseFactory(), year=2024, is_above_scale=True
    )

    bulk.delete_rows(ScaleRecord, [record.pk], user=user, reason="撤销")

    assert not ScaleRecord.objects.filter(pk=record.pk).exists()
    gone = ScaleRecord.history.filter(id=record.pk).order_by("-history_id").first()
    assert (gone.history_type, gone.history_user, gone.is_above_scale) == ("-", user, True)


def test_many_rows_go_in_chunks_under_the_parameter_limit(user):
    enterprises = EnterpriseFactory.create_batch(bulk.CHUNK + 5)
    within = ScaleRecord.objects.filter(year=2023)

    bulk.insert_rows(
        ScaleRecord,
        pd.DataFrame(
            {"enterprise_id": [e.pk for e in enterprises], "year": 2023, "is_above_scale": True}
        ),
        user=user,
        reason="规上标记",
        within=within,
        key="enterprise_id",
    )
    ids = list(within.values_list("pk", flat=True))
    bulk.delete_rows(ScaleRecord, ids, user=user, reason="撤销")

    assert within.count() == 0
    kinds = ScaleRecord.history.filter(id__in=ids).values_list("history_type", flat=True)
    assert sorted(set(kinds)) == ["+", "-"] and len(kinds) == 2 * len(ids)


def test_the_request_being_served_is_recorded(user):
    request = RequestFactory().post("/monitoring/batches/7/commit/", REMOTE_ADDR="10.1.2.3")
    HistoricalRecords.context.request = request
    try:
        record = marked_above_scale(user)
    finally:
        del HistoricalRecords.context.request
    latest = record.history.order_by("-history_id").first()
    assert (latest.history_ip, latest.history_path) == ("10.1.2.3", "/monitoring/batches/7/commit/")


def test_without_a_request_the_origin_is_empty(user):
    record = marked_above_scale(user)
    latest = record.history.order_by("-history_id").first()
    assert (latest.history_ip, latest.history_path) == (None, "")


def marked_above_scale(user) -> ScaleRecord:
    record = ScaleRecord.objects.create(
        enterprise=EnterpriseFactory(), year=2024, is_above_scale=False
    )
    bulk.update_rows(
        ScaleRecord,
        pd.DataFrame({"id": [record.pk], "is_above_scale": [True]}),
        user=user,
        reason="规上标记",
    )
    return record


def test_set_by_ids_touches_exactly_the_rows_named():
    records = [
        ScaleRecord.objects.create(enterprise=EnterpriseFactory(), year=2024, is_above_scale=False)
        for _ in range(3)
    ]

    bulk.set_by_ids(ScaleRecord, [records[0].pk, records[2].pk], {"is_above_scale": True})
    bulk.set_by_ids(ScaleRecord, [], {"is_above_scale": False})

    assert [r.is_above_scale for r in ScaleRecord.objects.order_by("pk")] == [True, False, True]
