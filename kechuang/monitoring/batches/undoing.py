"""Undoing a committed batch from its recorded steps, while no later batch of the same
period stands on its figures, then logging it and recomputing or retiring the year."""

from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone

from kechuang.core import bulk, changelog
from kechuang.core.models import OperationLog
from kechuang.core.oplog import record_operation
from kechuang.monitoring import choices, services
from kechuang.monitoring.batches.committing import CommitRefused, recompute_after
from kechuang.monitoring.intake import (
    KINDS,
)
from kechuang.monitoring.models import ImportBatch
from kechuang.registry.models import Enterprise, ScaleRecord


def _committed_after(batch: ImportBatch):
    return ImportBatch.objects.filter(
        kind=batch.kind,
        year=batch.year,
        quarter=batch.quarter,
        status=choices.BatchStatus.COMMITTED,
        committed_at__gt=batch.committed_at,
    )


def later_batch(batch: ImportBatch) -> ImportBatch | None:
    """The first batch committed after `batch` for the same period that changed something;
    while one stands, undoing `batch` would undo figures on top of it. A batch that changed
    nothing (a re-import of the same figures) never stands in the way."""
    if batch.status != choices.BatchStatus.COMMITTED:
        return None
    return _committed_after(batch).exclude(undo=[]).order_by("committed_at").first()


def rollback(batch: ImportBatch, *, user) -> list[int]:
    """Undo a committed batch, if no later committed batch changed the same period; the ids
    of the later batches that changed nothing, marked rolled back with it."""
    if batch.status == choices.BatchStatus.ROLLED_BACK:
        raise CommitRefused("该批次已撤销（或已随前一批次一并撤销），无需再撤销。")
    if batch.status != choices.BatchStatus.COMMITTED:
        raise CommitRefused("只有已提交的批次可以撤销。")
    later = later_batch(batch)
    if later is not None:
        raise CommitRefused(f"该期数据之后还有已提交的批次（#{later.pk}），请先撤销后者。")
    model = KINDS[batch.kind].model
    reason = f"撤销导入批次#{batch.pk}"
    with transaction.atomic(), changelog.recording(user, reason=reason):
        for step in reversed(batch.undo):
            _undo(step, model, user=user, reason=reason)
        batch.status = choices.BatchStatus.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.save()
        return _withdraw_unchanged_after(batch, user=user)


def _withdraw_unchanged_after(batch: ImportBatch, *, user) -> list[int]:
    """Later batches of the period that wrote nothing stood on the figures just undone: they
    are marked rolled back with it, so none still claims figures the period no longer holds."""
    withdrawn = []
    reason = f"随批次#{batch.pk}撤销（本批次未写入数据）"
    for other in _committed_after(batch).filter(undo=[]):
        other.status = choices.BatchStatus.ROLLED_BACK
        other.rolled_back_at = batch.rolled_back_at
        with changelog.recording(user, reason=reason):
            other.save()
        withdrawn.append(other.pk)
    return withdrawn


def _undo(step: dict, model, *, user, reason: str) -> None:
    op = step["op"]
    pks = step["pks"] if "pks" in step else [step.get("pk")]
    if op in ("records_created", "record_created"):  # the latter: one step per row
        bulk.delete_rows(model, pks, user=user, reason=reason)
    elif op == "records_updated":
        names = step["fields"]
        frame = pd.DataFrame(
            [row[1:] for row in step["rows"]], columns=names, dtype="object"
        ).assign(id=[row[0] for row in step["rows"]])
        for name in names:
            frame[name] = [_restored(model, name, v) for v in frame[name]]
        bulk.update_rows(model, frame, user=user, reason=reason)
    elif op == "record_updated":
        before = {"id": step["pk"], **step["before"]}
        frame = pd.DataFrame([{k: _restored(model, k, v) for k, v in before.items()}])
        bulk.update_rows(model, frame.astype("object"), user=user, reason=reason)
    elif op in ("scales_created", "scale_created"):
        bulk.delete_rows(ScaleRecord, pks, user=user, reason=reason)
    elif op in ("scales_updated", "scale_updated"):
        bulk.update_rows(
            ScaleRecord,
            pd.DataFrame({"id": pks, "is_above_scale": False}),
            user=user,
            reason=reason,
        )
    elif op == "enterprise_created":
        enterprise = Enterprise.objects.get(pk=step["pk"])
        enterprise.status = "closed"
        with changelog.recording(user, reason=f"{reason}（新建的企业转为注销状态）"):
            enterprise.save()


def _restored(model, name: str, value):
    """A value from the undo list as the column stores it."""
    if value is None or name in ("id", "department", "source_unit"):
        return value
    if name == "batch_id":
        return int(value)
    if model._meta.get_field(name).get_internal_type() == "DecimalField":
        return Decimal(value)
    return int(Decimal(value))


def rollback_and_recompute(batch: ImportBatch, *, user, origin: dict | None = None) -> dict:
    """Roll back, log and recompute; the outcome as messages for the user."""
    try:
        withdrawn = rollback(batch, user=user)
    except CommitRefused as exc:
        record_operation(
            user,
            OperationLog.Action.OTHER,
            batch.get_kind_display(),
            summary=f"撤销批次#{batch.pk} 被拒绝：{exc}",
            success=False,
            origin=origin,
        )
        return {"error": str(exc)}
    record_operation(
        user,
        OperationLog.Action.OTHER,
        batch.get_kind_display(),
        summary=f"撤销批次#{batch.pk} {batch.filename}（{batch.year}年）",
        rows=batch.created_count + batch.updated_count,
        origin=origin,
    )
    also = (
        f"其后未写入数据的批次{'、'.join(f'#{pk}' for pk in withdrawn)}一并标记为已撤销。"
        if withdrawn
        else ""
    )
    outcome = {"success": f"已撤销批次#{batch.pk}：该批次写入的数据已恢复为导入前的状态。{also}"}
    if batch.quarter == 0 and not services.has_annual_records(batch.year):
        if services.retire_results(batch.year):
            outcome["info"] = f"{batch.year}年已无年报数据，该年度的监测结果已一并撤下。"
    else:
        outcome["warning"] = recompute_after(batch, user=user)
    return outcome
