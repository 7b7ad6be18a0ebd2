"""The life of an import batch: stage a file for preview, commit it in one transaction,
roll it back; each step leaves an operation-log row, and a commit or rollback of annual
figures recomputes that year's monitoring.

Committing the same file twice changes nothing. A batch staged without "update existing"
refuses, at commit as at preview, to overwrite a period that holds different figures.
"""

import csv
import io
import logging
from contextlib import nullcontext
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kechuang.core import bulk, changelog
from kechuang.core.excel import UnreadableFile, read_rows
from kechuang.core.frames import read_frame
from kechuang.core.models import OperationLog
from kechuang.core.oplog import record_operation
from kechuang.engines.industry import split_code
from kechuang.monitoring import choices, services
from kechuang.monitoring.intake import (
    IDENTITY_FIELDS,
    KINDS,
    Issue,
    field_label,
    file_digest,
    parse,
)
from kechuang.monitoring.models import ImportBatch
from kechuang.monitoring.validation import json_value, validate
from kechuang.registry import services as registry_services
from kechuang.registry.models import Enterprise, Industry, Region, ScaleRecord

logger = logging.getLogger(__name__)


def archive(content: bytes, digest: str, filename: str) -> str:
    """Keep an uploaded file under MEDIA_ROOT by its digest; the batch reads it to commit."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{Path(filename).suffix.lower()}"
    if not path.exists():
        path.write_bytes(content)
    return str(path)


def stage(
    *,
    filename: str,
    content: bytes,
    kind_key: str,
    year: int,
    quarter: int,
    department: str,
    default_unit: str,
    marks_above_scale: bool,
    user,
    allow_update: bool = False,
) -> ImportBatch:
    """Read and validate a file and keep it as a batch awaiting commit (nothing else written)."""
    digest = file_digest(content)
    parsed = parse(filename, content, kind_key, default_unit)
    validation = validate(
        parsed,
        kind_key=kind_key,
        year=year,
        quarter=quarter,
        user=user,
        allow_update=allow_update,
    )
    if parsed.stated_year and parsed.stated_year != year:
        parsed.issues.append(
            Issue(
                0,
                "",
                f"{parsed.stated_year}年",
                f"文件标题注明的统计年度为{parsed.stated_year}年，与所选的{year}年不一致："
                f"请选择{parsed.stated_year}年后重新上传；若文件标题有误，请先改正标题。",
                code="year_mismatch",
            )
        )
    earlier = ImportBatch.objects.filter(
        sha256=digest,
        kind=kind_key,
        year=year,
        quarter=quarter,
        status=choices.BatchStatus.COMMITTED,
    ).first()
    if earlier is not None:
        parsed.issues.append(
            Issue(
                0,
                "",
                filename,
                f"同一文件已于{timezone.localtime(earlier.committed_at):%Y-%m-%d %H:%M}提交（批次#{earlier.pk}）；再次提交不会改变数据。",
                severity="warning",
                code="same_file",
            )
        )
    with changelog.recording(user):
        return ImportBatch.objects.create(
            kind=kind_key,
            year=year,
            quarter=quarter,
            department=department,
            filename=filename[:255],
            sha256=digest,
            status=choices.BatchStatus.FAILED
            if validation.has_errors
            else choices.BatchStatus.VALIDATED,
            row_count=len(parsed.rows),
            issues=[asdict(i) for i in parsed.issues],
            unknown_usccs=validation.unknown,
            layout=layout_of(parsed, kind_key),
            stored_file=archive(content, digest, filename),
            default_unit=default_unit,
            marks_above_scale=marks_above_scale,
            allow_update=allow_update,
        )


def layout_of(parsed, kind_key: str) -> dict:
    """What the preview shows of the file's header: each recognised column with the field it
    fills and the unit used (and where that unit was read), the ignored columns, the skipped
    total rows."""
    kind = KINDS[kind_key]
    return {
        "columns": [
            {**column.as_json(), "field_label": field_label(kind, column.field)}
            for column in parsed.columns
        ],
        "ignored": parsed.ignored,
        "totals": parsed.skipped_totals,
    }


class CommitRefused(Exception):
    """The batch cannot be committed as asked; the message is for the user."""


def commit(
    batch: ImportBatch,
    *,
    user,
    create_unknown: bool,
    town_code: str = "",
    industry_code: str = "",
    report=lambda progress, message="": None,
) -> ImportBatch:
    """Write a validated batch in one transaction: upsert by (USCC, period), undo recorded.

    Enterprises the file names but the registry lacks are registered when `create_unknown`,
    in the file's town and industry or else `town_code` and `industry_code` (as typed: a
    class code with or without its section letter)."""
    if batch.status != choices.BatchStatus.VALIDATED:
        raise CommitRefused("只有校验通过、尚未提交的批次可以提交。")
    content = Path(batch.stored_file).read_bytes()
    parsed = parse(batch.filename, content, batch.kind, batch.default_unit)
    validation = validate(
        parsed,
        kind_key=batch.kind,
        year=batch.year,
        quarter=batch.quarter,
        user=user,
        allow_update=batch.allow_update,
    )
    if validation.has_errors:
        raise CommitRefused(
            "校验后该期数据已有变化（或文件已不同），与本批次不再一致：请重新上传并校验。"
        )
    if validation.unknown and not create_unknown:
        raise CommitRefused(
            f"有{len(validation.unknown)}家企业尚未登记：请选择“一并新建”或从文件中删除后重新上传。"
        )
    model = KINDS[batch.kind].model
    report(10, "写入数据")
    reason = f"导入批次#{batch.pk}"
    with transaction.atomic():
        enterprises = dict(validation.enterprises)
        undo: list[dict] = []
        if validation.unknown:
            created = _create_enterprises(
                validation.unknown, town_code, industry_code, user, reason
            )
            enterprises.update(created)
            undo.extend({"op": "enterprise_created", "pk": pk} for pk in created.values())
        fields = [c.field for c in parsed.columns if c.field not in IDENTITY_FIELDS]
        incoming = _incoming_frame(parsed.rows, enterprises, fields, model)
        period = model.objects.filter(year=batch.year, quarter=batch.quarter)
        existing = read_frame(period, ["id", "enterprise_id", *fields, *PROVENANCE])
        existing = existing.rename(columns={n: n + OLD for n in [*fields, *PROVENANCE]})
        merged = incoming.merge(existing, how="left", on="enterprise_id", validate="one_to_one")
        is_new = merged["id"].isna()
        differs = pd.Series(False, index=merged.index)
        for name in fields:
            new = pd.to_numeric(merged[name]).astype("float64")
            old = merged[name + OLD].astype("float64")
            differs |= (new != old) & ~(new.isna() & old.isna())
        changed = merged[~is_new & differs]
        batch.unchanged_count = int((~is_new & ~differs).sum())
        report(40, "保存记录")
        provenance = {
            "batch_id": batch.pk,
            "department": batch.department,
            "source_unit": batch.default_unit,
        }
        additions = merged.loc[is_new, ["enterprise_id", *fields]].assign(
            year=batch.year, quarter=batch.quarter, **provenance
        )
        bulk.insert_rows(
            model, additions, user=user, reason=reason, within=period, key="enterprise_id"
        )
        if not additions.empty:
            ids = list(period.filter(batch=batch).values_list("pk", flat=True))
            undo.append({"op": "records_created", "pks": ids})
        if not changed.empty:
            undo.append(
                {
                    "op": "records_updated",
                    "fields": [*PROVENANCE, *fields],
                    "rows": [
                        [int(row[0]), *(_stored_json(v) for v in row[1:])]
                        for row in changed[
                            ["id", *(f + OLD for f in [*PROVENANCE, *fields])]
                        ].itertuples(index=False, name=None)
                    ],
                }
            )
            bulk.update_rows(
                model,
                changed[["id", *fields]].assign(**provenance),
                user=user,
                reason=reason,
            )
        if batch.marks_above_scale:
            undo.extend(_mark_above_scale(batch.year, list(enterprises.values()), user, reason))
        report(90, "记录撤销信息")
        batch.created_count = len(additions)
        batch.updated_count = len(changed)
        batch.undo = undo
        batch.status = choices.BatchStatus.COMMITTED
        batch.committed_at = timezone.now()
        batch.save()
    return batch


PROVENANCE = ["batch_id", "department", "source_unit"]
OLD = "__stored"


def _incoming_frame(rows, enterprises: dict[str, int], fields: list[str], model) -> pd.DataFrame:
    """The file's rows as columns of stored values: Decimal yuan (object) and Int64 counts."""
    frame = pd.DataFrame({"enterprise_id": [enterprises[row.uscc] for row in rows]})
    for name in fields:
        values = [row.values.get(name) for row in rows]
        if model._meta.get_field(name).get_internal_type() == "DecimalField":
            frame[name] = pd.Series(values, dtype="object")
        else:
            frame[name] = pd.array(values, dtype="Int64")
    return frame


