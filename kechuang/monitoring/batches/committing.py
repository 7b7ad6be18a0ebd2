"""Committing a validated batch in one transaction (figures upserted by credit code and
period, enterprises registered or marked above scale on request, every step recorded so it
can be undone), then logging it and recomputing the year's monitoring."""

import logging
from contextlib import nullcontext
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils import timezone

from kechuang.core import bulk, changelog
from kechuang.core.frames import read_frame
from kechuang.core.models import OperationLog
from kechuang.core.oplog import record_operation
from kechuang.engines.industry import split_code
from kechuang.monitoring import choices, services
from kechuang.monitoring.intake import (
    IDENTITY_FIELDS,
    KINDS,
    parse,
)
from kechuang.monitoring.models import ImportBatch
from kechuang.monitoring.validation import json_value, validate
from kechuang.registry import services as registry_services
from kechuang.registry.models import Industry, Region, ScaleRecord

logger = logging.getLogger(__name__)


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
    with transaction.atomic(), changelog.recording(user, reason=reason):
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
