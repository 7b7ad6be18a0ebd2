"""Staging: a file read, validated and kept as a batch for preview; its layout, its
operation-log row, and setting it aside unused."""

import csv
import io
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kechuang.core import changelog
from kechuang.core.excel import UnreadableFile, read_rows
from kechuang.core.models import OperationLog
from kechuang.core.oplog import record_operation
from kechuang.monitoring import choices
from kechuang.monitoring.batches.committing import CommitRefused
from kechuang.monitoring.intake import (
    KINDS,
    Issue,
    field_label,
    file_digest,
    parse,
)
from kechuang.monitoring.models import ImportBatch
from kechuang.monitoring.validation import validate


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
            # In the file's order: the file's own issues (row 0) first, then row by row.
            issues=[asdict(i) for i in sorted(parsed.issues, key=lambda issue: issue.row)],
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