def _stored_json(value):
    """A stored value read back as a frame cell, as kept in the undo list."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json_value(value)


def _mark_above_scale(year: int, enterprise_ids: list[int], user, reason: str) -> list[dict]:
    """Mark the enterprises 规上 for the year; the undo steps."""
    within = ScaleRecord.objects.filter(year=year)
    stored = read_frame(within, ["id", "enterprise_id", "is_above_scale"])
    stored = stored[stored["enterprise_id"].isin(enterprise_ids)]
    unmarked = [int(pk) for pk in stored.loc[~stored["is_above_scale"].astype(bool), "id"]]
    missing = sorted(set(enterprise_ids) - set(stored["enterprise_id"].astype(int)))
    undo = []
    if missing:
        bulk.insert_rows(
            ScaleRecord,
            pd.DataFrame({"enterprise_id": missing, "year": year, "is_above_scale": True}),
            user=user,
            reason=reason,
            within=within,
            key="enterprise_id",
        )
        created = read_frame(within.filter(is_above_scale=True), ["id", "enterprise_id"])
        pks = created.loc[created["enterprise_id"].isin(missing), "id"].astype(int).tolist()
        undo.append({"op": "scales_created", "pks": pks})
    if unmarked:
        bulk.update_rows(
            ScaleRecord,
            pd.DataFrame({"id": unmarked, "is_above_scale": True}),
            user=user,
            reason=reason,
        )
        undo.append({"op": "scales_updated", "pks": unmarked})
    return undo


def _create_enterprises(
    unknown: list[dict], town_code: str, industry_code: str, user, reason: str
) -> dict[str, int]:
    towns = Region.objects.within_scope(user).filter(level="town")
    fallback_town = towns.filter(code=town_code).first()
    created = {}
    for item in unknown:
        town = (
            towns.filter(name=item["town"]).first() or towns.filter(code=item["town"]).first()
            if item["town"]
            else None
        ) or fallback_town
        fallback = split_code(industry_code)[1]
        code = split_code(item["industry"] or "")[1] or fallback
        industry = (
            Industry.objects.filter(code=code, level=4).first()
            or Industry.objects.filter(code=fallback, level=4).first()
        )
        if town is None or industry is None:
            raise CommitRefused(
                f"第{item['row']}行企业“{item['name'] or item['uscc']}”尚未登记：请选择新建企业的默认乡镇街道和行业。"
            )
        if not item["name"]:
            raise CommitRefused(f"第{item['row']}行企业尚未登记且文件中没有企业名称，无法新建。")
        try:
            enterprise = registry_services.register_enterprise(
                {
                    "uscc": item["uscc"],
                    "name": item["name"],
                    "town": town.code,
                    "industry": industry.code,
                },
                user=user,
                reason=reason,
                founding_date_known=False,
            )
        except registry_services.EnterpriseRefused as refusal:
            raise CommitRefused(
                f"第{item['row']}行企业“{item['name']}”不能新建：{refusal}"
            ) from None
        created[item["uscc"]] = enterprise.pk
    return created


def _committed_after(batch: ImportBatch):
    return ImportBatch.objects.filter(
        kind=batch.kind,
        year=batch.year,
        quarter=batch.quarter,
        status=choices.BatchStatus.COMMITTED,
        committed_at__gt=batch.committed_at,
    )


LAYOUT_ROWS = 40  # parse looks for the header in the first 20 rows, up to three rows deep


def layout_for(batch: ImportBatch) -> dict | None:
    """The columns the batch's file matched, in which unit, and what it ignored or skipped.

    Stored with the batch when it is staged; for a batch staged before that was kept, the
    rows around the header are read again (cached by file digest)."""
    if batch.layout:
        return batch.layout
    key = f"intake-layout:{batch.sha256}:{batch.kind}:{batch.default_unit}"
    layout = cache.get(key)
    if layout is not None:
        return layout
    try:
        rows = read_rows(batch.filename, Path(batch.stored_file).read_bytes())[:LAYOUT_ROWS]
    except (OSError, UnreadableFile):
        return None
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if c is None else c for c in row] for row in rows])
    parsed = parse("head.csv", buffer.getvalue().encode(), batch.kind, batch.default_unit)
    layout = layout_of(parsed, batch.kind)
    cache.set(key, layout, 3600)
    return layout


def later_batch(batch: ImportBatch) -> ImportBatch | None:
    """The first batch committed after `batch` for the same period that changed something;
    while one stands, undoing `batch` would undo figures on top of it. A batch that changed
    nothing (a re-import of the same figures) never stands in the way."""
    if batch.status != choices.BatchStatus.COMMITTED:
        return None
    return _committed_after(batch).exclude(undo=[]).order_by("committed_at").first()


def discard(batch: ImportBatch, *, user, origin: dict | None = None) -> ImportBatch:
    """Set aside a batch that was staged but will not be committed; its file is deleted
    unless another batch still refers to it."""
    if batch.status not in (choices.BatchStatus.VALIDATED, choices.BatchStatus.FAILED):
        raise CommitRefused("只有尚未提交的批次可以放弃。")
    with transaction.atomic(), changelog.recording(user, reason="放弃导入"):
        batch.status = choices.BatchStatus.DISCARDED
        batch.save()
        record_operation(
            user,
            OperationLog.Action.IMPORT,
            batch.get_kind_display(),
            summary=f"放弃导入批次#{batch.pk} {batch.filename}（{batch.year}年）",
            rows=batch.row_count,
            origin=origin,
        )
    others = ImportBatch.objects.filter(stored_file=batch.stored_file).exclude(
        status=choices.BatchStatus.DISCARDED
    )
    if batch.stored_file and not others.exists():
        Path(batch.stored_file).unlink(missing_ok=True)
    return batch


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


# -- with the operation log and the year's monitoring ---------------------------------------


def log_staged(batch: ImportBatch, *, user, origin: dict | None = None) -> None:
    """The operation-log row of an upload and its validation."""
    record_operation(
        user,
        OperationLog.Action.IMPORT,
        batch.get_kind_display(),
        summary=f"上传并校验 {batch.filename}（{batch.year}年，批次#{batch.pk}）：{batch.row_count} 行，"
        f"错误 {len(batch.errors)}，警告 {len(batch.warnings)}，"
        f"未登记企业 {len(batch.unknown_usccs)}",
        rows=batch.row_count,
        success=batch.status == choices.BatchStatus.VALIDATED,
        origin=origin,
    )


def recompute_after(batch: ImportBatch, *, user) -> str:
    """Recompute the batch's year; an empty string, or the warning to show if it failed.

    The import stands whatever the monitoring engine does: its failure is rolled back to a
    savepoint and reported, not raised."""
    if batch.quarter != 0:
        return ""
    # Inside a transaction, a savepoint keeps a failure from spoiling it; outside one the
    # recompute reads on connections of its own and writes in its own transaction.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
    try:
        with guard:
            services.recompute(batch.year, user=user)
    except Exception:
        logger.exception("Recompute of %s after batch %s failed", batch.year, batch.pk)
        return (
            f"数据已保存，但{batch.year}年监测结果未能重新计算（错误已记入系统日志）；"
            "请稍后在“研发监测总览”中点击“重新计算”。"
        )
    return ""


def commit_and_recompute(
    batch: ImportBatch,
    *,
    user,
    create_unknown: bool,
    town_code: str = "",
    industry_code: str = "",
    origin: dict | None = None,
    report=lambda progress, message="": None,
) -> dict:
    """Commit, log and recompute; the outcome as messages for the user ("error" when the
    commit was refused, "warning" when the recompute failed) and the batch's address."""
    outcome = {"batch_id": batch.pk, "url": batch.get_absolute_url()}
    try:
        commit(
            batch,
            user=user,
            create_unknown=create_unknown,
            town_code=town_code,
            industry_code=industry_code,
            report=report,
        )
    except CommitRefused as exc:
        record_operation(
            user,
            OperationLog.Action.IMPORT,
            batch.get_kind_display(),
            summary=f"提交批次#{batch.pk} 被拒绝：{exc}",
            success=False,
            origin=origin,
        )
        return {**outcome, "error": str(exc)}
    record_operation(
        user,
        OperationLog.Action.IMPORT,
        batch.get_kind_display(),
        summary=f"提交批次#{batch.pk} {batch.filename}（{batch.year}年）：新增 {batch.created_count}，"
        f"更新 {batch.updated_count}，未变化 {batch.unchanged_count}",
        rows=batch.created_count + batch.updated_count,
        origin=origin,
    )
    report(95, "重新计算监测结果")
    outcome["warning"] = recompute_after(batch, user=user)
    return outcome


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
