"""A batch's life at the service level: all-or-nothing commits, idempotent re-imports,
rollback, new enterprises, 规上 marks and the background job runner big imports go through."""

from decimal import Decimal

import pytest

from kechuang.conftest import SHARED_WORLD
from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.engines import uscc
from kechuang.monitoring import batches, intake
from kechuang.monitoring.models import FinancialRecord, ImportBatch, RDRecord
from kechuang.monitoring.tests.factories import (
    FULL,
    codes,
    commit,
    financial_workbook,
    full_row,
    full_workbook,
    rd_row,
    rd_workbook,
    stage,
)
from kechuang.registry.models import Enterprise, ScaleRecord
from kechuang.registry.tests.factories import ScaleRecordFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- commit -------------------------------------------------------------------------------


def test_commit_writes_yuan_with_provenance(world):
    content = rd_workbook([rd_row(world.nanming_enterprise), rd_row(world.qixing_enterprise)])
    batch = commit(stage(world.staff, content), world.staff)

    assert (batch.status, batch.created_count, batch.updated_count) == ("committed", 2, 0)
    record = RDRecord.objects.get(enterprise=world.nanming_enterprise, year=2024, quarter=0)
    assert record.rd_expense == Decimal("1000000.00")
    assert record.cost_personnel == Decimal("600000.00")
    assert (record.batch, record.department, record.source_unit) == (
        batch,
        "statistics",
        "thousand",
    )
    assert record.created_by == world.staff
    assert record.history.count() == 1
    assert record.history.first().history_change_reason == f"导入批次#{batch.pk}"


def test_all_or_nothing_when_one_row_is_bad(world):
    content = rd_workbook(
        [rd_row(world.nanming_enterprise), rd_row(world.qixing_enterprise, rd_staff="n/a")]
    )
    batch = stage(world.staff, content)
    assert batch.status == "failed"
    with pytest.raises(batches.CommitRefused):
        commit(batch, world.staff)
    assert RDRecord.objects.count() == 0


def test_all_or_nothing_when_writing_fails_half_way(world, monkeypatch):
    first = commit(stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)])), world.staff)
    changed = rd_workbook(
        [rd_row(world.nanming_enterprise, rd_staff=99), rd_row(world.qixing_enterprise)]
    )
    batch = stage(world.staff, changed, allow_update=True)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    # New rows are written first, then updates: the update fails after the insert.
    monkeypatch.setattr("kechuang.core.bulk.update_rows", broken)
    with pytest.raises(RuntimeError):
        commit(batch, world.staff)
    batch.refresh_from_db()
    assert batch.status == "validated"
    assert not RDRecord.objects.filter(enterprise=world.qixing_enterprise).exists()
    assert RDRecord.objects.get().rd_staff == 20
    assert RDRecord.objects.get().batch == first


def test_reimporting_the_same_file_changes_nothing(world):
    content = full_workbook([full_row(world.nanming_enterprise), full_row(world.qixing_enterprise)])
    commit(stage(world.staff, content), world.staff)
    before = {r.pk: (r.updated_at, r.batch_id) for r in RDRecord.objects.all()}
    history_before = RDRecord.history.count()

    again = stage(world.staff, content, allow_update=False)
    assert again.status == "validated"
    assert codes(again.warnings) == ["same_file"]
    again = commit(again, world.staff)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert {r.pk: (r.updated_at, r.batch_id) for r in RDRecord.objects.all()} == before
    assert RDRecord.history.count() == history_before


def test_existing_figures_need_update_to_be_replaced(world, lookups):
    commit(stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)])), world.staff)
    changed = rd_workbook(
        [rd_row(world.nanming_enterprise, rd_staff=25), rd_row(world.qixing_enterprise)]
    )
    refused = stage(world.staff, changed, allow_update=False)
    assert refused.status == "failed"
    assert [(i["row"], i["code"]) for i in refused.errors] == [(6, "exists")]
    assert "更新已有数据" in refused.errors[0]["message"]

    updated = commit(stage(world.staff, changed, allow_update=True), world.staff)
    assert (updated.created_count, updated.updated_count) == (1, 1)
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 25


