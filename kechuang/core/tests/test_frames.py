"""Reading querysets into DataFrames: every kind of column, NULLs, odd text, empty results,
and the current transaction's uncommitted rows (run on SQLite and on PostgreSQL by CI)."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection, transaction

from kechuang.core.frames import read_frame, read_frames
from kechuang.monitoring.models import RDRecord
from kechuang.registry.models import Enterprise, Qualification, ScaleRecord
from kechuang.registry.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    ScaleRecordFactory,
)

pytestmark = pytest.mark.django_db


def test_decimals_integers_and_nulls():
    first, second = EnterpriseFactory(), EnterpriseFactory()
    RDRecord.objects.create(
        enterprise=first,
        year=2024,
        department="statistics",
        rd_expense=Decimal("1234567.89"),
        rd_staff=12,
    )
    RDRecord.objects.create(enterprise=second, year=2024, department="statistics")

    frame = read_frame(
        RDRecord.objects.order_by("enterprise_id"),
        ["enterprise_id", "year", "rd_expense", "rd_staff"],
    )

    assert list(frame.columns) == ["enterprise_id", "year", "rd_expense", "rd_staff"]
    assert frame["rd_expense"].dtype == "float64"
    assert frame["enterprise_id"].dtype == "Int64"
    assert frame["enterprise_id"].tolist() == [first.pk, second.pk]
    assert frame["rd_expense"].iloc[0] == pytest.approx(1234567.89)
    assert pd.isna(frame["rd_expense"].iloc[1])
    assert frame["rd_staff"].iloc[0] == 12 and pd.isna(frame["rd_staff"].iloc[1])


def test_text_codes_keep_leading_zeros_and_odd_characters():
    enterprise = EnterpriseFactory(town_id="330624001", name='新昌"测试",科技\t有限公司')
    frame = read_frame(Enterprise.objects.filter(pk=enterprise.pk), ["town_id", "name", "uscc"])
    assert frame.iloc[0].tolist() == ["330624001", '新昌"测试",科技\t有限公司', enterprise.uscc]


def test_booleans_and_dates():
    on, off = EnterpriseFactory(), EnterpriseFactory()
    ScaleRecordFactory(enterprise=on, year=2024, is_above_scale=True)
    ScaleRecordFactory(enterprise=off, year=2024, is_above_scale=False)
    QualificationFactory(enterprise=on, issued_on=datetime.date(2023, 12, 1))

    scale = read_frame(
        ScaleRecord.objects.order_by("enterprise_id"), ["enterprise_id", "is_above_scale"]
    )
    assert scale["is_above_scale"].tolist() == [True, False]
    quals = read_frame(Qualification.objects.all(), ["issued_on", "revoked_on"])
    assert quals.iloc[0].tolist() == ["2023-12-01", None]


def test_an_empty_result_has_the_columns():
    frame = read_frame(RDRecord.objects.none(), ["enterprise_id", "rd_expense"])
    assert frame.empty and list(frame.columns) == ["enterprise_id", "rd_expense"]
    frame = read_frame(RDRecord.objects.filter(year=1900), ["enterprise_id", "rd_expense"])
    assert frame.empty and list(frame.columns) == ["enterprise_id", "rd_expense"]


def test_filters_with_parameters_and_subqueries_are_applied():
    kept, other = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    for enterprise, amount in ((kept, "5"), (other, "0")):
        RDRecord.objects.create(
            enterprise=enterprise, year=2024, department="statistics", rd_expense=Decimal(amount)
        )
    zero = RDRecord.objects.filter(rd_expense=0).values("enterprise_id")
    frame = read_frame(
        Enterprise.objects.exclude(pk__in=zero).filter(name__contains="公司"), ["id"]
    )
    assert frame["id"].tolist() == [kept.pk]


def test_a_name_with_percent_signs_reads_back_whole():
    enterprise = EnterpriseFactory(name="百分之百%s%%科技")
    frame = read_frame(Enterprise.objects.filter(pk=enterprise.pk), ["name"])
    assert frame["name"].tolist() == ["百分之百%s%%科技"]


def _reads():
    return {
        "records": (RDRecord.objects.order_by("enterprise_id"), ["enterprise_id", "rd_expense"]),
        "scale": (ScaleRecord.objects.order_by("enterprise_id"), ["enterprise_id", "year"]),
        "none": (RDRecord.objects.none(), ["enterprise_id"]),
    }


def _some_records():
    for amount in ("1.50", "2", "0"):
        enterprise = EnterpriseFactory()
        RDRecord.objects.create(
            enterprise=enterprise, year=2024, department="statistics", rd_expense=Decimal(amount)
        )
        ScaleRecordFactory(enterprise=enterprise, year=2024, is_above_scale=True)


def test_several_reads_inside_a_transaction_see_its_rows():
    _some_records()
    frames = read_frames(_reads())
    assert frames["records"]["rd_expense"].tolist() == [1.5, 2.0, 0.0]
    assert len(frames["scale"]) == 3 and frames["none"].empty


# Committed rows, as other connections see them; the reference data is restored afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_several_reads_outside_a_transaction_run_on_connections_of_their_own():
    _some_records()
    assert not connection.in_atomic_block
    parallel = read_frames(_reads())
    with transaction.atomic():
        in_turn = read_frames(_reads())
    for name, frame in in_turn.items():
        pd.testing.assert_frame_equal(parallel[name], frame)
    assert parallel["records"]["rd_expense"].tolist() == [1.5, 2.0, 0.0]


def test_text_that_json_escapes_reads_back_whole():
    names = ["反斜杠\\n不是换行", "真换行\n第二行", '引号"与逗号,', "控制符\x01与表情😀"]
    enterprises = [EnterpriseFactory(name=name) for name in names]
    frame = read_frame(
        Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).order_by("pk"), ["name"]
    )
    assert frame["name"].tolist() == names


def test_large_negative_and_null_first_amounts():
    amounts = [None, Decimal("9999999999999.99"), Decimal("-0.01"), Decimal("0.29")]
    for amount in amounts:
        RDRecord.objects.create(
            enterprise=EnterpriseFactory(), year=2024, department="statistics", rd_expense=amount
        )
    frame = read_frame(RDRecord.objects.order_by("pk"), ["rd_expense"])
    assert pd.isna(frame["rd_expense"].iloc[0])
    assert frame["rd_expense"].iloc[1:].tolist() == [9999999999999.99, -0.01, 0.29]


def _every_kind():
    enterprise = EnterpriseFactory(name='新昌"测试",科技\t有限公司', town_id="330624001")
    RDRecord.objects.create(
        enterprise=enterprise,
        year=2024,
        department="statistics",
        rd_expense=Decimal("1234567.89"),
        rd_staff=12,
    )
    RDRecord.objects.create(enterprise=EnterpriseFactory(), year=2024, department="statistics")
    ScaleRecordFactory(enterprise=enterprise, year=2024, is_above_scale=True)
    QualificationFactory(enterprise=enterprise, issued_on=datetime.date(2023, 12, 1))
    return {
        "records": (
            RDRecord.objects.filter(rd_expense__gte=Decimal("0.5"))
            | RDRecord.objects.filter(rd_expense__isnull=True),
            ["enterprise_id", "year", "rd_expense", "rd_staff", "department"],
        ),
        "names": (Enterprise.objects.filter(pk=enterprise.pk), ["name", "town_id"]),
        "scale": (ScaleRecord.objects.all(), ["enterprise_id", "is_above_scale"]),
        "dates": (Qualification.objects.all(), ["issued_on", "revoked_on"]),
        "empty": (RDRecord.objects.filter(year=1900), ["enterprise_id", "rd_expense"]),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_outside_a_transaction_matches_one_inside():
    """On PostgreSQL the rows then come through the Arrow driver; the frame is the same."""
    reads = _every_kind()
    assert not connection.in_atomic_block
    outside = {
        name: read_frame(qs.order_by("pk"), columns) for name, (qs, columns) in reads.items()
    }
    with transaction.atomic():
        inside = {
            name: read_frame(qs.order_by("pk"), columns) for name, (qs, columns) in reads.items()
        }
    for name, frame in inside.items():
        pd.testing.assert_frame_equal(outside[name], frame)
    assert outside["records"]["rd_expense"].iloc[0] == pytest.approx(1234567.89)
    assert outside["names"].iloc[0].tolist() == ['新昌"测试",科技\t有限公司', "330624001"]
    assert outside["scale"]["is_above_scale"].tolist() == [True]
    assert outside["dates"].iloc[0].tolist() == ["2023-12-01", None]
    assert outside["empty"].empty