def test_commit_keeps_the_update_choice_made_at_upload(world):
    """A batch staged without "update existing" is refused if the period changed since."""
    content = rd_workbook([rd_row(world.nanming_enterprise, rd_staff=25)])
    waiting = stage(world.staff, content, allow_update=False)
    assert waiting.status == "validated" and waiting.allow_update is False
    commit(stage(world.staff, rd_workbook([rd_row(world.nanming_enterprise)])), world.staff)

    with pytest.raises(batches.CommitRefused, match="请重新上传并校验"):
        commit(waiting, world.staff)
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 20

    waiting_with_update = stage(world.staff, content, allow_update=True)
    commit(waiting_with_update, world.staff)
    assert RDRecord.objects.get(enterprise=world.nanming_enterprise).rd_staff == 25


def test_quarterly_figures_are_kept_apart_from_the_annual_ones(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    commit(stage(world.staff, content), world.staff)
    commit(stage(world.staff, content, quarter=2), world.staff)
    assert sorted(RDRecord.objects.values_list("quarter", flat=True)) == [0, 2]


# -- rollback -----------------------------------------------------------------------------


def _values(record) -> dict:
    return {f: getattr(record, f) for f in ["batch_id", "department", "source_unit", *FULL]}


def test_rollback_restores_previous_values_exactly_and_removes_created_rows(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    first = commit(stage(world.staff, full_workbook([full_row(a)])), world.staff)
    original = _values(RDRecord.objects.get(enterprise=a))

    second = stage(
        world.staff,
        full_workbook([full_row(a, cost_other=140, rd_expense=1100, fund_self=900), full_row(b)]),
        department="economy",
        default_unit="yuan",
        allow_update=True,
    )
    second = commit(second, world.staff)
    assert (second.created_count, second.updated_count) == (1, 1)
    changed = RDRecord.objects.get(enterprise=a)
    assert changed.rd_expense == Decimal("1100000.00")  # the units line says 千元
    assert (changed.batch, changed.department) == (second, "economy")

    batches.rollback(second, user=world.staff)

    second.refresh_from_db()
    assert second.status == "rolled_back"
    assert second.rolled_back_at is not None
    assert _values(RDRecord.objects.get(enterprise=a)) == original
    assert not RDRecord.objects.filter(enterprise=b).exists()
    restored = RDRecord.objects.get(enterprise=a).history.first()
    assert restored.history_change_reason == f"撤销导入批次#{second.pk}"

    removed_pk = RDRecord.objects.get(enterprise=a).pk
    batches.rollback(first, user=world.staff)
    assert RDRecord.objects.count() == 0
    removal = RDRecord.history.filter(id=removed_pk).order_by("-history_id").first()
    assert (removal.history_type, removal.history_user) == ("-", world.staff)
    assert removal.history_change_reason == f"撤销导入批次#{first.pk}"
    with pytest.raises(batches.CommitRefused, match="该批次已撤销"):
        batches.rollback(first, user=world.staff)


def test_batches_committed_one_undo_step_per_row_still_roll_back(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    kept = RDRecord.objects.create(
        enterprise=a, year=2024, department="economy", rd_staff=21, rd_expense=Decimal("5.50")
    )
    batch = commit(stage(world.staff, rd_workbook([rd_row(b)])), world.staff)
    added = RDRecord.objects.get(enterprise=b)
    scale = ScaleRecordFactory(enterprise=b, year=2024, is_above_scale=True)
    RDRecord.objects.filter(pk=kept.pk).update(rd_staff=99, batch=batch, department="statistics")
    batch.undo = [
        {"op": "record_created", "pk": added.pk},
        {
            "op": "record_updated",
            "pk": kept.pk,
            "before": {
                "rd_staff": "21",
                "rd_expense": "5.50",
                "batch_id": None,
                "department": "economy",
                "source_unit": "yuan",
            },
        },
        {"op": "scale_updated", "pk": scale.pk},
    ]
    batch.save()

    batches.rollback(batch, user=world.staff)

    kept.refresh_from_db()
    assert (kept.rd_staff, kept.rd_expense, kept.batch, kept.department) == (
        21,
        Decimal("5.50"),
        None,
        "economy",
    )
    assert not RDRecord.objects.filter(pk=added.pk).exists()
    scale.refresh_from_db()
    assert scale.is_above_scale is False


def test_rollback_refused_while_a_later_batch_stands(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    first = commit(stage(world.staff, content), world.staff)
    later = commit(
        stage(
            world.staff,
            rd_workbook([rd_row(world.nanming_enterprise, rd_staff=21)]),
            allow_update=True,
        ),
        world.staff,
    )
    with pytest.raises(batches.CommitRefused, match=f"#{later.pk}"):
        batches.rollback(first, user=world.staff)
    assert RDRecord.objects.get().rd_staff == 21
    batches.rollback(later, user=world.staff)
    batches.rollback(first, user=world.staff)
    assert RDRecord.objects.count() == 0


# -- unknown enterprises ------------------------------------------------------------------


def test_unknown_codes_are_rejected_unless_created_in_the_same_step(world):
    code = uscc.make("91", "330624", "MD000001")
    row = {**rd_row(world.nanming_enterprise), "uscc": code, "name": "新昌县新登记智能科技有限公司"}
    content = rd_workbook([rd_row(world.nanming_enterprise), row])
    batch = stage(world.staff, content)
    assert batch.status == "validated"
    assert [u["uscc"] for u in batch.unknown_usccs] == [code]

    with pytest.raises(batches.CommitRefused, match="1家企业尚未登记"):
        commit(batch, world.staff)
    with pytest.raises(batches.CommitRefused, match="默认乡镇街道和行业"):
        batches.commit(batch, user=world.staff, create_unknown=True)
    assert not Enterprise.objects.filter(uscc=code).exists()
    assert RDRecord.objects.count() == 0

    batch = batches.commit(
        batch, user=world.staff, create_unknown=True, town_code="330624003", industry_code="3484"
    )
    created = Enterprise.objects.get(uscc=code)
    assert (created.name, created.town_id, created.industry_id) == (
        "新昌县新登记智能科技有限公司",
        "330624003",
        "3484",
    )
    assert created.created_by == world.staff
    assert RDRecord.objects.get(enterprise=created).rd_expense == Decimal("1000000.00")
    assert batch.created_count == 2

    batches.rollback(batch, user=world.staff)
    created.refresh_from_db()
    assert created.status == "closed"  # enterprises are never deleted
    assert RDRecord.objects.count() == 0


def test_new_enterprises_only_in_towns_within_scope(world):
    code = uscc.make("91", "330683", "MD000002")
    row = {**rd_row(world.nanming_enterprise), "uscc": code, "name": "嵊州某公司"}
    batch = stage(world.staff, rd_workbook([row]))
    with pytest.raises(batches.CommitRefused):
        batches.commit(
            batch,
            user=world.staff,
            create_unknown=True,
            town_code="330683001",  # 嵊州: outside the bureau's county
            industry_code="3484",
        )
    assert not Enterprise.objects.filter(uscc=code).exists()


# -- financial figures --------------------------------------------------------------------


def test_financial_file_with_above_scale_marks_scale_records(world):
    a, b = world.nanming_enterprise, world.qixing_enterprise
    ScaleRecordFactory(enterprise=b, year=2024, is_above_scale=False)
    rows = [
        {
            "uscc": a.uscc,
            "name": a.name,
            "revenue": 12_000,
            "total_assets": 30_000,
            "employees": 210,
        },
        {
            "uscc": b.uscc,
            "name": b.name,
            "revenue": 2_500.5,
            "total_assets": 4_000,
            "employees": 80,
        },
    ]
    batch = stage(
        world.staff,
        financial_workbook(rows),
        filename="规上财务.xlsx",
        kind="financial",
        marks_above_scale=True,
    )
    assert batch.issues == []
    batch = commit(batch, world.staff)

    record = FinancialRecord.objects.get(enterprise=b, year=2024)
    assert record.revenue == Decimal("25005000.00")  # （万元） in the header
    assert record.employees == 80
    assert ScaleRecord.objects.get(enterprise=a, year=2024).is_above_scale is True
    assert ScaleRecord.objects.get(enterprise=b, year=2024).is_above_scale is True
    marked = ScaleRecord.objects.get(enterprise=a, year=2024).history.get()
    assert (marked.history_type, marked.history_user) == ("+", world.staff)
    assert marked.history_change_reason == f"导入批次#{batch.pk}"

    batches.rollback(batch, user=world.staff)
    assert not ScaleRecord.objects.filter(enterprise=a, year=2024).exists()
    assert ScaleRecord.objects.get(enterprise=b, year=2024).is_above_scale is False
    assert FinancialRecord.objects.count() == 0


def test_financial_file_without_the_mark_leaves_scale_alone(world):
    a = world.nanming_enterprise
    rows = [{"uscc": a.uscc, "name": a.name, "revenue": 1_000}]
    batch = commit(stage(world.staff, financial_workbook(rows), kind="financial"), world.staff)
    assert batch.created_count == 1
    assert not ScaleRecord.objects.filter(enterprise=a).exists()


# -- the job runner big imports go through ------------------------------------------------


def test_job_reports_progress_and_result(world, monkeypatch):
    seen = []

    def handler(job, report):
        report(40, "一半")
        seen.append(Job.objects.values_list("status", "progress", "message").get(pk=job.pk))
        return {"answer": job.params["n"] * 2}

    monkeypatch.setitem(jobs.HANDLERS, "test.double", handler)
    job = jobs.enqueue("test.double", "测试任务", params={"n": 21}, user=world.staff)

    assert seen == [("running", 40, "一半")]
    assert (job.status, job.progress, job.result) == ("succeeded", 100, {"answer": 42})
    assert job.started_at is not None and job.finished_at is not None


def test_failed_job_records_the_error(world, monkeypatch):
    def handler(job, report):
        report(30, "读取")
        raise ValueError("文件已损坏")

    monkeypatch.setitem(jobs.HANDLERS, "test.broken", handler)
    job = jobs.enqueue("test.broken", "测试任务", params={}, user=world.staff)
    assert job.status == "failed"
    assert job.progress == 30
    assert job.error.startswith("文件已损坏")
    assert "Traceback" in job.error


def test_stage_job_reads_the_archived_file(world):
    content = rd_workbook([rd_row(world.nanming_enterprise)])
    path = batches.archive(content, intake.file_digest(content), "107-2.xlsx")
    job = jobs.enqueue(
        "monitoring.stage",
        "校验",
        params={
            "path": path,
            "filename": "107-2.xlsx",
            "kind_key": "rd",
            "year": 2024,
            "quarter": 0,
            "department": "statistics",
            "default_unit": "thousand",
            "marks_above_scale": False,
            "allow_update": True,
            "user_id": world.staff.pk,
        },
        user=world.staff,
    )
    assert job.status == "succeeded", job.error
    batch = ImportBatch.objects.get(pk=job.result["batch_id"])
    assert (batch.status, batch.row_count, batch.created_by) == ("validated", 1, world.staff)
    assert job.result["url"] == batch.get_absolute_url()


def test_job_handlers_are_known_to_a_worker_that_loads_no_urls():
    """`kechuang worker --skip-checks` never imports the URL configuration."""
    import subprocess
    import sys

    script = (
        "import django, sys; django.setup(); "
        "from kechuang.core import jobs; "
        "print(sorted(k for k in jobs.HANDLERS if k.startswith('monitoring.'))); "
        "print('kechuang.urls' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert output[:2] == ["['monitoring.commit', 'monitoring.stage']", "False"]
